"""USB printer errors in the technician's words, not pyusb's (issue 13, item 11).

pyusb's device search is replaced here, because no USB printer (and no libusb-less
machine) is at hand in CI; the real search runs in test_printer_connections."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from kiosk.core.errors import PrinterBusyError, PrinterError
from printer.connections import UsbConnection

usb_core = pytest.importorskip("usb.core", reason="needs pyusb: pip install pyusb")


def open_with(monkeypatch: pytest.MonkeyPatch, find: Any) -> PrinterError:
    monkeypatch.setattr(usb_core, "find", find)
    with pytest.raises(PrinterError) as caught:
        UsbConnection(0x04B8, 0x0E28).open()
    return caught.value


def test_no_libusb_says_which_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def find(**_: Any) -> Any:
        raise usb_core.NoBackendError("No backend available")

    err = open_with(monkeypatch, find)
    assert str(err) == "USB printer 04b8:0e28: libusb not found: apt install libusb-1.0-0"
    assert err.status == "offline"


def test_no_device_says_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    err = open_with(monkeypatch, lambda **_: None)
    assert str(err) == "no USB device 04b8:0e28 (check the cable; lsusb lists what is connected)"
    assert err.status == "offline"


class HeldDevice:
    """A device whose interface another process has claimed (errno EBUSY), or that this
    user may not open (EACCES)."""

    def __init__(self, error_number: int):
        self.error_number = error_number

    def get_active_configuration(self) -> Any:
        return {(0, 0): type("Interface", (), {"bInterfaceNumber": 0})()}

    def is_kernel_driver_active(self, number: int) -> bool:
        raise usb_core.USBError("boom", errno=self.error_number)


def test_a_device_held_elsewhere_is_busy_not_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    err = open_with(monkeypatch, lambda **_: HeldDevice(errno.EBUSY))
    assert isinstance(err, PrinterBusyError)
    assert err.status == "unknown"
    assert "held by another process" in str(err)


def test_permission_denied_names_the_udev_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    err = open_with(monkeypatch, lambda **_: HeldDevice(errno.EACCES))
    assert not isinstance(err, PrinterBusyError)
    assert "udev rule 99-kiosk-printer.rules" in str(err)
