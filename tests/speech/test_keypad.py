"""The keypad: GPIO keys on gpiozero's MockFactory, a USB keypad through a stand-in device
on a real pipe (no /dev/uinput here), the configured key mapping, debounce, grab. Each test
names its USB backend (a given device, or python-evdev's, here a stand-in module): whether
python-evdev is installed on the machine running the tests changes nothing."""

from __future__ import annotations

import os
import queue
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from gpiozero.pins.mock import MockFactory

from kiosk.core.clock import FakeClock
from kiosk.core.settings import DEFAULT_EVDEV_KEYS, KeypadSection
from kiosk.devices.keypad import EV_KEY, EvdevBackend, GivenDevice, Keypad


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


def test_usb_keypad_events_by_kernel_code_on_the_given_backend(monkeypatch):
    """The test picks its backend (a given device, kernel code names): an evdev package
    that happens to be importable (installed, or this stand-in) changes nothing."""
    monkeypatch.setitem(sys.modules, "evdev", _stand_in_evdev(opened=[]))
    monkeypatch.setitem(sys.modules, "evdev.ecodes", sys.modules["evdev"].ecodes)
    keys: queue.Queue[str] = queue.Queue()
    device = PipeDevice()
    section = KeypadSection(evdev_keys={"KEY_76": "select", "KEY_72": "up"})
    keypad = Keypad(section, on_key=keys.put, clock=FakeClock(), backend=GivenDevice(device)).open()
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


def test_the_kiosk_reads_a_usb_keypad_with_python_evdev_by_its_names(monkeypatch, tmp_path):
    """The product's backend is python-evdev, chosen by name (not by what imports): the
    configured path is opened with evdev.InputDevice and keys are named by evdev.ecodes."""
    opened: list[str] = []
    stand_in = _stand_in_evdev(opened)
    monkeypatch.setitem(sys.modules, "evdev", stand_in)
    monkeypatch.setitem(sys.modules, "evdev.ecodes", stand_in.ecodes)
    keys: queue.Queue[str] = queue.Queue()
    path = tmp_path / "usb-keypad-event-kbd"
    backend = EvdevBackend()
    assert backend.name == "evdev"
    section = KeypadSection(evdev=path)  # the default mapping: KEY_KP5 is select
    with Keypad(section, on_key=keys.put, clock=FakeClock(), backend=backend) as keypad:
        assert opened == [str(path)] and keypad.is_grabbed
        device = stand_in.devices[0]
        device.send(Event(EV_KEY, 76, 1))
        assert keys.get(timeout=5) == "select"


def test_without_python_evdev_the_usb_keypad_is_one_clear_line(monkeypatch, tmp_path, caplog):
    monkeypatch.setitem(sys.modules, "evdev", None)  # import evdev raises ImportError
    section = KeypadSection(evdev=tmp_path / "usb-keypad-event-kbd")
    with Keypad(section, on_key=lambda k: None, clock=FakeClock(), backend=EvdevBackend()):
        pass
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "python-evdev is not installed" in line and "pip install evdev" in line


def _stand_in_evdev(opened: list[str]) -> types.ModuleType:
    """A module named evdev with what the keypad uses: InputDevice (a PipeDevice) and
    ecodes.KEY (76 is KEY_KP5, as in linux/input-event-codes.h)."""
    module = types.ModuleType("evdev")
    module.devices = []  # type: ignore[attr-defined]

    def input_device(path: str) -> PipeDevice:
        opened.append(path)
        device = PipeDevice()
        module.devices.append(device)  # type: ignore[attr-defined]
        return device

    module.InputDevice = input_device  # type: ignore[attr-defined]
    module.ecodes = types.SimpleNamespace(KEY={76: "KEY_KP5", 72: "KEY_KP8"}, BTN={})  # type: ignore[attr-defined]
    return module


def test_default_mapping_covers_every_key_and_marks_select_on_5():
    from kiosk.core.settings import KEY_NAMES

    assert set(DEFAULT_EVDEV_KEYS.values()) == set(KEY_NAMES)
    assert DEFAULT_EVDEV_KEYS["KEY_KP5"] == "select"  # the key with the tactile dot (8.4.1)


def test_a_missing_usb_keypad_is_one_clear_line(tmp_path, caplog):
    section = KeypadSection(evdev=tmp_path / "no-such-event-kbd")
    with Keypad(section, on_key=lambda k: None, clock=FakeClock()) as keypad:
        assert not keypad.is_grabbed
    assert "the USB keypad is ignored" in caplog.text
