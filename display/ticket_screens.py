"""The ticket screen (the number, who is ahead, the estimated wait, in the words the paper
and the voice use: kiosk.core.queue_info) and the refused screen (why no ticket, and when to
come back). Built as Frame data on the helpers of display.screens."""

from __future__ import annotations

import pygame

from display import appointment as appointment_screen
from display.flow import ScreenFlow
from display.screens import (
    REASON_ICONS,
    ScreenContext,
    _last_ticket_refusal,
    stack,
)
from display.view import Action, Frame, Icon, Text
from kiosk.core import appointments as appt
from kiosk.core import calendar as cal
from kiosk.core.queue_info import wait_words
from kiosk.core.vocabulary import ActionKind, RefusalReason, Screen
from kiosk.i18n import (
    Translator,
)


def wait_text(tr: Translator, wait_range_s: tuple[int, int]) -> str:
    """The estimated wait in words, as the ticket says it (kiosk.core.queue_info)."""
    words = wait_words(wait_range_s)
    return tr.ngettext(words.singular, words.plural, words.count) % words.values


def ahead_text(tr: Translator, n: int) -> str:
    """ "You are next" for nobody ahead, else "3 people ahead of you"."""
    if n == 0:
        return tr.gettext("You are next")
    return tr.ngettext("%(n)d person ahead of you", "%(n)d people ahead of you", n) % {"n": n}


def build_ticket(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.TICKET)
    ticket = flow.flow
    if ticket is not None and not ticket.is_pending:
        frame.background_action = Action(ActionKind.DISMISS)
    area = lay.screen.inflate(-2 * lay.margin, -2 * lay.margin)
    cat_label = ""
    if ticket is not None:
        try:
            cat_label = ctx.config.category(ticket.category_id).label_for(
                ctx.language, ctx.config.kiosk.default_language
            )
        except KeyError:
            cat_label = ticket.category_id
    if ticket is None or ticket.issued is None:
        title, body = stack(ctx, area, [3, 2])
        frame.items.append(
            Icon("printer", title.inflate(-title.width // 2, -title.height // 3), "body")
        )
        frame.items.append(
            ctx.text(ctx._("Please wait, your ticket is coming"), body, "body", 40, is_bold=True)
        )
        return frame
    if ticket.outcome == "voided":
        icon, head, body = stack(ctx, area, [2, 2, 3])
        frame.items.append(Icon("warning", icon, "body"))
        frame.items.append(
            ctx.text(ctx._("Sorry, your ticket could not be printed."), head, "body", 36)
        )
        desk = ctx._("Your number: %(number)s — please go to the reception desk") % {
            "number": ticket.issued.number
        }
        frame.items.append(ctx.text(desk, body, "body", 40, is_bold=True))
        return frame
    issued = ticket.issued
    details: list[str] = []
    if issued.people_ahead is not None:
        details.append(ahead_text(ctx.tr, issued.people_ahead))
    if issued.wait_range_s is not None:
        details.append(wait_text(ctx.tr, issued.wait_range_s))
    details += appointment_screen.ticket_details(ctx, issued.appointment_start, issued.is_duplicate)
    is_priority = issued.is_priority
    weights = [2, 4 if is_priority else 5, 2 if is_priority else 0, 2 if details else 0, 3]
    label_box, number_box, priority_box, detail_box, take_box = stack(ctx, area, weights)
    frame.items.append(ctx.text(cat_label, label_box, "body", 32, is_bold=True))
    frame.items.append(
        Text(issued.number, number_box, "number", number_box.height * 4 // 5, lay.min_text_px, True)
    )
    if is_priority:
        notice = ctx._("Priority ticket: show your card (carte mobilité inclusion) to the agent")
        frame.items.append(ctx.text(notice, priority_box, "body", 28, is_bold=True))
    if details:
        frame.items.append(ctx.text("\n".join(details), detail_box, "body", 28))
    take = (
        ctx._("Take your ticket below") if ticket.is_pending or ticket.outcome == "printed" else ""
    )
    side = min(take_box.height, take_box.width // 6)
    arrow = pygame.Rect(take_box.x, take_box.y + (take_box.height - side) // 2, side, side)
    frame.items.append(Icon("arrow-down", arrow, "body"))
    text_box = pygame.Rect(
        arrow.right + lay.margin,
        take_box.y,
        take_box.width - 2 * (arrow.width + lay.margin),
        take_box.height,
    )
    frame.items.append(ctx.text(take, text_box, "body", 36, is_bold=True))
    return frame


def build_refused(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.REFUSED, background_action=Action(ActionKind.DISMISS))
    refused = flow.flow.refused if flow.flow is not None else None
    reason = refused.reason if refused is not None else RefusalReason.UNKNOWN
    whys: dict[str, str] = {
        RefusalReason.CLOSED: _last_ticket_refusal(ctx, refused.next_opening)
        if refused is not None and refused.why == cal.LAST_TICKET
        else ctx._("This request is not offered at this time.")
        if refused is not None and refused.why == "category"
        else ctx._("The service is closed."),
        RefusalReason.CAP: ctx._("There are no more tickets for this request today."),
        RefusalReason.PRINTER: ctx._("The ticket printer is not working."),
        RefusalReason.PAUSED: ctx._("Tickets are paused for a moment."),
    }
    why = whys.get(reason, ctx._("No ticket can be given right now."))
    if refused is not None and refused.next_opening is not None:
        then = ctx.come_back(refused.next_opening)
    else:
        then = ctx._("Please ask at the reception desk")
    if reason in appt.REASONS:
        why, then = appointment_screen.refusal_texts(
            ctx, reason, refused.next_opening if refused is not None else None
        )
    bar = lay.bottom_bar()
    ok = lay.row(bar, 1, lay.px(300))[0]
    frame.items.append(ctx.button(Action(ActionKind.DISMISS), ok, ctx._("OK"), 32, is_primary=True))
    area = pygame.Rect(lay.margin, lay.margin, lay.width - 2 * lay.margin, bar.y - 2 * lay.margin)
    icon, head, body = stack(ctx, area, [2, 2, 2])
    frame.items.append(Icon(REASON_ICONS.get(reason, "warning"), icon, "body"))
    frame.items.append(ctx.text(why, head, "body", 36, is_bold=True))
    frame.items.append(ctx.text(then, body, "body", 30))
    return frame
