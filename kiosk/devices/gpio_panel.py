"""The optional physical panel: an accessible ticket button, a status LED, a technician button.

Wired from ``[gpio]`` of the configuration (see docs/operations.md for the wiring):

- the **ticket button** (a large push button for visitors who cannot use the touch screen)
  asks for a ticket of ``ticket_button_category``;
- the **status LED** tells a passing agent the kiosk's state at a glance: steady when
  fine, slow blinking when the paper roll is nearly finished, fast blinking when out of
  order, off when closed or paused;
- the **technician button**, held for 5 s, opens the technician menu.

gpiozero is imported inside :meth:`GpioPanel.open` only, so the pure core never loads it
and a kiosk without ``[gpio]`` never touches GPIO. Button callbacks run in gpiozero's
threads and only call ``on_ticket``/``on_technician``, which must merely enqueue.

Debounce is our own (:meth:`GpioPanel.accept_press`), not gpiozero's ``bounce_time``:
under lgpio that one means "stable for that long" rather than "ignore later edges", and
gpiozero's MockPin ignores it altogether, so it could not be tested.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError
from kiosk.core.messages import KioskSnapshot
from kiosk.core.settings import GpioSection
from kiosk.core.vocabulary import BLOCKING_STATUSES, PrinterStatus, RefusalReason

logger = logging.getLogger(__name__)

LED_MODES = ("steady", "slow", "fast", "off")
# (on_time_s, off_time_s) of each blinking mode
BLINK_TIMES_S = {"slow": (1.0, 1.0), "fast": (0.15, 0.15)}
DEBOUNCE_S = 0.3
TECHNICIAN_HOLD_S = 5.0
PRINTER_FAULTS = BLOCKING_STATUSES


def led_mode_for(snapshot: KioskSnapshot) -> str:
    """The LED mode for a kiosk state: ``steady`` | ``slow`` | ``fast`` | ``off``.

    Off when not serving on purpose (closed, or paused by a technician); fast when it
    should serve and cannot (printer fault, store failure); slow when the paper roll is
    nearly finished; steady otherwise. An ``unknown`` printer status (no answer yet) is
    not a fault by itself: the controller sets ``out_of_order_reason`` when it is one.
    """
    if (
        not snapshot.is_open
        or snapshot.is_paused
        or snapshot.out_of_order_reason == RefusalReason.PAUSED
    ):
        return "off"
    if snapshot.out_of_order_reason is not None or snapshot.printer_status in PRINTER_FAULTS:
        return "fast"
    if snapshot.printer_status == PrinterStatus.PAPER_NEAR_END:
        return "slow"
    return "steady"


def _pin_spec(name: str) -> str | int:
    """gpiozero reads "GPIO17", "BCM17", "BOARD11", "J8:11"; a bare "17" means GPIO17."""
    return int(name) if name.isdigit() else name


class GpioPanel:
    """The ticket button, status LED and technician button of ``[gpio]``.

    ``pin_factory`` is gpiozero's: None lets gpiozero pick one (``GPIOZERO_PIN_FACTORY``,
    else lgpio on a Pi); tests pass a ``MockFactory``. ``hold_time_s`` is how long the
    technician button must be held; ``debounce_s`` how close a second press is ignored.
    """

    def __init__(
        self,
        section: GpioSection,
        *,
        on_ticket: Callable[[], None],
        on_technician: Callable[[], None],
        clock: Clock,
        pin_factory: Any = None,
        hold_time_s: float = TECHNICIAN_HOLD_S,
        debounce_s: float = DEBOUNCE_S,
    ):
        self.section = section
        self._on_ticket = on_ticket
        self._on_technician = on_technician
        self._clock = clock
        self._pin_factory = pin_factory
        self.hold_time_s = hold_time_s
        self.debounce_s = debounce_s
        self._lock = threading.Lock()
        self._last_press_s: float | None = None
        self._devices: list[Any] = []
        self._led: Any = None
        self.led_mode = "off"
        self.is_open = False
        self.presses_accepted = 0
        self.presses_ignored = 0

    @property
    def is_configured(self) -> bool:
        """True when ``[gpio]`` names at least one pin."""
        s = self.section
        return any((s.ticket_button_pin, s.status_led_pin, s.technician_button_pin))

    def open(self) -> None:
        """Claim the configured pins. Raises ConfigError when a pin cannot be used."""
        if self.is_open or not self.is_configured:
            return
        import gpiozero  # lazily: the pure core and GPIO-less kiosks never load it

        s = self.section
        try:
            if s.ticket_button_pin:
                button = gpiozero.Button(
                    _pin_spec(s.ticket_button_pin), pull_up=True, pin_factory=self._pin_factory
                )
                button.when_pressed = self._ticket_pressed
                self._devices.append(button)
            if s.technician_button_pin:
                tech = gpiozero.Button(
                    _pin_spec(s.technician_button_pin),
                    pull_up=True,
                    hold_time=self.hold_time_s,
                    pin_factory=self._pin_factory,
                )
                tech.when_held = self._technician_held
                self._devices.append(tech)
            if s.status_led_pin:
                self._led = gpiozero.LED(_pin_spec(s.status_led_pin), pin_factory=self._pin_factory)
                self._devices.append(self._led)
        except gpiozero.GPIOZeroError as err:
            self.close()
            raise ConfigError(
                f"[gpio]: cannot use the configured pins ({err}): check the pin names in "
                "[gpio], that no other program uses them, and that this machine has GPIO "
                "(or remove the [gpio] section)",
                key="[gpio]",
            ) from None
        self.is_open = True
        logger.info("GPIO panel open: %s", self)

    def close(self) -> None:
        """Release every pin (idempotent); the LED is switched off first."""
        for device in reversed(self._devices):
            try:
                device.close()
            except Exception as err:  # a failing close must not stop the others
                logger.warning("closing %r failed: %s", device, err)
        self._devices.clear()
        self._led = None
        self.led_mode = "off"
        self.is_open = False

    def __enter__(self) -> GpioPanel:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_led(self, mode: str) -> None:
        """Show ``mode`` (one of LED_MODES) on the status LED; a no-op without an LED."""
        if mode not in LED_MODES:
            raise ValueError(f"LED mode {mode!r}: expected one of {', '.join(LED_MODES)}")
        if self._led is None or mode == self.led_mode:
            return
        if mode == "steady":
            self._led.on()
        elif mode == "off":
            self._led.off()
        else:
            on_s, off_s = BLINK_TIMES_S[mode]
            self._led.blink(on_time=on_s, off_time=off_s, background=True)
        self.led_mode = mode

    def show(self, snapshot: KioskSnapshot) -> None:
        """Set the LED from the kiosk's state (call it when the snapshot changes)."""
        self.set_led(led_mode_for(snapshot))

    def accept_press(self) -> bool:
        """Our debounce: True for a press, False when within ``debounce_s`` of the last
        accepted one (contact bounce, or an impatient double press)."""
        now_s = self._clock.monotonic_s()
        with self._lock:
            if self._last_press_s is not None and now_s - self._last_press_s < self.debounce_s:
                self.presses_ignored += 1
                return False
            self._last_press_s = now_s
            self.presses_accepted += 1
            return True

    def _ticket_pressed(self) -> None:
        if self.accept_press():
            self._on_ticket()

    def _technician_held(self) -> None:
        logger.info("technician button held %.1f s", self.hold_time_s)
        self._on_technician()

    def __repr__(self) -> str:
        s = self.section
        return (
            f"<GpioPanel open={self.is_open} ticket={s.ticket_button_pin} "
            f"led={s.status_led_pin}:{self.led_mode} technician={s.technician_button_pin} "
            f"presses={self.presses_accepted} ignored={self.presses_ignored}>"
        )
