"""Daily figures kept in the store, maintained in the same transaction as each event.

The store calls :func:`record` from the one place where it inserts an outbox event, inside
that event's transaction, so a figure exists exactly when its event does; pruning old tickets
and delivered events (``Store.prune``) never touches these tables. :func:`prune` drops the
days older than ``[kiosk] report_retention_days``.

Tables (one row per day and key, a counter ``n``):

- ``report_tickets (service_day, category, hour, outcome, reason)``: ``outcome`` is
  ``issued``, ``printed``, ``voided`` or ``refused``; ``reason`` is the void or refusal reason
  (its first word, before any ``:``), ``''`` otherwise. ``hour`` is the local hour at which the
  visitor touched the kiosk: a printed or voided ticket counts in the hour it was issued.
- ``report_survey (service_day, score, reason)``.
- ``report_printer (started_utc, status, ended_utc)``: each stretch the printer spent in a
  blocking status (paper out, cover open, offline); ``ended_utc`` is NULL while it lasts.

Pure SQL on the connection it is given: no commit, no clock of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import Any

from kiosk.core.vocabulary import BLOCKING_STATUSES

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_tickets (
    service_day TEXT NOT NULL, category TEXT NOT NULL, hour INTEGER NOT NULL,
    outcome TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', n INTEGER NOT NULL,
    PRIMARY KEY (service_day, category, hour, outcome, reason)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_survey (
    service_day TEXT NOT NULL, score INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '',
    n INTEGER NOT NULL,
    PRIMARY KEY (service_day, score, reason)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_printer (
    started_utc TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, ended_utc TEXT);
"""

# Statuses during which no ticket can be printed (counted as downtime).
DOWN_STATUSES = BLOCKING_STATUSES
REASON_MAX_CHARS = 40

_UPSERT_TICKET = (
    "INSERT INTO report_tickets (service_day, category, hour, outcome, reason, n) "
    "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (service_day, category, hour, outcome, reason) "
    "DO UPDATE SET n = n + 1"
)
_UPSERT_SURVEY = (
    "INSERT INTO report_survey (service_day, score, reason, n) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (service_day, score, reason) DO UPDATE SET n = n + 1"
)


def short_reason(reason: object) -> str:
    """A reason's first word: ``printer: paper out (...)`` counts as ``printer``."""
    text = str(reason or "").split(":", 1)[0].strip()
    return text[:REASON_MAX_CHARS]


def record(
    conn: sqlite3.Connection, event_type: str, data: dict[str, Any], local_time: dt.datetime
) -> None:
    """Update the daily figures for one event, on ``conn`` inside the event's transaction.

    ``local_time`` is the event's time in the kiosk's time zone (aware). Events that no
    figure depends on cost nothing. An event whose data a figure cannot use is logged and
    left out of the figures, never refused: the event itself must commit. SQLite errors
    propagate (the event's transaction fails as a whole).
    """
    try:
        _record(conn, event_type, data, local_time)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        logger.error("report: %s event not counted in the figures (%r): %s", event_type, err, data)


def _record(
    conn: sqlite3.Connection, event_type: str, data: dict[str, Any], local_time: dt.datetime
) -> None:
    if event_type == "ticket.issued":
        conn.execute(
            _UPSERT_TICKET,
            (data["service_day"], data["category"], local_time.hour, "issued", ""),
        )
    elif event_type in ("ticket.printed", "ticket.voided"):
        _record_end(conn, event_type, data, local_time)
    elif event_type == "ticket.refused":
        conn.execute(
            _UPSERT_TICKET,
            (
                local_time.date().isoformat(),
                str(data.get("category", "")),
                local_time.hour,
                "refused",
                short_reason(data.get("reason")),
            ),
        )
    elif event_type == "survey.answered":
        conn.execute(
            _UPSERT_SURVEY,
            (local_time.date().isoformat(), int(data["score"]), str(data.get("reason") or "")),
        )
    elif event_type == "printer.status":
        _record_printer(conn, str(data.get("status", "")), local_time)
    elif event_type == "kiosk.started":
        _close_at_last_sign_of_life(conn)


def _record_end(
    conn: sqlite3.Connection, event_type: str, data: dict[str, Any], local_time: dt.datetime
) -> None:
    row = conn.execute(
        "SELECT service_day, category, issued_at FROM tickets WHERE id = ?", (data["ticket_id"],)
    ).fetchone()
    if row is None:
        logger.warning(
            "report: %s for unknown ticket %s not counted", event_type, data["ticket_id"]
        )
        return
    issued_local = dt.datetime.fromisoformat(row[2]).astimezone(local_time.tzinfo)
    if event_type == "ticket.printed":
        outcome, reason = "printed", ""
    else:
        outcome, reason = "voided", short_reason(data.get("reason"))
    conn.execute(_UPSERT_TICKET, (row[0], row[1], issued_local.hour, outcome, reason))


def _open_stretch(conn: sqlite3.Connection) -> tuple[str, str] | None:
    row = conn.execute(
        "SELECT started_utc, status FROM report_printer WHERE ended_utc IS NULL "
        "ORDER BY started_utc DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (row[0], row[1])


def _record_printer(conn: sqlite3.Connection, status: str, local_time: dt.datetime) -> None:
    now = _utc_text(local_time)
    current = _open_stretch(conn)
    if current is not None and current[1] == status:
        return
    if current is not None:
        conn.execute(
            "UPDATE report_printer SET ended_utc = ? WHERE started_utc = ?", (now, current[0])
        )
    if status in DOWN_STATUSES:
        conn.execute(
            "INSERT OR IGNORE INTO report_printer (started_utc, status) VALUES (?, ?)",
            (now, status),
        )


def _close_at_last_sign_of_life(conn: sqlite3.Connection) -> None:
    """At a start, a stretch left open by the previous run ends at that run's last event: the
    kiosk cannot know what the printer did while it was off (at worst one heartbeat late)."""
    current = _open_stretch(conn)
    if current is None:
        return
    row = conn.execute(
        "SELECT created_utc FROM events WHERE seq < (SELECT max(seq) FROM events) "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    last = row[0] if row is not None and row[0] > current[0] else current[0]
    conn.execute(
        "UPDATE report_printer SET ended_utc = ? WHERE started_utc = ?", (last, current[0])
    )


def _utc_text(local_time: dt.datetime) -> str:
    return local_time.astimezone(dt.UTC).isoformat()


def prune(conn: sqlite3.Connection, *, before_day: dt.date) -> int:
    """Delete the figures of service days before ``before_day``; returns the rows deleted."""
    cutoff = before_day.isoformat()
    deleted = conn.execute("DELETE FROM report_tickets WHERE service_day < ?", (cutoff,)).rowcount
    deleted += conn.execute("DELETE FROM report_survey WHERE service_day < ?", (cutoff,)).rowcount
    deleted += conn.execute(
        "DELETE FROM report_printer WHERE ended_utc IS NOT NULL AND ended_utc < ?", (cutoff,)
    ).rowcount
    return deleted
