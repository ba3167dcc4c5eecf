"""Byte pipes to a printer, chosen by URL the way pyserial's ``serial_for_url`` does.

=========================================  ===================================================
``usb://04b8:0e28``                        USB printer by vendor and product id (hex), pyusb
``serial:///dev/ttyUSB0?baudrate=19200``   serial line; options ``rtscts=1``, ``xonxoff=1``,
                                           ``dsrdtr=1``; pyserial
``tcp://192.168.1.50:9100``                network printer (raw port 9100), one TCP session
                                           per job
``file:///dev/usb/lp0``                    a device or file, write-only (no status)
``virtual:///path/to/dir``                 no printer: each job becomes ``NNNN-NAME.bin``
                                           and ``NNNN-NAME.png`` in the folder
=========================================  ===================================================

A :class:`Connection` only moves bytes; what they mean is :mod:`printer.device`'s business.
Every call has a timeout; no constructor does I/O. Bad URLs raise
:class:`~kiosk.errors.PrinterUrlError` naming the URL and the valid forms.
"""

from __future__ import annotations

import abc
import logging
import os
import select
import socket
import time
import urllib.parse
from pathlib import Path
from typing import Any, NoReturn

from kiosk.errors import PrinterError, PrinterUrlError
from printer.status import PrinterStatus

logger = logging.getLogger(__name__)

VALID_FORMS = (
    "usb://VID:PID (hex, e.g. usb://04b8:0e28)",
    "serial:///dev/ttyUSB0?baudrate=19200[&rtscts=1|xonxoff=1]",
    "tcp://HOST:PORT",
    "file:///path (e.g. file:///dev/usb/lp0)",
    "virtual:///path/to/dir",
)


class Connection(abc.ABC):
    """A byte pipe to one printer. Subclasses implement the four methods below.

    ``open()`` may be called again after ``close()`` or an error; ``close()`` is idempotent.
    """

    @abc.abstractmethod
    def open(self) -> None:
        """Connect. Raises :class:`PrinterError` (retrying is safe)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Disconnect; does nothing when already closed."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send every byte of ``data`` or raise :class:`PrinterError`."""

    @abc.abstractmethod
    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        """Up to ``max_bytes`` as soon as some arrive; ``b""`` after ``timeout_s`` of silence.

        Raises :class:`PrinterError` when the link is broken (peer gone).
        """

    @property
    def is_bidirectional(self) -> bool:
        """True when the printer can answer status queries over this link."""
        return True

    @property
    def is_open(self) -> bool:
        return False

    def begin_job(self, job_name: str) -> None:  # noqa: B027 - optional hook
        """A job named ``job_name`` follows. TCP opens a fresh session; virtual names files."""

    def transfer_time_s(self, n_bytes: int) -> float:
        """How long ``n_bytes`` take on the wire (serial links; else about nothing)."""
        return 0.0


