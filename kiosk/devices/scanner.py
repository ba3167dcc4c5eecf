"""The barcode/QR scanner (contract 5.3): what it reads becomes a check-in on screen.

Two kinds, chosen by ``[appointments] scanner``:

- a USB scanner that presents itself as a keyboard (HID): its ``/dev/input/by-id/...``
  event device read with python-evdev (an optional import) in its own thread, **grabbed**
  so its keys never reach the screen, and decoded with the scanner's own keyboard layout
  (``scanner_layout = "us"`` or ``"azerty"``: on AZERTY the digits need Shift) until Enter;
- a scanner switched to USB CDC serial mode, ``serial:///dev/ttyACM0?baudrate=9600``, read
  with pyserial: one code a line (CR, LF or both).

A QR code holding a URL gives its last path segment (:func:`kiosk.core.appointments.
normalise_code`, applied by the controller). ``on_text`` only enqueues (the display's
``scan``). Every read has a timeout, so ``close()`` returns promptly.
"""

from __future__ import annotations

import logging
import select
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from kiosk.core.settings import AppointmentsSection

logger = logging.getLogger(__name__)

READ_TIMEOUT_S = 0.25
MAX_TEXT_CHARS = 512  # a QR URL; a longer run without Enter is noise and is dropped
EV_KEY = 1
KEY_DOWN = 1

# Linux input key codes (linux/input-event-codes.h), the same as evdev.ecodes.
KEY_ENTER, KEY_KPENTER = 28, 96
KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
KEY_RIGHTALT = 100  # AltGr on AZERTY
SHIFTS = {KEY_LEFTSHIFT, KEY_RIGHTSHIFT}

_LETTER_ROWS = {16: "qwertyuiop", 30: "asdfghjkl", 44: "zxcvbnm"}


def _us_map() -> dict[int, tuple[str, str]]:
    """Key code -> (plain, with Shift) on a US keyboard."""
    keys: dict[int, tuple[str, str]] = {}
    for first, row in _LETTER_ROWS.items():
        for i, c in enumerate(row):
            keys[first + i] = (c, c.upper())
    for i, (plain, shifted) in enumerate(zip("1234567890", "!@#$%^&*()", strict=True)):
        keys[2 + i] = (plain, shifted)
    keys.update(
        {
            12: ("-", "_"),
            13: ("=", "+"),
            26: ("[", "{"),
            27: ("]", "}"),
            39: (";", ":"),
            40: ("'", '"'),
            41: ("`", "~"),
            43: ("\\", "|"),
            51: (",", "<"),
            52: (".", ">"),
            53: ("/", "?"),
            57: (" ", " "),
        }
    )
    return keys


def _azerty_map() -> dict[int, tuple[str, str]]:
    """Key code -> (plain, with Shift) on a French AZERTY keyboard: the keys are where US
    has QWERTY, so the same codes mean other characters (a->q, z->w, m->;), and the digit
    row gives digits only with Shift."""
    us = _us_map()
    keys = dict(us)
    swap = {16: "a", 17: "z", 30: "q", 44: "w", 39: "m"}
    for code, c in swap.items():
        keys[code] = (c, c.upper())
    for i, (plain, shifted) in enumerate(zip("&é\"'(-è_çà", "1234567890", strict=True)):
        keys[2 + i] = (plain, shifted)
    keys.update(
        {
            12: (")", "°"),
            13: ("=", "+"),
            50: (",", "?"),
            51: (";", "."),
            52: (":", "/"),
            53: ("!", "§"),
            40: ("ù", "%"),
            43: ("*", "µ"),
        }
    )
    return keys


LAYOUTS = {"us": _us_map(), "azerty": _azerty_map()}
# AltGr on AZERTY: what a URL may need beyond the plain keys.
AZERTY_ALTGR = {3: "~", 4: "#", 5: "{", 6: "[", 7: "|", 9: "\\", 10: "^", 11: "@", 12: "]", 13: "}"}


