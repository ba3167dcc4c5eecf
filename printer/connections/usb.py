"""USB printers through pyusb directly.

Why not python-escpos's ``Usb`` class: its 3.1 constructor opens the device (I/O in a
constructor), its positional arguments changed between 2.x and 3.x, its endpoints default to
0x82/0x01 whatever the model, its timeout of 0 means "wait forever", and a silent printer
raises instead of reading nothing. Here the bulk endpoints are read from the device's own
descriptors, every transfer has a timeout of at least 5 s, and a read timeout is silence
(``b""``), as for the other connections.

Epson printers have vendor id 04b8 (TM-T20III 0e28 or 0202, TM-T88VI 0e21 or 0202). The
kiosk user needs a udev rule giving it the device; ``Resource busy`` means usblp or CUPS
holds it.
"""

from __future__ import annotations

import errno
import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.errors import PrinterBusyError, PrinterError
from kiosk.core.vocabulary import PrinterStatus
from printer.connections.base import Connection, bad_url, no_query

logger = logging.getLogger(__name__)

MIN_TIMEOUT_MS = 5000
_ID_RE = re.compile(r"^[0-9a-fA-F]{1,4}$")
NO_LIBUSB = "libusb not found: apt install libusb-1.0-0"


@dataclass(frozen=True)
class UsbTarget:
    """A parsed ``usb://VID:PID`` URL."""

    vendor_id: int
    product_id: int
    url_text: str = field(default="", compare=False, repr=False)

    @property
    def url(self) -> str:
        return self.url_text or f"usb://{self.vendor_id:04x}:{self.product_id:04x}"

    def connect(self, *, timeout_s: float = 5.0) -> UsbConnection:
        return UsbConnection(self.vendor_id, self.product_id, timeout_s=timeout_s)


def parse_url(url: str, parts: urllib.parse.SplitResult) -> UsbTarget:
    no_query(url, parts)
    ids = (parts.netloc + parts.path).strip("/")
    vid_pid = ids.split(":")
    if len(vid_pid) != 2:
        bad_url(url, f"{ids!r} is not VID:PID (two hexadecimal ids joined by ':')")
    for part in vid_pid:
        if not _ID_RE.match(part):
            bad_url(url, f"USB id {part!r} is not 1 to 4 hexadecimal digits")
    return UsbTarget(vendor_id=int(vid_pid[0], 16), product_id=int(vid_pid[1], 16), url_text=url)


class UsbConnection(Connection):
    """One USB printer, found by vendor and product id, spoken to over its bulk endpoints."""

    def __init__(self, vendor_id: int, product_id: int, *, timeout_s: float = 5.0):
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.timeout_s = timeout_s
        self._device: Any = None
        self._out: Any = None
        self._in: Any = None

    @property
    def name(self) -> str:
        return f"{self.vendor_id:04x}:{self.product_id:04x}"

    @property
    def is_open(self) -> bool:
        return self._device is not None

    def open(self) -> None:
        if self._device is not None:
            return
        import usb.core
        import usb.util

        try:
            device = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        except usb.core.NoBackendError as err:
            raise PrinterError(
                f"USB printer {self.name}: {NO_LIBUSB}", status=PrinterStatus.OFFLINE
            ) from err
        except usb.core.USBError as err:
            raise PrinterError(
                f"USB printer {self.name}: {err}", status=PrinterStatus.OFFLINE
            ) from err
        if device is None:
            raise PrinterError(
                f"no USB device {self.name} (check the cable; lsusb lists what is connected)",
                status=PrinterStatus.OFFLINE,
            )
        try:
            config = device.get_active_configuration()
            interface = config[(0, 0)]
            if device.is_kernel_driver_active(interface.bInterfaceNumber):
                device.detach_kernel_driver(interface.bInterfaceNumber)
            usb.util.claim_interface(device, interface.bInterfaceNumber)
        except usb.core.USBError as err:
            if err.errno == errno.EBUSY:
                raise PrinterBusyError(
                    f"USB printer {self.name} is held by another process (the running "
                    "kiosk, usblp or CUPS): its status is unknown from here",
                    status=PrinterStatus.UNKNOWN,
                ) from err
            if err.errno in (errno.EACCES, errno.EPERM):
                raise PrinterError(
                    f"USB printer {self.name}: permission denied: install the udev rule "
                    "99-kiosk-printer.rules (group lp), then replug the printer",
                    status=PrinterStatus.OFFLINE,
                ) from err
            raise PrinterError(
                f"USB printer {self.name}: {err}", status=PrinterStatus.OFFLINE
            ) from err

        def direction_is(direction: int) -> Any:
            return lambda ep: usb.util.endpoint_direction(ep.bEndpointAddress) == direction

        self._out = usb.util.find_descriptor(
            interface, custom_match=direction_is(usb.util.ENDPOINT_OUT)
        )
        self._in = usb.util.find_descriptor(
            interface, custom_match=direction_is(usb.util.ENDPOINT_IN)
        )
        if self._out is None:
            raise PrinterError(f"USB device {self.name} has no output endpoint: is it a printer?")
        self._device = device

    def close(self) -> None:
        device, self._device = self._device, None
        if device is None:
            return
        import usb.util

        try:
            usb.util.dispose_resources(device)
        except Exception as err:  # pyusb raises bare USBError subclasses and OSErrors here
            logger.debug("releasing USB printer %s: %s", self.name, err)

    @property
    def is_bidirectional(self) -> bool:
        return self._in is not None or self._device is None

    def write(self, data: bytes) -> None:
        import usb.core

        if self._device is None:
            raise PrinterError(f"USB printer {self.name} is not open", status=PrinterStatus.OFFLINE)
        timeout_ms = max(MIN_TIMEOUT_MS, int(self.timeout_s * 1000))
        try:
            written = self._out.write(data, timeout=timeout_ms)
        except usb.core.USBError as err:
            self.close()
            raise PrinterError(f"USB printer {self.name}: write failed: {err}") from err
        if written != len(data):
            raise PrinterError(f"USB printer {self.name}: wrote {written} of {len(data)} bytes")

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        import usb.core

        if self._device is None or self._in is None:
            return b""
        try:
            return bytes(
                self._in.read(
                    max(max_bytes, self._in.wMaxPacketSize), timeout=max(1, int(timeout_s * 1000))
                )
            )[:max_bytes]
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as err:
            self.close()
            raise PrinterError(f"USB printer {self.name}: read failed: {err}") from err

    def __repr__(self) -> str:
        return f"<UsbConnection {self.name} {'open' if self._device is not None else 'closed'}>"
