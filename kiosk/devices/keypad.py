"""The tactile keypad (EN 301 549 5.1.3, 8.5; model: the EZ Access keypad): GPIO push
buttons and a USB keypad, each key mapped by ``[keypad]`` to one of the contract's key names
(``up down left right select back help volume_up volume_down``).

- GPIO: one gpiozero ``Button`` per configured pin (pull-up: the key closes to ground).
- USB: a device read in its own thread, **grabbed** so its keys never reach the screen as
  keyboard input too, through a backend named by the caller, never picked by what happens
  to import: :class:`EvdevBackend` (the kiosk's: python-evdev's ``InputDevice`` on the
  configured path, keys named by ``evdev.ecodes``) or :class:`GivenDevice` (tests and
  stand-ins: a device object given as is, keys named by their kernel code, ``KEY_76``).
  python-evdev is optional: without it, or without the device, the keypad logs one clear
  line and the kiosk runs on (touch still works).

Callbacks only call ``on_key(name)``, which must merely enqueue (DisplayApp.press_key).
A press within ``debounce_s`` of the previous press of the same key is ignored (5.8).
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError
from kiosk.core.settings import KeypadSection

logger = logging.getLogger(__name__)

DEBOUNCE_S = 0.15
READ_TIMEOUT_S = 0.5  # how often the evdev reader looks at its stop flag
EV_KEY = 1  # linux/input-event-codes.h
KEY_DOWN = 1


class KeypadBackend(Protocol):
    """How a USB keypad is opened and its key codes named."""

    name: str

    def open(self, path: Path | None) -> Any:
        """The device (``fd``, ``read()``, ``grab()``, ``ungrab()``, ``close()``); ImportError
        when the backend's package is missing, OSError when the device cannot be opened."""
        ...

    def key_name(self, code: int) -> str: ...


class EvdevBackend:
    """python-evdev, the kiosk's backend for a USB keypad (imported when opened)."""

    name = "evdev"

    def __init__(self) -> None:
        self._ecodes: Any = None

    def __repr__(self) -> str:
        return f"<EvdevBackend {'loaded' if self._ecodes is not None else 'not loaded'}>"

    def open(self, path: Path | None) -> Any:
        import evdev
        from evdev import ecodes

        self._ecodes = ecodes
        return evdev.InputDevice(str(path))

    def key_name(self, code: int) -> str:
        """evdev's name of ``code`` (``KEY_KP8``), ``KEY_<code>`` when it has none."""
        table = self._ecodes
        found = None if table is None else (table.KEY.get(code) or table.BTN.get(code))
        if found is None:
            return f"KEY_{code}"
        return found[0] if isinstance(found, (list, tuple)) else found


class GivenDevice:
    """A device object given as is (tests, a stand-in on a pipe); keys named by their kernel
    code, ``KEY_76``, whatever Python packages the machine has."""

    name = "given"

    def __init__(self, device: Any):
        self.device = device

    def __repr__(self) -> str:
        return f"<GivenDevice {self.device!r}>"

    def open(self, path: Path | None) -> Any:
        return self.device

    def key_name(self, code: int) -> str:
        return f"KEY_{code}"


def _pin_spec(name: str) -> str | int:
    return int(name) if name.isdigit() else name


class Keypad:
    """The keys of ``[keypad]``. ``pin_factory`` is gpiozero's (tests: MockFactory);
    ``backend`` opens the USB keypad: :class:`EvdevBackend` unless told otherwise (tests:
    :class:`GivenDevice`, which is opened even without ``section.evdev``)."""

    def __init__(
        self,
        section: KeypadSection,
        *,
        on_key: Callable[[str], None],
        clock: Clock,
        pin_factory: Any = None,
        backend: KeypadBackend | None = None,
        debounce_s: float = DEBOUNCE_S,
    ):
        self.section = section
        self._on_key = on_key
        self._clock = clock
        self._pin_factory = pin_factory
        self.backend: KeypadBackend = backend if backend is not None else EvdevBackend()
        self._device: Any = None
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
            f"backend={self.backend.name} "
            f"grabbed={self.is_grabbed} presses={self.presses} ignored={self.ignored}>"
        )

    # ---- lifecycle ------------------------------------------------------------------------

    def open(self) -> Keypad:
        if self.section.gpio:
            self._open_gpio()
        if self.section.evdev is not None or isinstance(self.backend, GivenDevice):
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
        try:
            device = self.backend.open(self.section.evdev)
        except ImportError:
            logger.error(
                "keypad: %s configured but python-evdev is not installed "
                "(pip install evdev): the USB keypad is ignored",
                self.section.evdev,
            )
            return
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
        names = self.backend.key_name
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
