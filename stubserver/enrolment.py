"""The stub server's enrolment (protocol v1, ``POST /api/v1/enrol``): one-time codes given
on its command line, and the tokens it hands out for them.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading


class EnrolmentBook:
    """The enrolment part of :class:`stubserver.db.StubDatabase` (tables ``enrol_codes``,
    ``tokens``)."""

    _lock: threading.Lock

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def add_enrol_code(self, code: str) -> None:
        with self._lock:
            self._db().execute("INSERT OR IGNORE INTO enrol_codes (code) VALUES (?)", (code,))

    def enrol(self, kiosk_id: str, code: str) -> str | None:
        """A new token for ``kiosk_id`` if ``code`` is known and unused (then used), else None."""
        with self._lock:
            conn = self._db()
            cur = conn.execute(
                "UPDATE enrol_codes SET used_by = ? WHERE code = ? AND used_by IS NULL",
                (kiosk_id, code),
            )
            if cur.rowcount != 1:
                return None
            token = secrets.token_urlsafe(32)
            conn.execute("INSERT INTO tokens (token, kiosk_id) VALUES (?, ?)", (token, kiosk_id))
        return token

    def token_kiosk(self, token: str) -> str | None:
        """The kiosk an enrolled token belongs to, or None for an unknown token."""
        with self._lock:
            row = (
                self._db()
                .execute("SELECT kiosk_id FROM tokens WHERE token = ?", (token,))
                .fetchone()
            )
        return None if row is None else str(row[0])
