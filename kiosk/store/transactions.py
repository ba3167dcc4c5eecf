"""The writer's connection: one SQLite connection behind a lock, IMMEDIATE transactions,
and the two helpers every write uses (an outbox event, a meta value)."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.core import events as ev
from kiosk.core.clock import Clock
from kiosk.core.errors import StoreError
from kiosk.core.service_day import local_now
from kiosk.store import aggregates
from kiosk.store.reader import OutboxEvent, StoreReads, describe
from kiosk.store.schema import BUSY_TIMEOUT_MS

logger = logging.getLogger(__name__)


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


class WriterBase(StoreReads):
    """What every part of the writer shares: the connection, its lock, transactions."""

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
        # After the INSERT (kiosk.started reads the event before it): the report's daily
        # figures, in the same commit, so that pruning events never loses one.
        aggregates.record(conn, type_, data, local)
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
