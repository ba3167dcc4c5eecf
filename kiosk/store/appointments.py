"""The day's appointments and their check-ins (contract 5.3), so check-in works offline.

``appointments`` holds the last good list the server gave for a service day: ids, code
hashes, categories and times, never a name or a code. Each fetch for a day replaces that
day's rows at once; a list for another day never replaces today's. ``appointment_checkins``
ties an appointment to the ticket it got: a second check-in finds it there and prints the
same number again. The check-in row and the ``appointment.checked_in`` event are committed
in the ticket's own transaction (:meth:`kiosk.store.issuing.Issuing.issue_ticket`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from kiosk.core.appointments import Appointment
from kiosk.store.reader import Ticket
from kiosk.store.transactions import WriterBase

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS appointments (
    service_day TEXT NOT NULL, id TEXT NOT NULL, code_sha256 TEXT NOT NULL,
    category TEXT NOT NULL, start_at TEXT NOT NULL, end_at TEXT NOT NULL,
    PRIMARY KEY (service_day, id));
CREATE TABLE IF NOT EXISTS appointment_checkins (
    appointment_id TEXT PRIMARY KEY, service_day TEXT NOT NULL,
    ticket_id TEXT NOT NULL, checked_in_at TEXT NOT NULL);
"""


class Appointments(WriterBase):
    """The day's appointments (part of :class:`kiosk.store.Store`)."""

    def replace_appointments(self, day: dt.date, appointments: Sequence[Appointment]) -> None:
        """Make ``appointments`` the list of ``day`` (older days' lists are dropped)."""
        with self._tx() as conn:
            conn.execute("DELETE FROM appointments")  # one day's list is kept: this one
            conn.executemany(
                "INSERT OR REPLACE INTO appointments (service_day, id, code_sha256, category, "
                "start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        day.isoformat(),
                        a.id,
                        a.code_sha256.lower(),
                        a.category,
                        a.start.isoformat(),
                        a.end.isoformat(),
                    )
                    for a in appointments
                ],
            )
            self._set_meta(conn, "appointments_day", day.isoformat())

    def appointments_for(self, day: dt.date) -> list[Appointment]:
        """The kept list of ``day`` (empty when the server gave none for that day)."""
        rows = self._read(
            "SELECT id, code_sha256, category, start_at, end_at FROM appointments "
            "WHERE service_day = ? ORDER BY start_at, id",
            (day.isoformat(),),
        )
        return [
            Appointment(
                id=r[0],
                code_sha256=r[1],
                category=r[2],
                start=dt.datetime.fromisoformat(r[3]),
                end=dt.datetime.fromisoformat(r[4]),
            )
            for r in rows
        ]

    def appointment_ticket(self, appointment_id: str) -> Ticket | None:
        """The ticket an earlier check-in of ``appointment_id`` got, or None."""
        rows = self._read(
            "SELECT ticket_id FROM appointment_checkins WHERE appointment_id = ?",
            (appointment_id,),
        )
        return self.ticket(rows[0][0]) if rows else None
