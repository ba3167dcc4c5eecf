"""The technician menu's actions, a part of the controller: reprint the last ticket, print a
test page, move a service day left ahead of the clock back; the menu says what happened.
"""

from __future__ import annotations

import logging

from kiosk.controller_flow import TicketFlow
from kiosk.controller_health import NOTICE_S
from kiosk.core.errors import PrinterError, StoreError
from kiosk.core.service_day import local_now

# The journal names every part of the controller "kiosk.controller", as before its split.
logger = logging.getLogger("kiosk.controller")


class TechnicianActions(TicketFlow):
    """What the technician menu asks of the controller."""

    def move_service_day_back(self) -> None:
        """The technician's word that the clock is right: bring back a service day left
        ahead of it; the menu says what happened."""
        now = self.clock.now_utc()
        today = local_now(now, self.config.kiosk.timezone).date()
        try:
            moved = self.store.move_service_day_back()
        except StoreError as err:
            notice = f"service day not moved: {err}"
        else:
            if moved is None:
                notice = f"service day: nothing to do (not ahead of the clock's {today})"
            else:
                notice = f"service day moved back from {moved[0]} to {moved[1]}; numbers continue"
        logger.warning("technician: %s", notice)
        self._notice = (notice, self.clock.monotonic_s() + NOTICE_S)
        self.publish_snapshot(force=True)

    def reprint_last(self) -> None:
        """Reprint the last ticket, same number, marked as a duplicate; no new number."""
        ticket = self.store.last_ticket()
        if ticket is None:
            logger.info("reprint asked but no ticket was issued yet")
            return
        if ticket.state == "voided":
            # Its number was reported void to the server: a duplicate would send a visitor
            # to the desk with a number the agents' screens will never call.
            notice = (
                f"ticket {ticket.number} was voided ({ticket.void_reason or 'no reason'}): "
                "not reprinted; the visitor takes a new ticket"
            )
            logger.warning("reprint refused: %s", notice)
            self._notice = (notice, self.clock.monotonic_s() + NOTICE_S)
            self.publish_snapshot(force=True)
            return
        try:
            content = self.make_content(self.config, ticket, is_duplicate=True)
            self.printer.print_job(
                self.layout.render(content), job_name=f"{ticket.number}-duplicate"
            )
            logger.info("ticket %s reprinted as a duplicate", ticket.number)
        except PrinterError as err:
            logger.warning("reprint of %s failed: %s", ticket.number, err)

    def print_test(self) -> None:
        try:
            self.printer.print_job(
                self.layout.render_test(site=self.config.kiosk.site), job_name="test"
            )
        except PrinterError as err:
            logger.warning("test print failed: %s", err)
