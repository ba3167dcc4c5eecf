"""The stub server's SQLite file: events (idempotent by id), tickets, calls, enrolment.

One connection guarded by a lock: the server's request threads are few and the writes are
tiny. Ticket events update a ``tickets`` table so the queue state is one query away. Priority
tickets (``"priority": true`` in ``ticket.issued``) are called in the order a
:class:`~stubserver.policy.PriorityPolicy` gives.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.sync.protocol import WireEvent
from stubserver.appointments import SCHEMA as APPOINTMENTS_SCHEMA
from stubserver.appointments import AppointmentBook
from stubserver.config_book import ConfigBook
from stubserver.enrolment import EnrolmentBook
from stubserver.indicators import (
    SurveyFigures,
    WaitFigures,
    parse_rfc3339_s,
    survey_figures,
    wait_figures,
)
from stubserver.policy import STRICT, PriorityPolicy, ahead_of_new_priority

DB_NAME = "stub-server.sqlite3"
DEFAULT_PER_TICKET_S = 300  # five minutes a visitor, until calls give a real rate
RATE_WINDOW_S = 3600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    kiosk_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
    at TEXT NOT NULL, data TEXT NOT NULL, received_at REAL NOT NULL,
    PRIMARY KEY (kiosk_id, id));
CREATE TABLE IF NOT EXISTS tickets (
    kiosk_id TEXT NOT NULL, ticket_id TEXT NOT NULL, number TEXT NOT NULL,
    category TEXT NOT NULL, service_day TEXT NOT NULL, issued_seq INTEGER NOT NULL,
    state TEXT NOT NULL, called_at REAL, is_priority INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kiosk_id, ticket_id));
CREATE TABLE IF NOT EXISTS calls (
    kiosk_id TEXT NOT NULL, category TEXT NOT NULL, number TEXT NOT NULL,
    service_day TEXT NOT NULL, called_at REAL NOT NULL, is_priority INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enrol_codes (code TEXT PRIMARY KEY, used_by TEXT);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configs (
    kiosk_id TEXT PRIMARY KEY, version INTEGER NOT NULL, config TEXT, set_at REAL NOT NULL);
"""


# A kiosk's present service day: that of its latest ticket (by seq), not the greatest day
# ever sent, so one ticket with a day far ahead cannot blank the real figures for good.
_LATEST_DAY = "SELECT service_day FROM tickets WHERE kiosk_id = ? ORDER BY issued_seq DESC LIMIT 1"


def estimate_wait_s(
    waiting: int,
    call_times_s: Sequence[float],
    now_s: float,
    *,
    window_s: float = RATE_WINDOW_S,
    default_per_ticket_s: float = DEFAULT_PER_TICKET_S,
) -> int:
    """Seconds a new ticket will wait: people ahead times the recent time between calls
    (at least two calls within ``window_s``), else a default per ticket. Pure."""
    recent = sorted(t for t in call_times_s if now_s - window_s <= t <= now_s)
    per_ticket_s = default_per_ticket_s
    if len(recent) >= 2:
        per_ticket_s = min(3600.0, max(30.0, (recent[-1] - recent[0]) / (len(recent) - 1)))
    return round(waiting * per_ticket_s)


@dataclass(frozen=True)
class PriorityFigures:
    """For a new priority ticket: the calls before it (the policy applied), and its wait."""

    waiting: int
    estimated_wait_s: int


@dataclass(frozen=True)
class CategoryFigures:
    waiting: int
    estimated_wait_s: int
    now_serving: str | None
    priority: PriorityFigures | None = None
    priority_waiting: int = 0  # priority tickets among ``waiting`` (for the page)


