"""Fixtures for the printer tests: fake printers on real transports, a ticket layout."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest

from printer.fake import FakePtyPrinter, FakeTcpPrinter
from printer.ticket import TicketContent, TicketLayout

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def fake_tcp() -> Iterator[FakeTcpPrinter]:
    with FakeTcpPrinter() as fake:
        yield fake


@pytest.fixture
def fake_pty() -> Iterator[FakePtyPrinter]:
    with FakePtyPrinter() as fake:
        yield fake


@pytest.fixture(params=["tcp", "pty"])
def fake_printer(request: pytest.FixtureRequest) -> Iterator[FakeTcpPrinter | FakePtyPrinter]:
    """The same contract, over a TCP socket and over a serial line (pty)."""
    fake = FakeTcpPrinter() if request.param == "tcp" else FakePtyPrinter()
    with fake:
        yield fake


@pytest.fixture(scope="session")
def layout() -> TicketLayout:
    layout = TicketLayout(profile="TM-T20II")
    layout.load()
    return layout


def sample_content(**changes: object) -> TicketContent:
    """A full French ticket: every optional part present."""
    values: dict[str, object] = {
        "site": "Hôtel de ville",
        "number": "A042",
        "category_label": "État civil",
        "language": "fr",
        "issued_at": dt.datetime(2026, 11, 26, 9, 41, tzinfo=PARIS),
        "people_ahead": 3,
        "wait_range_min": (10, 20),
        "qr_payload": "https://file.example.org/t/hdv-1/A042",
    }
    values.update(changes)
    return TicketContent(**values)  # type: ignore[arg-type]
