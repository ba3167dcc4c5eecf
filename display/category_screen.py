"""The categories screen (two levels), and where its tiles go.

Without subtitles the tiles form a grid (display.render chooses their template). Once a
category shown has a plain-language ``subtitle``, every tile is a row (display.tile_rows):
pictogram, bold label, subtitle, waiting count, all at the minimum text size, none of them
ever dropped. The rows are measured for real (with the thicker outline of the
high-contrast theme, so they fit in either theme) and given their room, in this order:
two columns in landscape (an odd count's last row reaching down beside Back, which keeps
its place and size), one in portrait (reaching up into the instruction's room, which keeps
two lines), then one or three columns. Only when none holds them are the categories spread
over pages: a "More" button beside "Back" shows the next page (and goes round to the first),
with "page 1 of 2" under it; pages share the tiles evenly (3 + 2, not 4 + 1), at least two a
page unless two cannot be drawn whole.
"""

from __future__ import annotations

import dataclasses
import math

import pygame

from display import tile_rows
from display.flow import ScreenFlow
from display.render import Renderer
from display.screens import (
    ScreenContext,
    _back_button,
    _banner,
    _interactive_top,
    category_note,
    header_band,
)
from display.text import TextCache
from display.theme import theme_for
from display.view import Action, Button, Frame
from kiosk.core.settings import CategoryConfig
from kiosk.core.vocabulary import ActionKind, Screen

_MEASURE: Renderer | None = None


def _measurer(scale: float) -> Renderer:
    """A renderer used only to measure rows (the high-contrast theme: its thicker outline
    leaves the least room, so a row that fits here fits in either theme)."""
    global _MEASURE
    if not pygame.font.get_init():
        pygame.font.init()
    if _MEASURE is not None:
        try:  # fonts made before pygame.font.quit() are dead: start again
            _MEASURE.texts.font(10).size("a")
        except pygame.error:
            _MEASURE = None
    if _MEASURE is None:
        _MEASURE = Renderer(theme_for("high-contrast"), TextCache(max_surfaces=8, max_fits=4096))
    _MEASURE.scale = scale
    return _MEASURE


def _rows_fit(ctx: ScreenContext, tiles: list[Button], cells: list[pygame.Rect]) -> bool:
    """Every tile, in its cell, is a touch target of at least the minimum size whose row
    holds its label, subtitle and count at the minimum text size."""
    lay = ctx.layout
    measurer = _measurer(lay.scale)
    measurer.is_rtl = ctx.tr.is_rtl
    if any(min(cell.size) < lay.min_target_px for cell in cells[: len(tiles)]):
        return False
    placed = [dataclasses.replace(t, box=c) for t, c in zip(tiles, cells, strict=False)]
    return tile_rows.choose_picto(measurer, placed)


def _areas(ctx: ScreenContext, area: pygame.Rect, lowest_top: int) -> list[pygame.Rect]:
    """The area for the tiles, then (portrait, the first level) taller ones reaching up
    towards ``lowest_top``: the instruction above gives up room before any page is added."""
    areas = [area]
    if ctx.layout.is_portrait and lowest_top < area.y:
        steps = 8
        for i in range(1, steps + 1):
            y = area.y - (area.y - lowest_top) * i // steps
            areas.append(pygame.Rect(area.x, y, area.width, area.bottom - y))
    return areas


