"""Reading the store: the queries the kiosk and the technicians' commands share, and
:class:`StoreReader`, the read-only view ``kiosk status``, ``kiosk selftest`` and the nightly
maintenance use beside the running kiosk.

Only the running kiosk creates, recovers or moves its store (:class:`kiosk.store.Store`).
A reader opens the file through SQLite's read-only mode and never creates anything: no data
folder, no database, no ``-wal`` or ``-shm`` file (a file made by ``sudo kiosk status`` would
belong to root, and the kiosk could not write it). When those two files are absent (the
kiosk is stopped, its last commit folded into the database), the file is read as
``immutable``; otherwise SQLite's WAL lets the reader read alongside the writer, even while
it holds a write transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import StoreError

logger = logging.getLogger(__name__)

DB_NAME = "kiosk.sqlite3"
READ_TIMEOUT_S = 2.0


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
    is_priority: bool = False


def sqlite_uri(path: Path, mode: str, *, is_immutable: bool = False) -> str:
    """SQLite's URI for ``path``: ``mode`` is ro, rw or rwc (rwc alone may create the file)."""
    uri = f"file:{urllib.parse.quote(str(Path(path).absolute()))}?mode={mode}"
    return uri + ("&immutable=1" if is_immutable else "")


def describe(err: sqlite3.Error, path: Path) -> str:
    """A StoreError message: the file, SQLite's words and the likely fix."""
    text = str(err)
    low = text.lower()
    if "full" in low:
        hint = "the disk is full: free space on it"
    elif "readonly" in low or "read-only" in low:
        hint = "the file system is read-only: check the SD card and the data_dir mount"
    elif "unable to open" in low:
        hint = why_unopenable(path)
    elif "locked" in low or "busy" in low:
        hint = "another process holds the database: stop it"
    elif "malformed" in low or "not a database" in low:
        hint = "the database is corrupted"
    else:
        hint = "see the log"
    return f"store {path}: {text} ({hint})"


def why_unopenable(path: Path) -> str:
    """SQLite only says "unable to open database file"; find out which of the usual causes."""
    import os

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


class StoreReads:
    """The read queries, shared by the writer and the read-only reader. Each raises
    StoreError naming the file when SQLite cannot answer."""

    path: Path

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def corrupted_files(self) -> list[Path]:
        """Corrupted databases moved aside earlier (for ``kiosk status``)."""
        return sorted(self.path.parent.glob(f"{self.path.name}.corrupt-*[0-9TZ]"))

    def ticket(self, ticket_id: str) -> Ticket | None:
        rows = self._read(
            "SELECT id, number, category, service_day, language, issued_at, is_clock_unsure, "
            "state, void_reason, is_priority FROM tickets WHERE id = ?",
            (ticket_id,),
        )
        return _ticket(rows[0]) if rows else None

    def last_ticket(self) -> Ticket | None:
        """The most recently issued ticket (for a technician's reprint)."""
        rows = self._read(
            "SELECT id, number, category, service_day, language, issued_at, is_clock_unsure, "
            "state, void_reason, is_priority FROM tickets ORDER BY rowid DESC LIMIT 1"
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

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None


class StoreReader(StoreReads):
    """The store, read-only. ``StoreReader.open(data_dir)`` raises StoreError when there is
    no database (nothing is created); a corrupted file opens, and each read of it raises
    StoreError (nothing is moved)."""

    def __init__(self, path: Path, *, clock: Clock | None = None):
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.is_immutable = False
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def open(cls, data_dir: Path, *, clock: Clock | None = None) -> StoreReader:
        reader = cls(Path(data_dir) / DB_NAME, clock=clock)
        reader._connect()
        return reader

    def _connect(self) -> None:
        path = self.path
        if not path.is_file():
            raise StoreError(
                f"store {path}: no database there yet (the kiosk creates it at its first start)"
            )
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        # Without both, SQLite's read-only mode would create them; immutable reads the file
        # alone, which then holds every commit.
        self.is_immutable = not (wal.exists() and shm.exists())
        try:
            self._conn = sqlite3.connect(
                sqlite_uri(path, "ro", is_immutable=self.is_immutable),
                uri=True,
                timeout=READ_TIMEOUT_S,
                check_same_thread=False,
            )
        except sqlite3.Error as err:
            raise StoreError(describe(err, path)) from None

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        if self._conn is None:
            raise StoreError(f"store {self.path}: not open (call StoreReader.open first)")
        try:
            return self._conn.execute(sql, tuple(args)).fetchall()
        except sqlite3.Error as err:
            raise StoreError(describe(err, self.path)) from None

    def set_meta(self, key: str, value: str | None) -> None:
        raise StoreError(f"store {self.path}: opened read-only, {key} not written")

    def schema_version(self) -> int | None:
        text = self.get_meta("schema_version")
        return int(text) if text and text.isdigit() else None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._conn is not None else "closed"
        return f"<StoreReader {self.path} {state}{' immutable' if self.is_immutable else ''}>"


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
        is_priority=bool(r[9]),
    )
