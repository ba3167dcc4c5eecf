"""What goes on a ticket: from a committed ticket row and the configuration to the content
the printer lays out (:class:`printer.ticket.TicketContent`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.queue_info import wait_minutes
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config
from kiosk.store import Ticket

if TYPE_CHECKING:
    from printer.ticket import TicketContent


def ticket_content(
    config: Config,
    ticket: Ticket,
    *,
    people_ahead: int | None = None,
    wait_range_s: tuple[int, int] | None = None,
    is_duplicate: bool = False,
) -> TicketContent:
    """The printable content of ``ticket`` in the visitor's language. The time is left out
    when the clock was unsure at issue (a stale clock after a power cut)."""
    from printer.ticket import TicketContent

    category = config.category(ticket.category)
    language = ticket.language
    label = category.label_for(language, config.kiosk.default_language)
    qr = None
    if config.printer.qr_url:
        qr = config.printer.qr_url.format(
            kiosk=config.kiosk.id,
            number=ticket.number,
            category=ticket.category,
            ticket_id=ticket.id,
            day=ticket.service_day.isoformat(),
            lang=language,
        )
    footer = config.printer.footer.get(language) or config.printer.footer.get(
        config.kiosk.default_language, ()
    )
    wait_min = None if wait_range_s is None else wait_minutes(wait_range_s)
    default_language = config.kiosk.default_language
    return TicketContent(
        site=config.kiosk.site,
        number=ticket.number,
        category_label=label,
        language=language,
        issued_at=None
        if ticket.is_clock_unsure
        else local_now(ticket.issued_at, config.kiosk.timezone),
        people_ahead=people_ahead,
        wait_range_min=wait_min,
        qr_payload=qr,
        footer_lines=tuple(footer),
        is_duplicate=is_duplicate,
        # A language the printer's code page cannot write (Arabic) prints in the default one.
        fallback_language=default_language,
        fallback_label=category.label_for(default_language, default_language),
    )
