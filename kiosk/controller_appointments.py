"""Check-in of visitors with an appointment (contract 5.3), a part of the controller:
a booking code typed or scanned becomes a ticket of the appointment's category, or its
duplicate, or a refusal that says why.
"""

from __future__ import annotations

import datetime as dt
import logging

from kiosk.controller_flow import TicketFlow
from kiosk.core import appointments as appt
from kiosk.core import events as ev
from kiosk.core.errors import PrinterError, StoreError
from kiosk.core.messages import (
    AppointmentRequest,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketVoided,
)
from kiosk.core.service_day import local_now
from kiosk.store import Ticket

# The journal names every part of the controller "kiosk.controller", as before its split.
logger = logging.getLogger("kiosk.controller")


class AppointmentCheckIn(TicketFlow):
    """The check-in flow, beside the ticket flow it shares the store and printer with."""

    def check_in(self, request: AppointmentRequest) -> None:
        """A booking code typed or scanned: a ticket of the appointment's category in its
        window; the same number again (a duplicate) for an appointment already checked in;
        else refused (appointment_unknown, appointment_early, appointment_late...). Works
        from the store's copy of the day's list: the server may be down."""
        settings = self.config.appointments
        now = self.clock.now_utc()
        today = local_now(now, self.config.kiosk.timezone).date()
        if settings is None:
            self._refuse_appointment("", appt.UNKNOWN)
            return
        try:
            found = appt.find_by_code(self.store.appointments_for(today), request.code)
        except StoreError as err:
            logger.error("%s", err)
            self._refuse_appointment("", "store")
            return
        if found is None:
            logger.info("check-in refused: no appointment today for the code given")
            self._refuse_appointment("", appt.UNKNOWN)
            return
        reason, opens = appt.window_refusal(
            found, now, early_min=settings.early_min, late_min=settings.late_min
        )
        if reason is not None:
            logger.info("check-in of appointment %s refused: %s", found.id, reason)
            self._refuse_appointment(
                found.category, reason, opens_at=opens if reason == appt.EARLY else None
            )
            return
        try:
            category = self.config.category(found.category)
        except KeyError:
            logger.warning(
                "appointment %s names category %r, unknown here: check the server's list",
                found.id,
                found.category,
            )
            self._refuse_appointment(found.category, "unknown")
            return
        if self._health.is_paused or self._is_blocking(self.poll_printer(force=True)):
            self._refuse_appointment(
                found.category, "paused" if self._health.is_paused else "printer"
            )
            return
        try:
            previous = self.store.appointment_ticket(found.id)
        except StoreError as err:
            logger.error("%s", err)
            self._refuse_appointment(found.category, "store")
            return
        if previous is not None and previous.state != "voided":
            self._print_duplicate(previous, found)
            return
        try:
            ticket, _ = self.store.issue_ticket(
                category=category.id,
                prefix=category.prefix,
                language=request.language,
                cap=None,  # an appointment is expected: no daily cap turns it away
                appointment_id=found.id,
            )
        except StoreError as err:
            logger.error("%s", err)
            self._health.store_error = str(err)
            self._refuse_appointment(found.category, "store")
            return
        logger.info("appointment %s checked in: ticket %s", found.id, ticket.number)
        self.trace.emit(
            "issued",
            ticket_id=ticket.id,
            number=ticket.number,
            category=category.id,
            appointment_id=found.id,
        )
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=category.id,
                language=request.language,
                appointment_start=found.start,
            )
        )
        self._nudge()
        self._print(ticket, people_ahead=None, wait_range_s=None, appointment_start=found.start)
        self.publish_snapshot(force=True)

    def _print_duplicate(self, ticket: Ticket, found: appt.Appointment) -> None:
        """The same appointment again: its number printed again, marked DUPLICATA; nothing
        is issued, so no event."""
        logger.info("appointment %s checked in again: %s reprinted", found.id, ticket.number)
        self.trace.emit(
            "duplicate",
            ticket_id=ticket.id,
            number=ticket.number,
            category=ticket.category,
            appointment_id=found.id,
        )
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=ticket.category,
                language=ticket.language,
                appointment_start=found.start,
                is_duplicate=True,
            )
        )
        try:
            content = self.make_content(
                self.config, ticket, is_duplicate=True, appointment_start=found.start
            )
            status = self.printer.print_job(
                self.layout.render(content), job_name=f"{ticket.number}-duplicate"
            )
        except PrinterError as err:
            self._set_printer_status(getattr(err, "status", "unknown") or "unknown")
            logger.warning("duplicate of %s not printed: %s", ticket.number, err)
            self.trace.emit("reprint_failed", ticket_id=ticket.id, reason=f"printer: {err}")
            self.updates.put(TicketVoided(ticket.id, f"printer: {err}"))
            return
        self._set_printer_status(str(getattr(status, "value", status)))
        self.trace.emit("printed", ticket_id=ticket.id, duplicate=True)
        self.updates.put(TicketPrinted(ticket.id))

    def _refuse_appointment(
        self, category_id: str, reason: str, *, opens_at: dt.datetime | None = None
    ) -> None:
        """No ticket for this check-in; ``opens_at``: when an early visitor may check in."""
        self.trace.emit("refused", category=category_id or None, reason=reason)
        self.updates.put(TicketRefused(category_id, reason, opens_at))
        try:  # the report counts them (an unknown code under the category "")
            self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category_id, reason))
        except StoreError as err:
            logger.error("refusal not recorded: %s", err)
        self._nudge()
