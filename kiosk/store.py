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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import events as ev
from kiosk.clock import Clock, SystemClock
from kiosk.errors import StoreCorrupted, StoreError
from kiosk.numbering import format_number, is_over_cap, next_counter
from kiosk.report import aggregates
from kiosk.service_day import ServiceDay, local_now, service_day

logger = logging.getLogger(__name__)

DB_NAME = "kiosk.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS counters (
    service_day TEXT NOT NULL, category TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, category));
CREATE TABLE IF NOT EXISTS tickets (
    id TEXT PRIMARY KEY,
    service_day TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL,
    number TEXT NOT NULL, language TEXT NOT NULL,
    issued_at TEXT NOT NULL, is_clock_unsure INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('issued', 'printed', 'voided')),
    void_reason TEXT, ended_at TEXT,
    UNIQUE (service_day, category, n));
CREATE INDEX IF NOT EXISTS tickets_state ON tickets (state);
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


@dataclass(frozen=True)
class OutboxEvent:
    """One event of protocol v1, as committed; ``to_wire()`` is what goes to the server."""

    id: str
    seq: int
    type: str
    at: str
    data: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "type": self.type, "at": self.at, "data": self.data}


@dataclass(frozen=True)
class RejectedEvent:
    id: str
    seq: int
    type: str
    status_code: int
    answer: str
    rejected_at: str


@dataclass(frozen=True)
class Ticket:
    """A ticket row. ``state`` is issued (number committed, not yet printed), printed or
    voided."""

    id: str
    number: str
    category: str
    service_day: dt.date
    language: str
    issued_at: dt.datetime
    is_clock_unsure: bool
    state: str
    void_reason: str | None = None


class CapReached(StoreError):
    """The category's daily cap is reached: no number was taken. Retrying tomorrow works."""


class NumberingSuspended(StoreError):
    """Today's counters were lost with a corrupted database: no number until tomorrow."""


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _describe(err: sqlite3.Error, path: Path) -> str:
    text = str(err)
    low = text.lower()
    if "full" in low:
        hint = "the disk is full: free space on it"
    elif "readonly" in low or "read-only" in low:
        hint = "the file system is read-only: check the SD card and the data_dir mount"
    elif "unable to open" in low:
        hint = _why_unopenable(path)
    elif "locked" in low or "busy" in low:
        hint = "another process holds the database: stop it"
    elif "malformed" in low or "not a database" in low:
        hint = "the database is corrupted"
    else:
        hint = "see the log"
    return f"store {path}: {text} ({hint})"


def _why_unopenable(path: Path) -> str:
    """SQLite only says "unable to open database file"; find out which of the usual causes."""
    folder = path.parent
    if not folder.is_dir():
        return f"the data directory {folder} is missing: check kiosk.data_dir and its mount"
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "the file system is read-only: check the SD card and the data_dir mount"
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        return f"the data directory {folder} is not writable by this user: fix its owner"
    return "check kiosk.data_dir, its permissions and free space"


