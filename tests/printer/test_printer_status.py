"""Decoding the DLE EOT replies: the table of docs/printing.md, and garbage is never "ok"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printer.status import PrinterStatus, is_valid_reply, replies_for, status_from_replies


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (0x12, 0x12, 0x12, PrinterStatus.OK),
        (0x12, 0x12, 0x1E, PrinterStatus.PAPER_NEAR_END),
        (0x1A, 0x32, 0x7E, PrinterStatus.PAPER_OUT),
        (0x1A, 0x32, 0x72, PrinterStatus.PAPER_OUT),  # TM-T20II: no near-end sensor
        (0x12, 0x12, 0x72, PrinterStatus.PAPER_OUT),
        (0x1A, 0x16, 0x12, PrinterStatus.COVER_OPEN),
        (0x1A, 0x12, 0x12, PrinterStatus.OFFLINE),
        (0x16, 0x12, 0x12, PrinterStatus.OK),  # drawer pin high: not a printer problem
    ],
)
def test_reply_table(printer: int, cause: int, paper: int, expected: PrinterStatus) -> None:
    assert status_from_replies(bytes([printer]), bytes([cause]), bytes([paper])) is expected


@pytest.mark.parametrize(
    "bad",
    [b"", b"\x12\x12", b"\x00", b"\xff", b"\x13", b"\x92", b"8", b"\x02"],
)
def test_a_bad_reply_is_unknown_never_ok(bad: bytes) -> None:
    assert status_from_replies(bad, b"\x12", b"\x12") is PrinterStatus.UNKNOWN
    assert status_from_replies(b"\x12", bad, b"\x12") is PrinterStatus.UNKNOWN
    assert status_from_replies(b"\x12", b"\x12", bad) is PrinterStatus.UNKNOWN


@given(st.binary(max_size=3), st.binary(max_size=3), st.binary(max_size=3))
def test_only_valid_bytes_ever_give_a_known_status(a: bytes, b: bytes, c: bytes) -> None:
    status = status_from_replies(a, b, c)
    if not all(is_valid_reply(reply) for reply in (a, b, c)):
        assert status is PrinterStatus.UNKNOWN


@pytest.mark.parametrize("status", [s for s in PrinterStatus if s is not PrinterStatus.UNKNOWN])
def test_fake_replies_decode_back(status: PrinterStatus) -> None:
    replies = list(replies_for(status).values())
    assert status_from_replies(*replies) is status


def test_blocking_statuses() -> None:
    blocking = {s.value for s in PrinterStatus if s.is_blocking}
    assert blocking == {"paper_out", "cover_open", "offline"}
    assert PrinterStatus("paper_near_end") == "paper_near_end"
    assert str(PrinterStatus.OK) == "ok"
