"""Service days against a clock that lies: retention never touches today, a printed number is
unique per service day whatever the configuration does, and a day frozen in the future can be
moved back without reusing a number."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kiosk.core.clock import FakeClock
from kiosk.store import DB_NAME, SCHEMA_VERSION, Store


def open_store(path, clock):
    return Store.open(path, kiosk_id="test-1", clock=clock, timezone="Europe/Paris")


def issue(store, category="etat-civil", prefix="A"):
    return store.issue_ticket(category=category, prefix=prefix, language="fr")[0]


# ---- retention (issue 10, item 1) -------------------------------------------------------------


def test_prune_under_a_clock_100_days_ahead_keeps_today(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        t = issue(store)
        store.mark_printed(t.id)
        store.mark_accepted(e.id for e in store.pending_events())
        clock.advance(100 * 86400)  # a start with the clock months ahead
        assert store.prune(retention_days=90) == (0, 0)
        assert store.ticket(t.id) is not None
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"etat-civil": 1}
        clock.advance(-100 * 86400)  # the clock comes back
        assert issue(store).number == "A002"


def test_prune_never_removes_a_ticket_whose_events_are_unsent(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        old = issue(store)
        store.mark_printed(old.id)  # offline: its events were never sent
        clock.advance(100 * 86400)
        issue(store)  # a real new service day, 100 days later
        assert store.prune(retention_days=90) == (0, 0)
        assert store.ticket(old.id) is not None
        store.mark_accepted(e.id for e in store.pending_events())
        assert store.prune(retention_days=90) == (1, 2)
        assert store.ticket(old.id) is None


def test_prune_never_removes_a_counter(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        t = issue(store)
        store.mark_printed(t.id)
        store.mark_accepted(e.id for e in store.pending_events())
        clock.advance(200 * 86400)
        issue(store)
        store.mark_accepted(e.id for e in store.pending_events())
        assert store.prune(retention_days=90) == (1, 2)
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"etat-civil": 1}


# ---- a number is unique per service day (item 2) ----------------------------------------------


def test_renamed_category_continues_its_prefix(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        assert [issue(store).number for _ in range(3)] == ["A001", "A002", "A003"]
        # The technician renames etat-civil to civil mid-day: A001 must not come again.
        t = issue(store, category="civil", prefix="A")
        assert t.number == "A004"
        # A category's count is its last number of the day (as before the fix).
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"civil": 4, "etat-civil": 3}


def test_swapped_prefixes_never_repeat_a_number(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        issue(store, "etat-civil", "A")
        issue(store, "etat-civil", "A")
        issue(store, "urbanisme", "U")
        # The two prefixes are swapped in the configuration. A number may be skipped (the
        # category's own counter counts too), never repeated.
        assert issue(store, "etat-civil", "U").number == "U003"
        assert issue(store, "urbanisme", "A").number == "A003"
        # The cap still counts the category's own tickets of the day.
        t, _ = store.issue_ticket(category="urbanisme", prefix="A", language="fr", cap=3)
        assert t.number == "A004"


def test_unique_index_on_the_printed_number(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        issue(store)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO tickets (id, service_day, category, n, number, language, issued_at, "
            "state) VALUES ('x', '2026-11-26', 'other', 1, 'A001', 'fr', '', 'issued')"
        )
    conn.close()


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE counters (
    service_day TEXT NOT NULL, category TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, category));
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    service_day TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL,
    number TEXT NOT NULL, language TEXT NOT NULL,
    issued_at TEXT NOT NULL, is_clock_unsure INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('issued', 'printed', 'voided')),
    void_reason TEXT, ended_at TEXT,
    UNIQUE (service_day, category, n));
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL,
    created_utc TEXT NOT NULL, boot_id TEXT, mono_ns INTEGER,
    sent_at TEXT, is_rejected INTEGER NOT NULL DEFAULT 0);
CREATE TABLE rejected_events (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL,
    status_code INTEGER NOT NULL, answer TEXT NOT NULL, rejected_at TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1'), ('kiosk_id', 'test-1'),
    ('last_service_day', '2026-11-26');
INSERT INTO counters VALUES ('2026-11-26', 'etat-civil', 2), ('2026-11-26', 'civil', 1);
INSERT INTO tickets (id, service_day, category, n, number, language, issued_at, state) VALUES
    ('t1', '2026-11-26', 'etat-civil', 1, 'A001', 'fr', '2026-11-26T08:00:00+00:00', 'printed'),
    ('t2', '2026-11-26', 'etat-civil', 2, 'A002', 'fr', '2026-11-26T08:01:00+00:00', 'printed'),
    ('t3', '2026-11-26', 'civil', 1, 'A001', 'fr', '2026-11-26T08:02:00+00:00', 'printed');
"""


def test_a_version_1_store_is_migrated_keeping_its_data(tmp_path, clock):
    """A store written before the fix, holding the duplicate A001 the bug made."""
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(V1_SCHEMA)
    conn.close()
    with open_store(tmp_path, clock) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert {store.ticket(i).number for i in ("t1", "t2", "t3")} == {"A001", "A002"}
        assert issue(store, "civil", "A").number == "A003"
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"civil": 3, "etat-civil": 2}
    conn = sqlite3.connect(tmp_path / DB_NAME)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    conn.close()
    assert "tickets_day_number" in names


# ---- a service day frozen in the future (item 3) -----------------------------------------------


def test_future_day_moved_back_without_reusing_a_number(tmp_path):
    clock = FakeClock(dt.datetime(2036, 3, 1, 9, 0, tzinfo=dt.UTC))  # a far-future clock
    with open_store(tmp_path, clock) as store:
        assert [issue(store).number for _ in range(3)] == ["A001", "A002", "A003"]
        issue(store, "urbanisme", "U")
        clock.set_wall(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))  # NTP puts it right
        frozen = issue(store)
        assert (frozen.service_day, frozen.number) == (dt.date(2036, 3, 1), "A004")
        assert store.move_service_day_back() == (dt.date(2036, 3, 1), dt.date(2026, 11, 26))
        t = issue(store)
        assert (t.service_day, t.number, t.is_clock_unsure) == (
            dt.date(2026, 11, 26),
            "A005",
            False,
        )
        assert issue(store, "urbanisme", "U").number == "U002"
        assert store.move_service_day_back() is None  # nothing ahead any more
        # When 2036-03-01 comes for real, its numbers still continue above.
        clock.set_wall(dt.datetime(2036, 3, 1, 9, 0, tzinfo=dt.UTC))
        assert issue(store).number == "A005"
        assert store.get_meta("service_day_moved_back").startswith("2036-03-01 -> 2026-11-26")


def test_move_back_does_nothing_when_the_day_is_not_ahead(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        assert store.move_service_day_back() is None
        issue(store)
        assert store.move_service_day_back() is None
        assert issue(store).number == "A002"
