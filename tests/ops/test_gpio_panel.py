"""The GPIO panel against gpiozero's MockFactory: real gpiozero devices on mock pins."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from kiosk.core.clock import FakeClock
from kiosk.core.errors import ConfigError
from kiosk.core.messages import KioskSnapshot
from kiosk.core.settings import GpioSection
from kiosk.devices.gpio_panel import GpioPanel, led_mode_for

SECTION = GpioSection(
    ticket_button_pin="GPIO17",
    ticket_button_category="etat-civil",
    status_led_pin="GPIO27",
    technician_button_pin="BOARD22",  # GPIO25
)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    """A pin factory of our own, passed explicitly: gpiozero's global one is never touched."""
    f = MockFactory()
    yield f
    f.reset()
    f.close()


class Recorder:
    def __init__(self) -> None:
        self.tickets = 0
        self.technician = threading.Event()

    def on_ticket(self) -> None:
        self.tickets += 1

    def on_technician(self) -> None:
        self.technician.set()


def make_panel(factory: MockFactory, clock: FakeClock, rec: Recorder, **kw: float) -> GpioPanel:
    return GpioPanel(
        SECTION,
        on_ticket=rec.on_ticket,
        on_technician=rec.on_technician,
        clock=clock,
        pin_factory=factory,
        **kw,
    )


def test_init_does_no_io(factory: MockFactory) -> None:
    panel = make_panel(factory, FakeClock(), Recorder())
    assert not panel.is_open and factory.pins == {}
    assert "open=False" in repr(panel)


def test_ticket_press_calls_back_with_debounce(factory: MockFactory) -> None:
    clock, rec = FakeClock(), Recorder()
    with make_panel(factory, clock, rec) as panel:
        pin = factory.pin(17)
        pin.drive_low()  # pressed: gpiozero calls when_pressed synchronously on mock pins
        pin.drive_high()
        assert rec.tickets == 1
        for _ in range(5):  # contact bounce within 300 ms: ignored
            clock.advance(0.05)
            pin.drive_low()
            pin.drive_high()
        assert rec.tickets == 1 and panel.presses_ignored == 5
        clock.advance(0.3)
        pin.drive_low()
        pin.drive_high()
        assert rec.tickets == 2
    assert not panel.is_open


def test_technician_button_must_be_held(factory: MockFactory) -> None:
    clock, rec = FakeClock(), Recorder()
    with make_panel(factory, clock, rec, hold_time_s=0.05):
        pin = factory.pin(25)
        pin.drive_low()
        pin.drive_high()  # a short press does nothing ...
        assert not rec.technician.is_set()
        pin.drive_low()  # ... a hold does, from gpiozero's hold thread
        assert rec.technician.wait(timeout=5.0)
        pin.drive_high()
        assert rec.tickets == 0


def _wait_for_toggles(pin: object, count: int, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(pin.states) >= count:  # type: ignore[attr-defined]
            return True
        time.sleep(0.01)
    return False


def test_led_modes(factory: MockFactory) -> None:
    with make_panel(factory, FakeClock(), Recorder()) as panel:
        led = factory.pin(27)
        panel.set_led("steady")
        assert led.state
        panel.set_led("off")
        assert not led.state
        panel.set_led("fast")
        before = len(led.states)
        assert _wait_for_toggles(led, before + 3)
        panel.set_led("slow")
        assert panel.led_mode == "slow"
        panel.show(KioskSnapshot(printer_status="ok"))
        assert panel.led_mode == "steady" and led.state
        with pytest.raises(ValueError, match="expected one of steady"):
            panel.set_led("disco")
    assert panel.led_mode == "off"


def test_led_mode_for_snapshot() -> None:
    assert led_mode_for(KioskSnapshot(printer_status="ok")) == "steady"
    assert led_mode_for(KioskSnapshot(printer_status="unknown")) == "steady"
    assert led_mode_for(KioskSnapshot(printer_status="paper_near_end")) == "slow"
    assert led_mode_for(KioskSnapshot(printer_status="paper_out")) == "fast"
    assert led_mode_for(KioskSnapshot(printer_status="ok", out_of_order_reason="store")) == "fast"
    assert led_mode_for(KioskSnapshot(is_open=False, printer_status="paper_out")) == "off"
    assert led_mode_for(KioskSnapshot(is_paused=True, out_of_order_reason="paused")) == "off"


def test_close_is_idempotent_and_frees_pins(factory: MockFactory) -> None:
    panel = make_panel(factory, FakeClock(), Recorder())
    panel.open()
    panel.close()
    panel.close()
    panel.open()  # the pins are free again: no GPIOPinInUse
    panel.close()


def test_bad_pin_is_a_config_error(factory: MockFactory) -> None:
    panel = GpioPanel(
        GpioSection(status_led_pin="GPIO99"),
        on_ticket=lambda: None,
        on_technician=lambda: None,
        clock=FakeClock(),
        pin_factory=factory,
    )
    with pytest.raises(ConfigError, match=r"\[gpio\].*GPIO99"):
        panel.open()
    assert not panel.is_open


def test_unconfigured_panel_never_loads_gpio() -> None:
    panel = GpioPanel(
        GpioSection(), on_ticket=lambda: None, on_technician=lambda: None, clock=FakeClock()
    )
    panel.open()
    panel.set_led("fast")
    assert not panel.is_open and panel.led_mode == "off"


def test_import_does_not_load_gpiozero() -> None:
    code = "import sys, kiosk.devices.gpio_panel; sys.exit('gpiozero' in sys.modules)"
    repo = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=repo, timeout=30).returncode == 0
