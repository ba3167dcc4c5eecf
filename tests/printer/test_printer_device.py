"""TicketPrinter against fake printers on a real TCP socket and a real pty, in every state."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.errors import PrinterError, PrinterUrlError
from kiosk.core.settings import PrinterSection
from printer.device import TicketPrinter
from printer.fake import FakePtyPrinter, FakeTcpPrinter
from printer.status import PrinterStatus

JOB = b"\x1b@\x1bt\x10\x1ba\x01Votre num\xe9ro\nA042\n\x1dV\x00"
TIMEOUT_S = 0.5  # the fakes answer at once; silence costs one timeout


@pytest.mark.parametrize("state", ["ok", "paper_near_end"])
def test_prints_and_confirms(fake_printer: FakeTcpPrinter | FakePtyPrinter, state: str) -> None:
    fake_printer.state = state
    with TicketPrinter(fake_printer.url, timeout_s=TIMEOUT_S) as printer:
        assert printer.status() is PrinterStatus(state)
        assert printer.print_job(JOB, job_name="A042") is PrinterStatus(state)
        assert printer.last_status is PrinterStatus(state)
    assert fake_printer.wait_for_jobs(1, timeout_s=5)
    assert fake_printer.jobs == [JOB]


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline"])
def test_blocking_state_writes_nothing(
    fake_printer: FakeTcpPrinter | FakePtyPrinter, state: str
) -> None:
    fake_printer.state = state
    with TicketPrinter(fake_printer.url, timeout_s=TIMEOUT_S) as printer:
        assert printer.status() is PrinterStatus(state)
        with pytest.raises(PrinterError) as caught:
            printer.print_job(JOB, job_name="A042")
        assert caught.value.status == state
        assert "not printed" in str(caught.value)
        fake_printer.state = "ok"
        printer.print_job(JOB, job_name="A043")  # recovers by itself once the paper is back
    assert fake_printer.wait_for_jobs(1, timeout_s=5)
    assert fake_printer.jobs == [JOB]


def test_silent_printer_is_unknown_and_gets_nothing(
    fake_printer: FakeTcpPrinter | FakePtyPrinter,
) -> None:
    fake_printer.state = "silent"
    with TicketPrinter(fake_printer.url, timeout_s=TIMEOUT_S) as printer:
        assert printer.status() is PrinterStatus.UNKNOWN
        with pytest.raises(PrinterError) as caught:
            printer.print_job(JOB, job_name="A042")
        assert caught.value.status == "unknown"
    assert fake_printer.jobs == []


def test_dropping_printer_is_offline_and_gets_nothing(fake_tcp: FakeTcpPrinter) -> None:
    fake_tcp.state = "drop"
    with TicketPrinter(fake_tcp.url, timeout_s=TIMEOUT_S) as printer:
        assert printer.status() is PrinterStatus.OFFLINE
        with pytest.raises(PrinterError) as caught:
            printer.print_job(JOB, job_name="A042")
        assert caught.value.status == "offline"
    assert fake_tcp.jobs == []


def test_dropped_session_is_detected_and_reopened(fake_tcp: FakeTcpPrinter) -> None:
    with TicketPrinter(fake_tcp.url, timeout_s=TIMEOUT_S) as printer:
        printer.print_job(JOB, job_name="A001")
        fake_tcp.drop_sessions()
        assert printer.status() is PrinterStatus.OK  # first write into the dead session is lost
        fake_tcp.drop_sessions()
        assert printer.print_job(JOB, job_name="A002") is PrinterStatus.OK
    assert fake_tcp.wait_for_jobs(2, timeout_s=5)
    assert fake_tcp.jobs == [JOB, JOB]


def test_unreachable_printer_is_offline_then_reconnects() -> None:
    fake = FakeTcpPrinter().start()
    url = fake.url
    fake.stop()
    with TicketPrinter(url, timeout_s=TIMEOUT_S) as printer:
        assert printer.status() is PrinterStatus.OFFLINE
        with pytest.raises(PrinterError) as caught:
            printer.print_job(JOB, job_name="A042")
        assert caught.value.status == "offline"
        with FakeTcpPrinter(port=int(url.rsplit(":", 1)[1])) as back:
            assert printer.print_job(JOB, job_name="A042") is PrinterStatus.OK
            assert back.wait_for_jobs(1, timeout_s=5)


def test_write_only_file_counts_as_printed_with_unknown_status(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    with TicketPrinter(f"file://{device}") as printer:
        assert printer.status() is PrinterStatus.UNKNOWN
        assert printer.print_job(JOB, job_name="A042") is PrinterStatus.UNKNOWN
    assert device.read_bytes() == JOB


def test_virtual_state_from_url_blocks(tmp_path: Path) -> None:
    with TicketPrinter(f"virtual://{tmp_path}/out?state=cover_open") as printer:
        assert printer.status() is PrinterStatus.COVER_OPEN
        with pytest.raises(PrinterError):
            printer.print_job(JOB, job_name="A042")
    assert list((tmp_path / "out").iterdir()) == []


def test_lifecycle_and_repr(fake_tcp: FakeTcpPrinter) -> None:
    printer = TicketPrinter(fake_tcp.url)
    assert "closed" in repr(printer) and fake_tcp.url in repr(printer)
    with pytest.raises(PrinterError, match="not open"):
        printer.print_job(JOB, job_name="A042")
    printer.open()
    printer.status()
    assert "status=ok open" in repr(printer)
    printer.close()
    printer.close()
    assert "closed" in repr(printer)


def test_from_config_and_bad_url() -> None:
    printer = TicketPrinter.from_config(PrinterSection(url="tcp://127.0.0.1:9", timeout_s=2.5))
    assert printer.timeout_s == 2.5
    with pytest.raises(PrinterUrlError):
        TicketPrinter("lp0")
