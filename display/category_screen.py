"""The categories screen (two levels), and how many tiles a page holds.

Every category tile is drawn from one template (display.render). A category may carry a
plain-language ``subtitle`` under its label; when one of the tiles shown has one, each tile
needs room for a two-line label, a two-line subtitle and the note row (queue figures) at
the minimum text size. Where the panel cannot give every tile that room (a portrait panel,
whose tiles start below the reach line; the larger-text view), the categories are spread
over pages rather than the subtitle or the label shrinking: a "More" button beside "Back"
shows the next page (and goes round to the first), with "page 1 of 2" under it.
Pages share the tiles evenly (2 + 2, not 3 + 1). A frame that still lacks room after that
lets the renderer drop, in order, the queue figures then the subtitle (display.render).
"""

from __future__ import annotations

import dataclasses
import math

import pygame

from display.flow import ScreenFlow
from display.screens import (
    ScreenContext,
    _back_button,
    _banner,
    _interactive_top,
    category_note,
    header_band,
)
from display.view import Action, Frame
from kiosk.core.settings import CategoryConfig
from kiosk.core.vocabulary import ActionKind, Screen

# the estimate's measures: at most two lines of label and two of subtitle; the note row is
# not counted (the renderer drops the queue figures before the subtitle: every category on
# one page matters more to a visitor than the count, which the ticket gives anyway)
TILE_TEXT_LINES = 2 + 2
LINE_HEIGHT_EM = 1.2
AVERAGE_GLYPH_EM = 0.6  # DejaVu Sans at the minimum size: a little over its average


def _tile_has_room(ctx: ScreenContext, box: pygame.Rect, shown: list[CategoryConfig]) -> bool:
    """Whether a tile of ``box`` has room for its label, subtitle and note row at the
    minimum size (an estimate from the glyph width; the renderer measures for real)."""
    lay = ctx.layout
    cfg = ctx.config
    min_px = lay.min_text_px
    pad = 2 * lay.px(9)
    words_w = box.width - pad - min(box.height, box.width // 6)
    line_h = min_px * LINE_HEIGHT_EM
    per_line = max(1, int(words_w / (min_px * AVERAGE_GLYPH_EM)))
    for category in shown:
        label = category.label_for(ctx.language, cfg.kiosk.default_language)
        subtitle = category.subtitle_for(ctx.language, cfg.kiosk.default_language) or ""
        # the template gives the label and the subtitle half the words' height each
        if _lines(label, per_line) > 2 or _lines(subtitle, per_line) > 2:
            return False
    return box.height - pad >= TILE_TEXT_LINES * line_h


def _lines(text: str, per_line: int) -> int:
    """How many lines ``text`` wraps into, ``per_line`` characters a line, breaking
    between words as the renderer does."""
    lines, used = 0, per_line + 1
    for word in text.split():
        if used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += 1 + len(word)
    return lines


def pages_of(
    ctx: ScreenContext, area: pygame.Rect, shown: list[CategoryConfig], aspect: float
) -> tuple[list[list[CategoryConfig]], int | None]:
    """``shown`` split into pages whose tiles each have room for a subtitle (one page when
    no category shown has a subtitle, or when they all fit), and the grid's column count
    (None: the grid's own choice). Fewer pages first, then fewer columns: a page of three
    tiles in two columns rather than two pages of two."""
    lay = ctx.layout
    cfg = ctx.config
    if not any(c.subtitle_for(ctx.language, cfg.kiosk.default_language) for c in shown):
        return [shown], None
    # at least two tiles a page: one alone would be a step, not a choice
    n_pages, per_page, cols = 1, len(shown), None
    for n_pages in range(1, max(1, math.ceil(len(shown) / 2)) + 1):
        per_page = math.ceil(len(shown) / n_pages)
        options: list[int | None] = [None, *range(per_page, 0, -1)]
        cols = next(
            (
                k
                for k in options
                if _tile_has_room(ctx, lay.grid(area, per_page, aspect, k)[0], shown)
            ),
            -1,
        )
        if cols != -1:
            break
    if cols == -1:
        cols = None
    return [shown[i : i + per_page] for i in range(0, len(shown), per_page)], cols


def build_categories(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    cfg = ctx.config
    frame = Frame("categories")
    if flow.parent_id:
        title = cfg.category(flow.parent_id).label_for(ctx.language, cfg.kiosk.default_language)
        shown = list(cfg.children_of(flow.parent_id))
    else:
        title = ctx._("Choose your request")
        shown = list(cfg.top_categories)
    top = _banner(ctx, frame, header_band(ctx, frame, title, is_clock=False))
    bar = _back_button(ctx, frame)
    area = pygame.Rect(lay.margin, _interactive_top(ctx, top), lay.width - 2 * lay.margin, 0)
    area.height = bar.y - lay.gap - area.y
    if lay.is_portrait and flow.parent_id is None:
        hint = pygame.Rect(
            lay.margin, top + lay.margin, lay.width - 2 * lay.margin, area.y - top - 2 * lay.margin
        )
        frame.items.append(ctx.text(ctx._("Touch the button of your request"), hint, "body", 36))
    aspect = 2.4 if lay.is_portrait else 1.6
    pages, cols = pages_of(ctx, area, shown, aspect)
    page = flow.category_page % len(pages)
    if len(pages) > 1:
        back = frame.buttons[-1].box
        width = max(lay.min_target_px, bar.right - back.right - lay.gap)
        box = pygame.Rect(bar.right - width, bar.y, width, bar.height)
        frame.items.append(
            ctx.button(
                Action(ActionKind.PAGE),
                box,
                ctx._("More"),
                pictogram="forward",
                note=ctx._("page %(page)d of %(pages)d") % {"page": page + 1, "pages": len(pages)},
                is_note_optional=True,
            )
        )
    parents = {c.parent for c in cfg.categories if c.parent}
    # every page's tiles at the size of a full page: the grid reads the same on each
    cells = lay.grid(area, len(pages[0]), aspect=aspect, cols=cols)
    for category, box in zip(pages[page], cells, strict=False):
        label = category.label_for(ctx.language, cfg.kiosk.default_language)
        subtitle = category.subtitle_for(ctx.language, cfg.kiosk.default_language)
        pictogram = category.pictogram or "document"
        if category.id in parents:
            frame.items.append(
                dataclasses.replace(
                    ctx.button(
                        Action(ActionKind.PARENT, category.id), box, label, 28, pictogram=pictogram
                    ),
                    subtitle=subtitle,
                    is_tile=True,
                )
            )
            continue
        note, icon = category_note(ctx, category.id)
        is_enabled = category.id not in ctx.snapshot.unavailable
        button = ctx.button(
            Action(ActionKind.CATEGORY, category.id),
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


def build_priority_choice(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    """After a category that offers one: a normal ticket (first, the usual path) or a
    priority ticket, with who it is for; one touch either way."""
    lay = ctx.layout
    cfg = ctx.config
    frame = Frame(Screen.PRIORITY)
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
            Action(ActionKind.NORMAL, category_id),
            normal_box,
            ctx._("Normal ticket"),
            28,
            pictogram="ticket",
            is_primary=True,
        )
    )
    frame.items.append(
        ctx.button(
            Action(ActionKind.PRIORITY, category_id),
            priority_box,
            ctx._("Priority ticket"),
            28,
            pictogram="priority",
        )
    )
    frame.items.append(ctx.text(priority_notice(ctx), notice, "body", 26))
    return frame
