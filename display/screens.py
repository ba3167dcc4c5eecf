"""The visitor screens, built as :class:`~display.view.Frame` data from the state.

home, categories (two levels), ticket, refused, closed, out_of_order. Every string goes
through the ``screens`` translation domain; message ids are English.

Over 400 lines on purpose, for now: the visitor screens share one context and one layout
vocabulary, and the features of the second turn add their screens here; the technician
screens (technician.py), the PIN (pin.py) and the spoken texts (spoken.py) are already apart.
Split by screen once those settle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import pygame
from babel.dates import format_datetime

from display import appointment as appointment_screen
from display.flow import SURVEY, ScreenFlow
from display.layout import Layout
from display.view import Action, Button, Fill, Frame, Icon, Text
from kiosk.core import appointments as appt
from kiosk.core import calendar as cal
from kiosk.core.calendar import WEEKDAYS
from kiosk.core.messages import KioskSnapshot
from kiosk.core.queue_info import wait_words
from kiosk.core.settings import Config
from kiosk.core.vocabulary import RefusalReason
from kiosk.i18n import (
    Translator,
    capitalised,
    format_long_datetime,
    format_range_text,
    format_short_time,
    language_name,
    list_comma,
    translator,
    weekday_name,
)

REASON_ICONS: dict[str, str] = {
    RefusalReason.CLOSED: "clock",
    RefusalReason.CAP: "no-entry",
    **dict.fromkeys(appt.REASONS, "calendar"),
}


@dataclass(frozen=True)
class ScreenContext:
    """Everything a screen builder reads."""

    config: Config
    layout: Layout
    language: str
    snapshot: KioskSnapshot
    now_utc: dt.datetime

    @property
    def tr(self) -> Translator:
        return translator(self.language, "screens")

    def _(self, message: str) -> str:
        return self.tr.gettext(message)

    @property
    def now_local(self) -> dt.datetime:
        return self.now_utc.astimezone(zoneinfo.ZoneInfo(self.config.kiosk.timezone))

    def text(
        self,
        text: str,
        box: pygame.Rect,
        role: str = "body",
        size_at_480: int = 28,
        *,
        is_bold: bool = False,
        align: str = "center",
    ) -> Text:
        lay = self.layout
        return Text(
            text,
            box,
            role,
            max(lay.px(size_at_480 * lay.text_scale), lay.min_text_px),
            lay.min_text_px,
            is_bold,
            align,
        )

    def button(
        self,
        action: Action,
        box: pygame.Rect,
        label: str,
        size_at_480: int = 28,
        *,
        pictogram: str | None = None,
        note: str | None = None,
        note_icon: str | None = None,
        is_note_optional: bool = False,
        is_enabled: bool = True,
        is_primary: bool = False,
    ) -> Button:
        lay = self.layout
        return Button(
            action,
            box,
            label,
            max(lay.px(size_at_480 * lay.text_scale), lay.min_text_px),
            lay.min_text_px,
            pictogram=pictogram,
            note=note,
            note_icon=note_icon,
            is_note_optional=is_note_optional,
            is_enabled=is_enabled,
            is_primary=is_primary,
        )

    def local(self, moment: dt.datetime) -> dt.datetime:
        tz = zoneinfo.ZoneInfo(self.config.kiosk.timezone)
        return moment.astimezone(tz) if moment.tzinfo else moment

    def day(self, moment: dt.datetime) -> str:
        """``vendredi 27 novembre``, ``Friday 27 November``: a coming day, without the year."""
        locale = {"en": "en_GB"}.get(self.language, self.language)
        return format_datetime(self.local(moment), "EEEE d MMMM", locale=locale)

    def when(self, moment: dt.datetime) -> str:
        """``vendredi 27 novembre à 8 h 30``: a coming day and time, without the year."""
        return self._("%(day)s at %(time)s") % {
            "day": self.day(moment),
            "time": format_short_time(self.local(moment), self.language),
        }

    def come_back(self, moment: dt.datetime) -> str:
        """ "Revenez vendredi 27 novembre à partir de 8 h 30" (today: "Revenez aujourd'hui
        à partir de 13 h 30")."""
        local = self.local(moment)
        time = format_short_time(local, self.language)
        if local.date() == self.now_local.date():
            return self._("Please come back today from %(time)s") % {"time": time}
        return self._("Please come back on %(day)s from %(time)s") % {
            "day": self.day(moment),
            "time": time,
        }


def build_visitor(ctx: ScreenContext, flow: ScreenFlow, screen: str) -> Frame:
    builders = {
        "home": _home,
        "categories": _categories,
        "priority": _priority_choice,
        "ticket": _ticket,
        "refused": _refused,
        "closed": _closed,
        "out_of_order": _out_of_order,
        "appointment": appointment_screen.build_keypad,
    }
    if screen in SURVEY:
        from display.survey_screens import BUILDERS  # it builds on this module's helpers

        builders.update(BUILDERS)
    frame = builders[screen](ctx, flow)
    return frame.mirrored(ctx.layout.width) if ctx.tr.is_rtl else frame


# ---- shared parts --------------------------------------------------------------------


def header_band(ctx: ScreenContext, frame: Frame, title: str, *, is_clock: bool = True) -> int:
    """The top band: ``title`` and the date and time; returns its bottom."""
    lay = ctx.layout
    h = lay.header
    frame.items.append(Fill(h, "header_bg"))
    m = lay.margin
    inner = h.inflate(-2 * m, -lay.px(6))
    if is_clock:
        when = format_long_datetime(ctx.now_local, ctx.language)
        if lay.is_portrait:
            top, bottom = inner.copy(), inner.copy()
            top.height = inner.height // 2
            bottom.y, bottom.height = top.bottom, inner.height - top.height
            frame.items.append(ctx.text(title, top, "header", 28, is_bold=True, align="left"))
            frame.items.append(ctx.text(when, bottom, "header", 24, align="left"))
        else:
            left = pygame.Rect(inner.x, inner.y, inner.width * 9 // 20, inner.height)
            right = pygame.Rect(left.right + m, inner.y, inner.right - left.right - m, inner.height)
            frame.items.append(ctx.text(title, left, "header", 28, is_bold=True, align="left"))
            frame.items.append(ctx.text(when, right, "header", 24))
    else:
        frame.items.append(ctx.text(title, inner, "header", 30, is_bold=True, align="left"))
    return h.bottom


def _banner(ctx: ScreenContext, frame: Frame, top: int) -> int:
    """The server's message, in the visitor's language (else the default); returns bottom."""
    message = ctx.snapshot.message
    if not message:
        return top
    text = message.get(ctx.language) or message.get(ctx.config.kiosk.default_language)
    if not text:
        return top
    lay = ctx.layout
    box = pygame.Rect(0, top, lay.width, lay.px(96 if lay.is_portrait else 64))
    frame.items.append(Fill(box, "banner_bg"))
    icon = pygame.Rect(lay.margin, box.y, box.height, box.height).inflate(-lay.px(8), -lay.px(8))
    frame.items.append(Icon("info", icon, "banner"))
    text_box = pygame.Rect(
        icon.right + lay.margin, box.y, lay.width - icon.right - 2 * lay.margin, box.height
    )
    frame.items.append(ctx.text(text, text_box, "banner", 24, align="left"))
    return box.bottom


def language_row(ctx: ScreenContext, frame: Frame) -> int | None:
    """The language buttons in the bottom bar, one per configured language, each named in
    itself; returns the bar's top, or None with a single language. The row keeps its order
    and places in every direction (see :meth:`Frame.mirrored`): a visitor who taps
    "العربية" and sees the screen mirror finds "Français" where it was."""
    languages = ctx.config.kiosk.languages
    if len(languages) < 2:
        return None
    lay = ctx.layout
    bar = lay.bottom_bar()
    for code, box in zip(languages, lay.row(bar, len(languages), lay.px(260)), strict=True):
        is_current = code == ctx.language
        frame.items.append(
            ctx.button(
                Action("language", code),
                box,
                language_name(code),
                pictogram="check" if is_current else None,
                is_primary=is_current,
            )
        )
    return bar.y


def _interactive_top(ctx: ScreenContext, top: int) -> int:
    return max(top + ctx.layout.margin, ctx.layout.reach_top)


def _back_button(ctx: ScreenContext, frame: Frame) -> pygame.Rect:
    lay = ctx.layout
    bar = lay.bottom_bar()
    box = pygame.Rect(bar.x, bar.y, max(lay.min_target_px, bar.width // 3), bar.height)
    frame.items.append(ctx.button(Action("back"), box, ctx._("Back"), pictogram="back"))
    return bar


# ---- screens -------------------------------------------------------------------------


def _home(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("home", background_action=Action("start"))
    top = _banner(ctx, frame, header_band(ctx, frame, ctx.config.kiosk.site))
    bottom = lay.height - lay.margin
    bar_top = language_row(ctx, frame)
    if bar_top is not None:
        bottom = bar_top - lay.gap
    bottom = _view_button(ctx, frame, flow, bottom)
    if lay.is_portrait:
        welcome = pygame.Rect(
            lay.margin,
            top + lay.margin,
            lay.width - 2 * lay.margin,
            lay.reach_top - top - 2 * lay.margin,
        )
        frame.items.append(ctx.text(ctx._("Welcome"), welcome, "body", 44, is_bold=True))
    last = ctx.snapshot.last_ticket_at
    if last is not None:
        notice = pygame.Rect(0, top, lay.width, lay.px(112 if lay.is_portrait else 72))
        frame.items.append(Fill(notice, "banner_bg"))
        frame.items.append(
            ctx.text(
                last_ticket_text(ctx, last),
                notice.inflate(-2 * lay.margin, 0),
                "banner",
                26,
                is_bold=True,
            )
        )
        top = notice.bottom
    start = pygame.Rect(lay.margin, _interactive_top(ctx, top), lay.width - 2 * lay.margin, 0)
    start.height = bottom - start.y
    if ctx.config.appointments is not None:  # check-in with a booking code (contract 5.3)
        booked = start.copy()
        if lay.is_portrait:  # below the start control
            booked.height = max(lay.min_target_px, start.height // 3)
            start.height -= booked.height + lay.gap
            booked.y = start.bottom + lay.gap
        else:  # beside it, after it in reading order
            booked.width = start.width * 2 // 5
            start.width -= booked.width + lay.gap
            booked.x = start.right + lay.gap
        frame.items.append(
            ctx.button(
                Action("appointment"),
                booked,
                ctx._("I have an appointment"),
                32,
                pictogram="calendar",
            )
        )
    frame.items.append(
        ctx.button(
            Action("start"),
            start,
            ctx._("Touch the screen to take a ticket"),
            40,
            pictogram="hand",
            is_primary=True,
        )
    )
    return frame


def last_ticket_text(ctx: ScreenContext, last: dt.datetime) -> str:
    """The cut-off, said before the visitor chooses: "No more tickets today after 11:50",
    or the time of the reopening when the desk opens again later today."""
    time = format_short_time(last, ctx.language)
    nxt = cal.next_opening(ctx.config.calendar, ctx.now_local)
    if nxt is not None and nxt.date() == ctx.now_local.date():
        return ctx._("Last tickets until %(time)s, then from %(next)s") % {
            "time": time,
            "next": format_short_time(nxt, ctx.language),
        }
    return ctx._("No more tickets today after %(time)s") % {"time": time}


def category_offered_text(ctx: ScreenContext, category_id: str) -> str:
    """When a category outside its own hours is offered, in words: "Offered: Tuesday:
    14:00–18:00" (today's ranges when it opens again today)."""
    try:
        category = ctx.config.category(category_id)
    except KeyError:
        return ctx._("Closed")
    if category.hours is None:
        return ctx._("Closed")
    today = ctx.now_local.date()
    ranges = cal.category_ranges(ctx.config.calendar, category.hours, today)
    later = [r for r in ranges if r.start_min > cal.minute_of_day(ctx.now_local)]
    if later:
        hours = _ranges_text(ctx, [str(r) for r in later])
        return ctx._("Offered today: %(hours)s") % {"hours": hours}
    lines = [
        line
        for line, ranges_of in hours_lines(ctx, category.hours_text, with_ranges=True)
        if ranges_of
    ]
    return ctx._("Offered: %(hours)s") % {"hours": "; ".join(lines)}


def _view_button(ctx: ScreenContext, frame: Frame, flow: ScreenFlow, bottom: int) -> int:
    """The visitor's own view switch (larger text, high contrast), in a row of its own
    above the languages, ending where reading ends; reset when the kiosk goes back to its
    idle home. Returns the new bottom of the start button."""
    lay = ctx.layout
    # A little taller with the survey's button beside it: both labels stay at the screen's
    # minimum text size inside the tiles' padding.
    height = lay.bar_height * 5 // 4 if ctx.config.survey.enabled else lay.bar_height
    row = pygame.Rect(lay.margin, bottom - height, lay.width - 2 * lay.margin, height)
    width = min(row.width, max(lay.min_target_px, lay.px(300)))
    box = pygame.Rect(row.right - width, row.y, width, row.height)
    frame.items.append(
        ctx.button(
            Action("view"),
            box,
            ctx._("Larger text"),
            pictogram="contrast",
            is_primary=flow.is_large_view,
        )
    )
    if ctx.config.survey.enabled:
        from display.survey_screens import home_button

        home_button(ctx, frame, row, box)
    return row.y - lay.gap


def category_note(ctx: ScreenContext, category_id: str) -> tuple[str | None, str | None]:
    """The second line of a category button: why it is unavailable, or the queue."""
    reason = ctx.snapshot.unavailable.get(category_id)
    if reason:
        if reason == RefusalReason.CLOSED:
            return category_offered_text(ctx, category_id), REASON_ICONS[RefusalReason.CLOSED]
        words = {
            "cap": ctx._("Full today"),
        }.get(reason, ctx._("Unavailable"))
        return words, REASON_ICONS.get(reason, "warning")
    queue = ctx.snapshot.queues.get(category_id)
    if queue is not None and queue.waiting is not None:
        n = queue.waiting
        if n == 0:
            return ctx._("No wait"), None
        # short: the count sits on one line at the bottom of the tile
        return ctx.tr.ngettext("%(n)d waiting", "%(n)d waiting", n) % {"n": n}, None
    return None, None


def _categories(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    cfg = ctx.config
    frame = Frame("categories")
    if flow.parent_id:
        title = cfg.category(flow.parent_id).label_for(ctx.language, cfg.kiosk.default_language)
        shown = cfg.children_of(flow.parent_id)
    else:
        title = ctx._("Choose your request")
        shown = cfg.top_categories
    top = _banner(ctx, frame, header_band(ctx, frame, title, is_clock=False))
    bar = _back_button(ctx, frame)
    area = pygame.Rect(lay.margin, _interactive_top(ctx, top), lay.width - 2 * lay.margin, 0)
    area.height = bar.y - lay.gap - area.y
    if lay.is_portrait and flow.parent_id is None:
        hint = pygame.Rect(
            lay.margin, top + lay.margin, lay.width - 2 * lay.margin, area.y - top - 2 * lay.margin
        )
        frame.items.append(ctx.text(ctx._("Touch the button of your request"), hint, "body", 36))
    parents = {c.parent for c in cfg.categories if c.parent}
    cells = lay.grid(area, len(shown), aspect=2.4 if lay.is_portrait else 1.6)
    for category, box in zip(shown, cells, strict=True):
        label = category.label_for(ctx.language, cfg.kiosk.default_language)
        subtitle = category.subtitle_for(ctx.language, cfg.kiosk.default_language)
        pictogram = category.pictogram or "document"
        if category.id in parents:
            frame.items.append(
                dataclasses.replace(
                    ctx.button(Action("parent", category.id), box, label, 28, pictogram=pictogram),
                    subtitle=subtitle,
                    is_tile=True,
                )
            )
            continue
        note, icon = category_note(ctx, category.id)
        is_enabled = category.id not in ctx.snapshot.unavailable
        button = ctx.button(
            Action("category", category.id),
            box,
            label,
            28,
            pictogram=pictogram,  # the same pictogram, enabled or not: the reason has its icon
            note=note,
            note_icon=None if is_enabled else icon,
            is_note_optional=is_enabled,
            is_enabled=is_enabled,
        )
        frame.items.append(dataclasses.replace(button, subtitle=subtitle, is_tile=True))
    return frame


def priority_notice(ctx: ScreenContext) -> str:
    """Who a priority ticket is for, and that the card is shown to the agent, not the kiosk."""
    return ctx._(
        "For holders of the carte mobilité inclusion (priority or disability). "
        "You show your card to the agent: the kiosk asks for no proof and keeps nothing."
    )


def _priority_choice(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    """After a category that offers one: a normal ticket (first, the usual path) or a
    priority ticket, with who it is for; one touch either way."""
    lay = ctx.layout
    cfg = ctx.config
    frame = Frame("priority")
    category_id = flow.choice_id or ""
    try:
        title = cfg.category(category_id).label_for(ctx.language, cfg.kiosk.default_language)
    except KeyError:
        title = category_id
    top = _banner(ctx, frame, header_band(ctx, frame, title, is_clock=False))
    bar = _back_button(ctx, frame)
    area = pygame.Rect(lay.margin, top + lay.margin, lay.width - 2 * lay.margin, 0)
    area.height = bar.y - lay.gap - area.y
    buttons_top = max(_interactive_top(ctx, top), area.y + area.height * 2 // 5)
    notice = pygame.Rect(area.x, area.y, area.width, buttons_top - lay.gap - area.y)
    row = pygame.Rect(area.x, buttons_top, area.width, area.bottom - buttons_top)
    normal_box, priority_box = lay.grid(row, 2, aspect=2.4 if lay.is_portrait else 1.6)
    frame.items.append(
        ctx.button(
            Action("normal", category_id),
            normal_box,
            ctx._("Normal ticket"),
            28,
            pictogram="ticket",
            is_primary=True,
        )
    )
    frame.items.append(
        ctx.button(
            Action("priority", category_id),
            priority_box,
            ctx._("Priority ticket"),
            28,
            pictogram="priority",
        )
    )
    frame.items.append(ctx.text(priority_notice(ctx), notice, "body", 26))
    return frame


def wait_text(tr: Translator, wait_range_s: tuple[int, int]) -> str:
    """The estimated wait in words, as the ticket says it (kiosk.core.queue_info)."""
    words = wait_words(wait_range_s)
    return tr.ngettext(words.singular, words.plural, words.count) % words.values


def ahead_text(tr: Translator, n: int) -> str:
    """ "You are next" for nobody ahead, else "3 people ahead of you"."""
    if n == 0:
        return tr.gettext("You are next")
    return tr.ngettext("%(n)d person ahead of you", "%(n)d people ahead of you", n) % {"n": n}


def stack(ctx: ScreenContext, area: pygame.Rect, weights: list[int]) -> list[pygame.Rect]:
    """Split ``area`` vertically by ``weights``."""
    total = sum(weights)
    boxes, y = [], area.y
    for w in weights:
        h = area.height * w // total
        boxes.append(pygame.Rect(area.x, y, area.width, h))
        y += h
    return boxes


def _ticket(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("ticket")
    ticket = flow.flow
    if ticket is not None and not ticket.is_pending:
        frame.background_action = Action("dismiss")
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


def _refused(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("refused", background_action=Action("dismiss"))
    refused = flow.flow.refused if flow.flow is not None else None
    reason = refused.reason if refused is not None else "unknown"
    why = {
        "closed": _last_ticket_refusal(ctx, refused.next_opening)
        if refused is not None and refused.why == cal.LAST_TICKET
        else ctx._("This request is not offered at this time.")
        if refused is not None and refused.why == "category"
        else ctx._("The service is closed."),
        "cap": ctx._("There are no more tickets for this request today."),
        "printer": ctx._("The ticket printer is not working."),
        "paused": ctx._("Tickets are paused for a moment."),
    }.get(reason, ctx._("No ticket can be given right now."))
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
    frame.items.append(ctx.button(Action("dismiss"), ok, ctx._("OK"), 32, is_primary=True))
    area = pygame.Rect(lay.margin, lay.margin, lay.width - 2 * lay.margin, bar.y - 2 * lay.margin)
    icon, head, body = stack(ctx, area, [2, 2, 2])
    frame.items.append(Icon(REASON_ICONS.get(reason, "warning"), icon, "body"))
    frame.items.append(ctx.text(why, head, "body", 36, is_bold=True))
    frame.items.append(ctx.text(then, body, "body", 30))
    return frame


def _last_ticket_refusal(ctx: ScreenContext, next_opening: dt.datetime | None) -> str:
    if next_opening is not None and next_opening.astimezone(ctx.now_local.tzinfo).date() == (
        ctx.now_local.date()
    ):
        return ctx._("There are no more tickets before closing.")
    return ctx._("There are no more tickets today.")


def hours_lines(ctx: ScreenContext, hours_text: Any = None, *, with_ranges: bool = False) -> Any:
    """The week's opening hours (the site's, or ``hours_text``), consecutive days with the
    same hours grouped: "Monday to Friday: 08:30–12:00, 13:30–17:00"; with ``with_ranges``,
    (line, ranges) pairs."""
    week = ctx.config.hours_text if hours_text is None else hours_text
    groups: list[tuple[list[str], tuple[str, ...]]] = []
    for day in WEEKDAYS:
        ranges = tuple(week.get(day, ()))
        if groups and groups[-1][1] == ranges:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    out = []
    for days, ranges in groups:
        # as the language writes a weekday in a sentence ("lundi", "Monday"); the line's
        # first letter in capitals
        first, last = (weekday_name(WEEKDAYS.index(d), ctx.language) for d in (days[0], days[-1]))
        if len(days) == 1:
            names = first
        elif len(days) == 2:
            names = ctx._("%(first)s and %(last)s") % {"first": first, "last": last}
        else:
            names = ctx._("%(first)s to %(last)s") % {"first": first, "last": last}
        names = capitalised(names)
        line = ctx._("%(days)s: %(hours)s") % {"days": names, "hours": _ranges_text(ctx, ranges)}
        out.append((line, ranges) if with_ranges else line)
    return out


def _ranges_text(ctx: ScreenContext, ranges: tuple[str, ...] | list[str]) -> str:
    """``8 h 30 – 12 h, 13 h 30 – 17 h`` (kiosk.i18n.format_range: as the ticket writes
    hours), the language's list comma; or "closed"."""
    if not ranges:
        return ctx._("closed")
    return list_comma(ctx.language).join(format_range_text(r, ctx.language) for r in ranges)


def _closed(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("closed")
    top = _banner(ctx, frame, header_band(ctx, frame, ctx.config.kiosk.site))
    area = _above_languages(ctx, frame, lay.below(top))
    nxt = ctx.snapshot.next_opening
    next_text = ctx._("Next opening: %(when)s") % {"when": ctx.when(nxt)} if nxt else ""
    today = cal.day_hours(ctx.config.calendar, ctx.now_local.date())
    today_text = ctx._("Today: %(hours)s") % {
        "hours": _ranges_text(ctx, [str(r) for r in today.ranges])
    }
    why = closed_why(ctx)
    closure = ctx.snapshot.closure
    if why and closure is not None and closure.source != cal.AFTER_HOURS:
        today_text = why  # closed all day: the reason says it
    elif why:
        today_text = why + "\n" + today_text
    week = ctx._("Opening hours") + "\n" + "\n".join(hours_lines(ctx))
    if lay.is_portrait:
        icon, head, nxt_box, today_box, week_box = stack(ctx, area, [2, 2, 2, 2, 6])
    else:
        left = pygame.Rect(area.x, area.y, area.width * 9 // 20 - lay.gap, area.height)
        week_box = pygame.Rect(
            left.right + 2 * lay.gap, area.y, area.width - left.width - 2 * lay.gap, area.height
        )
        icon, head, nxt_box, today_box = stack(ctx, left, [2, 3, 8, 7])
    week_box = _survey_bar(ctx, frame, week_box)  # the opening hours make room for it
    frame.items.append(Icon("clock", icon, "body"))
    frame.items.append(ctx.text(ctx._("Closed"), head, "body", 40, is_bold=True))
    frame.items.append(ctx.text(next_text, nxt_box, "body", 28))
    frame.items.append(ctx.text(today_text, today_box, "body", 26))
    frame.items.append(ctx.text(week, week_box, "body", 26, align="left"))
    return frame


def closed_why(ctx: ScreenContext) -> str:
    """Why the desk is closed today, in words: the holiday's name, the exception's label,
    "Closed on Saturdays"; empty when it is only after today's hours."""
    closure = ctx.snapshot.closure
    if closure is None:
        return ""
    name = closure.names.get(ctx.language) or closure.names.get(
        ctx.config.kiosk.default_language, ""
    )
    if closure.source == cal.HOLIDAY:
        return (
            ctx._("Public holiday: %(name)s") % {"name": name} if name else ctx._("Public holiday")
        )
    if closure.source == cal.EXCEPTION:
        return name or ctx._("Exceptional hours")
    if closure.source == cal.WEEKLY and closure.weekday:
        return ctx._(CLOSED_ON[closure.weekday])
    return name


CLOSED_ON = {
    "monday": "Closed on Mondays",
    "tuesday": "Closed on Tuesdays",
    "wednesday": "Closed on Wednesdays",
    "thursday": "Closed on Thursdays",
    "friday": "Closed on Fridays",
    "saturday": "Closed on Saturdays",
    "sunday": "Closed on Sundays",
}


def _survey_bar(ctx: ScreenContext, frame: Frame, area: pygame.Rect) -> pygame.Rect:
    """With the survey, "Give your opinion" at the bottom of the closed and out-of-order
    screens too (a visitor served before closing leaves after it); returns what is left."""
    if not ctx.config.survey.enabled:
        return area
    lay = ctx.layout
    bar = pygame.Rect(area.x, area.bottom - lay.bar_height, area.width, lay.bar_height)
    box = lay.row(bar, 1, max(lay.min_target_px, lay.px(360)))[0]
    frame.items.append(
        ctx.button(Action("survey"), box, ctx._("Give your opinion"), pictogram="opinion")
    )
    return pygame.Rect(area.x, area.y, area.width, bar.y - lay.gap - area.y)


def _out_of_order(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("out_of_order")
    top = _banner(ctx, frame, header_band(ctx, frame, ctx.config.kiosk.site))
    area = _survey_bar(ctx, frame, _above_languages(ctx, frame, lay.below(top)))
    icon, head, body = stack(ctx, area, [3, 2, 2])
    if ctx.snapshot.out_of_order_reason == "paused":  # on purpose, for a moment
        frame.items.append(Icon("clock", icon, "body"))
        head_text = ctx._("Tickets are paused for a moment")
    else:
        frame.items.append(Icon("warning", icon, "body"))
        head_text = ctx._("Out of order")
    frame.items.append(ctx.text(head_text, head, "body", 44, is_bold=True))
    frame.items.append(ctx.text(ctx._("Please ask at the reception desk"), body, "body", 36))
    return frame


def _above_languages(ctx: ScreenContext, frame: Frame, area: pygame.Rect) -> pygame.Rect:
    """``area`` shortened to end above the language row (added to ``frame``): the closed
    and out-of-order screens speak every configured language, not only the default."""
    bar_top = language_row(ctx, frame)
    if bar_top is None:
        return area
    return pygame.Rect(area.x, area.y, area.width, bar_top - ctx.layout.gap - area.y)
