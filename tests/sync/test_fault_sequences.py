"""Whatever faults the server plays, every event ends on the server exactly once, accepted in
seq order, or set aside as rejected (when the server called it malformed)."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.clock import FakeClock
from kiosk.store import Store
from kiosk.sync.backoff import BackoffPolicy
from kiosk.sync.client import write_token
from kiosk.sync.service import SyncService
from stubserver import StubServer

from .conftest import server_section

FAULTS = st.one_of(
    st.just({}),
    st.just({"outage": True}),
    st.sampled_from([{"status_code": c} for c in (401, 403, 429, 500, 502, 503)]),
    st.just({"drop_connections": True}),
    st.just({"lose_answers": True}),
    st.just({"partial_ack": True}),
    st.just({"garbage": True}),
    st.integers(1, 20).map(lambda n: {"max_batch": n}),
    st.floats(0.1, 0.9).map(lambda p: {"error_rate": p}),
)
ROUND = st.tuples(FAULTS, st.integers(0, 30), st.integers(1, 3))  # faults, new events, steps

_kiosk_numbers = itertools.count(1)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    rounds=st.lists(ROUND, min_size=1, max_size=8), poison=st.sets(st.integers(0, 60), max_size=3)
)
def test_every_event_arrives_exactly_once_in_seq_order(rounds, poison):
    kiosk_id = f"k-{next(_kiosk_numbers)}"
    with tempfile.TemporaryDirectory() as tmp, StubServer(data_dir=Path(tmp) / "s", seed=7) as stub:
        clock = FakeClock()
        token_file = Path(tmp) / "token"
        write_token(token_file, "t")
        store = Store.open(Path(tmp) / "k", kiosk_id=kiosk_id, clock=clock)
        service = SyncService(
            server=server_section(stub.url, token_file, heartbeat_s=200.0, read_timeout_s=1.0),
            kiosk_id=kiosk_id,
            store=store,
            clock=clock,
            backoff=BackoffPolicy(random=lambda: 0.5),
        )
        ids: list[str] = []
        try:
            for faults, new_events, steps in rounds:
                ids += [
                    store.append_event("printer.status", {"n": len(ids)}).id
                    for _ in range(new_events)
                ]
                poisoned = [ids[i] for i in poison if i < len(ids)]
                stub.faults.reset()
                stub.faults.update({**faults, "reject_event_ids": poisoned})
                for _ in range(steps):
                    service.run_once()
                    clock.advance(301)
            stub.faults.reset()
            stub.faults.update({"reject_event_ids": [ids[i] for i in poison if i < len(ids)]})
            for _ in range(100):
                service.run_once()
                if store.outbox_depth() == 0:
                    break
                clock.advance(301)
            assert store.outbox_depth() == 0
            received = stub.events(kiosk_id)
            received_seqs = [e["seq"] for e in received]
            rejected = {r.seq for r in store.rejected_events()}
            assert received_seqs == sorted(received_seqs), "accepted out of seq order"
            assert len(received_seqs) == len(set(received_seqs)), "an event was stored twice"
            assert set(received_seqs) | rejected == set(range(1, store.last_seq() + 1))
            assert not set(received_seqs) & rejected
            assert {r.id for r in store.rejected_events()} <= {
                ids[i] for i in poison if i < len(ids)
            }
        finally:
            service.stop()
            store.close()
