"""Connections chosen by URL: the right transport, no I/O until open(), clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.errors import PrinterError, PrinterUrlError
from printer.connections import (
    VALID_FORMS,
    FileConnection,
    SerialConnection,
    TcpConnection,
    VirtualConnection,
    connection_for_url,
)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("serial:///dev/ttyUSB0?baudrate=19200", SerialConnection),
        ("serial:///dev/ttyS0?baudrate=115200&rtscts=1", SerialConnection),
        ("tcp://192.0.2.10:9100", TcpConnection),
        ("file:///dev/usb/lp0", FileConnection),
        ("virtual:///tmp/nowhere/tickets", VirtualConnection),
    ],
)
def test_url_picks_the_transport_without_io(url: str, kind: type) -> None:
    connection = connection_for_url(url, timeout_s=1.0)
    assert isinstance(connection, kind)
    assert not connection.is_open
    assert "closed" in repr(connection)


def test_serial_options_are_read() -> None:
    connection = connection_for_url("serial:///dev/ttyUSB0?baudrate=38400&xonxoff=1")
    assert isinstance(connection, SerialConnection)
    assert (connection.baudrate, connection.is_xonxoff, connection.is_rtscts) == (
        38400,
        True,
        False,
    )
    assert connection.transfer_time_s(3840) == pytest.approx(1.0)


def test_usb_url_parses_hex_ids() -> None:
    connection = connection_for_url("usb://04b8:0e28")
    assert (connection.vendor_id, connection.product_id) == (0x04B8, 0x0E28)  # type: ignore[attr-defined]
    assert not connection.is_open


def test_usb_printer_absent_is_a_printer_error() -> None:
    connection = connection_for_url("usb://ffff:fffe")
    with pytest.raises(PrinterError) as caught:
        connection.open()
    assert caught.value.status == "offline"
    assert "ffff:fffe" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "lpt://1",
        "/dev/usb/lp0",
        "usb://04b8",
        "usb://zz:0e28",
        "tcp://printer",
        "tcp://printer:port",
        "serial://",
        "serial:///dev/ttyUSB0?speed=9600",
        "virtual://",
        "virtual:///tmp/x?state=jammed",
    ],
)
def test_bad_url_names_it_and_lists_the_valid_forms(url: str) -> None:
    with pytest.raises(PrinterUrlError) as caught:
        connection_for_url(url)
    message = str(caught.value)
    assert repr(url) in message
    assert "\n" not in message
    for form in VALID_FORMS:
        assert form in message


def test_tcp_refused_is_offline() -> None:
    connection = TcpConnection("127.0.0.1", _closed_port(), timeout_s=1.0)
    with pytest.raises(PrinterError) as caught:
        connection.open()
    assert caught.value.status == "offline"


def test_file_connection_appends_and_is_write_only(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    connection = connection_for_url(f"file://{target}")
    assert not connection.is_bidirectional
    connection.open()
    connection.write(b"abc")
    connection.write(b"def")
    assert connection.read(1, 0.01) == b""
    connection.close()
    connection.close()  # idempotent
    assert target.read_bytes() == b"abcdef"


def test_file_connection_never_creates_device_nodes() -> None:
    connection = FileConnection(Path("/dev/kiosk-no-such-printer"))
    with pytest.raises(PrinterError, match="kiosk-no-such-printer"):
        connection.open()


def test_serial_missing_device_is_offline(tmp_path: Path) -> None:
    connection = connection_for_url(f"serial://{tmp_path}/ttyUSB9?baudrate=19200")
    with pytest.raises(PrinterError) as caught:
        connection.open()
    assert caught.value.status == "offline"


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_file_write_timeout_keeps_its_status_and_says_it_once(tmp_path: Path) -> None:
    """A device that stops taking data (a FIFO nobody reads, as a stalled lp0): the error
    says so once, with status offline, and is not re-wrapped as a generic write failure."""
    import os

    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # present, but never reads
    try:
        connection = FileConnection(fifo, timeout_s=0.2)
        connection.open()
        with pytest.raises(PrinterError) as caught:
            connection.write(b"\x00" * (4 * 1024 * 1024))
    finally:
        os.close(reader)
    err = caught.value
    assert not isinstance(err, OSError)
    assert err.status == "offline"
    message = str(err)
    assert message.count("took no data") == 1, message
    assert message.count(str(fifo)) == 1, message
    assert "write failed" not in message
    assert not connection.is_open


def test_printer_error_is_not_an_oserror() -> None:
    """Refusals are expected outcomes: an ``except OSError`` around a system call must never
    catch (and re-wrap) one."""
    from kiosk.core.errors import (
        AuthError,
        ConfigError,
        KioskError,
        Refusal,
        StoreError,
        UsageError,
    )

    assert not issubclass(PrinterError, OSError)
    assert not issubclass(AuthError, OSError)
    assert issubclass(PrinterError, Refusal)
    assert issubclass(StoreError, OSError)
    assert (ConfigError.exit_code, UsageError.exit_code, KioskError.exit_code) == (2, 2, 1)
    assert PrinterUrlError.exit_code == 2 and PrinterError.exit_code == 1
