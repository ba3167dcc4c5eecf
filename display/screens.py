"""The visitor screens, built as :class:`~display.view.Frame` data from the state.

home, categories (two levels), ticket, refused, closed, out_of_order. Every string goes
through the ``screens`` translation domain; message ids are English.

The screens live in modules of their own: categories and the priority choice
(category_screen.py), ticket and refused (ticket_screens.py), closed and out of order
(closed_screens.py), the survey (survey_screens.py), technicians (technician.py). This module
keeps what they share: the context, the header, banner, language row and back button, the
home screen, and the texts several screens say (hours, when a category is offered). The
names that moved stay importable from here (module ``__getattr__``).

Over 400 lines on purpose: the shared context and parts are one vocabulary every screen
module builds on; splitting them further would only scatter it.
"""

from __future__ import annotations

import datetime as dt
import importlib
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
from kiosk.core.settings import Config
from kiosk.core.vocabulary import ActionKind, RefusalReason, Screen
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
    builders: dict[str, Any] = {Screen.HOME: _home, "appointment": appointment_screen.build_keypad}
    if screen in _BUILT_ELSEWHERE:
        module, name = _BUILT_ELSEWHERE[screen]
        builders[screen] = getattr(importlib.import_module(module), name)
    elif screen in SURVEY:
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
                Action(ActionKind.LANGUAGE, code),
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
    frame.items.append(ctx.button(Action(ActionKind.BACK), box, ctx._("Back"), pictogram="back"))
    return bar


# ---- screens -------------------------------------------------------------------------


def _home(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.HOME, background_action=Action(ActionKind.START))
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
            Action(ActionKind.START),
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
            Action(ActionKind.VIEW),
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
        words = ctx._("Full today") if reason == RefusalReason.CAP else ctx._("Unavailable")
        return words, REASON_ICONS.get(reason, "warning")
    queue = ctx.snapshot.queues.get(category_id)
    if queue is not None and queue.waiting is not None:
        n = queue.waiting
        if n == 0:
            return ctx._("No wait"), None
        # short: the count sits on one line at the bottom of the tile
        return ctx.tr.ngettext("%(n)d waiting", "%(n)d waiting", n) % {"n": n}, None
    return None, None


# The screens of their own modules, which build on this module's helpers: imported when first
# shown, so that either module can be imported first.
_BUILT_ELSEWHERE: dict[str, tuple[str, str]] = {
    Screen.CATEGORIES: ("display.category_screen", "build_categories"),
    Screen.PRIORITY: ("display.category_screen", "build_priority_choice"),
    Screen.TICKET: ("display.ticket_screens", "build_ticket"),
    Screen.REFUSED: ("display.ticket_screens", "build_refused"),
    Screen.CLOSED: ("display.closed_screens", "build_closed"),
    Screen.OUT_OF_ORDER: ("display.closed_screens", "build_out_of_order"),
}


_MOVED = {
    "wait_text": "display.ticket_screens",
    "ahead_text": "display.ticket_screens",
    "priority_notice": "display.category_screen",
    "closed_why": "display.closed_screens",
    "CLOSED_ON": "display.closed_screens",
}


def __getattr__(name: str) -> Any:
    """The names that moved to the screens' own modules, importable from here as before."""
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stack(ctx: ScreenContext, area: pygame.Rect, weights: list[int]) -> list[pygame.Rect]:
    """Split ``area`` vertically by ``weights``."""
    total = sum(weights)
    boxes, y = [], area.y
    for w in weights:
        h = area.height * w // total
        boxes.append(pygame.Rect(area.x, y, area.width, h))
        y += h
    return boxes


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
