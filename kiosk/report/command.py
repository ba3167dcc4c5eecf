"""``kiosk report``: the figures of a period as CSV files and one HTML page.

Reads the store read-only, with or without the queue server. matplotlib (the ``report``
extra) draws the pictures when installed; without it the CSV files and the page's tables are
written all the same, and the page says how to get the pictures.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.core import calendar as cal
from kiosk.core.errors import UsageError
from kiosk.core.settings import Config
from kiosk.report.csvfiles import write_csv_files
from kiosk.report.figures import Report, build_report
from kiosk.report.page import build_page
from kiosk.report.reader import read_figures

logger = logging.getLogger(__name__)

DB_NAME = "kiosk.sqlite3"  # kiosk.store.DB_NAME, without importing the writer
MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date


def parse_period(first: str | None, last: str | None) -> Period:
    """Check ``--from`` and ``--to``; raises UsageError naming the bad value."""
    if first is None or last is None:
        raise UsageError("report: --from YYYY-MM-DD and --to YYYY-MM-DD are both required")
    a, b = _date("--from", first), _date("--to", last)
    if a > b:
        raise UsageError(f"report: --from {first} is after --to {last}: swap them")
    if (b - a).days >= MAX_PERIOD_DAYS:
        raise UsageError(f"report: {first} to {last} is longer than {MAX_PERIOD_DAYS} days")
    return Period(a, b)


def _date(option: str, text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f'report: {option} "{text}" is not a date: expected YYYY-MM-DD such as 2026-11-02'
        ) from None


def prepare_out(out: str | None) -> Path:
    if not out:
        raise UsageError("report: --out DIR is required (the folder for report.html and CSV)")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"report: --out {out} is a file, not a folder: name a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"report: --out {out}: cannot create it ({err.strerror})") from None
    if not os.access(path, os.W_OK):
        raise UsageError(f"report: --out {out} is not writable by this user")
    return path


@dataclass(frozen=True)
class Written:
    report: Report
    files: list[Path]
    has_charts: bool


def write_report(
    config: Config,
    period: Period,
    out: Path,
    *,
    now: dt.datetime | None = None,
    with_charts: bool = True,
) -> Written:
    """Read the store, write the CSV files, the pictures and ``report.html`` into ``out``
    (an existing folder). ``with_charts=False`` skips matplotlib (tables only)."""
    from zoneinfo import ZoneInfo

    k = config.kiosk
    figures = read_figures(Path(k.data_dir) / DB_NAME, period.first, period.last)
    report = build_report(
        figures,
        period.first,
        period.last,
        timezone=k.timezone,
        # the calendar's hours of each day: holidays and exceptions included
        ranges_on=lambda day: cal.day_hours(config.calendar, day).ranges,
    )
    files = write_csv_files(report, out)
    labels = {c.id: c.label_for(k.default_language, k.default_language) for c in config.categories}
    charts: dict[str, bytes] | None = None
    hint = None
    try:
        from kiosk.report.charts import render_charts

        charts = render_charts(report, labels) if with_charts else None
    except ImportError:
        from kiosk.report.charts import INSTALL_HINT

        hint = INSTALL_HINT
        logger.warning("report: no pictures, matplotlib is missing: %s", INSTALL_HINT)
    for name, png in (charts or {}).items():
        path = out / f"{name}.png"
        path.write_bytes(png)
        files.append(path)
    generated = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(k.timezone))
    page = build_page(
        report,
        site=k.site,
        kiosk_id=k.id,
        category_labels=labels,
        charts=charts,
        charts_missing_hint=hint,
        generated_at=generated,
        retention_days=k.report_retention_days,
    )
    html_path = out / "report.html"
    html_path.write_text(page, encoding="utf-8")
    files.insert(0, html_path)
    return Written(report=report, files=files, has_charts=charts is not None)
