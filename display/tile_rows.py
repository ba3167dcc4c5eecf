"""The category row: the tile template once any category shown has a subtitle.

Every row reads the same way, mirrored in a right-to-left frame: the pictogram at the
start, then the label in bold at the top, the plain-language subtitle under it in the
secondary colour, and the waiting count (or a disabled category's reason, with its icon)
at the bottom, at the end of the row. Every text is at the screen's minimum size, so the
rows of a screen look alike and nothing shrinks on one row only. Nothing in a row gives way:
the categories screen (display.category_screen) gives each row the height
:func:`row_height_needed` measures, and spreads the categories over pages only when even
that is impossible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from display.pictograms import draw_pictogram
from display.view import Button, Text

if TYPE_CHECKING:
    from display.render import Renderer

PICTO_LINES = 1.25  # the pictogram's side, in lines of text at the minimum size


def _measure(
    renderer: Renderer, text: str, width: int, px: int, *, is_bold: bool
) -> tuple[int, int] | None:
    """(lines, widest line) of ``text`` wrapped in ``width`` at ``px``; None when a word
    does not fit the width at that size."""
    if width <= 0:
        return None
    fitted = renderer.texts.fit(
        text, width, 1 << 20, px, px, is_bold, is_probe=True, is_rtl=renderer.is_rtl
    )
    if fitted.px < px or fitted.is_truncated:
        return None
    return len(fitted.lines), fitted.width


def _parts(renderer: Renderer, button: Button) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect, int]:
    """(inner box, pictogram, text column, gap) of a row."""
    pad = renderer.inner_pad(button)
    inner = button.box.inflate(-2 * pad, -2 * pad)
    gap = max(2, round(4 * renderer.scale))
    line_h = renderer.texts.font(button.min_px).get_linesize()
    side = max(0, min(inner.height, round(PICTO_LINES * line_h), inner.width // 6))
    x = inner.right - side if renderer.is_rtl else inner.x
    picto = pygame.Rect(x, inner.y + (inner.height - side) // 2, side, side)
    width = inner.width - side - 2 * gap
    text = pygame.Rect(inner.x if renderer.is_rtl else picto.right + 2 * gap, inner.y, width, 0)
    text.height = inner.height
    return inner, picto, text, gap


def _last_line_width(renderer: Renderer, text: str, width: int, px: int, is_bold: bool) -> int:
    fitted = renderer.texts.fit(
        text, width, 1 << 20, px, px, is_bold, is_probe=True, is_rtl=renderer.is_rtl
    )
    return renderer.texts.width(fitted.lines[-1], px, is_bold, renderer.is_rtl)


def row_height_needed(renderer: Renderer, button: Button) -> int | None:
    """The height of the words of a row (label, subtitle, count) at the minimum size, or
    None when a word is wider than the row. A one-line count shares the last line of the
    words above it when both fit side by side: it sits at the end of the row."""
    _inner, _picto, text, gap = _parts(renderer, button)
    px = button.min_px
    line_h = renderer.texts.font(px).get_linesize()
    total = 0
    last: tuple[str, bool] | None = None
    for words, is_bold in ((button.label, True), (button.subtitle, False)):
        if not words:
            continue
        measured = _measure(renderer, words, text.width, px, is_bold=is_bold)
        if measured is None:
            return None
        total += (gap if total else 0) + measured[0] * line_h
        last = (words, is_bold)
    if not button.note:
        return total
    icon = line_h + gap if button.note_icon else 0
    note = _measure(renderer, button.note, text.width - icon, px, is_bold=False)
    if note is None:
        return None
    if note[0] == 1 and last is not None:
        beside = _last_line_width(renderer, last[0], text.width, px, last[1])
        if beside + 3 * gap + icon + note[1] <= text.width:
            return total
    return total + gap + note[0] * line_h


def row_fits(renderer: Renderer, button: Button) -> bool:
    """Whether ``button``'s row has room for every word at the minimum size."""
    inner, _picto, _text, _gap = _parts(renderer, button)
    needed = row_height_needed(renderer, button)
    return needed is not None and needed <= inner.height


def row_boxes(
    renderer: Renderer, button: Button
) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect | None, pygame.Rect | None]:
    """(pictogram, label, subtitle or None, count or None) of a row: the label at the top
    of the text column, the subtitle under it, the count at the bottom, at the end."""
    _inner, picto, text, gap = _parts(renderer, button)
    px = button.min_px
    line_h = renderer.texts.font(px).get_linesize()
    label_lines = (_measure(renderer, button.label, text.width, px, is_bold=True) or (2, 0))[0]
    label = pygame.Rect(text.x, text.y, text.width, label_lines * line_h)
    subtitle = None
    if button.subtitle:
        lines = (_measure(renderer, button.subtitle, text.width, px, is_bold=False) or (2, 0))[0]
        subtitle = pygame.Rect(text.x, label.bottom + gap, text.width, lines * line_h)
    note = None
    if button.note:
        icon = line_h if button.note_icon else 0
        width = text.width - (icon + gap if icon else 0)
        lines, widest = _measure(renderer, button.note, width, px, is_bold=False) or (2, width)
        w = min(text.width, widest + (icon + gap if icon else 0) + 2)
        x = text.x if renderer.is_rtl else text.right - w
        note = pygame.Rect(x, text.bottom - lines * line_h, w, lines * line_h)
    return picto, label, subtitle, note


def draw_row(renderer: Renderer, surface: pygame.Surface, button: Button, role: str) -> None:
    """Draw one category row (the outline is drawn by the renderer)."""
    fg = renderer.theme.text_pairs()[role][0]
    picto, label, subtitle, note = row_boxes(renderer, button)
    px = button.min_px
    if button.pictogram and picto.width:
        draw_pictogram(surface, button.pictogram, picto, fg)
    renderer.draw_text(surface, Text(button.label, label, role, px, px, True, align="left"))
    if subtitle is not None and button.subtitle:
        # in the secondary colour: the label stays what the eye reads first
        secondary = "button-secondary" if role == "button" else role
        renderer.draw_text(
            surface, Text(button.subtitle, subtitle, secondary, px, px, align="left")
        )
    if note is not None and button.note:
        if button.note_icon:
            side = min(renderer.texts.font(px).get_linesize(), note.height)
            x = note.right - side if renderer.is_rtl else note.x
            icon = pygame.Rect(x, note.y, side, side)
            draw_pictogram(surface, button.note_icon, icon, fg)
            gap = max(2, round(4 * renderer.scale))
            note = pygame.Rect(
                note.x if renderer.is_rtl else icon.right + gap,
                note.y,
                note.width - side - gap,
                note.height,
            )
        renderer.draw_text(surface, Text(button.note, note, role, px, px, align="left"))