class StubDatabase(AppointmentBook, ConfigBook, EnrolmentBook):
    """Open with :meth:`open`, close with :meth:`close`. Appointments, remote configurations
    and enrolment are kept by its parts (stubserver/appointments.py, config_book.py,
    enrolment.py), on the same connection and lock."""

    def __init__(self, path: Path, *, wall_s: Callable[[], float] = time.time):
        self.path = Path(path)
        self._wall_s = wall_s
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def open(self) -> StubDatabase:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=5.0, check_same_thread=False, isolation_level=None
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # a development server: speed over power cuts
        conn.executescript(_SCHEMA)
        for table in ("tickets", "calls"):  # a data folder from before priority tickets
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            if "is_priority" not in columns:
                conn.execute(
                    f"ALTER TABLE {table} ADD COLUMN is_priority INTEGER NOT NULL DEFAULT 0"
                )
        conn.executescript(APPOINTMENTS_SCHEMA)
        self._conn = conn
        return self

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __repr__(self) -> str:
        return f"<StubDatabase {self.path} open={self._conn is not None}>"

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"stub database {self.path} is not open")
        return self._conn

    # ---- events -----------------------------------------------------------------------------

    def store_events(self, kiosk_id: str, events: Iterable[WireEvent]) -> list[str]:
        """Store each event once (a known id is accepted again, not stored twice); returns
        the ids, all of them now durably stored."""
        now = self._wall_s()
        ids: list[str] = []
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                for e in events:
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO events (kiosk_id, id, seq, type, at, data, "
                        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (kiosk_id, e.id, e.seq, e.type, e.at, json.dumps(e.data), now),
                    )
                    if cur.rowcount:
                        _apply_ticket_event(conn, kiosk_id, e)
                    ids.append(e.id)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return ids

    def events(self, kiosk_id: str | None = None) -> list[dict[str, Any]]:
        """Stored events in the order they first arrived."""
        sql = "SELECT kiosk_id, id, seq, type, at, data, received_at FROM events"
        args: tuple[Any, ...] = ()
        if kiosk_id is not None:
            sql += " WHERE kiosk_id = ?"
            args = (kiosk_id,)
        with self._lock:
            rows = self._db().execute(sql + " ORDER BY rowid", args).fetchall()
        return [
            {
                "kiosk_id": r[0],
                "id": r[1],
                "seq": r[2],
                "type": r[3],
                "at": r[4],
                "data": json.loads(r[5]),
                "received_at": r[6],
            }
            for r in rows
        ]

    # ---- queues -------------------------------------------------------------------------------

    def kiosks(self) -> list[str]:
        with self._lock:
            rows = self._db().execute("SELECT DISTINCT kiosk_id FROM events ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def queue_figures(
        self, kiosk_id: str, policy: PriorityPolicy = STRICT
    ) -> dict[str, CategoryFigures]:
        """Per category of the kiosk's latest service day: printed tickets not yet called,
        the estimated wait of a new ticket, the last number called, and the figures of a new
        priority ticket under ``policy``."""
        now = self._wall_s()
        with self._lock:
            conn = self._db()
            row = conn.execute(_LATEST_DAY, (kiosk_id,)).fetchone()
            if row is None:
                return {}
            day = row[0]
            categories = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT category FROM tickets WHERE kiosk_id = ? AND service_day = ? "
                    "ORDER BY 1",
                    (kiosk_id, day),
                )
            ]
            with_priority = {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT category FROM tickets WHERE kiosk_id = ? AND service_day = ? "
                    "AND is_priority = 1",
                    (kiosk_id, day),
                )
            }
            figures: dict[str, CategoryFigures] = {}
            for cat in categories:
                normal, priority = _waiting(conn, kiosk_id, day, cat)
                calls = conn.execute(
                    "SELECT called_at, number FROM calls WHERE kiosk_id = ? AND service_day = ? "
                    "AND category = ? ORDER BY called_at",
                    (kiosk_id, day, cat),
                ).fetchall()
                times = [c[0] for c in calls]
                ahead = ahead_of_new_priority(
                    policy,
                    normal=normal,
                    priority=priority,
                    normal_since_priority=_normal_since_priority(conn, kiosk_id, day, cat),
                )
                figures[cat] = CategoryFigures(
                    waiting=normal + priority,
                    estimated_wait_s=estimate_wait_s(normal + priority, times, now),
                    now_serving=calls[-1][1] if calls else None,
                    # Only for a category that gave a priority ticket today: the stub knows
                    # no kiosk configuration to tell which categories offer one.
                    priority=PriorityFigures(ahead, estimate_wait_s(ahead, times, now))
                    if cat in with_priority
                    else None,
                    priority_waiting=priority,
                )
        return figures

    def call_next(
        self, kiosk_id: str, category: str, policy: PriorityPolicy = STRICT
    ) -> str | None:
        """An agent calls the next printed ticket not yet called: the oldest of the kind
        ``policy`` picks (priority or normal); its number, or None when nobody waits."""
        now = self._wall_s()
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                day_row = conn.execute(_LATEST_DAY, (kiosk_id,)).fetchone()
                row = None
                if day_row is not None:
                    day = day_row[0]
                    normal, priority = _waiting(conn, kiosk_id, day, category)
                    is_priority = policy.is_priority_next(
                        normal_waiting=normal,
                        priority_waiting=priority,
                        normal_since_priority=_normal_since_priority(conn, kiosk_id, day, category),
                    )
                    row = conn.execute(
                        "SELECT ticket_id, number, service_day FROM tickets WHERE kiosk_id = ? "
                        "AND category = ? AND state = 'printed' AND called_at IS NULL AND "
                        "service_day = ? AND is_priority = ? ORDER BY issued_seq LIMIT 1",
                        (kiosk_id, category, day, int(is_priority)),
                    ).fetchone()
                if row is not None:
                    conn.execute(
                        "UPDATE tickets SET called_at = ? WHERE kiosk_id = ? AND ticket_id = ?",
                        (now, kiosk_id, row[0]),
                    )
                    conn.execute(
                        "INSERT INTO calls (kiosk_id, category, number, service_day, called_at, "
                        "is_priority) VALUES (?, ?, ?, ?, ?, ?)",
                        (kiosk_id, category, row[1], row[2], now, int(is_priority)),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return None if row is None else str(row[1])

    # ---- indicators ---------------------------------------------------------------------------

    def indicators(
        self, kiosk_id: str, *, target_wait_s: float, day: str | None = None
    ) -> tuple[str | None, dict[str, WaitFigures], SurveyFigures]:
        """One kiosk's day (its present service day unless ``day``): per category, the waits
        from each ticket's ``ticket.issued`` ``at`` to this server's call of it; and the
        ``survey.answered`` of that day (the local date of their ``at``)."""
        now = self._wall_s()
        with self._lock:
            conn = self._db()
            if day is None:
                row = conn.execute(_LATEST_DAY, (kiosk_id,)).fetchone()
                if row is None:
                    row = conn.execute(
                        "SELECT substr(at, 1, 10) FROM events WHERE kiosk_id = ? "
                        "AND type = 'survey.answered' ORDER BY seq DESC LIMIT 1",
                        (kiosk_id,),
                    ).fetchone()
                day = None if row is None else str(row[0])
            if day is None:
                return None, {}, SurveyFigures()
            tickets = conn.execute(
                "SELECT t.category, t.state, t.called_at, e.at FROM tickets t JOIN events e "
                "ON e.kiosk_id = t.kiosk_id AND e.seq = t.issued_seq AND e.type = 'ticket.issued' "
                "WHERE t.kiosk_id = ? AND t.service_day = ? ORDER BY t.category, t.issued_seq",
                (kiosk_id, day),
            ).fetchall()
            answers = conn.execute(
                "SELECT data FROM events WHERE kiosk_id = ? AND type = 'survey.answered' "
                "AND substr(at, 1, 10) = ? ORDER BY seq",
                (kiosk_id, day),
            ).fetchall()
        waits: dict[str, list[float]] = {}
        waiting: dict[str, list[float]] = {}
        for category, state, called_at, at in tickets:
            issued_s = parse_rfc3339_s(at)
            waits.setdefault(category, [])
            waiting.setdefault(category, [])
            if issued_s is None:
                continue
            if called_at is not None:
                waits[category].append(called_at - issued_s)
            elif state == "printed":
                waiting[category].append(issued_s)
        figures = {
            cat: wait_figures(waits[cat], waiting[cat], now, target_wait_s=target_wait_s)
            for cat in waits
        }
        parsed = []
        for (data,) in answers:
            try:
                value = json.loads(data)
            except ValueError:
                continue
            if isinstance(value, dict):
                parsed.append((value.get("score"), value.get("reason")))
        return day, figures, survey_figures(parsed)


def _waiting(conn: sqlite3.Connection, kiosk_id: str, day: str, category: str) -> tuple[int, int]:
    """Printed tickets not yet called: (normal, priority)."""
    rows = dict(
        conn.execute(
            "SELECT is_priority, count(*) FROM tickets WHERE kiosk_id = ? AND service_day = ? "
            "AND category = ? AND state = 'printed' AND called_at IS NULL GROUP BY is_priority",
            (kiosk_id, day, category),
        ).fetchall()
    )
    return int(rows.get(0, 0)), int(rows.get(1, 0))


def _normal_since_priority(conn: sqlite3.Connection, kiosk_id: str, day: str, category: str) -> int:
    """Normal calls of the day since the last priority call (all of them before the first)."""
    row = conn.execute(
        "SELECT count(*) FROM calls WHERE kiosk_id = ?1 AND service_day = ?2 AND category = ?3 "
        "AND is_priority = 0 AND rowid > coalesce((SELECT max(rowid) FROM calls WHERE "
        "kiosk_id = ?1 AND service_day = ?2 AND category = ?3 AND is_priority = 1), 0)",
        (kiosk_id, day, category),
    ).fetchone()
    return int(row[0])


def _apply_ticket_event(conn: sqlite3.Connection, kiosk_id: str, e: WireEvent) -> None:
    data = e.data
    ticket_id = data.get("ticket_id")
    if not isinstance(ticket_id, str):
        return
    if e.type == "ticket.issued":
        conn.execute(
            "INSERT OR IGNORE INTO tickets (kiosk_id, ticket_id, number, category, service_day, "
            "issued_seq, state, is_priority) VALUES (?, ?, ?, ?, ?, ?, 'issued', ?)",
            (
                kiosk_id,
                ticket_id,
                str(data.get("number", "?")),
                str(data.get("category", "?")),
                str(data.get("service_day", e.at[:10])),
                e.seq,
                int(data.get("priority") is True),
            ),
        )
    elif e.type in ("ticket.printed", "ticket.voided"):
        state = "printed" if e.type == "ticket.printed" else "voided"
        conn.execute(
            "UPDATE tickets SET state = ? WHERE kiosk_id = ? AND ticket_id = ? AND state = 'issued'",
            (state, kiosk_id, ticket_id),
        )
