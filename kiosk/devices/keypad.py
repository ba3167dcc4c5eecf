"""The tactile keypad (EN 301 549 5.1.3, 8.5; model: the EZ Access keypad): GPIO push
buttons and a USB keypad, each key mapped by ``[keypad]`` to one of the contract's key names
(``up down left right select back help volume_up volume_down``).

- GPIO: one gpiozero ``Button`` per configured pin (pull-up: the key closes to ground).
- USB: a python-evdev ``InputDevice`` read in its own thread, **grabbed** so its keys never
  reach the screen as keyboard input too. python-evdev is optional: without it, or without
  the device, the keypad logs one clear line and the kiosk runs on (touch still works).

Callbacks only call ``on_key(name)``, which must merely enqueue (DisplayApp.press_key).
A press within ``debounce_s`` of the previous press of the same key is ignored (5.8).
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable
from typing import Any

from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError
from kiosk.core.settings import KeypadSection

logger = logging.getLogger(__name__)

DEBOUNCE_S = 0.15
READ_TIMEOUT_S = 0.5  # how often the evdev reader looks at its stop flag
EV_KEY = 1  # linux/input-event-codes.h
KEY_DOWN = 1


def _pin_spec(name: str) -> str | int:
    return int(name) if name.isdigit() else name


class Keypad:
    """The keys of ``[keypad]``. ``pin_factory`` is gpiozero's (tests: MockFactory);
    ``device`` replaces opening ``section.evdev`` (tests: any object with ``fd``,
    ``read()``, ``grab()``, ``ungrab()``, ``close()``)."""

    def __init__(
        self,
        section: KeypadSection,
        *,
        on_key: Callable[[str], None],
        clock: Clock,
        pin_factory: Any = None,
        device: Any = None,
        debounce_s: float = DEBOUNCE_S,
    ):
        self.section = section
        self._on_key = on_key
        self._clock = clock
        self._pin_factory = pin_factory
        self._device = device
        self.debounce_s = debounce_s
        self._lock = threading.Lock()
        self._last_s: dict[str, float] = {}
        self._buttons: list[Any] = []
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self.is_grabbed = False
        self.presses = 0
        self.ignored = 0

    def __repr__(self) -> str:
        return (
            f"<Keypad gpio={dict(self.section.gpio)} evdev={self.section.evdev} "
            f"grabbed={self.is_grabbed} presses={self.presses} ignored={self.ignored}>"
        )

    # ---- lifecycle ------------------------------------------------------------------------

    def open(self) -> Keypad:
        if self.section.gpio:
            self._open_gpio()
        if self.section.evdev is not None or self._device is not None:
            self._open_evdev()
        return self

    def close(self) -> None:
        """Release the pins and the device (idempotent)."""
        self._stop.set()
        if self._reader is not None:
            self._reader.join(READ_TIMEOUT_S * 4)
            self._reader = None
        device, self._device = self._device, None
        if device is not None:
            try:
                if self.is_grabbed:
                    device.ungrab()
                device.close()
            except (OSError, AttributeError) as err:
                logger.warning("keypad: closing %s: %s", self.section.evdev, err)
        self.is_grabbed = False
        for button in self._buttons:
            button.close()
        self._buttons.clear()

    def __enter__(self) -> Keypad:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- presses --------------------------------------------------------------------------

    def press(self, name: str) -> bool:
        """A key went down: report it unless it repeats within ``debounce_s``."""
        now_s = self._clock.monotonic_s()
        with self._lock:
            last = self._last_s.get(name)
            if last is not None and now_s - last < self.debounce_s:
                self.ignored += 1
                return False
            self._last_s[name] = now_s
            self.presses += 1
        self._on_key(name)
        return True

    def on_event(self, event_type: int, code_name: str, value: int) -> bool:
        """An evdev event (type, key code name, value): a key going down is a press."""
        if event_type != EV_KEY or value != KEY_DOWN:
            return False
        name = self.section.evdev_keys.get(code_name)
        if name is None:
            logger.debug("keypad: %s is not mapped", code_name)
            return False
        return self.press(name)

    # ---- GPIO -----------------------------------------------------------------------------

    def _open_gpio(self) -> None:
        import gpiozero  # lazily: kiosks without a keypad never load it

        try:
            for name, pin in self.section.gpio.items():
                button = gpiozero.Button(
                    _pin_spec(pin), pull_up=True, pin_factory=self._pin_factory
                )
                button.when_pressed = self._presser(name)
                self._buttons.append(button)
        except gpiozero.GPIOZeroError as err:
            self.close()
            raise ConfigError(
                f"[keypad] gpio: cannot use the configured pins ({err}): check the pin names, "
                "that no other program uses them, and that this machine has GPIO",
                key="[keypad] gpio",
            ) from None
        logger.info("keypad: %d GPIO keys", len(self._buttons))

    def _presser(self, name: str) -> Callable[[], None]:
        # no parameters: gpiozero would pass the device to a callback that takes one
        def pressed() -> None:
            self.press(name)

        return pressed

    # ---- USB (evdev) ----------------------------------------------------------------------

    def _open_evdev(self) -> None:
        device = self._device
        if device is None:
            try:
                import evdev
            except ImportError:
                logger.error(
                    "keypad: %s configured but python-evdev is not installed "
                    "(pip install evdev): the USB keypad is ignored",
                    self.section.evdev,
                )
                return
            try:
                device = evdev.InputDevice(str(self.section.evdev))
            except OSError as err:
                logger.error(
                    "keypad: cannot open %s (%s): check the path under /dev/input/by-id/ and "
                    "that the kiosk's user is in the input group; the USB keypad is ignored",
                    self.section.evdev,
                    err.strerror or err,
                )
                return
        try:
            device.grab()  # its keys reach only us, never the screen's keyboard input
            self.is_grabbed = True
        except OSError as err:
            logger.warning("keypad: cannot grab %s (%s): another program reads it", device, err)
        self._device = device
        self._stop.clear()
        self._reader = threading.Thread(target=self._read, name="keypad-evdev", daemon=True)
        self._reader.start()
        logger.info("keypad: reading %s", self.section.evdev or device)

    def _read(self) -> None:
        device = self._device
        names = _key_names()
        while not self._stop.is_set() and device is not None:
            try:
                ready, _, _ = select.select([device.fd], [], [], READ_TIMEOUT_S)
                if not ready:
                    continue
                for event in device.read():
                    self.on_event(event.type, names(event.code), event.value)
            except BlockingIOError:
                continue
            except OSError as err:
                logger.error("keypad: %s stopped answering (%s): unplugged?", device, err)
                return


def _key_names() -> Callable[[int], str]:
    """evdev's code -> name table (``KEY_KP8``), or a plain ``KEY_<n>`` without evdev."""
    try:
        from evdev import ecodes
    except ImportError:
        return lambda code: f"KEY_{code}"

    def name(code: int) -> str:
        found = ecodes.KEY.get(code) or ecodes.BTN.get(code) or f"KEY_{code}"
        return found[0] if isinstance(found, (list, tuple)) else found

    return name
