"""``kiosk report`` over a year of a busy desk (about 300 tickets a day): the report's wall
time and the child's peak memory (max RSS), and what the daily figures add to each ticket's
commit (targets: under 5 s, under 100 MB, under 0.2 ms a ticket).

    python bench/bench_report.py [--days 365] [--visitors-per-day 400]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_activity import simulate, write_config

from kiosk.store import Store, aggregates


def report_child(config: Path, first: dt.date, last: dt.date, out: Path) -> tuple[float, float]:
    """Run the real ``kiosk report``; (seconds, max RSS in MB) of the child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "report", "--config", str(config),
         "--from", first.isoformat(), "--to", last.isoformat(), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(
            f"kiosk report failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024


def commit_cost(tickets: int) -> tuple[float, float, float]:
    """(p50 issue+print with the figures, p50 without, mean time inside record() per ticket),
    in ms, on a store with synchronous=FULL as the kiosk runs it. Alternating rounds."""
    real_record = aggregates.record
    spent = [0.0]

    def timed_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        real_record(*args, **kwargs)
        spent[0] += time.perf_counter() - t0

    with_ms: list[float] = []
    without_ms: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp), kiosk_id="bench-1", timezone="Europe/Paris")
        try:
            for i in range(tickets):
                is_with = i % 2 == 0
                aggregates.record = timed_record if is_with else (lambda *a, **k: None)  # type: ignore[assignment]
                t0 = time.perf_counter()
                ticket, _ = store.issue_ticket(
                    category=f"c{i % 5}", prefix="ABCDE"[i % 5], language="fr"
                )
                store.mark_printed(ticket.id)
                (with_ms if is_with else without_ms).append((time.perf_counter() - t0) * 1000)
        finally:
            aggregates.record = real_record
            store.close()
    return statistics.median(with_ms), statistics.median(without_ms), spent[0] * 1000 / len(with_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    # About a quarter come while closed (before opening, at lunch, Tuesday mornings): 400
    # visitors a weekday give about 300 tickets.
    parser.add_argument("--visitors-per-day", type=int, default=400)
    parser.add_argument("--commit-tickets", type=int, default=1000)
    args = parser.parse_args()
    first = dt.date(2025, 12, 1)
    last = first + dt.timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder)
        t0 = time.perf_counter()
        issued = simulate(folder / "data", first, args.days, visitors_per_day=args.visitors_per_day,
                          is_fast=True)  # fmt: skip
        build_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in (folder / "data").iterdir()) / 1e6
        seconds, rss_mb = report_child(config, first, last, folder / "out")
        out_kb = sum(p.stat().st_size for p in (folder / "out").iterdir()) / 1024
    with_ms, without_ms, record_ms = commit_cost(args.commit_tickets)
    print("| measure | value | target |")
    print("|---|---|---|")
    weekdays = sum((first + dt.timedelta(days=i)).weekday() < 5 for i in range(args.days)) or 1
    print(
        f"| activity | {args.days} days, {issued:,} tickets ({issued / weekdays:.0f} per weekday), "
        f"store {size_mb:.0f} MB, built in {build_s:.0f} s | |"
    )
    print(f"| `kiosk report` over the whole period, wall time | {seconds:.2f} s | < 5 s |")
    print(f"| `kiosk report` child's max RSS | {rss_mb:.0f} MB | < 100 MB |")
    print(f"| report folder size (HTML with inline charts, CSV, PNG) | {out_kb:.0f} KiB | |")
    print(
        f"| time inside `aggregates.record` per ticket (issue + print) | {record_ms:.3f} ms | < 0.2 ms |"
    )
    print(
        f"| issue + print commits p50, with the figures / without (FULL sync) | {with_ms:.3f} / {without_ms:.3f} ms | |"
    )


if __name__ == "__main__":
    main()
