"""The report's CSV files: UTF-8, comma-separated, one header line, ``\\n`` line ends."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kiosk.report.figures import Report

TICKETS_HEADER = ("service_day", "category", "issued", "printed", "voided", "refused")
SURVEY_HEADER = ("service_day", "score", "answers")


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_csv_files(report: Report, out: Path) -> list[Path]:
    """Write every CSV file into ``out``; an empty period gives header-only files."""
    minutes = 60.0
    return [
        _write(
            out / "tickets.csv",
            TICKETS_HEADER,
            (
                (r.service_day.isoformat(), r.category, r.issued, r.printed, r.voided, r.refused)
                for r in report.tickets
            ),
        ),
        _write(
            out / "survey.csv",
            SURVEY_HEADER,
            ((d.isoformat(), s, n) for (d, s), n in sorted(report.survey.items())),
        ),
        _write(
            out / "arrivals.csv",
            ("weekday", "hour", "arrivals", "while_closed"),
            (
                (wd + 1, h, report.arrivals[wd, h], report.arrivals_closed[wd, h])
                for wd, h in sorted(report.arrivals)
            ),
        ),
        _write(
            out / "refusals.csv",
            ("service_day", "category", "reason", "refused"),
            ((d.isoformat(), c, r, n) for (d, c, r), n in sorted(report.refusals.items())),
        ),
        _write(
            out / "voided.csv",
            ("reason", "voided"),
            sorted(report.voids.items()),
        ),
        _write(
            out / "satisfaction.csv",
            ("service_day", "answers", "mean_score", "satisfied_pct"),
            (
                (
                    s.service_day.isoformat(),
                    s.answers,
                    f"{s.mean_score:.2f}",
                    f"{s.satisfied_pct:.1f}",
                )
                for s in report.satisfaction
            ),
        ),
        _write(
            out / "survey_reasons.csv",
            ("reason", "score", "answers"),
            ((r, s, n) for (r, s), n in sorted(report.survey_reasons.items())),
        ),
        _write(
            out / "printer.csv",
            ("service_day", "paper_outs", "downtime_min", "downtime_open_min"),
            (
                (
                    p.service_day.isoformat(),
                    p.paper_outs,
                    f"{p.downtime_s / minutes:.1f}",
                    f"{p.downtime_open_s / minutes:.1f}",
                )
                for p in report.printer
            ),
        ),
    ]
