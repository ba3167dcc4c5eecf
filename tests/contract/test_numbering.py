"""Contract section 2, ticket numbers: the prefix and at least three digits, from 001 per
category per service day; the service day is the local date in ``kiosk.timezone``."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo
from pathlib import Path

import pytest

from .conftest import events_named, wait_until, write_config

STORE_FILE = "kiosk.sqlite3"  # kiosk/store.py: the durable store inside data_dir


def issued_numbers(trace):
    return [e["number"] for e in events_named(trace, "issued")]


def seed_counter(data_dir: Path, service_day: str, category: str, last_n: int) -> None:
    """Set a category's counter in the kiosk's own store (the kiosk is stopped), to reach
    A999 without issuing 999 tickets. Schema: counters(service_day, category, last_n)."""
    db = sqlite3.connect(data_dir / STORE_FILE, timeout=5)
    try:
        with db:
            db.execute(
                "INSERT INTO counters (service_day, category, last_n) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, category) DO UPDATE SET last_n = excluded.last_n",
                (service_day, category, last_n),
            )
    finally:
        db.close()


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()


def test_numbers_count_from_001_in_each_category(kiosk, tmp_path):
    """ "Ticket numbers are the category prefix followed by at least three digits, counting
    from 001 in each category on each service day (A001, A002, …" """
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(
        config,
        """\
        ticket etat-civil
        ticket etat-civil
        ticket fs-caf
        ticket etat-civil
        ticket fs-caf
        quit
        """,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert issued_numbers(trace) == ["A001", "A002", "FC001", "A003", "FC002"]


def test_a999_is_followed_by_a1000(kiosk, tmp_path):
    """ "(A001, A002, …, A999, A1000)" """
    timezone = "Europe/Paris"
    config = write_config(tmp_path, timezone=timezone)
    proc, trace = kiosk.replay(config, "ticket etat-civil\nquit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert issued_numbers(trace) == ["A001"]
    seed_counter(tmp_path / "data", local_today(timezone).isoformat(), "etat-civil", 998)
    proc, trace = kiosk.replay(
        config, "ticket etat-civil\nticket etat-civil\nquit\n", trace=tmp_path / "t2.jsonl"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert issued_numbers(trace) == ["A999", "A1000"]


def test_a_new_service_day_starts_again_at_001(kiosk, tmp_path):
    """ "counting from 001 in each category on each service day" """
    timezone = "Europe/Paris"
    config = write_config(tmp_path, timezone=timezone)
    proc, _ = kiosk.replay(config, "quit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    yesterday = local_today(timezone) - dt.timedelta(days=1)
    seed_counter(tmp_path / "data", yesterday.isoformat(), "etat-civil", 41)
    proc, trace = kiosk.replay(config, "ticket etat-civil\nquit\n", trace=tmp_path / "t2.jsonl")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert issued_numbers(trace) == ["A001"]


@pytest.mark.parametrize("timezone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_service_day_is_the_local_date_in_the_kiosk_timezone(
    kiosk, tmp_path, stub, tcp_printer, timezone
):
    """ "The service day is the local date in `kiosk.timezone` when the ticket is issued"
    (UTC+14 and UTC-11: at any moment at least one differs from the UTC date)"""
    kiosk_id = "tz-" + timezone.split("/")[1].lower().replace("_", "-")
    config = write_config(
        tmp_path,
        kiosk_id=kiosk_id,
        timezone=timezone,
        printer_url=tcp_printer.url,
        server_url=stub.url,
    )
    before = local_today(timezone)
    process = kiosk.start(config, "ticket etat-civil\n")
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the ticket printed")
    assert stub.wait_for_events(3, kiosk_id=kiosk_id, timeout_s=20), stub.events(kiosk_id)
    after = local_today(timezone)
    process.terminate()
    issued = [e for e in stub.events(kiosk_id) if e["type"] == "ticket.issued"]
    assert len(issued) == 1
    day = dt.date.fromisoformat(issued[0]["data"]["service_day"])
    assert day in {before, after}, (
        f"service_day {day} is not the local date in {timezone} ({before})"
    )


def test_the_service_day_never_goes_backwards(kiosk, tmp_path, stub, tcp_printer):
    """ "The service day ... never goes backwards, even when the clock does." (the store
    remembers a later service day, as after a clock that ran ahead then was corrected)"""
    timezone = "Europe/Paris"
    kiosk_id = "backwards-1"
    config = write_config(
        tmp_path,
        kiosk_id=kiosk_id,
        timezone=timezone,
        printer_url=tcp_printer.url,
        server_url=stub.url,
    )
    proc, _ = kiosk.replay(config, "quit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    later = local_today(timezone) + dt.timedelta(days=2)
    db = sqlite3.connect(tmp_path / "data" / STORE_FILE, timeout=5)
    try:
        with db:  # kiosk/store.py keeps the last service day in its meta table
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_service_day', ?)",
                (later.isoformat(),),
            )
    finally:
        db.close()
    process = kiosk.start(config, "ticket etat-civil\n")
    process.wait_for_trace(
        lambda t: events_named(t, "printed") or events_named(t, "voided"), "the ticket's end"
    )

    def issued() -> list:
        return [e for e in stub.events(kiosk_id) if e["type"] == "ticket.issued"]

    (event,) = wait_until(issued, 30, "ticket.issued at the server")
    process.terminate()
    day = dt.date.fromisoformat(event["data"]["service_day"])
    assert day >= later, f"service day {day} went back before {later}"
