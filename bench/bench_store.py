"""The store: commit latency per ticket (number + ticket row + ``ticket.issued`` event, then
``ticket.printed``) with ``synchronous=FULL`` (what the kiosk uses) against ``NORMAL`` in the
same run, and the store's size per 10,000 tickets.

    python bench/bench_store.py [--tickets 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.store import Store


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


def run(tickets: int, synchronous: str) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp), kiosk_id="bench-1", timezone="Europe/Paris")
        store._require().execute(f"PRAGMA synchronous={synchronous}")
        issue_ms = []
        for i in range(tickets):
            t0 = time.perf_counter()
            ticket, _ = store.issue_ticket(
                category=f"c{i % 5}", prefix="ABCDE"[i % 5], language="fr"
            )
            issue_ms.append((time.perf_counter() - t0) * 1000)
            store.mark_printed(ticket.id)
        store.mark_accepted(e.id for e in store.pending_events(limit=10**9))
        store._require().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        store.close()
    return issue_ms, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    print("| synchronous | tickets | issue commit p50 | p99 | store size per 10,000 tickets |")
    print("|---|---|---|---|---|")
    for mode in ("FULL", "NORMAL"):
        ms, size = run(args.tickets, mode)
        per_10k = size * 10_000 / args.tickets / 1e6
        print(
            f"| {mode} | {args.tickets} | {statistics.median(ms):.3f} ms | {percentile(ms, 99):.3f} ms "
            f"| {per_10k:.1f} MB |"
        )


if __name__ == "__main__":
    main()