class Store:
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
    ) -> Store:
        """Open (creating if needed) ``data_dir/kiosk.sqlite3``.

        Raises StoreCorrupted after moving a corrupted file aside (never deleting it), and
        StoreError when the folder is missing, read-only or full.
        """
        store = cls(
            Path(data_dir) / DB_NAME,
            kiosk_id=kiosk_id,
            clock=clock or SystemClock(),
            timezone=timezone,
            new_id=new_id,
        )
        store._connect()
        return store

    def _connect(self) -> None:
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"store {path.parent}: cannot create the data directory ({err.strerror}): "
                "check kiosk.data_dir and its permissions"
            ) from None
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
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
                conn.executescript(aggregates.SCHEMA)
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('kiosk_id', ?)",
                    (self.kiosk_id,),
                )
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as err:
            text = str(err).lower()
            if "malformed" in text or "not a database" in text or "corrupt" in text:
                aside = self._move_aside()
                self._recover_from(aside)
                raise StoreCorrupted(
                    f"store {path}: corrupted ({err}); moved aside to {aside} and what it still "
                    "held was copied into a new store: give the old file to a technician"
                ) from None
            raise StoreError(_describe(err, path)) from None
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

    def corrupted_files(self) -> list[Path]:
        """Corrupted databases moved aside earlier (for ``kiosk status``)."""
        return sorted(self.path.parent.glob(f"{self.path.name}.corrupt-*[0-9TZ]"))

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
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; any SQLite error becomes a StoreError, rolled back.

        SQLite rolls back by itself on some errors (a full disk), so the explicit ROLLBACK
        runs only while a transaction is still open, and its own failure never hides the
        original error.
        """
        with self._lock:
            conn = self._require()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    self._rollback(conn)
                    raise
            except sqlite3.Error as err:
                raise StoreError(_describe(err, self.path)) from None

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
                raise StoreError(_describe(err, self.path)) from None

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"store {self.path}: not open (call Store.open first)")
        return self._conn

    def _insert_event(
        self, conn: sqlite3.Connection, type_: str, data: dict[str, Any]
    ) -> OutboxEvent:
        now = self.clock.now_utc()
        local = local_now(now, self.timezone)
        at = ev.rfc3339(local)
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
        aggregates.record(conn, type_, data, local)  # the report's daily figures, same commit
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
            row = conn.execute(
                "SELECT last_n FROM counters WHERE service_day = ? AND category = ?",
                (day.iso, category),
            ).fetchone()
            n = next_counter(None if row is None else row[0])
            if is_over_cap(n, cap):
                raise CapReached(f"category {category}: daily cap of {cap} tickets reached")
            conn.execute(
                "INSERT INTO counters (service_day, category, last_n) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, category) DO UPDATE SET last_n = excluded.last_n",
                (day.iso, category, n),
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

    def mark_printed(self, ticket_id: str) -> OutboxEvent | None:
        """Record that the printer accepted the whole ticket. None when the ticket had
        already ended (printed or voided): every ticket ends exactly once."""
        return self._end_ticket(ticket_id, "printed", None)

    def mark_voided(self, ticket_id: str, reason: str) -> OutboxEvent | None:
        """Record that the ticket could not be printed (never printed again)."""
        return self._end_ticket(ticket_id, "voided", reason)

    def _end_ticket(self, ticket_id: str, state: str, reason: str | None) -> OutboxEvent | None:
        now = self.clock.now_utc().isoformat()
        with self._tx() as conn:
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

    def ticket(self, ticket_id: str) -> Ticket | None:
        rows = self._read(
            "SELECT id, number, category, service_day, language, issued_at, is_clock_unsure, "
            "state, void_reason FROM tickets WHERE id = ?",
            (ticket_id,),
        )
        return _ticket(rows[0]) if rows else None

    def last_ticket(self) -> Ticket | None:
        """The most recently issued ticket (for a technician's reprint)."""
        rows = self._read(
            "SELECT id, number, category, service_day, language, issued_at, is_clock_unsure, "
            "state, void_reason FROM tickets ORDER BY rowid DESC LIMIT 1"
        )
        return _ticket(rows[0]) if rows else None

    def counts_for_day(self, day: dt.date | None = None) -> dict[str, int]:
        """Tickets issued per category on ``day`` (default: the last service day)."""
        if day is None:
            text = self.get_meta("last_service_day")
            if text is None:
                return {}
            day = dt.date.fromisoformat(text)
        rows = self._read(
            "SELECT category, last_n FROM counters WHERE service_day = ? ORDER BY category",
            (day.isoformat(),),
        )
        return {r[0]: r[1] for r in rows}

    def last_service_day(self) -> dt.date | None:
        text = self.get_meta("last_service_day")
        return dt.date.fromisoformat(text) if text else None

    # ---- outbox -------------------------------------------------------------------------

    def append_event(self, type: str, data: dict[str, Any]) -> OutboxEvent:
        """Commit one event (kiosk.started, heartbeat, printer.status...) in its own transaction."""
        with self._tx() as conn:
            return self._insert_event(conn, type, data)

    def pending_events(self, limit: int = 100) -> list[OutboxEvent]:
        """Unsent, not rejected events, in seq order."""
        rows = self._read(
            "SELECT id, seq, type, at, data FROM events "
            "WHERE sent_at IS NULL AND is_rejected = 0 ORDER BY seq LIMIT ?",
            (limit,),
        )
        return [
            OutboxEvent(id=r[0], seq=r[1], type=r[2], at=r[3], data=json.loads(r[4])) for r in rows
        ]

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

    def rejected_events(self) -> list[RejectedEvent]:
        rows = self._read(
            "SELECT id, seq, type, status_code, answer, rejected_at FROM rejected_events ORDER BY seq"
        )
        return [RejectedEvent(*r) for r in rows]

    def outbox_depth(self) -> int:
        return int(
            self._read("SELECT count(*) FROM events WHERE sent_at IS NULL AND is_rejected = 0")[0][
                0
            ]
        )

    def oldest_pending_created_at(self) -> dt.datetime | None:
        rows = self._read(
            "SELECT created_utc FROM events WHERE sent_at IS NULL AND is_rejected = 0 "
            "ORDER BY seq LIMIT 1"
        )
        return dt.datetime.fromisoformat(rows[0][0]) if rows else None

    def last_seq(self) -> int:
        rows = self._read("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        return int(rows[0][0]) if rows else 0

    # ---- meta -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

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

    def prune(
        self, *, retention_days: int, report_retention_days: int | None = None
    ) -> tuple[int, int]:
        """Delete delivered events and ended tickets older than ``retention_days``; returns
        (tickets, events) deleted. Undelivered events and unended tickets are always kept.
        The report's daily figures are kept ``report_retention_days`` (None: all of them)."""
        cutoff = self.clock.now_utc() - dt.timedelta(days=retention_days)
        cutoff_day = local_now(cutoff, self.timezone).date().isoformat()
        with self._tx() as conn:
            t = conn.execute(
                "DELETE FROM tickets WHERE state != 'issued' AND service_day < ?", (cutoff_day,)
            ).rowcount
            conn.execute("DELETE FROM counters WHERE service_day < ?", (cutoff_day,))
            e = conn.execute(
                "DELETE FROM events WHERE sent_at IS NOT NULL AND created_utc < ?",
                (cutoff.isoformat(),),
            ).rowcount
            if report_retention_days is not None:
                report_cutoff = self.clock.now_utc() - dt.timedelta(days=report_retention_days)
                aggregates.prune(conn, before_day=local_now(report_cutoff, self.timezone).date())
        if t or e:
            logger.info("pruned %d tickets and %d delivered events older than %s", t, e, cutoff_day)
        return t, e


def _ticket(r: Any) -> Ticket:
    return Ticket(
        id=r[0],
        number=r[1],
        category=r[2],
        service_day=dt.date.fromisoformat(r[3]),
        language=r[4],
        issued_at=dt.datetime.fromisoformat(r[5]),
        is_clock_unsure=bool(r[6]),
        state=r[7],
        void_reason=r[8],
    )
