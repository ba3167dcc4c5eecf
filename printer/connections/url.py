"""The one printer URL parser, used by ``kiosk check-config`` (through :mod:`kiosk.config`)
and by ``kiosk run`` (through :func:`printer.connections.connection_for_url`), so a URL the
first accepts is a URL the second can use.

:func:`parse_printer_url` returns a typed description (a frozen dataclass per scheme, with
``url`` and ``connect(timeout_s=...)``) and does no I/O; a bad URL raises
:class:`~kiosk.core.errors.PrinterUrlError`, one line naming the URL, what is wrong and the
valid forms.
"""

from __future__ import annotations

import importlib
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from printer.connections.base import Connection, bad_url


class PrinterTarget(Protocol):
    """What every parsed printer URL offers."""

    @property
    def url(self) -> str:
        """The URL, with a relative path made absolute."""
        ...

    def connect(self, *, timeout_s: float = 5.0) -> Connection:
        """The connection to it, not yet open (no I/O)."""
        ...


_Parser = Callable[[str, urllib.parse.SplitResult, "Path | None"], PrinterTarget]

# The scheme table: each scheme's module (its parser and its connection), imported only when
# a URL of that scheme is parsed: checking a configuration, and the kiosk's start-up before
# its first frame, load one scheme's module, not five. Those marked take the base folder
# (relative paths).
_SCHEMES: dict[str, bool] = {
    "usb": False,
    "serial": False,
    "tcp": False,
    "file": True,
    "virtual": True,
}
SCHEMES = tuple(_SCHEMES)


def _parser(scheme: str) -> _Parser:
    """The parser of ``scheme`` (one of :data:`SCHEMES`), its module imported now."""
    parse_url = importlib.import_module(f"printer.connections.{scheme}").parse_url
    if _SCHEMES[scheme]:
        return parse_url
    return lambda url, parts, base_dir: parse_url(url, parts)


def parse_printer_url(url: str, *, base_dir: Path | None = None) -> PrinterTarget:
    """The printer ``url`` names, checked whole; relative ``file://`` and ``virtual://``
    paths are resolved against ``base_dir`` (refused without one)."""
    if not isinstance(url, str) or not url.strip():
        bad_url(str(url), "empty")
    if url != url.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        bad_url(url, "spaces around the URL or control characters in it")
    if "://" not in url:
        bad_url(url, "no scheme (expected SCHEME://...)")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as err:  # "Invalid IPv6 URL": an unbalanced [ or ]
        bad_url(url, f"unbalanced bracket around an IPv6 address ({err})")
    if parts.fragment or url.endswith("#"):
        bad_url(url, "a '#' fragment (printer URLs take none)")
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        bad_url(url, f"unknown scheme {scheme!r} (known: {', '.join(SCHEMES)})")
    return _parser(scheme)(url, parts, base_dir)