def connection_for_url(url: str, *, timeout_s: float = 5.0) -> Connection:
    """The connection ``url`` names; no I/O. Raises :class:`PrinterUrlError` for a bad URL."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        query = dict(urllib.parse.parse_qsl(parts.query, strict_parsing=bool(parts.query)))
    except ValueError:
        _bad_url(url, f"query {parts.query!r} is not name=value pairs joined by &")
    if scheme == "usb":
        return _usb_from_url(url, parts, timeout_s)
    if scheme == "serial":
        return _serial_from_url(url, parts, query, timeout_s)
    if scheme == "tcp":
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            host, port = None, None
        if not host or port is None:
            _bad_url(url, "expected tcp://HOST:PORT with a port number")
        return TcpConnection(host, port, timeout_s=timeout_s)
    if scheme == "file":
        if not parts.path:
            _bad_url(url, "expected file:///absolute/path")
        return FileConnection(Path(parts.netloc + parts.path), timeout_s=timeout_s)
    if scheme == "virtual":
        if not (parts.netloc + parts.path):
            _bad_url(url, "expected virtual:///path/to/dir")
        state = query.pop("state", "ok")
        width = query.pop("paper_width_dots", "576")
        if state not in {s.value for s in PrinterStatus} or not width.isdigit() or query:
            _bad_url(url, "options are state=ok|paper_out|... and paper_width_dots=576|384")
        from printer.virtual import VirtualConnection

        return VirtualConnection(
            Path(parts.netloc + parts.path), state=PrinterStatus(state), paper_width_dots=int(width)
        )
    _bad_url(url, f"unknown scheme {scheme!r}" if scheme else "no scheme")


def _bad_url(url: str, why: str) -> NoReturn:
    raise PrinterUrlError(
        f"printer url {url!r}: {why}; valid forms are: " + ", ".join(VALID_FORMS), key="url"
    )


def _usb_from_url(url: str, parts: urllib.parse.SplitResult, timeout_s: float) -> Connection:
    vid_pid = (parts.netloc + parts.path).strip("/").split(":")
    try:
        vendor_id, product_id = (int(part, 16) for part in vid_pid)
    except ValueError:
        _bad_url(url, "expected usb://VID:PID with two hexadecimal ids")
    if not (0 <= vendor_id <= 0xFFFF and 0 <= product_id <= 0xFFFF):
        _bad_url(url, "USB ids are four hexadecimal digits each")
    from printer.usb import UsbConnection  # pyusb only where USB is used

    return UsbConnection(vendor_id, product_id, timeout_s=timeout_s)


def _serial_from_url(
    url: str, parts: urllib.parse.SplitResult, query: dict[str, str], timeout_s: float
) -> Connection:
    device = parts.netloc + parts.path
    if not device:
        _bad_url(url, "expected serial:///dev/ttyUSB0?baudrate=19200")
    options: dict[str, int] = {}
    for name, value in query.items():
        if name not in ("baudrate", "rtscts", "xonxoff", "dsrdtr") or not value.isdigit():
            _bad_url(
                url, f"option {name}={value!r} is not baudrate=N, rtscts, xonxoff or dsrdtr=0|1"
            )
        options[name] = int(value)
    return SerialConnection(
        device,
        baudrate=options.get("baudrate", 19200),
        is_rtscts=bool(options.get("rtscts", 0)),
        is_xonxoff=bool(options.get("xonxoff", 0)),
        is_dsrdtr=bool(options.get("dsrdtr", 0)),
        timeout_s=timeout_s,
    )


class SerialConnection(Connection):
    """A serial printer through pyserial, with ``timeout`` and ``write_timeout`` set."""

    def __init__(
        self,
        device: str,
        *,
        baudrate: int = 19200,
        is_rtscts: bool = False,
        is_xonxoff: bool = False,
        is_dsrdtr: bool = False,
        timeout_s: float = 5.0,
    ):
        self.device = device
        self.baudrate = baudrate
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
                rtscts=self.is_rtscts,
                xonxoff=self.is_xonxoff,
                dsrdtr=self.is_dsrdtr,
                timeout=self.timeout_s,
                write_timeout=self.timeout_s,
                exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as err:
            raise PrinterError(
                f"cannot open serial printer {self.device}: {err}", status="offline"
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
        return n_bytes * 10 / self.baudrate  # 8N1: ten bits a byte

    def _require_open(self) -> Any:
        if self._port is None:
            raise PrinterError(f"serial printer {self.device} is not open", status="offline")
        return self._port

    def __repr__(self) -> str:
        state = "open" if self._port is not None else "closed"
        return f"<SerialConnection {self.device} {self.baudrate} baud {state}>"


class TcpConnection(Connection):
    """A network printer on its raw port, one TCP session per job.

    A printer that dropped the session still "accepts" the first write and loses it
    (python-escpos #253), so :meth:`begin_job` opens a fresh session and :meth:`write`
    checks the peer is still there before sending anything.
    """

    def __init__(self, host: str, port: int, *, timeout_s: float = 5.0):
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self._sock: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except OSError as err:
            raise PrinterError(
                f"cannot reach network printer {self.host}:{self.port}: {err}", status="offline"
            ) from err
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def begin_job(self, job_name: str) -> None:
        self.close()
        self.open()

    def write(self, data: bytes) -> None:
        sock = self._require_open()
        if self._is_peer_gone(sock):
            self.close()
            raise PrinterError(
                f"network printer {self.host}:{self.port} closed the connection", status="offline"
            )
        try:
            sock.settimeout(self.timeout_s)
            sock.sendall(data)
        except OSError as err:
            self.close()
            raise PrinterError(
                f"network printer {self.host}:{self.port}: write failed: {err}"
            ) from err

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        sock = self._require_open()
        try:
            readable, _, _ = select.select([sock], [], [], max(timeout_s, 0))
            if not readable:
                return b""
            data = sock.recv(max_bytes)
        except OSError as err:
            self.close()
            raise PrinterError(
                f"network printer {self.host}:{self.port}: read failed: {err}"
            ) from err
        if not data:
            self.close()
            raise PrinterError(
                f"network printer {self.host}:{self.port} closed the connection", status="offline"
            )
        return data

    @staticmethod
    def _is_peer_gone(sock: socket.socket) -> bool:
        """True when the peer has closed: readable, and a peek finds end-of-stream."""
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _require_open(self) -> socket.socket:
        if self._sock is None:
            raise PrinterError(
                f"network printer {self.host}:{self.port} is not connected", status="offline"
            )
        return self._sock

    def __repr__(self) -> str:
        state = "open" if self._sock is not None else "closed"
        return f"<TcpConnection {self.host}:{self.port} {state}>"


class FileConnection(Connection):
    """A character device such as ``/dev/usb/lp0`` (or a plain file), write-only.

    Opened non-blocking so that a stalled printer cannot hang the writer: each chunk waits
    for the device with ``select`` up to ``timeout_s``. Files are created only outside /dev,
    so a wrong device path fails instead of "printing" into a new file.
    """

    def __init__(self, path: Path, *, timeout_s: float = 5.0):
        self.path = path
        self.timeout_s = timeout_s
        self._fd: int | None = None

    @property
    def is_bidirectional(self) -> bool:
        return False

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        if self._fd is not None:
            return
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC
        if not str(self.path).startswith("/dev/"):
            flags |= os.O_CREAT
        try:
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as err:
            raise PrinterError(
                f"cannot open printer device {self.path}: {err}", status="offline"
            ) from err

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def write(self, data: bytes) -> None:
        if self._fd is None:
            raise PrinterError(f"printer device {self.path} is not open", status="offline")
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout_s
        try:
            while view:
                remaining_s = deadline - time.monotonic()
                _, writable, _ = select.select([], [self._fd], [], max(remaining_s, 0))
                if not writable:
                    raise PrinterError(
                        f"printer device {self.path} took no data for {self.timeout_s} s "
                        f"({len(data) - len(view)} of {len(data)} bytes sent)"
                    )
                view = view[os.write(self._fd, view) :]
        except OSError as err:
            self.close()
            raise PrinterError(f"printer device {self.path}: write failed: {err}") from err

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        return b""

    def __repr__(self) -> str:
        return f"<FileConnection {self.path} {'open' if self._fd is not None else 'closed'}>"
