"""A corrupted store never leads to a number issued twice: what can be read is recovered,
and when today's counters cannot be, numbering is suspended until the next service day."""

from __future__ import annotations

import datetime as dt
import random

import pytest

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
