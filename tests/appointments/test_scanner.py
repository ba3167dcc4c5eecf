"""The barcode/QR scanner decoder (contract 5.3): evdev InputEvent sequences as a HID
scanner types them (US and AZERTY layouts), a real pty in serial mode, and a scanner unplugged
and plugged back (a pty and its link going away, a FIFO whose device fails)."""

from __future__ import annotations

import errno
import logging
import os
import queue
import sys
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


# ---- unplugged and plugged back -------------------------------------------------------------


def _wait_for(predicate, what: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


class _PluggedPty:
    """A serial scanner on a real pty behind a by-id style link: unplugging it closes the pty
    and removes the link, as udev does; plugging it back makes a new pty and a new link."""

    def __init__(self, link):
        self.link = link
        self.controller = self.device = -1

    def plug(self) -> None:
        self.controller, self.device = os.openpty()
        self.link.unlink(missing_ok=True)
        self.link.symlink_to(os.ttyname(self.device))

    def unplug(self) -> None:
        os.close(self.controller)
        os.close(self.device)
        self.controller = self.device = -1
        self.link.unlink(missing_ok=True)


def test_a_serial_scanner_unplugged_then_plugged_back_reads_again(tmp_path, caplog):
    pytest.importorskip("serial")
    pty = _PluggedPty(tmp_path / "usb-scanner-if00")
    pty.plug()
    got: queue.Queue[str] = queue.Queue()
    section = AppointmentsSection(scanner=f"serial://{pty.link}?baudrate=9600")
    scanner = Scanner(section, on_text=got.put, reopen_first_s=0.02, reopen_max_s=0.1)
    caplog.set_level(logging.INFO, logger="kiosk.devices.scanner")
    with scanner:
        _wait_for(lambda: scanner.state == "reading", "the first open")
        os.write(pty.controller, b"K7P2QX\n")
        assert got.get(timeout=5) == "K7P2QX"
        pty.unplug()
        _wait_for(lambda: scanner.reopen_attempts >= 4, "several tries while it is away")
        assert scanner.state == "reopening"
        pty.plug()
        _wait_for(lambda: scanner.state == "reading", "the scanner back")
        os.write(pty.controller, b"AM7Q2W\n")
        assert got.get(timeout=5) == "AM7Q2W"
    pty.unplug()
    assert scanner.state == "closed"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    # one line when it went, none for each failed try, one (INFO) when it came back
    assert len([line for line in lines if "stopped answering" in line]) == 1, lines
    assert len(lines) == 1, lines
    assert any("reading again" in r.getMessage() for r in caplog.records)


def test_a_hid_scanner_that_goes_away_is_reopened(tmp_path):
    """The HID side on a real FIFO: read() fails with ENODEV as evdev's does when the
    scanner is pulled out; the opener fails while it is away, then gives a new device."""
    fifo = tmp_path / "usb-scanner-event-kbd"
    os.mkfifo(fifo)
    got: queue.Queue[str] = queue.Queue()
    opened: list[int] = []

    class FifoDevice:
        def __init__(self) -> None:
            self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            self.writer = os.open(fifo, os.O_WRONLY)

        def read(self):
            data = os.read(self.fd, 64)
            if data == b"gone":
                raise OSError(errno.ENODEV, "No such device")
            return us_keys(data.decode())

        def grab(self) -> None:
            pass

        def ungrab(self) -> None:
            pass

        def close(self) -> None:
            os.close(self.fd)
            os.close(self.writer)

    devices: list[FifoDevice] = []

    def opener() -> FifoDevice:
        opened.append(1)
        if not fifo.exists():
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(fifo))
        devices.append(FifoDevice())
        return devices[-1]

    section = AppointmentsSection(scanner=str(fifo))
    scanner = Scanner(
        section, on_text=got.put, opener=opener, reopen_first_s=0.02, reopen_max_s=0.1
    )
    with scanner:
        _wait_for(lambda: scanner.state == "reading", "the first open")
        os.write(devices[0].writer, b"K7P2QX")
        assert got.get(timeout=5) == "K7P2QX"
        fifo.unlink()
        os.write(devices[0].writer, b"gone")
        _wait_for(lambda: scanner.reopen_attempts >= 3, "tries while it is away")
        os.mkfifo(fifo)
        _wait_for(lambda: len(devices) == 2 and scanner.state == "reading", "the new device")
        os.write(devices[1].writer, b"AM7Q2W")
        assert got.get(timeout=5) == "AM7Q2W"
    assert scanner.state == "closed"


def test_reopen_delays_double_up_to_a_bound():
    from kiosk.devices.scanner import reopen_delay_s

    delays = [reopen_delay_s(n, first_s=0.5, max_s=30.0) for n in range(1, 10)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_without_python_evdev_the_hid_scanner_is_one_line_and_no_retry(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "evdev", None)
    section = AppointmentsSection(scanner="/dev/input/by-id/usb-scanner-event-kbd")
    with Scanner(section, on_text=lambda t: None, reopen_first_s=0.01) as scanner:
        _wait_for(lambda: scanner.state == "off", "the scanner given up")
        assert scanner.reopen_attempts == 0
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "python-evdev is not installed" in line
