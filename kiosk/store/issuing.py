"""Where a ticket's number is taken: the counters, the ticket row and its events.

A number, its row and its ``ticket.issued`` event are committed in one transaction before
any byte goes to the printer; ``ticket.printed`` or ``ticket.voided`` follows in a second.
The number continues above every number of its prefix that day, whatever category held it,
and a unique index on (service day, number) has the last word.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from kiosk.core import events as ev
from kiosk.core.errors import Refusal, StoreError
from kiosk.core.numbering import format_number, is_over_cap, next_counter
from kiosk.core.service_day import ServiceDay, local_now, service_day
from kiosk.store.outcomes import JOURNAL_SUFFIX, Outcome, OutcomeJournal
from kiosk.store.reader import OutboxEvent, Ticket
from kiosk.store.transactions import WriterBase

logger = logging.getLogger(__name__)


class CapReached(Refusal):
    """The category's daily cap is reached: no number was taken. Retrying tomorrow works."""


class NumberingSuspended(StoreError):
    """Today's counters were lost with a corrupted database: no number until tomorrow."""


class Issuing(WriterBase):
    """Issuing numbers and ending tickets (part of :class:`kiosk.store.Store`)."""

    # ---- tickets ------------------------------------------------------------------------

    def issue_ticket(
        self,
        *,
        category: str,
        prefix: str,
        language: str,
        cap: int | None = None,
        is_priority: bool = False,
        appointment_id: str | None = None,
    ) -> tuple[Ticket, OutboxEvent]:
        """Take the next number of ``category`` for today's service day, record the ticket and
        its ``ticket.issued`` event, and commit, all at once. A priority ticket takes its
        number from the same counter as the category's normal ones; with ``appointment_id``,
        also the check-in and its ``appointment.checked_in`` event. Raises CapReached (nothing taken)
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
                "is_clock_unsure, state, is_priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?)",
                (
                    ticket_id,
                    day.iso,
                    category,
                    n,
                    number,
                    language,
                    now.isoformat(),
                    int(day.is_clock_unsure),
                    int(is_priority),
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
                    is_priority=is_priority,
                    appointment_id=appointment_id,
                ),
            )
            if appointment_id is not None:
                # A check-in whose ticket was voided is replaced: that number is never called.
                conn.execute(
                    "INSERT INTO appointment_checkins (appointment_id, service_day, ticket_id, "
                    "checked_in_at) VALUES (?, ?, ?, ?) ON CONFLICT (appointment_id) DO UPDATE "
                    "SET ticket_id = excluded.ticket_id, checked_in_at = excluded.checked_in_at",
                    (appointment_id, day.iso, ticket_id, now.isoformat()),
                )
                self._insert_event(
                    conn,
                    ev.APPOINTMENT_CHECKED_IN,
                    ev.appointment_checked_in(appointment_id, ticket_id),
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
            is_priority=is_priority,
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
