"""What goes on a ticket: from a committed ticket and the configuration to the content the
printer lays out (:class:`TicketContent`; :class:`printer.ticket.TicketLayout` makes its bytes).

The ticket is anything shaped like the store's row (:class:`IssuedTicket`): the core reads
its fields and never imports the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Protocol

from kiosk.core.queue_info import wait_minutes
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config


class IssuedTicket(Protocol):
    """What :func:`ticket_content` reads of a committed ticket (``kiosk.store.Ticket``)."""

    @property
    def id(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def service_day(self) -> dt.date: ...
    @property
    def language(self) -> str: ...
    @property
    def issued_at(self) -> dt.datetime: ...
    @property
    def is_priority(self) -> bool: ...
    @property
    def is_clock_unsure(self) -> bool: ...


@dataclasses.dataclass(frozen=True)
class TicketContent:
    """Everything printed on one ticket, already decided and translated by the caller."""

    site: str
    number: str  # "A042"
    category_label: str  # already in the visitor's language
    language: str  # "fr" | "en" ...
    issued_at: dt.datetime | None  # local aware time; None = clock unsure -> print no time
    people_ahead: int | None = None
    wait_range_min: tuple[int, int] | None = None  # estimated wait range in minutes
    qr_payload: str | None = None
    footer_lines: tuple[str, ...] = ()
    is_duplicate: bool = False  # reprint: print a clear DUPLICATA mark
    is_priority: bool = False  # a framed PRIORITAIRE line and the card notice under the number
    appointment_at: dt.datetime | None = None  # a check-in: the appointment's local time
    # For a language the code page cannot print (Arabic): the text is printed in
    # ``fallback_language`` (the kiosk's default), the label as ``fallback_label``, and the
    # visitor's own label as a small picture under it when Pillow can shape it.
    fallback_language: str = "fr"
    fallback_label: str | None = None


def ticket_content(
    config: Config,
    ticket: IssuedTicket,
    *,
    people_ahead: int | None = None,
    wait_range_s: tuple[int, int] | None = None,
    is_duplicate: bool = False,
    appointment_start: dt.datetime | None = None,
) -> TicketContent:
    """The printable content of ``ticket`` in the visitor's language. The time is left out
    when the clock was unsure at issue (a stale clock after a power cut). A check-in
    (``appointment_start``) prints the appointment's time."""
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
        is_priority=ticket.is_priority,
        # A language the printer's code page cannot write (Arabic) prints in the default one.
        fallback_language=default_language,
        fallback_label=category.label_for(default_language, default_language),
        appointment_at=None
        if appointment_start is None
        else local_now(appointment_start, config.kiosk.timezone),
    )
