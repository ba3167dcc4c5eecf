"""The stub server's remote configuration (contract 5.7): each kiosk's configuration document
and its version, and what the kiosk reported of the last one (``config.applied``,
``config.rejected`` events), for ``GET /api/v1/kiosks/{kiosk_id}/config`` and the ``/config``
page.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from typing import Any


class ConfigBook:
    """The remote configuration part of :class:`stubserver.db.StubDatabase` (table
    ``configs``)."""

    _lock: threading.Lock
    _wall_s: Callable[[], float]

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def set_config(self, kiosk_id: str, config: dict[str, Any] | None) -> int:
        """Set (or, with None, clear) the kiosk's configuration; returns its new version,
        one above the last (a cleared one keeps counting, so no version is ever reused)."""
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT version FROM configs WHERE kiosk_id = ?", (kiosk_id,)
                ).fetchone()
                version = (row[0] if row else 0) + 1
                conn.execute(
                    "INSERT INTO configs (kiosk_id, version, config, set_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (kiosk_id) DO UPDATE SET version = excluded.version, "
                    "config = excluded.config, set_at = excluded.set_at",
                    (
                        kiosk_id,
                        version,
                        None if config is None else json.dumps(config, ensure_ascii=False),
                        self._wall_s(),
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return version

    def config(self, kiosk_id: str) -> tuple[int, dict[str, Any] | None] | None:
        """(version, config or None when cleared), or None when never set."""
        with self._lock:
            row = (
                self._db()
                .execute("SELECT version, config FROM configs WHERE kiosk_id = ?", (kiosk_id,))
                .fetchone()
            )
        if row is None:
            return None
        return int(row[0]), (json.loads(row[1]) if row[1] is not None else None)

    def config_kiosks(self) -> list[str]:
        with self._lock:
            rows = self._db().execute("SELECT kiosk_id FROM configs ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def config_reports(self, kiosk_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """The kiosk's latest config.applied / config.rejected events, newest first."""
        with self._lock:
            rows = (
                self._db()
                .execute(
                    "SELECT type, data, at FROM events WHERE kiosk_id = ? AND type IN "
                    "('config.applied', 'config.rejected') ORDER BY rowid DESC LIMIT ?",
                    (kiosk_id, limit),
                )
                .fetchall()
            )
        return [{"type": r[0], "data": json.loads(r[1]), "at": r[2]} for r in rows]
