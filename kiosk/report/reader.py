"""Read the report's figures from the store, read-only.

The store is opened with SQLite's ``mode=ro``: the report never creates, recovers or moves
it, works while the kiosk runs (WAL readers do not block the writer) and with the server
down. A store that does not exist, or predates the daily figures, reads as an empty period.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class TicketCount:
    service_day: dt.date
    category: str
    outcome: str  # issued, printed, voided, refused
    reason: str
    n: int


@dataclass(frozen=True)
class ArrivalCount:
    """Visitors who touched a category (issued or refused) on a weekday (0 = Monday) at an
    hour, over the period; ``while_closed`` those refused because the desk was closed."""

    weekday: int
    hour: int
    arrivals: int
    while_closed: int


@dataclass(frozen=True)
class SurveyCount:
    service_day: dt.date
    score: int
    reason: str
    n: int


@dataclass(frozen=True)
class PrinterStretch:
    """A stretch in a blocking status; ``ended_utc`` is the last sign of life if it lasts."""

    started_utc: dt.datetime
    ended_utc: dt.datetime
    status: str
    is_ongoing: bool = False


@dataclass(frozen=True)
class StoreFigures:
    tickets: list[TicketCount] = field(default_factory=list)
    arrivals: list[ArrivalCount] = field(default_factory=list)
    survey: list[SurveyCount] = field(default_factory=list)
    printer: list[PrinterStretch] = field(default_factory=list)
    note: str | None = None  # why the store gave nothing (missing, older version)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; raises sqlite3.OperationalError when the file is missing."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def read_figures(path: Path, first: dt.date, last: dt.date) -> StoreFigures:
    """The daily figures of service days ``first`` to ``last`` (inclusive)."""
    if not Path(path).is_file():
        return StoreFigures(note=f"aucune base de données en {path}")
    conn = connect_read_only(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "report_tickets" not in tables:
            return StoreFigures(
                note="la base de données précède les chiffres du rapport (démarrez le kiosque "
                "une fois avec cette version)"
            )
        span = (first.isoformat(), last.isoformat())
        # Grouped in SQLite: a year of a busy desk is ~30,000 hourly rows, ~10,000 daily ones.
        tickets = [
            TicketCount(dt.date.fromisoformat(r[0]), r[1], r[2], r[3], int(r[4]))
            for r in conn.execute(
                "SELECT service_day, category, outcome, reason, sum(n) FROM report_tickets "
                "WHERE service_day BETWEEN ? AND ? GROUP BY service_day, category, outcome, "
                "reason ORDER BY service_day, category",
                span,
            )
        ]
        arrivals = [
            ArrivalCount(int(r[0]), int(r[1]), int(r[2]), int(r[3]))
            for r in conn.execute(
                "SELECT (CAST(strftime('%w', service_day) AS INTEGER) + 6) % 7 AS weekday, hour, "
                "sum(n), sum(CASE WHEN outcome = 'refused' AND reason = 'closed' THEN n ELSE 0 END) "
                "FROM report_tickets WHERE service_day BETWEEN ? AND ? "
                "AND outcome IN ('issued', 'refused') GROUP BY weekday, hour ORDER BY weekday, hour",
                span,
            )
        ]
        survey = [
            SurveyCount(dt.date.fromisoformat(r[0]), int(r[1]), r[2], int(r[3]))
            for r in conn.execute(
                "SELECT service_day, score, reason, n FROM report_survey "
                "WHERE service_day BETWEEN ? AND ? ORDER BY service_day, score",
                span,
            )
        ]
        printer = _printer_stretches(conn, first, last)
    finally:
        conn.close()
    return StoreFigures(tickets=tickets, arrivals=arrivals, survey=survey, printer=printer)


def _printer_stretches(
    conn: sqlite3.Connection, first: dt.date, last: dt.date
) -> list[PrinterStretch]:
    # A day margin on each side for the time zone; the caller clips to local days.
    lo = (first - dt.timedelta(days=1)).isoformat()
    hi = (last + dt.timedelta(days=2)).isoformat()
    row = conn.execute("SELECT max(created_utc) FROM events").fetchone()
    last_seen = dt.datetime.fromisoformat(row[0]) if row and row[0] else None
    stretches = []
    for started, status, ended in conn.execute(
        "SELECT started_utc, status, ended_utc FROM report_printer "
        "WHERE started_utc < ? AND (ended_utc IS NULL OR ended_utc >= ?) ORDER BY started_utc",
        (hi, lo),
    ):
        start = dt.datetime.fromisoformat(started)
        if ended is not None:
            stretches.append(PrinterStretch(start, dt.datetime.fromisoformat(ended), status))
        else:
            end = max(start, last_seen) if last_seen is not None else start
            stretches.append(PrinterStretch(start, end, status, is_ongoing=True))
    return stretches
