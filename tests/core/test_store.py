"""The durable store on real SQLite files."""

import datetime as dt
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.clock import FakeClock
from kiosk.core.errors import StoreCorrupted, StoreError
from kiosk.store import DB_NAME, CapReached, Store


def open_store(path, clock):
    return Store.open(path, kiosk_id="test-1", clock=clock, timezone="Europe/Paris")


def test_wal_and_full_sync(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        assert store._require().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_issue_commits_number_ticket_and_event_together(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        t1, e1 = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        t2, e2 = store.issue_ticket(category="etat-civil", prefix="A", language="en")
        t3, _ = store.issue_ticket(category="urbanisme", prefix="U", language="fr")
    assert (t1.number, t2.number, t3.number) == ("A001", "A002", "U001")
    assert e1.type == "ticket.issued" and e1.seq == 1 and e2.seq == 2
    assert e1.data == {
        "ticket_id": t1.id,
        "number": "A001",
        "category": "etat-civil",
        "service_day": "2026-11-26",
        "language": "fr",
    }
    assert e1.at == "2026-11-26T10:00:00.000+01:00"
    # Reopening the file finds everything.
    with open_store(tmp_path, clock) as store:
        assert [e.seq for e in store.pending_events()] == [1, 2, 3]
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"etat-civil": 2, "urbanisme": 1}


def test_each_ticket_ends_exactly_once(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert store.mark_printed(t.id).type == "ticket.printed"
        assert store.mark_printed(t.id) is None
        assert store.mark_voided(t.id, "late") is None
        assert store.ticket(t.id).state == "printed"


def test_interrupted_tickets_are_voided_at_start(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    with open_store(tmp_path, clock) as store:
        voided = store.void_interrupted()
        assert [v.number for v in voided] == ["A001"]
        assert store.ticket(t.id).void_reason == "interrupted"
        last = store.pending_events()[-1]
        assert last.type == "ticket.voided" and last.data == {
            "ticket_id": t.id,
            "reason": "interrupted",
        }
        assert store.void_interrupted() == []
        t2, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert t2.number == "A002"  # the voided number is never reused


def test_cap_takes_no_number(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        for _ in range(2):
            store.issue_ticket(category="urbanisme", prefix="U", language="fr", cap=2)
        with pytest.raises(CapReached):
            store.issue_ticket(category="urbanisme", prefix="U", language="fr", cap=2)
        assert store.counts_for_day(dt.date(2026, 11, 26)) == {"urbanisme": 2}
        assert store.outbox_depth() == 2


def test_new_day_restarts_at_001_and_clock_going_back_keeps_the_day(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        clock.advance(24 * 3600)
        t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert (t.number, t.service_day) == ("A001", dt.date(2026, 11, 27))
        clock.set_wall(
            dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
        )  # stale clock after a power cut
        t2, e2 = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert (t2.number, t2.service_day, t2.is_clock_unsure) == (
            "A002",
            dt.date(2026, 11, 27),
            True,
        )
        assert e2.data["clock_unsynced"] is True and e2.data["service_day"] == "2026-11-27"


def test_seq_never_reused_after_pruning(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        for _ in range(3):
            t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
            store.mark_printed(t.id)
        store.mark_accepted([e.id for e in store.pending_events()])
        clock.advance(100 * 86400)
        # Retention counts from the last service day recorded, never from the clock alone
        # (issue 10): a ticket on the new day records it.
        issue_seq = store.issue_ticket(category="etat-civil", prefix="A", language="fr")[1].seq
        assert issue_seq == 7
        assert store.prune(retention_days=90) == (3, 6)
        e = store.append_event("kiosk.started", {"version": "x"})
        assert e.seq == 8
        assert store.last_seq() == 8


def test_outbox_accept_and_reject(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        events = [store.append_event("kiosk.heartbeat", {"uptime_s": i}) for i in range(5)]
        assert store.mark_accepted([events[0].id, events[1].id, events[1].id]) == 2
        store.mark_rejected(events[2], status_code=400, answer='{"error": "bad"}')
        assert [e.seq for e in store.pending_events()] == [4, 5]
        assert store.outbox_depth() == 2
        rejected = store.rejected_events()
        assert [(r.seq, r.status_code) for r in rejected] == [(3, 400)]
        assert json.loads(rejected[0].answer) == {"error": "bad"}


def test_meta_survives_restart(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        store.set_meta("sync.next_attempt_at", "2026-11-26T10:00:00+00:00")
    with open_store(tmp_path, clock) as store:
        assert store.get_meta("sync.next_attempt_at") == "2026-11-26T10:00:00+00:00"
        store.set_meta("sync.next_attempt_at", None)
        assert store.get_meta("sync.next_attempt_at") is None


def test_corrupted_database_is_moved_aside_not_deleted(tmp_path, clock):
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupted, match="moved aside"):
        open_store(tmp_path, clock)
    aside = list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    with open_store(tmp_path, clock) as store:
        assert store.corrupted_files() == aside


def test_unwritable_data_dir_is_a_store_error(tmp_path, clock):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="data directory"):
        open_store(blocker / "data", clock)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "U"]), st.integers(-3 * 86400, 3 * 86400)), max_size=30
    )
)
def test_numbers_never_repeat_whatever_the_clock(tmp_path_factory, steps):
    """Per service day and category, numbers are exactly 1..N, whatever the clock does."""
    clock = FakeClock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    with open_store(tmp_path_factory.mktemp("s"), clock) as store:
        seen = set()
        for prefix, jump_s in steps:
            clock.set_wall(clock.now_utc() + dt.timedelta(seconds=jump_s))
            t, _ = store.issue_ticket(category=prefix.lower(), prefix=prefix, language="fr")
            key = (t.service_day, t.number)
            assert key not in seen
            seen.add(key)
        by_day = {}
        for day, number in seen:
            by_day.setdefault((day, number[0]), []).append(int(number[1:]))
        for ns in by_day.values():
            assert sorted(ns) == list(range(1, len(ns) + 1))
