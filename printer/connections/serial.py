"""``serial:///dev/ttyUSB0?baudrate=19200``: a serial printer through pyserial.

Options: ``baudrate`` (default 19200), ``bytesize`` 5-8 (8), ``parity`` N/E/O/M/S (N),
``stopbits`` 1, 1.5 or 2 (1), and the flow controls ``rtscts``, ``xonxoff``, ``dsrdtr``
(0 or 1, off). pyserial is imported on ``open()`` only.
"""

from __future__ import annotations

import errno
import logging
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.errors import PrinterBusyError, PrinterError
from kiosk.core.vocabulary import PrinterStatus
from printer.connections.base import Connection, bad_url, flag, query_options

logger = logging.getLogger(__name__)

OPTIONS = ("baudrate", "bytesize", "parity", "stopbits", "rtscts", "xonxoff", "dsrdtr")
PARITIES = ("N", "E", "O", "M", "S")
STOPBITS = {"1": 1.0, "1.5": 1.5, "2": 2.0}
MAX_BAUDRATE = 4_000_000
# flock() by another process (pyserial's exclusive=True) or TIOCEXCL: someone holds the port.
_BUSY_ERRNOS = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EBUSY)


@dataclass(frozen=True)
class SerialTarget:
    """A parsed ``serial://`` URL."""

    device: str
    baudrate: int = 19200
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1.0
    is_rtscts: bool = False
    is_xonxoff: bool = False
    is_dsrdtr: bool = False
    url_text: str = field(default="", compare=False, repr=False)

    @property
    def url(self) -> str:
        return self.url_text or f"serial://{self.device}"

    def connect(self, *, timeout_s: float = 5.0) -> SerialConnection:
        return SerialConnection(
            self.device,
            baudrate=self.baudrate,
            bytesize=self.bytesize,
            parity=self.parity,
            stopbits=self.stopbits,
            is_rtscts=self.is_rtscts,
            is_xonxoff=self.is_xonxoff,
            is_dsrdtr=self.is_dsrdtr,
            timeout_s=timeout_s,
        )


def parse_url(url: str, parts: urllib.parse.SplitResult) -> SerialTarget:
    device = parts.netloc + parts.path
    if not device:
        bad_url(url, "no device after serial:// (expected serial:///dev/ttyUSB0)")
    if not device.startswith("/"):
        bad_url(url, f"device {device!r} is not an absolute path (serial:// then three slashes)")
    options = query_options(url, parts, OPTIONS)

    def number(name: str, low: int, high: int, default: int) -> int:
        text = options.get(name)
        if text is None:
            return default
        if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
            bad_url(url, f"option {name}={text!r}: expected a whole number from {low} to {high}")
        return int(text)

    parity = options.get("parity", "N").upper()
    if parity not in PARITIES:
        bad_url(url, f"option parity={options['parity']!r}: expected one of {', '.join(PARITIES)}")
    stopbits_text = options.get("stopbits", "1")
    if stopbits_text not in STOPBITS:
        bad_url(url, f"option stopbits={stopbits_text!r}: expected 1, 1.5 or 2")
    return SerialTarget(
        device=device,
        baudrate=number("baudrate", 50, MAX_BAUDRATE, 19200),
        bytesize=number("bytesize", 5, 8, 8),
        parity=parity,
        stopbits=STOPBITS[stopbits_text],
        is_rtscts=flag(url, "rtscts", options.get("rtscts", "0")),
        is_xonxoff=flag(url, "xonxoff", options.get("xonxoff", "0")),
        is_dsrdtr=flag(url, "dsrdtr", options.get("dsrdtr", "0")),
        url_text=url,
    )


class SerialConnection(Connection):
    """A serial printer through pyserial, with ``timeout`` and ``write_timeout`` set."""

    def __init__(
        self,
        device: str,
        *,
        baudrate: int = 19200,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1.0,
        is_rtscts: bool = False,
        is_xonxoff: bool = False,
        is_dsrdtr: bool = False,
        timeout_s: float = 5.0,
    ):
        self.device = device
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity = parity
        self.stopbits = stopbits
        self.is_rtscts = is_rtscts
        self.is_xonxoff = is_xonxoff
        self.is_dsrdtr = is_dsrdtr
        self.timeout_s = timeout_s
        self._port: Any = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        import serial

        if self._port is not None:
            return
        try:
            self._port = serial.Serial(
                self.device,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                rtscts=self.is_rtscts,
                xonxoff=self.is_xonxoff,
                dsrdtr=self.is_dsrdtr,
                timeout=self.timeout_s,
                write_timeout=self.timeout_s,
                exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as err:
            if getattr(err, "errno", None) in _BUSY_ERRNOS:
                raise PrinterBusyError(
                    f"serial printer {self.device} is held by another process "
                    "(the running kiosk?): its status is unknown from here",
                    status=PrinterStatus.UNKNOWN,
                ) from err
            raise PrinterError(
                f"cannot open serial printer {self.device}: {err}", status=PrinterStatus.OFFLINE
            ) from err

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except OSError as err:
                logger.debug("closing %s: %s", self.device, err)

    def write(self, data: bytes) -> None:
        import serial

        port = self._require_open()
        # The printer takes bytes at line speed: allow for it on top of the timeout.
        port.write_timeout = self.timeout_s + self.transfer_time_s(len(data))
        try:
            written = port.write(data)
        except (serial.SerialException, OSError) as err:
            raise PrinterError(f"serial printer {self.device}: write failed: {err}") from err
        if written != len(data):
            raise PrinterError(
                f"serial printer {self.device}: wrote {written} of {len(data)} bytes"
            )

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        import serial

        port = self._require_open()
        try:
            port.timeout = timeout_s
            first = port.read(1)
            if not first or max_bytes <= 1:
                return bytes(first)
            port.timeout = 0
            return bytes(first + port.read(min(max_bytes - 1, port.in_waiting)))
        except (serial.SerialException, OSError) as err:
            raise PrinterError(f"serial printer {self.device}: read failed: {err}") from err

    def transfer_time_s(self, n_bytes: int) -> float:
        bits = 1 + self.bytesize + (self.parity != "N") + self.stopbits  # start, data, parity, stop
        return n_bytes * bits / self.baudrate

    def _require_open(self) -> Any:
        if self._port is None:
            raise PrinterError(
                f"serial printer {self.device} is not open", status=PrinterStatus.OFFLINE
            )
        return self._port

    def __repr__(self) -> str:
        state = "open" if self._port is not None else "closed"
        frame = f"{self.bytesize}{self.parity}{self.stopbits:g}"
        return f"<SerialConnection {self.device} {self.baudrate} baud {frame} {state}>"
