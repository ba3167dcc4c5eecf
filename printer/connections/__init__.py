"""Byte pipes to a printer, chosen by URL the way pyserial's ``serial_for_url`` does.

=========================================  ===================================================
``usb://04b8:0e28``                        USB printer by vendor and product id (hex), pyusb
``serial:///dev/ttyUSB0?baudrate=19200``   serial line; options ``bytesize``, ``parity``,
                                           ``stopbits``, ``rtscts=1``, ``xonxoff=1``,
                                           ``dsrdtr=1``; pyserial
``tcp://192.168.1.50:9100``                network printer (raw port 9100), one TCP session
                                           per job
``file:///dev/usb/lp0``                    a device or file, write-only (no status)
``virtual:///path/to/dir``                 no printer: each job becomes ``NNNN-NAME.bin``
                                           and ``NNNN-NAME.png`` in the folder
=========================================  ===================================================

Laid out as pyserial lays out its URL handlers: :mod:`.base` holds the small
:class:`Connection` interface, each scheme has its module (:mod:`.usb`, :mod:`.serial`,
:mod:`.tcp`, :mod:`.file`, :mod:`.virtual`: its parsed description and its connection), and
:mod:`.url` holds the one parser and the scheme table. A scheme's module is imported only
when a URL of that scheme is parsed or one of its classes is asked for.

A :class:`Connection` only moves bytes; what they mean is :mod:`printer.device`'s business.
Every call has a timeout; no constructor does I/O, and neither pyusb nor pyserial is
imported before ``open()``. Bad URLs raise :class:`~kiosk.core.errors.PrinterUrlError` naming
the URL, what is wrong and the valid forms.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from printer.connections.base import VALID_FORMS, Connection
from printer.connections.url import SCHEMES, PrinterTarget, parse_printer_url

if TYPE_CHECKING:
    from printer.connections.file import FileConnection, FileTarget
    from printer.connections.serial import SerialConnection, SerialTarget
    from printer.connections.tcp import TcpConnection, TcpTarget
    from printer.connections.usb import UsbConnection, UsbTarget
    from printer.connections.virtual import VirtualConnection, VirtualTarget

# Each scheme's classes, from its module when first asked for (PEP 562): importing this
# package (as kiosk.config does) loads no scheme's module.
_LAZY = {
    "FileConnection": "file",
    "FileTarget": "file",
    "SerialConnection": "serial",
    "SerialTarget": "serial",
    "TcpConnection": "tcp",
    "TcpTarget": "tcp",
    "UsbConnection": "usb",
    "UsbTarget": "usb",
    "VirtualConnection": "virtual",
    "VirtualTarget": "virtual",
}

__all__ = [
    "SCHEMES",
    "VALID_FORMS",
    "Connection",
    "FileConnection",
    "FileTarget",
    "PrinterTarget",
    "SerialConnection",
    "SerialTarget",
    "TcpConnection",
    "TcpTarget",
    "UsbConnection",
    "UsbTarget",
    "VirtualConnection",
    "VirtualTarget",
    "connection_for_url",
    "parse_printer_url",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def connection_for_url(url: str, *, timeout_s: float = 5.0) -> Connection:
    """The connection ``url`` names, not yet open (no I/O). Raises
    :class:`~kiosk.core.errors.PrinterUrlError` for a bad URL."""
    return parse_printer_url(url).connect(timeout_s=timeout_s)
