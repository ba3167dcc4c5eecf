"""The screens that replace home and the categories when no ticket can be taken: closed
(why, the week's hours, when it opens again) and out of order (or paused by a technician),
both with the language row and, when configured, the satisfaction vote. Built as Frame data
on the helpers of display.screens."""

from __future__ import annotations

import pygame

from display.flow import ScreenFlow
from display.screens import (
    ScreenContext,
    _banner,
    _ranges_text,
    header_band,
    hours_lines,
    language_row,
    stack,
)
from display.view import Action, Frame, Icon
from kiosk.core import calendar as cal
from kiosk.core.vocabulary import RefusalReason, Screen


def build_closed(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.CLOSED)
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


def build_out_of_order(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame(Screen.OUT_OF_ORDER)
    top = _banner(ctx, frame, header_band(ctx, frame, ctx.config.kiosk.site))
    area = _survey_bar(ctx, frame, _above_languages(ctx, frame, lay.below(top)))
    icon, head, body = stack(ctx, area, [3, 2, 2])
    if ctx.snapshot.out_of_order_reason == RefusalReason.PAUSED:  # on purpose, for a moment
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
