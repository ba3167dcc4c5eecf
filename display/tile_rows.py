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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from display.pictograms import draw_pictogram
from display.view import Button, Text

if TYPE_CHECKING:
    from display.render import Renderer

# The pictogram's side, in lines of text at the minimum size. The larger one heads a
# column of its own (every line of words beside it); when the rows of a screen do not fit
# that way, every row gets the smaller one, level with the label's first line, and the
# lines under it use the row's whole width.
PICTO_LINES = (1.5, 1.0)


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
    side = max(0, min(inner.height, round(renderer.tile_picto_lines * line_h), inner.width // 6))
    x = inner.right - side if renderer.is_rtl else inner.x
    picto = pygame.Rect(x, inner.y, side, side)  # top: the lines under it use the width
    width = inner.width - side - 2 * gap
    text = pygame.Rect(inner.x if renderer.is_rtl else picto.right + 2 * gap, inner.y, width, 0)
    text.height = inner.height
    return inner, picto, text, gap


def _wrap(
    renderer: Renderer, text: str, slots: list[int], px: int, is_bold: bool
) -> list[str] | None:
    """``text`` wrapped between words into lines of the widths ``slots`` (the last width
    repeats); None when a word is wider than its line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        width = slots[min(len(lines), len(slots) - 1)]
        candidate = f"{line} {word}" if line else word
        if renderer.texts.width(candidate, px, is_bold, renderer.is_rtl) <= width:
            line = candidate
            continue
        if not line:
            return None
        lines.append(line)
        line = word
        if (
            renderer.texts.width(line, px, is_bold, renderer.is_rtl)
            > slots[min(len(lines), len(slots) - 1)]
        ):
            return None
    if line:
        lines.append(line)
    return lines


def _slots(renderer: Renderer, button: Button, top: int, n: int) -> list[pygame.Rect]:
    """The boxes of ``n`` lines from ``top``: beside the pictogram when it heads a column,
    else beside it on the row's first line only and across the whole row below."""
    inner, _picto, text, _gap = _parts(renderer, button)
    line_h = renderer.texts.font(button.min_px).get_linesize()
    boxes = []
    for i in range(n):
        y = top + i * line_h
        # a column of its own, or level with the row's first line only
        is_beside = renderer.tile_picto_lines > 1 or y < inner.y + line_h
        box = text if is_beside else inner
        boxes.append(pygame.Rect(box.x, y, box.width, line_h))
    return boxes


def _flow(
    renderer: Renderer, button: Button, text: str, top: int, is_bold: bool
) -> list[tuple[str, pygame.Rect]] | None:
    """(line, its box) of ``text`` flowed from ``top``, or None when a word does not fit."""
    widths = [b.width for b in _slots(renderer, button, top, 64)]
    lines = _wrap(renderer, text, widths, button.min_px, is_bold)
    if lines is None:
        return None
    return list(zip(lines, _slots(renderer, button, top, len(lines)), strict=True))


@dataclass(frozen=True)
class _Row:
    label: list[tuple[str, pygame.Rect]]
    subtitle: list[tuple[str, pygame.Rect]]
    note: pygame.Rect | None
    height: int  # of the words, the count included


def _row(renderer: Renderer, button: Button) -> _Row | None:
    """Where each line of a row goes: the label from the top, the subtitle under it, both
    beside the pictogram while level with it and across the row below it; the count at
    the bottom, at the end, on the last line of the words when both fit side by side.
    None when a word is wider than its line."""
    inner, _picto, text, gap = _parts(renderer, button)
    px = button.min_px
    line_h = renderer.texts.font(px).get_linesize()
    label = _flow(renderer, button, button.label, inner.y, True)
    if label is None:
        return None
    words, subtitle = label, []
    if button.subtitle:
        flowed = _flow(renderer, button, button.subtitle, label[-1][1].bottom + gap, False)
        if flowed is None:
            return None
        words = subtitle = flowed
    bottom = words[-1][1].bottom
    note = None
    if button.note:
        icon = line_h + gap if button.note_icon else 0
        measured = _measure(renderer, button.note, text.width - icon, px, is_bold=False)
        if measured is None:
            return None
        lines, widest = measured
        w, h = widest + icon + 2, lines * line_h
        last_line, last_box = words[-1]
        is_bold = not subtitle
        used = renderer.texts.width(last_line, px, is_bold, renderer.is_rtl)
        if not (lines == 1 and used + 3 * gap + w <= last_box.width):
            bottom += gap + h
        y = max(bottom, inner.bottom) - h
        note = pygame.Rect(inner.x if renderer.is_rtl else inner.right - w, y, w, h)
    return _Row(label, subtitle, note, bottom - inner.y)


def row_height_needed(renderer: Renderer, button: Button) -> int | None:
    """The height of the words of a row (label, subtitle, count) at the minimum size, or
    None when a word is wider than the row."""
    row = _row(renderer, button)
    return None if row is None else row.height


def row_fits(renderer: Renderer, button: Button) -> bool:
    """Whether ``button``'s row has room for every word at the minimum size."""
    inner = _parts(renderer, button)[0]
    needed = row_height_needed(renderer, button)
    return needed is not None and needed <= inner.height


def _union(lines: list[tuple[str, pygame.Rect]]) -> pygame.Rect | None:
    return lines[0][1].unionall([b for _, b in lines]) if lines else None


def choose_picto(renderer: Renderer, tiles: list[Button]) -> bool:
    """Set the renderer's pictogram size for rows: the largest at which every row of
    ``tiles`` fits; False (and the smallest) when none does."""
    for lines in PICTO_LINES:
        renderer.tile_picto_lines = lines
        if all(row_fits(renderer, t) for t in tiles):
            return True
    return False


def row_boxes(
    renderer: Renderer, button: Button
) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect | None, pygame.Rect | None]:
    """(pictogram, label, subtitle or None, count or None) of a row."""
    _inner, picto, text, _gap = _parts(renderer, button)
    row = _row(renderer, button)
    if row is None:  # a word wider than the row: the label's box, drawn as it can
        return picto, text, None, None
    return picto, _union(row.label) or text, _union(row.subtitle), row.note


def _draw_lines(
    renderer: Renderer,
    surface: pygame.Surface,
    text: str,
    lines: list[tuple[str, pygame.Rect]],
    role: str,
    px: int,
    is_bold: bool,
) -> None:
    """Draw flowed lines, each from where reading starts, and record one placement."""
    from display.render import Placement

    fg = renderer.theme.text_pairs()[role][0]
    rects = []
    for line, box in lines:
        image = renderer.texts.render_line(line, px, is_bold, fg, renderer.is_rtl)
        x = box.right - image.get_width() if renderer.is_rtl else box.x
        rect = surface.blit(image, (x, box.y))
        rect.height = box.height
        rects.append(rect)
    used = rects[0].unionall(rects)
    box = lines[0][1].unionall([b for _, b in lines])
    renderer.placements.append(Placement(text, box, used, px, px, False, is_bold, tuple(rects)))


def draw_row(renderer: Renderer, surface: pygame.Surface, button: Button, role: str) -> None:
    """Draw one category row (the outline is drawn by the renderer)."""
    fg = renderer.theme.text_pairs()[role][0]
    picto, text, _subtitle, note = row_boxes(renderer, button)
    px = button.min_px
    if button.pictogram and picto.width:
        draw_pictogram(surface, button.pictogram, picto, fg)
    row = _row(renderer, button)
    if row is None:
        renderer.draw_text(surface, Text(button.label, text, role, px, px, True, align="left"))
        return
    _draw_lines(renderer, surface, button.label, row.label, role, px, True)
    if row.subtitle and button.subtitle:
        # in the secondary colour: the label stays what the eye reads first
        secondary = "button-secondary" if role == "button" else role
        _draw_lines(renderer, surface, button.subtitle, row.subtitle, secondary, px, False)
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
