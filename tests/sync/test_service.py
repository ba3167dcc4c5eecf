"""SyncService against the real stub server and a real SQLite store, driven step by step
with run_once() and a FakeClock (backoff durations are fake time, never slept)."""

from __future__ import annotations

import datetime as dt
import logging

from kiosk.core.clock import SystemClock
from kiosk.store import Store
from kiosk.sync.backoff_state import sync_status_from_store
from kiosk.sync.client import write_token
from stubserver import StubServer

from .conftest import KIOSK, append, drain, server_seqs


def test_healthy_server_gets_everything_in_order(stub, store, clock, make_service):
    append(store, 250)
    service = make_service()
    assert service.run_once() == 0.0  # 100 sent, more waiting
    drain(service, clock)
    assert server_seqs(stub) == list(range(1, 251))
    status = service.status()
    assert status.outbox_depth == 0 and status.last_error is None
    assert status.last_success_at == clock.now_utc()
    assert status.clock_offset_s is not None


def test_long_outage_backs_off_exponentially_up_to_five_minutes(stub, store, clock, make_service):
    append(store, 5)
    stub.faults.set(outage=True)
    service = make_service(jitter=1.0)
    waits = []
    for _ in range(14):
        wait_s = service.run_once()
        status = service.status()
        assert status.next_attempt_at is not None
        waits.append(round((status.next_attempt_at - clock.now_utc()).total_seconds()))
        clock.advance(wait_s)
    # heartbeats (every 60 s) and state polls do not shorten the send backoff
    assert max(waits) <= 300
    assert 300 in waits
    assert store.outbox_depth() >= 5 and stub.events(KIOSK) == []
    assert "503" in (service.status().last_error or "")
    stub.faults.set(outage=False)
    clock.advance(301)
    drain(service, clock)
    assert [e["type"] for e in stub.events(KIOSK)][:5] == ["printer.status"] * 5
    assert service.status().last_error is None


def test_backoff_doubles(stub, store, clock, make_service):
    append(store, 1)
    stub.faults.set(status_code=500)
    service = make_service(jitter=1.0, heartbeat_s=10_000, state_poll_s=10_000)
    delays = []
    for _ in range(6):
        delays.append(round(service.run_once()))
        clock.advance(delays[-1])
    assert delays == [1, 2, 4, 8, 16, 32]


def test_retry_after_is_honoured(stub, store, clock, make_service):
    append(store, 1)
    stub.faults.set(status_code=429, retry_after="120")
    service = make_service(jitter=0.0, heartbeat_s=10_000, state_poll_s=10_000)
    assert round(service.run_once()) == 120
    clock.advance(119)
    before = len(stub.recorded_requests())
    service.run_once()
    assert len(stub.recorded_requests()) == before  # still waiting: no request
    stub.faults.reset()
    clock.advance(1)
    service.run_once()
    assert server_seqs(stub) == [1]


def test_backoff_survives_a_restart(stub, store, clock, make_service):
    append(store, 1)
    stub.faults.set(outage=True)
    first = make_service(jitter=1.0, heartbeat_s=10_000)
    for _ in range(5):  # windows 1, 2, 4, 8, 16
        clock.advance(first.run_once())
    assert round(first.run_once()) == 32
    first.stop()
    stub.faults.set(outage=False)
    before = len(stub.recorded_requests())
    second = make_service(jitter=1.0, heartbeat_s=10_000)
    clock.advance(10)
    second.run_once()
    assert len(stub.recorded_requests()) == before  # the 32 s wait is remembered
    assert sync_status_from_store(store)["last_error"].startswith("sending events")
    clock.advance(30)
    second.run_once()
    assert server_seqs(stub) == [1]
    assert sync_status_from_store(store)["last_error"] is None


def test_flapping_server_loses_and_doubles_nothing(stub, store, clock, make_service):
    service = make_service(jitter=0.5)
    for step in range(30):
        append(store, 7)
        stub.faults.set(outage=step % 2 == 0, lose_answers=step % 3 == 0)
        clock.advance(service.run_once() + 0.1)
    stub.faults.reset()
    clock.advance(301)
    drain(service, clock)
    seqs = server_seqs(stub)
    assert seqs == sorted(set(seqs)) and len(seqs) == store.last_seq()


def test_answers_slower_than_the_read_timeout(stub, store, clock, make_service):
    append(store, 3)
    stub.faults.set(slow_s=1.0)
    service = make_service(read_timeout_s=0.2)
    service.run_once()
    assert "did not answer within 0.2 s" in (service.status().last_error or "")
    stub.faults.reset()
    clock.advance(301)
    drain(service, clock)
    assert server_seqs(stub) == [1, 2, 3]


def test_partial_acknowledgements(stub, store, clock, make_service):
    append(store, 40)
    stub.faults.set(partial_ack=True)
    service = make_service()
    drain(service, clock)
    assert server_seqs(stub) == list(range(1, 41))
    posts = [r for r in stub.recorded_requests() if r.path == "/api/v1/events"]
    assert [len(p.body["events"]) for p in posts][:3] == [40, 20, 10]


