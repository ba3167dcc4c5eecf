"""The barcode/QR scanner decoder (contract 5.3): evdev InputEvent sequences as a HID
scanner types them (US and AZERTY layouts), and a real pty in serial mode."""

from __future__ import annotations

import os
import threading
import time
from collections import namedtuple

import pytest

from kiosk.core.settings import AppointmentsSection
from kiosk.devices.scanner import KeyDecoder, LineDecoder, Scanner

try:  # python-evdev's own types and constants when installed, else the Linux key codes
    from evdev import InputEvent, ecodes

    EV_KEY, EV_SYN = ecodes.EV_KEY, ecodes.EV_SYN
    KEY = {name[4:]: code for name, code in ecodes.ecodes.items() if name.startswith("KEY_")}
except ImportError:  # pragma: no cover - depends on the machine
    _Event = namedtuple("_Event", "sec usec type code value")

    def InputEvent(sec, usec, type, code, value):
        return _Event(sec, usec, type, code, value)

    EV_KEY, EV_SYN = 1, 0
    KEY = {
        **{c: 2 + i for i, c in enumerate("1234567890")},
        **{c.upper(): 16 + i for i, c in enumerate("qwertyuiop")},
        **{c.upper(): 30 + i for i, c in enumerate("asdfghjkl")},
        **{c.upper(): 44 + i for i, c in enumerate("zxcvbnm")},
        "SEMICOLON": 39,
        "DOT": 52,
        "SLASH": 53,
        "COMMA": 51,
        "MINUS": 12,
        "LEFTSHIFT": 42,
        "ENTER": 28,
        "RIGHTALT": 100,
    }


def press(name: str, *, shift: bool = False) -> list:
    """A key as a scanner types it: Shift down, key down, SYN, key up, Shift up."""
    code = KEY[name]
    events = []
    if shift:
        events.append(InputEvent(0, 0, EV_KEY, KEY["LEFTSHIFT"], 1))
    events += [
        InputEvent(0, 0, EV_KEY, code, 1),
        InputEvent(0, 0, EV_SYN, 0, 0),
        InputEvent(0, 0, EV_KEY, code, 0),
    ]
    if shift:
        events.append(InputEvent(0, 0, EV_KEY, KEY["LEFTSHIFT"], 0))
    return events


def us_keys(text: str) -> list:
    """What a US-layout scanner sends for ``text``, then Enter."""
    symbols = {":": ("SEMICOLON", True), "/": ("SLASH", False), ".": ("DOT", False)}
    events = []
    for c in text:
        if c in symbols:
            name, shift = symbols[c]
        elif c.isdigit():
            name, shift = c, False
        else:
            name, shift = c.upper(), c.isupper()
        events += press(name, shift=shift)
    return events + press("ENTER")


def azerty_keys(text: str) -> list:
    """What an AZERTY-layout scanner sends: the key codes where AZERTY prints the
    characters (a on Q, m on ;, digits with Shift, ':' on '.' , '/' Shift on ':')."""
    letter_key = {"a": "Q", "q": "A", "z": "W", "w": "Z", "m": "SEMICOLON"}
    symbols = {":": ("DOT", False), "/": ("DOT", True), ".": ("COMMA", True)}
    events = []
    for c in text:
        if c in symbols:
            name, shift = symbols[c]
        elif c.isdigit():
            name, shift = c, True
        else:
            name = letter_key.get(c.lower(), c.upper())
            shift = c.isupper()
        events += press(name, shift=shift)
    return events + press("ENTER")


def test_us_layout_code_and_url():
    decoder = KeyDecoder("us")
    assert decoder.feed_all(us_keys("K7P2QX")) == ["K7P2QX"]
    assert decoder.feed_all(us_keys("https://rdv.example.org/c/AM7Q2W")) == [
        "https://rdv.example.org/c/AM7Q2W"
    ]


def test_azerty_layout_digits_need_shift_and_letters_move():
    decoder = KeyDecoder("azerty")
    assert decoder.feed_all(azerty_keys("K7P2QX")) == ["K7P2QX"]
    assert decoder.feed_all(azerty_keys("AM7Q2W")) == ["AM7Q2W"]
    # the same keys read with the wrong layout give another text: the layout matters
    assert KeyDecoder("us").feed_all(azerty_keys("AM7Q2W")) != ["AM7Q2W"]
    assert decoder.feed_all(azerty_keys("https://rdv.example.org/c/K7P2QX")) == [
        "https://rdv.example.org/c/K7P2QX"
    ]


def test_releases_autorepeat_and_unknown_keys_are_ignored():
    decoder = KeyDecoder("us")
    events = [InputEvent(0, 0, EV_KEY, KEY["K"], 2), InputEvent(0, 0, EV_KEY, 240, 1)]
    assert decoder.feed_all(events + us_keys("AB")) == ["AB"]
    assert decoder.feed_all(press("ENTER")) == []  # an Enter alone reads nothing


def test_a_grabbed_evdev_like_device_feeds_the_check_in():
    read_fd, write_fd = os.pipe()
    got: list[str] = []
    done = threading.Event()

    class Device:  # InputDevice's surface: fd, read(), grab(), ungrab(), close()
        fd = read_fd
        grabbed = False

        def read(self):
            os.read(read_fd, 1)
            return us_keys("K7P2QX")

        def grab(self):
            Device.grabbed = True

        def ungrab(self):
            Device.grabbed = False

        def close(self):
            pass

    section = AppointmentsSection(scanner="/dev/input/by-id/usb-scanner-event-kbd")
    scanner = Scanner(section, on_text=lambda t: (got.append(t), done.set()), device=Device())
    with scanner:
        os.write(write_fd, b"x")
        assert done.wait(5)
        assert Device.grabbed
    assert got == ["K7P2QX"] and not Device.grabbed
    os.close(read_fd)
    os.close(write_fd)


def test_serial_mode_on_a_pty():
    serial = pytest.importorskip("serial")
    controller, device = os.openpty()
    name = os.ttyname(device)
    got: list[str] = []
    section = AppointmentsSection(scanner=f"serial://{name}?baudrate=9600")
    scanner = Scanner(section, on_text=got.append).open()
    try:
        os.write(controller, b"K7P2QX\r\nhttps://rdv.example.org/c/AM7Q2W\r")
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scanner.close()
        os.close(controller)
        os.close(device)
    assert got == ["K7P2QX", "https://rdv.example.org/c/AM7Q2W"]
    assert serial is not None


def test_line_decoder_keeps_a_partial_line():
    d = LineDecoder()
    assert d.feed(b"K7P") == []
    assert d.feed(b"2QX\n\n") == ["K7P2QX"]
