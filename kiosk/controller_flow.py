"""A ticket's flow, off the UI thread: the part of the controller check-in shares.

:class:`TicketFlow` checks that the desk is open, the printer ready and the category under its
cap, commits the number (store), prints it and records the outcome: every path ends with
exactly one of issued (then printed or voided) or refused. The outcomes a locked database could
not take are kept in a journal and retried. The worker thread and its intents are
:class:`kiosk.controller.Controller`, which adds check-in (kiosk/controller_appointments.py),
the satisfaction survey (kiosk/controller_survey.py) and the technician's actions
(kiosk/controller_technician.py) to this flow.
"""

from __future__ import annotations

import datetime as dt
import logging

from kiosk.controller_health import OUTCOME_BUSY_TIMEOUT_S, KioskHealth
from kiosk.core import calendar as cal
from kiosk.core import events as ev
from kiosk.core.errors import PrinterError, StoreError
from kiosk.core.messages import (
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
)
from kiosk.core.service_day import local_now
from kiosk.core.settings import CategoryConfig
from kiosk.core.vocabulary import PrinterStatus, RefusalReason
from kiosk.store import CapReached, Outcome, Ticket

# The journal names every part of the controller "kiosk.controller", as before its split.
logger = logging.getLogger("kiosk.controller")


class TicketFlow(KioskHealth):
    """Issue a ticket, print it, record how it ended."""

    def issue(self, request: TicketRequest) -> None:
        """One ticket's flow: check, commit, print, record. Every path ends with exactly one
        of issued (then printed or voided) or refused."""
        cid = request.category_id
        try:
            category = self.config.category(cid)
        except KeyError:
            self._refuse(cid, RefusalReason.UNKNOWN)
            return
        if not category.prefix:
            self._refuse(cid, RefusalReason.UNKNOWN)
            return
        reason = self._refusal_reason(category)
        if reason is not None:
            why = None
            if reason == cal.LAST_TICKET:
                reason, why = (
                    RefusalReason.CLOSED,
                    cal.LAST_TICKET,
                )  # the contract's reason, told apart
            self._refuse(cid, reason, category=category, why=why)
            return
        is_priority = request.is_priority and self.config.offers_priority(cid)
        if request.is_priority and not is_priority:
            logger.warning("priority ticket asked for %s, which offers none: a normal one", cid)
        try:
            ticket, _ = self.store.issue_ticket(
                category=cid,
                prefix=category.prefix,
                language=request.language,
                cap=category.cap,
                is_priority=is_priority,
            )
        except CapReached:
            self._refuse(cid, RefusalReason.CAP)
            return
        except StoreError as err:
            logger.error("%s", err)
            self._health.store_error = str(err)
            self._refuse(cid, RefusalReason.STORE)
            return
        self._health.store_error = None
        extra = {"priority": True} if is_priority else {}
        self.trace.emit("issued", ticket_id=ticket.id, number=ticket.number, category=cid, **extra)
        people_ahead, wait = self._queue_figures(cid, is_priority=is_priority)
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=cid,
                language=request.language,
                people_ahead=people_ahead,
                wait_range_s=wait,
                is_priority=is_priority,
            )
        )
        self._nudge()
        self._print(ticket, people_ahead=people_ahead, wait_range_s=wait)
        self.publish_snapshot(force=True)

    def _refusal_reason(self, category: CategoryConfig | None = None) -> str | None:
        """paused, closed, last_ticket (the cut-off before closing), printer, or None."""
        if self._health.is_paused:
            return RefusalReason.PAUSED
        local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
        reason = cal.ticket_refusal(
            self.config.calendar,
            local,
            self.config.kiosk.last_ticket_before_close_min,
            category.hours if category is not None else None,
        )
        if reason is not None:
            return reason
        if self._is_blocking(self.poll_printer(force=True)):
            return RefusalReason.PRINTER
        return None

    def _refuse(
        self,
        category_id: str,
        reason: str,
        *,
        category: CategoryConfig | None = None,
        why: str | None = None,
    ) -> None:
        """``why`` tells a closed desk from the cut-off before closing (``last_ticket``) or a
        category outside its own hours (``category``); the trace carries it beside ``reason``."""
        next_opening = None
        if reason == RefusalReason.CLOSED:
            local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
            calendar = self.config.calendar
            hours = category.hours if category is not None else None
            if why is None and hours is not None and cal.is_open(calendar, local):
                why = "category"
            if why == cal.LAST_TICKET:
                hours = None
            next_opening = cal.next_opening(calendar, local, hours)
        logger.info("ticket refused for %s: %s%s", category_id, reason, f" ({why})" if why else "")
        extra = {"why": why} if why else {}
        self.trace.emit("refused", category=category_id, reason=reason, **extra)
        self.updates.put(TicketRefused(category_id, reason, next_opening, why=why))
        try:  # the report counts closed-door visitors; the server learns of them
            self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category_id, reason))
        except StoreError as err:
            logger.error("refusal not recorded: %s", err)
        self._nudge()

    def _print(
        self,
        ticket: Ticket,
        *,
        people_ahead: int | None,
        wait_range_s: tuple[int, int] | None,
        appointment_start: dt.datetime | None = None,
    ) -> None:
        try:
            extra = {"appointment_start": appointment_start} if appointment_start else {}
            content = self.make_content(
                self.config, ticket, people_ahead=people_ahead, wait_range_s=wait_range_s, **extra
            )
            data = self.layout.render(content)
            status = self.printer.print_job(data, job_name=f"{ticket.number}-{ticket.id[:8]}")
        except PrinterError as err:
            self._set_printer_status(getattr(err, "status", None) or PrinterStatus.UNKNOWN)
            self._end_voided(ticket, f"printer: {err}")
            return
        except Exception as err:  # a layout bug must still end the ticket, never leave it open
            logger.exception("ticket %s: could not be rendered", ticket.number)
            self._end_voided(ticket, f"error: {type(err).__name__}")
            return
        self._set_printer_status(str(getattr(status, "value", status)))
        # The paper is out: the screen says so now, whether or not the store takes the
        # outcome at once (a lock held elsewhere is waited for only briefly).
        self.trace.emit("printed", ticket_id=ticket.id)
        self.updates.put(TicketPrinted(ticket.id))
        self._record_end(ticket, "printed", None)
        self._nudge()

    def _end_voided(self, ticket: Ticket, reason: str) -> None:
        logger.warning("ticket %s voided: %s", ticket.number, reason)
        self._record_end(ticket, "voided", reason)
        self.trace.emit("voided", ticket_id=ticket.id, reason=reason)
        self.updates.put(TicketVoided(ticket.id, reason))
        self._nudge()

    def _record_end(self, ticket: Ticket, state: str, reason: str | None) -> None:
        """Commit how ``ticket`` ended; when the store refuses now, keep the outcome in memory
        and in the journal beside the database, and retry it from the loop, so a printed
        ticket is never voided as interrupted at the next start."""
        outcome = Outcome(ticket.id, state, reason, self.clock.now_utc().isoformat())
        try:
            self.store.end_ticket(
                ticket.id,
                state,
                reason,
                at_utc=outcome.at_utc,
                busy_timeout_s=OUTCOME_BUSY_TIMEOUT_S,
            )
            return
        except StoreError as err:
            logger.error(
                "ticket %s %s, not recorded yet (kept, retried): %s", ticket.number, state, err
            )
        self._pending_outcomes.append(outcome)
        try:
            self.store.journal_outcome(outcome)
        except StoreError as err:
            logger.error("ticket %s: outcome kept in memory only: %s", ticket.number, err)

    def flush_outcomes(self, *, busy_timeout_s: float = OUTCOME_BUSY_TIMEOUT_S) -> None:
        """Commit the outcomes the store could not take when they happened; once all are in,
        remove the journal."""
        if not self._pending_outcomes or self._store is None:
            return
        while self._pending_outcomes:
            o = self._pending_outcomes[0]
            try:
                self._store.end_ticket(
                    o.ticket_id, o.state, o.reason, at_utc=o.at_utc, busy_timeout_s=busy_timeout_s
                )
            except StoreError:
                return  # still refused: next time round
            self._pending_outcomes.pop(0)
        try:
            self._store.replay_outcome_journal(busy_timeout_s=busy_timeout_s)
        except StoreError as err:
            logger.warning("outcome journal not cleared yet: %s", err)
        logger.info("ticket outcomes kept during a store fault are committed")
        self._nudge()
