"""The calendar: lookups per second (is it open, the closure and next opening the snapshot
asks for every second, a category's hours) and the start-up cost of the public-holiday table
(importing the holidays package, building a year).

    python bench/bench_calendar.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

from kiosk.config import load_config
from kiosk.core import calendar as cal

HERE = Path(__file__).resolve().parent
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def rate(fn, seconds: float) -> float:
    """Calls per second of ``fn(i)`` over about ``seconds``."""
    n, t0 = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - t0) < seconds:
        for _ in range(100):
            fn(n)
            n += 1
    return n / elapsed


def startup_ms() -> tuple[float, float]:
    """A fresh interpreter: import holidays, then build France's table for two years."""
    code = (
        "import time; t0 = time.perf_counter(); import holidays; t1 = time.perf_counter()\n"
        "from kiosk.holiday_table import HolidayTable\n"
        "HolidayTable('FR', ['fr', 'en', 'ar']).prepare((2026, 2027)); t2 = time.perf_counter()\n"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b = out.stdout.split()
    return float(a), float(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    config = load_config(HERE.parent / "config" / "hdv.toml")
    calendar = config.calendar
    calendar.holidays.prepare(range(2026, 2029))  # type: ignore[union-attr]
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)
    moments = [start + dt.timedelta(minutes=37 * i) for i in range(1000)]
    category = dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
    hours = cal.WeeklyHours.from_mapping({"tuesday": ["14:00-18:00"]})
    rows = [
        ("is_open", rate(lambda i: cal.is_open(calendar, moments[i % 1000]), args.seconds)),
        (
            "closure (with next opening)",
            rate(lambda i: cal.closure(calendar, moments[i % 1000]), args.seconds),
        ),
        (
            "ticket_refusal (category hours)",
            rate(
                lambda i: cal.ticket_refusal(calendar, moments[i % 1000], 10, hours), args.seconds
            ),
        ),
        (
            "next_opening from Christmas",
            rate(lambda i: cal.next_opening(calendar, category), args.seconds),
        ),
    ]
    print("| lookup | per second |\n|---|---|")
    for name, r in rows:
        print(f"| {name} | {r:,.0f} |")
    imp, build = startup_ms()
    print("\n| start-up | ms |\n|---|---|")
    print(f"| import holidays | {imp:.0f} |")
    print(f"| France, 2 years, 3 languages | {build:.0f} |")


if __name__ == "__main__":
    main()