class KeyDecoder:
    """Turns a HID scanner's key events into texts, one per Enter, with its layout."""

    def __init__(self, layout: str = "us"):
        if layout not in LAYOUTS:
            raise ValueError(f"scanner layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
        self.layout = layout
        self._keys = LAYOUTS[layout]
        self._held: set[int] = set()
        self._chars: list[str] = []

    def __repr__(self) -> str:
        return f"<KeyDecoder {self.layout} pending={len(self._chars)}>"

    def feed(self, event_type: int, code: int, value: int) -> str | None:
        """One input event; the text read when it is the Enter that ends it."""
        if event_type != EV_KEY:
            return None
        if code in SHIFTS or code == KEY_RIGHTALT:
            if value == KEY_DOWN:
                self._held.add(code)
            elif value == 0:
                self._held.discard(code)
            return None
        if value != KEY_DOWN:  # releases and autorepeat
            return None
        if code in (KEY_ENTER, KEY_KPENTER):
            text, self._chars = "".join(self._chars), []
            return text or None
        if KEY_RIGHTALT in self._held and self.layout == "azerty":
            char = AZERTY_ALTGR.get(code)
        else:
            pair = self._keys.get(code)
            char = None if pair is None else pair[1 if self._held & SHIFTS else 0]
        if char is None:
            logger.debug("scanner: key code %d ignored", code)
            return None
        if len(self._chars) < MAX_TEXT_CHARS:
            self._chars.append(char)
        return None

    def feed_all(self, events: Iterable[Any]) -> list[str]:
        """Texts from evdev ``InputEvent``-like objects (``type``, ``code``, ``value``)."""
        texts = []
        for e in events:
            text = self.feed(e.type, e.code, e.value)
            if text is not None:
                texts.append(text)
        return texts


class LineDecoder:
    """Serial scanners: one text per line (CR, LF or CRLF), bytes decoded as UTF-8."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *lines, rest = bytes(self._buffer).split(b"\n")
        self._buffer = bytearray(rest[-MAX_TEXT_CHARS:])
        return [t for t in (line.decode("utf-8", "replace").strip() for line in lines) if t]


class Scanner:
    """A scanner read in its own thread; ``open()`` starts it, ``close()`` (idempotent)
    stops it and releases the device. ``device`` may be given (tests: an InputDevice-like
    object, or a serial port object from pyserial)."""

    def __init__(
        self,
        section: AppointmentsSection,
        *,
        on_text: Callable[[str], None],
        device: Any | None = None,
    ):
        self.section = section
        self.url = section.scanner or ""
        self.on_text = on_text
        self._device = device
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.is_grabbed = False
        self.texts_read = 0

    @property
    def is_serial(self) -> bool:
        return self.url.startswith("serial://")

    def __repr__(self) -> str:
        running = self._thread is not None and self._thread.is_alive()
        return f"<Scanner {self.url} running={running} read={self.texts_read}>"

    def open(self) -> Scanner:
        if self._thread is not None:
            return self
        device = self._device or (self._open_serial() if self.is_serial else self._open_evdev())
        if device is None:
            return self
        self._device = device
        self._stop.clear()
        target = self._read_serial if self.is_serial else self._read_evdev
        self._thread = threading.Thread(target=target, name="scanner", daemon=True)
        self._thread.start()
        logger.info("scanner: reading %s", self.url)
        return self

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(2 * READ_TIMEOUT_S + 1)
        device, self._device = self._device, None
        if device is None:
            return
        try:
            if self.is_grabbed:
                device.ungrab()
            device.close()
        except OSError as err:
            logger.debug("scanner: closing %s: %s", self.url, err)
        self.is_grabbed = False

    def __enter__(self) -> Scanner:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _deliver(self, text: str) -> None:
        self.texts_read += 1
        logger.info("scanner: %d characters read", len(text))  # never the code itself
        self.on_text(text)

    # ---- HID (evdev) ------------------------------------------------------------------------

    def _open_evdev(self) -> Any | None:
        try:
            import evdev
        except ImportError:
            logger.error(
                "scanner: %s configured but python-evdev is not installed (pip install evdev): "
                "the scanner is ignored",
                self.url,
            )
            return None
        try:
            device = evdev.InputDevice(self.url)
        except OSError as err:
            logger.error(
                "scanner: cannot open %s (%s): check the path under /dev/input/by-id/ and that "
                "the kiosk's user is in the input group; the scanner is ignored",
                self.url,
                err.strerror or err,
            )
            return None
        return device

    def _read_evdev(self) -> None:
        device: Any = self._device
        try:
            device.grab()  # its keys reach only us, never the screen's keyboard input
            self.is_grabbed = True
        except OSError as err:
            logger.warning("scanner: cannot grab %s (%s): another program reads it", self.url, err)
        decoder = KeyDecoder(self.section.scanner_layout)
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([device.fd], [], [], READ_TIMEOUT_S)
                if not ready:
                    continue
                for text in decoder.feed_all(device.read()):
                    self._deliver(text)
            except BlockingIOError:
                continue
            except OSError as err:
                logger.error("scanner: %s stopped answering (%s): unplugged?", self.url, err)
                return

    # ---- serial (pyserial) ------------------------------------------------------------------

    def _open_serial(self) -> Any | None:
        import serial

        split = urllib.parse.urlsplit(self.url)
        query = urllib.parse.parse_qs(split.query)
        try:
            baudrate = int(query.get("baudrate", ["9600"])[0])
        except ValueError:
            logger.error("scanner: %s: baudrate must be a whole number; ignored", self.url)
            return None
        try:
            return serial.Serial(split.path, baudrate=baudrate, timeout=READ_TIMEOUT_S)
        except (serial.SerialException, OSError) as err:
            logger.error("scanner: cannot open %s (%s): the scanner is ignored", self.url, err)
            return None

    def _read_serial(self) -> None:
        port: Any = self._device
        decoder = LineDecoder()
        while not self._stop.is_set():
            try:
                data = port.read(256)  # returns after READ_TIMEOUT_S with what came
            except Exception as err:  # pyserial's SerialException, OSError: unplugged
                logger.error("scanner: %s stopped answering (%s): unplugged?", self.url, err)
                return
            for text in decoder.feed(data or b""):
                self._deliver(text)


def scanner_for(section: AppointmentsSection, *, on_text: Callable[[str], None]) -> Scanner:
    return Scanner(section, on_text=on_text)