def plan_rows(
    ctx: ScreenContext, area: pygame.Rect, tiles: list[Button], lowest_top: int
) -> tuple[list[list[Button]], list[pygame.Rect], pygame.Rect]:
    """The tiles as rows: (pages, the cells of a page, the area used). One page whenever
    the rows fit: two columns in landscape (one, then three, if not; an odd count may
    take the bottom row beside Back), one in portrait (reaching up into the instruction's
    room if it must); else as few pages as fit, the tiles shared evenly."""
    lay = ctx.layout
    cols_options = [1, 2] if lay.is_portrait else [2, 1, 3]
    n = len(tiles)
    # at least two tiles a page (one alone would be a step, not a choice), unless even two
    # cannot be drawn whole: then one a page rather than anything overlapping
    counts = sorted({math.ceil(n / k) for k in range(1, n + 1)}, reverse=True)
    for per_page in [c for c in counts if c >= 2] + [1]:
        pages = [tiles[i : i + per_page] for i in range(0, n, per_page)]
        for cols in cols_options:  # the columns first: a taller area before narrower rows
            for box in _areas(ctx, area, lowest_top):
                if cols > per_page:
                    continue
                cells = lay.grid(box, per_page, aspect=99.0, cols=cols)
                if all(_rows_fit(ctx, page, cells) for page in pages):
                    return pages, cells, box
        if not lay.is_portrait and per_page % 2 == 1 and per_page > 1:
            # two columns, an odd count: the last row's tile reaches down beside Back,
            # which keeps its place and size at the bottom, where reading starts
            box = pygame.Rect(area.x, area.y, area.width, lay.height - lay.margin - area.y)
            cells = lay.grid(box, per_page + 1, aspect=99.0, cols=2)
            cells = cells[:-2] + cells[-1:]
            if all(_rows_fit(ctx, page, cells) for page in pages):
                return pages, cells, box
    per_page = 2 if n > 2 else n
    pages = [tiles[i : i + per_page] for i in range(0, n, per_page)]
    return pages, lay.grid(area, per_page, aspect=99.0, cols=1), area


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
    tiles = [_tile(ctx, category) for category in shown]
    is_hint = lay.is_portrait and flow.parent_id is None
    if any(t.subtitle for t in tiles):
        # the instruction keeps room for two lines at the minimum size
        line_h = _measurer(lay.scale).texts.font(lay.min_text_px).get_linesize()
        lowest = top + 2 * lay.margin + 2 * line_h
        pages, cells, area = plan_rows(ctx, area, tiles, lowest if is_hint else area.y)
    else:
        pages = [tiles]
        cells = lay.grid(area, len(tiles), aspect=2.4 if lay.is_portrait else 1.6)
    if is_hint:
        hint = pygame.Rect(
            lay.margin, top + lay.margin, lay.width - 2 * lay.margin, area.y - top - 2 * lay.margin
        )
        frame.items.append(ctx.text(ctx._("Touch the button of your request"), hint, "body", 36))
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
    # every page's tiles at the size of a full page: the grid reads the same on each
    for tile, box in zip(pages[page], cells, strict=False):
        frame.items.append(dataclasses.replace(tile, box=box))
    return frame


def _tile(ctx: ScreenContext, category: CategoryConfig) -> Button:
    """A category's tile, without its place yet: label, subtitle, pictogram, and the
    waiting count or the reason it is unavailable."""
    cfg = ctx.config
    label = category.label_for(ctx.language, cfg.kiosk.default_language)
    subtitle = category.subtitle_for(ctx.language, cfg.kiosk.default_language)
    pictogram = category.pictogram or "document"
    nowhere = pygame.Rect(0, 0, 0, 0)
    if cfg.children_of(category.id):
        button = ctx.button(
            Action(ActionKind.PARENT, category.id), nowhere, label, 28, pictogram=pictogram
        )
        return dataclasses.replace(button, subtitle=subtitle, is_tile=True)
    note, icon = category_note(ctx, category.id)
    is_enabled = category.id not in ctx.snapshot.unavailable
    button = ctx.button(
        Action(ActionKind.CATEGORY, category.id),
        nowhere,
        label,
        28,
        pictogram=pictogram,  # the same pictogram, enabled or not: the reason has its icon
        note=note,
        note_icon=None if is_enabled else icon,
        is_note_optional=is_enabled,
        is_enabled=is_enabled,
    )
    return dataclasses.replace(button, subtitle=subtitle, is_tile=True)


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
