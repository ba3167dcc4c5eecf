"""The store the kiosk opens: :class:`Store`, the one writer of ``kiosk.sqlite3``.

WAL journal and ``synchronous=FULL``, so a commit survives a power cut. Thread-safe: one
connection guarded by a lock. Every SQLite failure is turned into a
:class:`~kiosk.core.errors.StoreError` naming the file and the cause (disk full, read-only...).
Its parts live by idea in this package: issuing, outbox, meta, retention, recovery.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import StoreCorrupted, StoreError
from kiosk.store.appointments import Appointments
from kiosk.store.issuing import Issuing
from kiosk.store.meta import Meta
from kiosk.store.outbox import Outbox
from kiosk.store.reader import DB_NAME, describe, sqlite_uri
from kiosk.store.recovery import Recovery
from kiosk.store.retention import Retention
from kiosk.store.schema import BUSY_TIMEOUT_MS, create_tables, migrate

logger = logging.getLogger(__name__)


class Store(Issuing, Outbox, Meta, Retention, Recovery, Appointments):
    """The kiosk's SQLite store. Open with :meth:`open`; close with :meth:`close`."""

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
                create_tables(conn)  # the store's, the report's figures, the appointments
                migrate(conn, path)
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
