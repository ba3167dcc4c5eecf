"""The keypad: GPIO keys on gpiozero's MockFactory, a USB keypad through a stand-in device
on a real pipe (no /dev/uinput here), the configured key mapping, debounce, grab."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from gpiozero.pins.mock import MockFactory

from kiosk.core.clock import FakeClock
from kiosk.core.settings import DEFAULT_EVDEV_KEYS, KeypadSection
from kiosk.devices.keypad import EV_KEY, Keypad


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    f = MockFactory()
    yield f
    f.reset()
    f.close()


def test_gpio_keys_report_their_configured_names(factory):
    keys: queue.Queue[str] = queue.Queue()
    section = KeypadSection(gpio={"help": "GPIO5", "select": "GPIO6", "down": "BOARD36"})
    clock = FakeClock()
    with Keypad(section, on_key=keys.put, clock=clock, pin_factory=factory):
        for pin in (5, 6, 5):
            factory.pin(pin).drive_low()
            factory.pin(pin).drive_high()
            clock.advance(1)
        assert [keys.get(timeout=5) for _ in range(3)] == ["help", "select", "help"]


def test_a_bouncing_key_counts_once(factory):
    keys: queue.Queue[str] = queue.Queue()
    clock = FakeClock()
    with Keypad(
        KeypadSection(gpio={"select": "GPIO6"}), on_key=keys.put, clock=clock, pin_factory=factory
    ) as keypad:
        for _ in range(3):  # three edges within the debounce window
            factory.pin(6).drive_low()
            factory.pin(6).drive_high()
        assert keys.get(timeout=5) == "select"
        assert keypad.ignored == 2


@dataclass
class Event:
    type: int
    code: int
    value: int


class PipeDevice:
    """What Keypad needs of an evdev.InputDevice, on a real pipe so select() works."""

    def __init__(self) -> None:
        self.fd, self._w = os.pipe()
        self.pending: queue.Queue[Event] = queue.Queue()
        self.is_grabbed = False
        self.is_closed = False

    def send(self, *events: Event) -> None:
        for e in events:
            self.pending.put(e)
        os.write(self._w, b"x")

    def read(self) -> list[Event]:
        os.read(self.fd, 1)
        out = []
        while not self.pending.empty():
            out.append(self.pending.get())
        return out

    def grab(self) -> None:
        self.is_grabbed = True

    def ungrab(self) -> None:
        self.is_grabbed = False

    def close(self) -> None:
        self.is_closed = True
        os.close(self.fd)
        os.close(self._w)


def test_usb_keypad_events_by_name_without_evdev_installed():
    keys: queue.Queue[str] = queue.Queue()
    device = PipeDevice()
    section = KeypadSection(evdev_keys={"KEY_76": "select", "KEY_72": "up"})
    keypad = Keypad(section, on_key=keys.put, clock=FakeClock(), device=device).open()
    try:
        assert device.is_grabbed
        # KEY_KP5 (76) down, repeat (2) and up (0): one press; KEY_KP8 (72) down
        device.send(Event(EV_KEY, 76, 1), Event(EV_KEY, 76, 2), Event(EV_KEY, 76, 0))
        assert keys.get(timeout=5) == "select"
        device.send(Event(EV_KEY, 72, 1))
        assert keys.get(timeout=5) == "up"
    finally:
        keypad.close()
    assert device.is_closed and not device.is_grabbed


def test_default_mapping_covers_every_key_and_marks_select_on_5():
    from kiosk.core.settings import KEY_NAMES

    assert set(DEFAULT_EVDEV_KEYS.values()) == set(KEY_NAMES)
    assert DEFAULT_EVDEV_KEYS["KEY_KP5"] == "select"  # the key with the tactile dot (8.4.1)


def test_a_missing_usb_keypad_is_one_clear_line(tmp_path, caplog):
    section = KeypadSection(evdev=tmp_path / "no-such-event-kbd")
    with Keypad(section, on_key=lambda k: None, clock=FakeClock()) as keypad:
        assert not keypad.is_grabbed
    assert "the USB keypad is ignored" in caplog.text