def test_poison_event_is_set_aside_and_the_rest_carries_on(stub, store, clock, make_service):
    ids = append(store, 100)
    stub.faults.set(reject_event_ids=[ids[41]])
    service = make_service()
    drain(service, clock)
    assert server_seqs(stub) == [s for s in range(1, 101) if s != 42]
    [rejected] = store.rejected_events()
    assert rejected.id == ids[41] and rejected.status_code == 400
    assert "events[0]" in rejected.answer
    posts = [r for r in stub.recorded_requests() if r.path == "/api/v1/events"]
    assert len(posts) <= 2 * 7 + 1  # bisection, not one request per event
    assert service.status().rejected_count == 1


def test_401_keeps_everything_until_the_token_is_fixed(tmp_path, store, clock, make_service):
    with StubServer(data_dir=tmp_path / "auth", token="the-right-token") as stub:
        append(store, 5)
        service = make_service(url=stub.url)
        for _ in range(3):
            clock.advance(service.run_once())
        status = service.status()
        assert status.is_auth_failed and status.outbox_depth == 5
        assert "kiosk-token" not in (status.last_error or "")
        assert sync_status_from_store(store)["is_auth_failed"] is True
        write_token(service.server.token_file, "the-right-token")  # the technician's fix
        clock.advance(301)
        drain(service, clock)
        assert [e["seq"] for e in stub.events(KIOSK)] == [1, 2, 3, 4, 5]
        assert not service.status().is_auth_failed


def test_413_splits_the_batch(stub, store, clock, make_service):
    append(store, 35)
    stub.faults.set(max_batch=10)
    service = make_service()
    drain(service, clock)
    assert server_seqs(stub) == list(range(1, 36))
    assert store.rejected_events() == []


def test_garbage_json_backs_off_and_keeps_the_events(stub, store, clock, make_service, caplog):
    append(store, 2)
    stub.faults.set(garbage=True)
    service = make_service()
    with caplog.at_level(logging.WARNING):
        service.run_once()
    assert "not JSON" in (service.status().last_error or "")
    assert "Traceback" not in caplog.text
    stub.faults.reset()
    clock.advance(301)
    drain(service, clock)
    assert server_seqs(stub) == [1, 2]


def test_order_is_kept_across_restarts(stub, tmp_path, clock, make_service):
    data_dir = tmp_path / "restart"
    first_store = Store.open(data_dir, kiosk_id=KIOSK, clock=clock)
    append(first_store, 6)
    stub.faults.set(partial_ack=True)
    service = make_service(store_=first_store)
    service.run_once()  # 3 of 6 accepted
    service.stop()
    first_store.close()
    stub.faults.reset()
    second_store = Store.open(data_dir, kiosk_id=KIOSK, clock=clock)
    append(second_store, 4)
    service = make_service(store_=second_store)
    drain(service, clock)
    second_store.close()
    assert server_seqs(stub) == list(range(1, 11))


def test_heartbeat_carries_uptime_depth_printer_and_clock_offset(stub, store, clock, make_service):
    service = make_service(heartbeat_s=60.0, heartbeat_data=lambda: {"printer": "paper_near_end"})
    append(store, 1)
    service.run_once()
    clock.advance(60)
    service.run_once()
    beats = [e for e in stub.events(KIOSK) if e["type"] == "kiosk.heartbeat"]
    assert len(beats) == 1
    data = beats[0]["data"]
    assert data["uptime_s"] == 60 and data["outbox_depth"] == 0
    assert data["printer"] == "paper_near_end" and "clock_offset_s" in data


def test_queue_state_follows_ticket_events_and_goes_stale(stub, store, clock, make_service):
    service = make_service()
    assert service.queue_state() is None
    ticket, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    store.mark_printed(ticket.id)
    service.run_once()
    state = service.queue_state()
    assert state is not None and state.categories["etat-civil"].waiting == 1
    stub.faults.set(outage=True)
    for _ in range(10):
        clock.advance(max(service.run_once(), 1.0))
    clock.advance(301)
    assert service.queue_state() is None  # older than five minutes: nothing is shown


def test_the_thread_survives_exceptions_and_nudge_sends_at_once(tmp_path, stub, token_file):
    clock = SystemClock()
    with Store.open(tmp_path / "live", kiosk_id=KIOSK, clock=clock) as live:
        from kiosk.sync.service import SyncService

        from .conftest import server_section

        calls = {"n": 0}
        real_pending = live.pending_events

        def flaky_pending(limit: int = 100):
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("unexpected bug")
            return real_pending(limit)

        live.pending_events = flaky_pending  # type: ignore[method-assign]
        service = SyncService(
            server=server_section(stub.url, token_file, heartbeat_s=3600, state_poll_s=3600),
            kiosk_id=KIOSK,
            store=live,
            clock=clock,
        )
        service.start()
        try:
            live.append_event("printer.status", {"status": "ok"})
            service.nudge()
            assert stub.wait_for_events(1, kiosk_id=KIOSK, timeout_s=10)
            assert service.is_alive()
            live.append_event("printer.status", {"status": "paper_out"})
            service.nudge()
            assert stub.wait_for_events(2, kiosk_id=KIOSK, timeout_s=10)
        finally:
            service.stop()
        assert not service.is_alive()


def test_status_for_kiosk_status_command(store, clock):
    append(store, 2)
    clock.advance(90)
    status = sync_status_from_store(store, now_utc=clock.now_utc())
    assert status["outbox_depth"] == 2 and status["oldest_pending_age_s"] == 90
    assert status["rejected_count"] == 0 and status["last_success_at"] is None
    assert dt.datetime.fromisoformat(status["oldest_pending_at"]).tzinfo is not None
