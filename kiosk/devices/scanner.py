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
``scan``). Every read has a timeout, so ``close()`` returns promptly. A scanner unplugged
(or missing at start) is opened again with a bounded backoff, in the reader's own thread.
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
REOPEN_FIRST_S = 0.5  # an unplugged scanner is looked for again after this long,
REOPEN_MAX_S = 30.0  # doubling up to this: a few opens a minute, never a busy loop
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


def reopen_delay_s(attempt: int, *, first_s: float, max_s: float) -> float:
    """The wait before try ``attempt`` (1-based) to reopen a scanner that is away: doubling
    from ``first_s``, never more than ``max_s``."""
    return min(max_s, first_s * 2.0 ** min(max(attempt, 1) - 1, 32))


class _GiveUp(Exception):
    """A cause no retry can cure (python-evdev missing, a bad baudrate): said once, then off."""


class Scanner:
    """A scanner read in its own thread; ``open()`` starts it (no I/O in the caller's
    thread, so the UI loop never waits on a device), ``close()`` (idempotent) stops it and
    releases the device.

    Unplugged (a read error, ENODEV, EIO, the serial port gone), the device is closed and
    reopened, first after ``reopen_first_s``, then doubling up to ``reopen_max_s``, for as
    long as the kiosk runs; a scanner missing at start is waited for the same way. One log
    line when it goes (or is missing at start), none for each failed try, one when it reads
    again. :attr:`state` says where it is: ``opening``, ``reading``, ``reopening``, ``off``
    (python-evdev missing or a bad URL: said once, never retried) or ``closed``.

    ``device`` is used for the first open (tests: an InputDevice-like object, or a serial
    port from pyserial); ``opener`` replaces opening the URL (tests: a FIFO that goes away).
    """

    def __init__(
        self,
        section: AppointmentsSection,
        *,
        on_text: Callable[[str], None],
        device: Any | None = None,
        opener: Callable[[], Any] | None = None,
        reopen_first_s: float = REOPEN_FIRST_S,
        reopen_max_s: float = REOPEN_MAX_S,
    ):
        self.section = section
        self.url = section.scanner or ""
        self.on_text = on_text
        self._given = device
        self._opener = opener
        self.reopen_first_s = reopen_first_s
        self.reopen_max_s = reopen_max_s
        self._device: Any | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.is_grabbed = False
        self.texts_read = 0
        self.state = "closed"
        self.reopen_attempts = 0  # failed opens since the thread started (tests, status)

    @property
    def is_serial(self) -> bool:
        return self.url.startswith("serial://")

    def __repr__(self) -> str:
        return (
            f"<Scanner {self.url} {self.state} read={self.texts_read} "
            f"failed_opens={self.reopen_attempts}>"
        )

    def open(self) -> Scanner:
        """Open the device once here (a tty or an event device opens at once, never waiting on
        the scanner), then read it, or keep looking for it, in the reader's thread."""
        if self._thread is not None:
            return self
        self._stop.clear()
        self.state = "opening"
        first = self._try_open(failures=0, is_lost=False)
        if first is None:
            return self  # off: said once
        self._thread = threading.Thread(target=self._run, args=first, name="scanner", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(2 * READ_TIMEOUT_S + 1)
        device, self._device = self._device, None
        if device is not None:  # the thread did not get to it
            self._release(device)
        self.state = "closed"

    def __enter__(self) -> Scanner:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _deliver(self, text: str) -> None:
        self.texts_read += 1
        logger.info("scanner: %d characters read", len(text))  # never the code itself
        self.on_text(text)

    # ---- the reader thread: open, read until it goes, wait, open again ----------------------

    def _try_open(self, *, failures: int, is_lost: bool) -> tuple[Any, int, bool] | None:
        """One open: (device or None, consecutive failures, is_lost); None when given up."""
        try:
            device = self._open_device()
        except _GiveUp as err:
            logger.error("scanner: %s", err)
            self.state = "off"
            return None
        except OSError as err:  # pyserial's SerialException is an OSError too
            self.reopen_attempts += 1
            if failures == 0 and not is_lost:
                logger.error(
                    "scanner: cannot open %s (%s): check the cable, the path (under "
                    "/dev/input/by-id/ or /dev/serial/by-id/) and that the kiosk's user may "
                    "read it; trying again every %g s at most",
                    self.url,
                    err.strerror or err,
                    self.reopen_max_s,
                )
            else:
                logger.debug("scanner: %s still away (%s)", self.url, err)
            self.state = "reopening"
            return None, failures + 1, is_lost
        if failures or is_lost:
            logger.info("scanner: %s reading again", self.url)
        else:
            logger.info("scanner: reading %s", self.url)
        self.state = "reading"
        return device, 0, is_lost

    def _run(self, device: Any, failures: int, is_lost: bool) -> None:
        """Read, and when the device goes, wait and open it again, until close()."""
        while not self._stop.is_set():
            if device is None:
                self._stop.wait(
                    reopen_delay_s(failures, first_s=self.reopen_first_s, max_s=self.reopen_max_s)
                )
                if self._stop.is_set():
                    break
                opened = self._try_open(failures=failures, is_lost=is_lost)
                if opened is None:
                    return
                device, failures, is_lost = opened
                continue
            self._device = device
            try:
                gone = self._read_serial(device) if self.is_serial else self._read_evdev(device)
            finally:
                self._device = None
                self._release(device)
            device = None
            if gone is None:  # close() asked
                break
            logger.error(
                "scanner: %s stopped answering (%s): unplugged? reopening it when it is back",
                self.url,
                gone,
            )
            failures, is_lost, self.state = 1, True, "reopening"
        if device is not None:  # opened just as close() asked
            self._release(device)

    def _open_device(self) -> Any:
        if self._given is not None:
            device, self._given = self._given, None
            return device
        if self._opener is not None:
            return self._opener()
        return self._open_serial() if self.is_serial else self._open_evdev()

    def _release(self, device: Any) -> None:
        try:
            if self.is_grabbed:
                device.ungrab()
            device.close()
        except OSError as err:
            logger.debug("scanner: closing %s: %s", self.url, err)
        self.is_grabbed = False

    # ---- HID (evdev) ------------------------------------------------------------------------

    def _open_evdev(self) -> Any:
        try:
            import evdev
        except ImportError:
            raise _GiveUp(
                f"{self.url} configured but python-evdev is not installed (pip install evdev): "
                "the scanner is ignored"
            ) from None
        return evdev.InputDevice(self.url)

    def _read_evdev(self, device: Any) -> str | None:
        """Read until close() (None) or the device fails (what failed)."""
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
            except (OSError, ValueError) as err:  # ENODEV when pulled out; a closed fd
                return str(err)
        return None

    # ---- serial (pyserial) ------------------------------------------------------------------

    def _open_serial(self) -> Any:
        import serial

        split = urllib.parse.urlsplit(self.url)
        query = urllib.parse.parse_qs(split.query)
        try:
            baudrate = int(query.get("baudrate", ["9600"])[0])
        except ValueError:
            raise _GiveUp(f"{self.url}: baudrate must be a whole number; ignored") from None
        return serial.Serial(split.path, baudrate=baudrate, timeout=READ_TIMEOUT_S)

    def _read_serial(self, port: Any) -> str | None:
        """Read until close() (None) or the port fails (what failed)."""
        decoder = LineDecoder()
        while not self._stop.is_set():
            try:
                data = port.read(256)  # returns after READ_TIMEOUT_S with what came
            except Exception as err:  # pyserial's SerialException, OSError, EIO: unplugged
                return str(err) or type(err).__name__
            for text in decoder.feed(data or b""):
                self._deliver(text)
        return None


def scanner_for(section: AppointmentsSection, *, on_text: Callable[[str], None]) -> Scanner:
    return Scanner(section, on_text=on_text)
