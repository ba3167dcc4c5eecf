"""Benchmark: flushing an outbox backlog to the stub server, batched versus one by one.

Run: ``.venv/bin/python bench/bench_sync.py [--events 10000]``. Prints a Markdown table.
The target (contract issue "the screen never waits"): a 10,000-event backlog in < 10 s, and
an event reaching a healthy server within 1 s of ``nudge()``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk.core.clock import SystemClock
from kiosk.core.settings import ServerSection
from kiosk.store import Store
from kiosk.sync.client import ServerClient, write_token
from kiosk.sync.service import SyncService
from stubserver import StubServer

KIOSK = "bench-1"


def fill(store: Store, n: int) -> None:
    for i in range(n):
        store.append_event("printer.status", {"status": "ok", "i": i})


def batched(tmp: Path, n: int) -> float:
    with StubServer(data_dir=tmp / "srv-batched") as stub:
        store = Store.open(tmp / "batched", kiosk_id=KIOSK, clock=SystemClock())
        fill(store, n)
        token = tmp / "token"
        write_token(token, "t")
        server = ServerSection(url=stub.url, token_file=token, heartbeat_s=3600, state_poll_s=3600)
        service = SyncService(server=server, kiosk_id=KIOSK, store=store, clock=SystemClock())
        start = time.perf_counter()
        while store.outbox_depth():
            service.run_once()
        elapsed = time.perf_counter() - start
        assert len(stub.events(KIOSK)) == n
        service.stop()
        store.close()
    return elapsed


def one_by_one(tmp: Path, n: int) -> float:
    with StubServer(data_dir=tmp / "srv-single") as stub:
        store = Store.open(tmp / "single", kiosk_id=KIOSK, clock=SystemClock())
        fill(store, n)
        client = ServerClient(stub.url, token="t", kiosk_id=KIOSK)
        start = time.perf_counter()
        for e in store.pending_events(limit=n):
            result = client.post_events([e])
            store.mark_accepted(result.accepted)
        elapsed = time.perf_counter() - start
        client.close()
        store.close()
    return elapsed


def nudge_latency(tmp: Path, samples: int = 20) -> list[float]:
    """Seconds from commit + nudge() to the event stored by the server, worker thread on."""
    latencies = []
    with StubServer(data_dir=tmp / "srv-nudge") as stub:
        store = Store.open(tmp / "nudge", kiosk_id=KIOSK, clock=SystemClock())
        token = tmp / "token"
        write_token(token, "t")
        server = ServerSection(url=stub.url, token_file=token, heartbeat_s=3600, state_poll_s=3600)
        service = SyncService(server=server, kiosk_id=KIOSK, store=store, clock=SystemClock())
        service.start()
        for i in range(samples):
            start = time.perf_counter()
            store.append_event("printer.status", {"status": "ok"})
            service.nudge()
            if not stub.wait_for_events(i + 1, kiosk_id=KIOSK, timeout_s=10):
                raise SystemExit("nudge: the event never arrived")
            latencies.append(time.perf_counter() - start)
        service.stop()
        store.close()
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t_batch = batched(tmp, args.events)
        t_single = one_by_one(tmp, args.events)
        nudges = nudge_latency(tmp)
    n = args.events
    print(f"| sync of {n} events to the stub server (loopback) | seconds | events/s |")
    print("|---|---|---|")
    print(f"| batches of 100 (SyncService.run_once) | {t_batch:.2f} | {n / t_batch:.0f} |")
    print(f"| one request per event | {t_single:.2f} | {n / t_single:.0f} |")
    print(f"| ratio one-by-one / batched | {t_single / t_batch:.1f}x | |")
    print()
    print("| nudge() to stored on the server (20 samples) | ms |")
    print("|---|---|")
    print(f"| median | {statistics.median(nudges) * 1000:.1f} |")
    print(f"| max | {max(nudges) * 1000:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
