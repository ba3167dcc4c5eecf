"""Build docs/report-example/: ``kiosk report`` over two synthetic weeks of a busy desk
(the real Store with an injected clock, then the real report code).

    python bench/make_report_example.py [--out docs/report-example]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report_activity import simulate, write_config  # noqa: E402

from kiosk.config import load_config  # noqa: E402
from kiosk.report.command import Period, prepare_out, write_report  # noqa: E402

FIRST = dt.date(2026, 11, 2)  # a Monday
DAYS = 14


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE.parent / "docs" / "report-example"))
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = load_config(write_config(folder))
        simulate(folder / "data", FIRST, DAYS, visitors_per_day=120, seed=2026, is_fast=True)
        period = Period(FIRST, FIRST + dt.timedelta(days=DAYS - 1))
        now = dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC)
        written = write_report(config, period, prepare_out(str(out)), now=now)
    for path in written.files:
        print(f"{path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
