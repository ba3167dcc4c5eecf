"""The small interface every printer connection implements, and the pieces of URL parsing
the scheme modules share (the valid forms, the one way to refuse a URL, query options).

No I/O and no hardware library here: :mod:`kiosk.config` parses printer URLs through this
package, and the pure core imports no I/O library.
"""

from __future__ import annotations

import abc
import urllib.parse
from typing import NoReturn

from kiosk.core.errors import PrinterUrlError

VALID_FORMS = (
    "usb://VID:PID (hex, e.g. usb://04b8:0e28)",
    "serial:///dev/ttyUSB0?baudrate=19200[&bytesize=8&parity=N&stopbits=1&rtscts=1|xonxoff=1|dsrdtr=1]",
    "tcp://HOST:PORT",
    "file:///path (e.g. file:///dev/usb/lp0)",
    "virtual:///path/to/dir[?state=ok&paper_width_dots=576]",
)


class Connection(abc.ABC):
    """A byte pipe to one printer. Subclasses implement the four methods below.

    ``open()`` may be called again after ``close()`` or an error; ``close()`` is idempotent.
    """

    @abc.abstractmethod
    def open(self) -> None:
        """Connect. Raises :class:`~kiosk.core.errors.PrinterError` (retrying is safe)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Disconnect; does nothing when already closed."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send every byte of ``data`` or raise :class:`~kiosk.core.errors.PrinterError`."""

    @abc.abstractmethod
    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        """Up to ``max_bytes`` as soon as some arrive; ``b""`` after ``timeout_s`` of silence.

        Raises :class:`~kiosk.core.errors.PrinterError` when the link is broken (peer gone).
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


def bad_url(url: str, problem: str) -> NoReturn:
    """Refuse ``url``: one line naming it, what is wrong and the valid forms."""
    raise PrinterUrlError(
        f"printer url {url!r}: {problem}; valid forms are: " + ", ".join(VALID_FORMS),
        key="url",
        url=url,
        problem=problem,
    )


def query_options(
    url: str, parts: urllib.parse.SplitResult, known: tuple[str, ...]
) -> dict[str, str]:
    """The ``?name=value&...`` options of ``url``: each named in ``known``, each given once."""
    if not parts.query:
        if url.endswith("?"):
            bad_url(url, "an empty query after '?'")
        return {}
    try:
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        bad_url(url, f"options {parts.query!r} are not name=value pairs joined by &")
    options: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            allowed = ", ".join(known) if known else "none"
            bad_url(url, f"unknown option {name!r} (options of {parts.scheme}://: {allowed})")
        if name in options:
            bad_url(url, f"option {name!r} given twice")
        options[name] = value
    return options


def no_query(url: str, parts: urllib.parse.SplitResult) -> None:
    """Refuse any ``?...`` on a scheme that takes no options."""
    query_options(url, parts, ())


def flag(url: str, name: str, value: str) -> bool:
    if value not in ("0", "1"):
        bad_url(url, f"option {name}={value!r}: expected 0 or 1")
    return value == "1"


def local_path(url: str, parts: urllib.parse.SplitResult, what: str) -> str:
    """The path part of a ``file://``/``virtual://`` URL (``scheme://rel/ative`` allowed)."""
    path = parts.netloc + parts.path
    if not path:
        bad_url(url, f"no {what} after {parts.scheme}://")
    return path
