"""The durable store: one SQLite file holding counters, tickets and the event outbox.

A ticket's number, its row and its ``ticket.issued`` event are committed in ONE transaction
(WAL journal, ``synchronous=FULL``, so a commit survives a power cut) before any byte goes
to the printer; ``ticket.printed`` or ``ticket.voided`` follows in a second one. The unique
index on (service day, category, counter) makes a duplicate number impossible even if the
code above were wrong. Events get their ``seq`` from an AUTOINCREMENT key, which SQLite never
reuses, even after rows are pruned.

Thread-safe: one connection guarded by a lock. Every SQLite failure is turned into a
:class:`~kiosk.errors.StoreError` naming the file and the cause (disk full, read-only...).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk import events as ev
from kiosk.clock import Clock, SystemClock
from kiosk.errors import StoreCorrupted, StoreError
from kiosk.numbering import format_number, is_over_cap, next_counter, parse_number
from kiosk.service_day import ServiceDay, local_now, service_day
from kiosk.store_outcomes import JOURNAL_SUFFIX, Outcome, OutcomeJournal
from kiosk.store_reader import (
    DB_NAME,
    OutboxEvent,
    RejectedEvent,
    StoreReader,
    StoreReads,
    Ticket,
    describe,
    sqlite_uri,
)

__all__ = [
    "DB_NAME",
    "SCHEMA_VERSION",
    "CapReached",
    "NumberingSuspended",
    "Outcome",
    "OutboxEvent",
    "RejectedEvent",
    "Store",
    "StoreReader",
    "Ticket",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000

# The number is unique per service day (an index below), whatever category held it.
_TICKETS_COLUMNS = """
    id TEXT PRIMARY KEY,
    service_day TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL,
    number TEXT NOT NULL, language TEXT NOT NULL,
    issued_at TEXT NOT NULL, is_clock_unsure INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('issued', 'printed', 'voided')),
    void_reason TEXT, ended_at TEXT, is_duplicate_number INTEGER NOT NULL DEFAULT 0
"""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS tickets ({_TICKETS_COLUMNS});
CREATE TABLE IF NOT EXISTS counters (
    service_day TEXT NOT NULL, category TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, category));
CREATE INDEX IF NOT EXISTS tickets_state ON tickets (state);
CREATE TABLE IF NOT EXISTS prefix_counters (
    service_day TEXT NOT NULL, prefix TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, prefix));
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL,
    created_utc TEXT NOT NULL, boot_id TEXT, mono_ns INTEGER,
    sent_at TEXT, is_rejected INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS events_pending ON events (sent_at, is_rejected, seq);
CREATE TABLE IF NOT EXISTS rejected_events (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL,
    status_code INTEGER NOT NULL, answer TEXT NOT NULL, rejected_at TEXT NOT NULL);
"""

# After the migration (the column it indexes is added there for an older store).
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS tickets_day_number ON tickets (service_day, number)
    WHERE is_duplicate_number = 0;
"""


class CapReached(StoreError):
    """The category's daily cap is reached: no number was taken. Retrying tomorrow works."""


class NumberingSuspended(StoreError):
    """Today's counters were lost with a corrupted database: no number until tomorrow."""


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


