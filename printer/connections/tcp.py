"""``tcp://HOST:PORT``: a network printer on its raw port (9100), one TCP session per job."""

from __future__ import annotations

import ipaddress
import re
import select
import socket
import urllib.parse
from dataclasses import dataclass, field

from kiosk.core.errors import PrinterError
from kiosk.core.vocabulary import PrinterStatus
from printer.connections.base import Connection, bad_url, no_query

_HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)


@dataclass(frozen=True)
class TcpTarget:
    """A parsed ``tcp://`` URL."""

    host: str
    port: int
    url_text: str = field(default="", compare=False, repr=False)

    @property
    def url(self) -> str:
        return self.url_text or f"tcp://{self.host}:{self.port}"

    def connect(self, *, timeout_s: float = 5.0) -> TcpConnection:
        return TcpConnection(self.host, self.port, timeout_s=timeout_s)


def parse_url(url: str, parts: urllib.parse.SplitResult) -> TcpTarget:
    no_query(url, parts)
    if "@" in parts.netloc:
        bad_url(url, "a user name or password before '@' (tcp:// takes none)")
    if parts.path not in ("", "/"):
        bad_url(url, f"a path {parts.path!r} after the port (expected tcp://HOST:PORT)")
    netloc = parts.netloc
    if netloc.startswith("["):
        host_text, _, rest = netloc[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else None
        try:
            ipaddress.IPv6Address(host_text)
        except ValueError:
            bad_url(url, f"{host_text!r} between [ ] is not an IPv6 address")
    else:
        host_text, colon, port_text_or_empty = netloc.rpartition(":")
        if not colon:
            host_text, port_text = netloc, None
        else:
            port_text = port_text_or_empty
        if not host_text:
            bad_url(url, "no host before the port (expected tcp://HOST:PORT)")
        if not _HOSTNAME_RE.match(host_text):
            try:
                ipaddress.IPv4Address(host_text)
            except ValueError:
                bad_url(url, f"host {host_text!r} is not a host name or an IP address")
    if not port_text:
        bad_url(url, "no port (expected tcp://HOST:PORT, usually port 9100)")
    if not (port_text.isascii() and port_text.isdigit()):
        bad_url(url, f"port {port_text!r} is not a number")
    port = int(port_text)
    if not 1 <= port <= 65535:
        bad_url(url, f"port {port} is out of range (expected 1 to 65535)")
    return TcpTarget(host=host_text, port=port, url_text=url)


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
                f"cannot reach network printer {self.host}:{self.port}: {err}",
                status=PrinterStatus.OFFLINE,
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
                f"network printer {self.host}:{self.port} closed the connection",
                status=PrinterStatus.OFFLINE,
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
                f"network printer {self.host}:{self.port} closed the connection",
                status=PrinterStatus.OFFLINE,
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
                f"network printer {self.host}:{self.port} is not connected",
                status=PrinterStatus.OFFLINE,
            )
        return self._sock

    def __repr__(self) -> str:
        state = "open" if self._sock is not None else "closed"
        return f"<TcpConnection {self.host}:{self.port} {state}>"
