"""A corrupted store never leads to a number issued twice: what can be read is recovered,
and when today's counters cannot be, numbering is suspended until the next service day."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pytest

from kiosk.core.appointments import Appointment
from kiosk.core.errors import StoreCorrupted, StoreError
from kiosk.store import DB_NAME, Store


def open_store(path, clock):
    return Store.open(path, kiosk_id="test-1", clock=clock, timezone="Europe/Paris")


def open_after_corruption(path, clock):
    with pytest.raises(StoreCorrupted, match="moved aside"):
        open_store(path, clock)
    return open_store(path, clock)


def fill(path, clock, tickets=300):
    numbers = []
    with open_store(path, clock) as store:
        for i in range(tickets):
            t, _ = store.issue_ticket(
                category=("etat-civil", "urbanisme")[i % 2], prefix=("A", "U")[i % 2], language="fr"
            )
            store.mark_printed(t.id)
            numbers.append(t.number)
        store._require().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seq = store.last_seq()
    return numbers, seq


def test_header_destroyed_suspends_numbering_for_the_day(tmp_path, clock):
    fill(tmp_path, clock, tickets=20)
    db = tmp_path / DB_NAME
    data = bytearray(db.read_bytes())
    data[:100] = b"\x00" * 100  # the SQLite header is gone: nothing can be read
    db.write_bytes(bytes(data))
    with open_after_corruption(tmp_path, clock) as store:
        assert store.get_meta("numbering_suspended_day") == "2026-11-26"
        with pytest.raises(StoreError, match="suspended"):
            store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert len(store.corrupted_files()) == 1
        clock.advance(24 * 3600)  # the next service day restarts at 001: no clash possible
        t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert (t.number, t.service_day) == ("A001", dt.date(2026, 11, 27))


@pytest.mark.parametrize("seed", range(6))
def test_damaged_pages_never_give_a_number_twice(tmp_path, clock, seed):
    numbers, seq = fill(tmp_path, clock)
    db = tmp_path / DB_NAME
    data = bytearray(db.read_bytes())
    page = 4096
    rng = random.Random(seed)
    for _ in range(3):  # scribble over three pages, sparing the header page
        p = rng.randrange(1, len(data) // page)
        data[p * page : (p + 1) * page] = rng.randbytes(page)
    db.write_bytes(bytes(data))
    try:
        store = open_store(tmp_path, clock)  # damage in free pages may go unnoticed: fine
    except StoreCorrupted:
        store = open_store(tmp_path, clock)
    with store:
        try:
            t, e = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        except StoreError as err:
            assert "suspended" in str(err)
            return
        assert t.number not in numbers
        assert e.seq > seq  # an event seq is never reused


def _rows(db) -> dict[str, list[tuple]]:
    """Every row of every table in the file at ``db``, table by table (sorted)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}"), key=repr) for n in names}
    finally:
        conn.close()


def _damage_index(db, index: str) -> None:
    """Scribble over the one page of ``index``: quick_check fails, every table still reads."""
    conn = sqlite3.connect(db)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
        ).fetchone()
        (page,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page : root * page] = random.Random(root).randbytes(page)
    db.write_bytes(bytes(data))


def test_salvage_copies_every_table_of_the_schema(tmp_path, clock):
    """Nothing recorded is lost with a damaged file: tickets, events and counters, and the
    report's figures (tickets, votes, printer stretches), the day's appointments and their
    check-ins, the events set aside. Every table the store creates must hold a row here, so a
    table added to the schema later fails this test until it is filled and salvaged."""
    day = dt.date(2026, 11, 26)
    start = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
    with open_store(tmp_path, clock) as store:
        store.replace_appointments(
            day,
            [
                Appointment(
                    "rdv-1", "ab" * 32, "etat-civil", start, start + dt.timedelta(minutes=20)
                )
            ],
        )
        t, _ = store.issue_ticket(
            category="etat-civil", prefix="A", language="fr", appointment_id="rdv-1"
        )
        store.mark_printed(t.id)
        t2, _ = store.issue_ticket(
            category="urbanisme", prefix="U", language="en", is_priority=True
        )
        store.mark_voided(t2.id, "printer: paper out")
        store.append_event("ticket.refused", {"category": "etat-civil", "reason": "closed"})
        store.append_event("survey.answered", {"score": 4, "reason": "accueil"})
        store.append_event("printer.status", {"status": "paper_out"})
        clock.advance(60)
        store.append_event("printer.status", {"status": "ok"})
        first = store.pending_events(limit=1)[0]
        store.mark_rejected(first, status_code=400, answer='{"error": "bad"}')
        store._require().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seq = store.last_seq()
    db = tmp_path / DB_NAME
    before = _rows(db)
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"fill these tables in this test too: {empty}"
    _damage_index(db, "tickets_state")
    with open_after_corruption(tmp_path, clock) as store:
        assert store.get_meta("numbering_suspended_day") is None  # the counters survived
        assert store.get_meta("recovered_from")
        after = _rows(db)
        missing = {n: rows for n, rows in before.items() if n != "meta" and after.get(n) != rows}
        assert not missing, f"not salvaged: {sorted(missing)}"
        meta = dict(after["meta"])
        assert {k: meta.get(k) for k, _ in before["meta"]} == dict(before["meta"])
        t3, e3 = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert (t3.number, e3.seq > seq) == ("A002", True)