class Store(StoreReads):
    """The kiosk's SQLite store. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(
        self,
        path: Path,
        *,
        kiosk_id: str,
        clock: Clock,
        timezone: str = "UTC",
        new_id: Callable[[], str] | None = None,
    ):
        self.path = Path(path)
        self.kiosk_id = kiosk_id
        self.clock = clock
        self.timezone = timezone
        self._new_id = new_id or (lambda: str(uuid.uuid4()))
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._boot_id = _boot_id()

    # ---- lifecycle --------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        kiosk_id: str,
        clock: Clock | None = None,
        timezone: str = "UTC",
        new_id: Callable[[], str] | None = None,
        may_create: bool = True,
    ) -> Store:
        """Open (creating if needed) ``data_dir/kiosk.sqlite3``.

        Raises StoreCorrupted after moving a corrupted file aside (never deleting it), and
        StoreError when the folder is missing, read-only or full. With ``may_create=False``
        (a technician's command beside the kiosk) nothing is created, recovered or moved:
        a missing or corrupted store is a StoreError, left as it is for the kiosk.
        """
        store = cls(
            Path(data_dir) / DB_NAME,
            kiosk_id=kiosk_id,
            clock=clock or SystemClock(),
            timezone=timezone,
            new_id=new_id,
        )
        store._connect(may_create=may_create)
        return store

    def _connect(self, *, may_create: bool = True) -> None:
        path = self.path
        if not may_create and not path.is_file():
            raise StoreError(f"store {path}: no database there (the kiosk creates it at its start)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"store {path.parent}: cannot create the data directory ({err.strerror}): "
                "check kiosk.data_dir and its permissions"
            ) from None
        try:
            conn = sqlite3.connect(
                sqlite_uri(path, "rwc" if may_create else "rw"),
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if mode.lower() != "wal":
                    logger.warning("store %s: journal mode is %s, not WAL", path, mode)
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
                conn.executescript(_SCHEMA)
                _migrate(conn, path)
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('kiosk_id', ?)",
                    (self.kiosk_id,),
                )
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as err:
            text = str(err).lower()
            if may_create and (
                "malformed" in text or "not a database" in text or "corrupt" in text
            ):
                aside = self._move_aside()
                self._recover_from(aside)
                raise StoreCorrupted(
                    f"store {path}: corrupted ({err}); moved aside to {aside} and what it still "
                    "held was copied into a new store: give the old file to a technician"
                ) from None
            raise StoreError(describe(err, path)) from None
        self._conn = conn

    def _recover_from(self, aside: Path) -> None:
        """Start a new store holding every row still readable in ``aside``; when today's
        counters cannot be trusted, suspend numbering until the next service day."""
        from kiosk.salvage import read_salvage, restore

        salvage = read_salvage(aside)
        self._connect()
        with self._tx() as conn:
            restore(conn, salvage)
            self._set_meta(conn, "recovered_from", str(aside))
            if not salvage.has_counters:
                today = local_now(self.clock.now_utc(), self.timezone).date().isoformat()
                last = self._meta(conn, "last_service_day") or today
                suspended = max(today, last)
                self._set_meta(conn, "numbering_suspended_day", suspended)
                self._set_meta(conn, "last_service_day", suspended)
                logger.critical(
                    "store %s: counters lost with the corrupted file; numbering suspended for "
                    "service day %s so that no number is issued twice",
                    self.path,
                    suspended,
                )
        counts = sum(len(v) for v in salvage.rows.values())
        logger.error(
            "store %s: recovered %d rows from %s (unreadable: %s)",
            self.path,
            counts,
            aside,
            ", ".join(salvage.failed_tables) or "none",
        )
        self.close()

    def _move_aside(self) -> Path:
        stamp = self.clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(aside) + suffix))
        logger.error("store %s: corrupted database moved aside to %s", self.path, aside)
        return aside

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._conn is not None else "closed"
        return f"<Store {self.path} {state} kiosk={self.kiosk_id}>"

    # ---- transactions -----------------------------------------------------------------

    @contextmanager
    def _tx(self, *, busy_timeout_s: float | None = None) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; any SQLite error becomes a StoreError, rolled back.

        SQLite rolls back by itself on some errors (a full disk), so the explicit ROLLBACK
        runs only while a transaction is still open, and its own failure never hides the
        original error. ``busy_timeout_s`` replaces the usual wait for a lock held by
        another process, for this transaction only.
        """
        with self._lock:
            conn = self._require()
            try:
                if busy_timeout_s is not None:
                    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield conn
                        conn.execute("COMMIT")
                    except BaseException:
                        self._rollback(conn)
                        raise
                finally:
                    if busy_timeout_s is not None:
                        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error as err:
                raise StoreError(describe(err, self.path)) from None

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error as err:
                logger.warning("rollback failed: %s", err)

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        with self._lock:
            conn = self._require()
            try:
                return conn.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as err:
                raise StoreError(describe(err, self.path)) from None

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"store {self.path}: not open (call Store.open first)")
        return self._conn

    def _insert_event(
        self, conn: sqlite3.Connection, type_: str, data: dict[str, Any]
    ) -> OutboxEvent:
        now = self.clock.now_utc()
        at = ev.rfc3339(local_now(now, self.timezone))
        event_id = self._new_id()
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        cur = conn.execute(
            "INSERT INTO events (id, type, at, data, created_utc, boot_id, mono_ns) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                type_,
                at,
                payload,
                now.isoformat(),
                self._boot_id,
                int(self.clock.monotonic_s() * 1e9),
            ),
        )
        seq = cur.lastrowid
        assert seq is not None
        return OutboxEvent(id=event_id, seq=seq, type=type_, at=at, data=data)

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ---- tickets ------------------------------------------------------------------------

    def issue_ticket(
        self, *, category: str, prefix: str, language: str, cap: int | None = None
    ) -> tuple[Ticket, OutboxEvent]:
        """Take the next number of ``category`` for today's service day, record the ticket and
        its ``ticket.issued`` event, and commit, all at once. Raises CapReached (nothing taken)
        when the daily cap is reached, StoreError when the disk refuses the write."""
        now = self.clock.now_utc()
        with self._tx() as conn:
            last_day_text = self._meta(conn, "last_service_day")
            last_issued_text = self._meta(conn, "last_issued_utc")
            day: ServiceDay = service_day(
                now,
                self.timezone,
                last_day=dt.date.fromisoformat(last_day_text) if last_day_text else None,
                last_issued_utc=dt.datetime.fromisoformat(last_issued_text)
                if last_issued_text
                else None,
            )
            if day.is_clock_unsure:
                logger.warning(
                    "clock at %s is behind the last ticket (service day %s, last issued %s): "
                    "keeping the service day, marking the ticket clock_unsynced",
                    now.isoformat(),
                    last_day_text,
                    last_issued_text,
                )
            if self._meta(conn, "numbering_suspended_day") == day.iso:
                raise NumberingSuspended(
                    f"store {self.path}: numbering suspended for {day.iso} after a corrupted "
                    "database (its counters were lost): it resumes on the next service day"
                )
            # The cap counts the category's own tickets of the day; the number continues
            # above every number of its prefix that day, whatever category held it.
            issued_today = conn.execute(
                "SELECT count(*) FROM tickets WHERE service_day = ? AND category = ?",
                (day.iso, category),
            ).fetchone()[0]
            if is_over_cap(issued_today + 1, cap):
                raise CapReached(f"category {category}: daily cap of {cap} tickets reached")
            n = _next_number(conn, day.iso, category, prefix)
            conn.execute(
                "INSERT INTO counters (service_day, category, last_n) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, category) DO UPDATE SET last_n = excluded.last_n",
                (day.iso, category, n),
            )
            conn.execute(
                "INSERT INTO prefix_counters (service_day, prefix, last_n) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, prefix) DO UPDATE SET last_n = excluded.last_n",
                (day.iso, prefix, n),
            )
            number = format_number(prefix, n)
            ticket_id = self._new_id()
            conn.execute(
                "INSERT INTO tickets (id, service_day, category, n, number, language, issued_at, "
                "is_clock_unsure, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'issued')",
                (
                    ticket_id,
                    day.iso,
                    category,
                    n,
                    number,
                    language,
                    now.isoformat(),
                    int(day.is_clock_unsure),
                ),
            )
            event = self._insert_event(
                conn,
                ev.TICKET_ISSUED,
                ev.ticket_issued(
                    ticket_id=ticket_id,
                    number=number,
                    category=category,
                    service_day=day.day,
                    language=language,
                    is_clock_unsure=day.is_clock_unsure,
                ),
            )
            self._set_meta(conn, "last_service_day", day.iso)
            if not day.is_clock_unsure:
                self._set_meta(conn, "last_issued_utc", now.isoformat())
        ticket = Ticket(
            id=ticket_id,
            number=number,
            category=category,
            service_day=day.day,
            language=language,
            issued_at=now,
            is_clock_unsure=day.is_clock_unsure,
            state="issued",
        )
        return ticket, event

    def mark_printed(
        self, ticket_id: str, *, busy_timeout_s: float | None = None
    ) -> OutboxEvent | None:
        """Record that the printer accepted the whole ticket. None when the ticket had
        already ended (printed or voided): every ticket ends exactly once."""
        return self.end_ticket(ticket_id, "printed", None, busy_timeout_s=busy_timeout_s)

    def mark_voided(
        self, ticket_id: str, reason: str, *, busy_timeout_s: float | None = None
    ) -> OutboxEvent | None:
        """Record that the ticket could not be printed (never printed again)."""
        return self.end_ticket(ticket_id, "voided", reason, busy_timeout_s=busy_timeout_s)

    def end_ticket(
        self,
        ticket_id: str,
        state: str,
        reason: str | None,
        *,
        at_utc: str | None = None,
        busy_timeout_s: float | None = None,
    ) -> OutboxEvent | None:
        """Record a ticket's end (``state`` printed or voided), at ``at_utc`` (default now).
        None when it had already ended. Raises StoreError, nothing recorded, when the store
        refuses the write (a lock held past ``busy_timeout_s``, a full disk)."""
        now = at_utc or self.clock.now_utc().isoformat()
        with self._tx(busy_timeout_s=busy_timeout_s) as conn:
            cur = conn.execute(
                "UPDATE tickets SET state = ?, void_reason = ?, ended_at = ? "
                "WHERE id = ? AND state = 'issued'",
                (state, reason, now, ticket_id),
            )
            if cur.rowcount == 0:
                return None
            if state == "printed":
                return self._insert_event(conn, ev.TICKET_PRINTED, ev.ticket_printed(ticket_id))
            return self._insert_event(
                conn, ev.TICKET_VOIDED, ev.ticket_voided(ticket_id, reason or "")
            )

    # ---- outcomes the database could not take at once -------------------------------------

    @property
    def outcome_journal_path(self) -> Path:
        return self.path.with_name(self.path.name + JOURNAL_SUFFIX)

    def journal_outcome(self, outcome: Outcome) -> None:
        """Durably note an outcome the database refused, for :meth:`replay_outcome_journal`
        at the next start should the kiosk stop before it is committed."""
        OutcomeJournal(self.outcome_journal_path).append(outcome)

    def replay_outcome_journal(self, *, busy_timeout_s: float | None = None) -> int:
        """Commit every outcome in the journal (each ticket ends once), then remove it; the
        number committed. Run at start-up before :meth:`void_interrupted`."""
        journal = OutcomeJournal(self.outcome_journal_path)
        outcomes = journal.read()
        committed = 0
        for o in outcomes:
            event = self.end_ticket(
                o.ticket_id, o.state, o.reason, at_utc=o.at_utc, busy_timeout_s=busy_timeout_s
            )
            committed += event is not None
        journal.clear()
        if outcomes:
            logger.warning(
                "store %s: %d ticket outcome(s) from the journal committed", self.path, committed
            )
        return committed

    def void_interrupted(self) -> list[Ticket]:
        """At start-up: void every ticket left between issued and printed by a crash or a
        power cut (reason ``interrupted``); such a ticket is never printed again."""
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT id FROM tickets WHERE state = 'issued' ORDER BY rowid"
            ).fetchall()
            ids = [r[0] for r in rows]
            now = self.clock.now_utc().isoformat()
            for ticket_id in ids:
                conn.execute(
                    "UPDATE tickets SET state = 'voided', void_reason = ?, ended_at = ? WHERE id = ?",
                    (ev.VOID_INTERRUPTED, now, ticket_id),
                )
                self._insert_event(
                    conn, ev.TICKET_VOIDED, ev.ticket_voided(ticket_id, ev.VOID_INTERRUPTED)
                )
        if ids:
            logger.warning("voided %d ticket(s) interrupted by a crash or power cut", len(ids))
        return [t for t in (self.ticket(i) for i in ids) if t is not None]

    # ---- outbox -------------------------------------------------------------------------

    def append_event(self, type: str, data: dict[str, Any]) -> OutboxEvent:
        """Commit one event (kiosk.started, heartbeat, printer.status...) in its own transaction."""
        with self._tx() as conn:
            return self._insert_event(conn, type, data)

    def mark_accepted(self, event_ids: Iterable[str]) -> int:
        ids = list(event_ids)
        if not ids:
            return 0
        now = self.clock.now_utc().isoformat()
        changed = 0
        with self._tx() as conn:
            for event_id in ids:
                cur = conn.execute(
                    "UPDATE events SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                    (now, event_id),
                )
                changed += cur.rowcount
        return changed

    def mark_rejected(self, event: OutboxEvent, *, status_code: int, answer: str) -> None:
        """Set an event the server refused as malformed aside, keeping it and the answer."""
        now = self.clock.now_utc().isoformat()
        with self._tx() as conn:
            conn.execute("UPDATE events SET is_rejected = 1 WHERE id = ?", (event.id,))
            conn.execute(
                "INSERT OR REPLACE INTO rejected_events (id, seq, type, status_code, answer, "
                "rejected_at) VALUES (?, ?, ?, ?, ?, ?)",
                (event.id, event.seq, event.type, status_code, answer[:4000], now),
            )
        logger.error(
            "event seq %d (%s, id %s) rejected by the server with %d: %s; set aside",
            event.seq,
            event.type,
            event.id,
            status_code,
            answer[:200],
        )

    # ---- meta -----------------------------------------------------------------------------

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            self._set_meta(conn, key, value)

    def probe_writable(self, size_bytes: int = 16384) -> None:
        """Check that a write of about a ticket's size would succeed now: write and delete a
        probe row in one transaction. Raises StoreError (disk full, read-only...)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('write_probe', ?)",
                ("x" * size_bytes,),
            )
            conn.execute("DELETE FROM meta WHERE key = 'write_probe'")

    # ---- retention ------------------------------------------------------------------------

    def prune(self, *, retention_days: int) -> tuple[int, int]:
        """Delete delivered events and ended tickets more than ``retention_days`` before the
        last service day recorded; returns (tickets, events) deleted.

        The cut-off never comes from the clock, which may be months ahead after a bad
        start: the current service day and later ones are never touched, no counter is ever
        removed (they are what keeps a number from being issued twice), and neither is an
        unsent event nor a ticket whose events are unsent.
        """
        with self._tx() as conn:
            last = self._meta(conn, "last_service_day")
            if last is None:
                return 0, 0
            cutoff_day = dt.date.fromisoformat(last) - dt.timedelta(days=retention_days)
            cutoff_utc = dt.datetime.combine(
                cutoff_day, dt.time(), tzinfo=zoneinfo.ZoneInfo(self.timezone)
            ).astimezone(dt.UTC)
            t = conn.execute(
                "DELETE FROM tickets WHERE state != 'issued' AND service_day < ? "
                "AND id NOT IN (SELECT json_extract(data, '$.ticket_id') FROM events "
                "WHERE sent_at IS NULL AND json_extract(data, '$.ticket_id') IS NOT NULL)",
                (cutoff_day.isoformat(),),
            ).rowcount
            e = conn.execute(
                "DELETE FROM events WHERE sent_at IS NOT NULL AND created_utc < ?",
                (cutoff_utc.isoformat(),),
            ).rowcount
        if t or e:
            logger.info("pruned %d tickets and %d delivered events before %s", t, e, cutoff_day)
        return t, e

    # ---- a service day frozen in the future -------------------------------------------------

    def move_service_day_back(self) -> tuple[dt.date, dt.date] | None:
        """Bring the service day back to the clock's date when the stored one is ahead of it
        (a ticket was issued under a far-future clock, freezing the day there). Call it only
        when the clock is known right. Returns (from, to), or None when nothing was ahead.

        No number is ever reused: each prefix's counter on today's day is raised to the
        highest one of today and every later day, so the next ticket continues above the
        numbers visitors already hold; the later days keep their counters too.
        """
        now = self.clock.now_utc()
        today = local_now(now, self.timezone).date()
        with self._tx() as conn:
            last_text = self._meta(conn, "last_service_day")
            if last_text is None or dt.date.fromisoformat(last_text) <= today:
                return None
            conn.execute(
                "INSERT INTO prefix_counters (service_day, prefix, last_n) "
                "SELECT ?, prefix, max(last_n) FROM prefix_counters WHERE service_day >= ? "
                "GROUP BY prefix "
                "ON CONFLICT (service_day, prefix) DO UPDATE SET last_n = excluded.last_n",
                (today.isoformat(), today.isoformat()),
            )
            self._set_meta(conn, "last_service_day", today.isoformat())
            self._set_meta(conn, "last_issued_utc", now.isoformat())
            self._set_meta(
                conn, "service_day_moved_back", f"{last_text} -> {today.isoformat()} at {now}"
            )
        logger.warning(
            "service day moved back from %s to %s (the clock is synchronised); numbers "
            "continue above those issued on %s",
            last_text,
            today,
            last_text,
        )
        return dt.date.fromisoformat(last_text), today


def _next_number(conn: sqlite3.Connection, day: str, category: str, prefix: str) -> int:
    """The next n for ``prefix`` on ``day``: above every number already issued that day with
    that prefix, whatever category held it (a category renamed, two prefixes swapped), and
    above the category's own counter."""
    last = conn.execute(
        "SELECT max(coalesce((SELECT last_n FROM prefix_counters "
        "WHERE service_day = ?1 AND prefix = ?2), 0), coalesce((SELECT last_n FROM counters "
        "WHERE service_day = ?1 AND category = ?3), 0))",
        (day, prefix, category),
    ).fetchone()[0]
    n = next_counter(last or None)
    # Belt and braces: the unique index on (service_day, number) is the last word.
    while conn.execute(
        "SELECT 1 FROM tickets WHERE service_day = ? AND number = ?",
        (day, format_number(prefix, n)),
    ).fetchone():
        n += 1
    return n


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring a store written by an earlier version to :data:`SCHEMA_VERSION`, keeping its
    data. Version 2: per-prefix counters and a unique index on (service day, number)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else SCHEMA_VERSION
    if row is None:  # a new store
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
    if version < 2:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Version 1 had UNIQUE (service_day, category, n): a renamed category or swapped
            # prefixes need n free of the category. SQLite drops a constraint by a rebuild.
            old = [r[1] for r in conn.execute("PRAGMA table_info(tickets)")]
            names = ", ".join(c for c in old if c != "is_duplicate_number")
            conn.execute(f"CREATE TABLE tickets_v2 ({_TICKETS_COLUMNS})")
            conn.execute(f"INSERT INTO tickets_v2 ({names}) SELECT {names} FROM tickets")
            conn.execute("DROP TABLE tickets")
            conn.execute("ALTER TABLE tickets_v2 RENAME TO tickets")
            conn.execute("CREATE INDEX IF NOT EXISTS tickets_state ON tickets (state)")
            # The bug this version fixes may have left the same number twice on a day: keep
            # both rows, flag the later ones, and let the index cover every new ticket.
            dup = conn.execute(
                "UPDATE tickets SET is_duplicate_number = 1 WHERE rowid NOT IN "
                "(SELECT min(rowid) FROM tickets GROUP BY service_day, number)"
            ).rowcount
            best: dict[tuple[str, str], int] = {}
            for day, number in conn.execute("SELECT service_day, number FROM tickets"):
                try:
                    prefix, n = parse_number(number)
                except ValueError:
                    continue
                best[(day, prefix)] = max(best.get((day, prefix), 0), n)
            for (day, prefix), n in best.items():
                conn.execute(
                    "INSERT INTO prefix_counters (service_day, prefix, last_n) VALUES (?, ?, ?) "
                    "ON CONFLICT (service_day, prefix) DO UPDATE SET "
                    "last_n = max(last_n, excluded.last_n)",
                    (day, prefix, n),
                )
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        logger.warning(
            "store %s: migrated from schema %d to %d (%d duplicate number(s) found and kept)",
            path,
            version,
            SCHEMA_VERSION,
            dup,
        )
    conn.executescript(_INDEXES)
