"""Draws a :class:`~display.view.Frame` on a surface with a theme.

Every text box is drawn through :meth:`Renderer.draw_text`, which records a
:class:`Placement` (the box, the rectangle the text really covers, its pixel size), so tests
can measure that nothing overflows on any screen, size and language.

Over 400 lines for one reason: the grid tile template, the other buttons and the text
placement share the same fitting helpers and padding; the category row template lives in
display.tile_rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from display import tile_rows
from display.pictograms import draw_pictogram
from display.text import TextCache
from display.theme import Theme
from display.view import Action, Button, Fill, Frame, Icon, Text


@dataclass(frozen=True)
class Placement:
    text: str
    box: pygame.Rect
    used: pygame.Rect
    px: int
    min_px: int
    is_truncated: bool
    is_bold: bool = False
    lines: tuple[pygame.Rect, ...] = ()  # the rectangle of each drawn line


class Renderer:
    def __init__(self, theme: Theme, texts: TextCache, scale: float = 1.0):
        self.theme = theme
        self.texts = texts
        self.scale = scale
        self.placements: list[Placement] = []
        self.is_rtl = False  # of the frame being drawn: set by draw()
        # The category tiles of the frame being drawn share one template: whether a note row
        # is kept (in the same place on every tile) and the labels' weight (set by draw()).
        self.is_tile_note_row = False
        # a subtitle row under every label once any tile has a subtitle (the same label
        # position on the tiles without one, so the grid reads evenly)
        self.is_tile_subtitle_row = False
        # None: by the tile's shape; True above, False beside; "none": no pictogram
        self.is_tile_picto_above: bool | str | None = None
        self.is_tile_bold = True
        # once any tile of the frame has a subtitle, every tile is drawn as a row (see
        # row_tile_boxes): nothing gives way there, the builder gives the rows their room
        self.is_tile_rows = False
        self.tile_picto_lines = tile_rows.PICTO_LINES[0]  # of the rows: set by draw()

    @property
    def border_px(self) -> int:
        return max(2, round(self.theme.border_px_at_480 * self.scale))

    def draw(self, surface: pygame.Surface, frame: Frame, pressed: Action | None = None) -> None:
        """Draw the whole frame; ``pressed`` is the button held down, drawn highlighted."""
        self.placements = []
        self.is_rtl = frame.is_rtl
        tiles = [b for b in frame.buttons if b.is_tile]
        self.is_tile_rows = any(b.subtitle for b in tiles)
        if self.is_tile_rows:
            self.is_tile_bold = True
            tile_rows.choose_picto(self, tiles)
        else:
            self._choose_tile_template(tiles)
        surface.fill(self.theme.background)
        for item in frame.items:
            if isinstance(item, Fill):
                surface.fill(getattr(self.theme, item.role), item.box)
            elif isinstance(item, Text):
                self.draw_text(surface, item)
            elif isinstance(item, Icon):
                fg, _ = self.theme.text_pairs()[item.role]
                draw_pictogram(surface, item.name, item.box, fg)
            else:
                self.draw_button(surface, item, is_pressed=item.action == pressed)

    def draw_text(self, surface: pygame.Surface, item: Text) -> pygame.Rect:
        fg, _ = self.theme.text_pairs()[item.role]
        box = item.box
        fitted = self.texts.fit(
            item.text,
            box.width,
            box.height,
            item.max_px,
            item.min_px,
            item.is_bold,
            is_rtl=self.is_rtl,
        )
        y = box.y + (box.height - fitted.height) // 2
        used = pygame.Rect(box.x, y, 0, 0)
        rects: list[pygame.Rect] = []
        for line in fitted.lines:
            line_surface = self.texts.render_line(line, fitted.px, fitted.bold, fg, self.is_rtl)
            w = line_surface.get_width()
            if item.align == "left" and self.is_rtl:
                x = box.right - w
            elif item.align == "left":
                x = box.x
            else:
                x = box.x + (box.width - w) // 2
            rect = surface.blit(line_surface, (x, y))
            rect.height = fitted.line_height
            used = used.union(rect) if used.width else rect
            rects.append(rect)
            y += fitted.line_height
        self.placements.append(
            Placement(
                item.text,
                box.copy(),
                used,
                fitted.px,
                item.min_px,
                fitted.is_truncated,
                fitted.bold,
                tuple(rects),
            )
        )
        return used

    def _label_is_bold(self, button: Button, box: pygame.Rect) -> bool | None:
        """Bold when the label fits at the minimum size in bold, else regular (narrower);
        None when neither fits."""
        for is_bold in (True, False):
            fit = self.texts.fit(
                button.label,
                box.width,
                box.height,
                button.label_px,
                button.min_px,
                is_bold,
                is_probe=True,
                is_rtl=self.is_rtl,
            )
            if fit.px >= button.min_px:
                return is_bold
        return None

    def _note_room(self, button: Button, inner: pygame.Rect) -> tuple[str | None, int]:
        """The note to show and its height: the smallest share of the button at which label
        and note both fit at the minimum size. An optional note (queue figures) is dropped
        when the label needs the room; a reason note never is."""
        if not button.note:
            return None, 0
        icon_w = inner.height // 4 if button.note_icon else 0
        for share in (0.3, 0.4, 0.5):
            note_h = int(inner.height * share)
            label_h = inner.height - note_h
            label_box = pygame.Rect(inner.x, inner.y, inner.width, label_h)
            label_ok = self._label_is_bold(button, label_box) is not None
            note_ok = _fits_at_min(
                self.texts,
                button.note,
                (inner.width - icon_w, note_h),
                button.min_px,
                button.min_px,
                is_rtl=self.is_rtl,
            )
            if label_ok and note_ok:
                return button.note, note_h
        if button.is_note_optional:
            return None, 0
        return button.note, int(inner.height * 0.5)

    def _choose_tile_template(self, tiles: list[Button]) -> None:
        """One template for every tile of the frame: the first, in order of preference,
        in which every tile fits at the minimum size. What gives way, in this order when
        the room is short: where the pictogram sits (by the tile's shape, above, beside);
        the note row with the queue figures (a disabled tile's reason then takes the
        subtitle row: what is unavailable matters more than what it means); the subtitle
        row; as the very last resort (a dozen tiles on a small panel) the pictograms. The
        label is never clipped and always at least the minimum size, and bold unless no
        template can hold every label in bold."""
        has_note = any(b.note for b in tiles)
        has_subtitle = any(b.subtitle for b in tiles)
        notes = (True, False) if has_note else (False,)
        subtitles = (True, False) if has_subtitle else (False,)
        options: list[tuple[bool, bool, bool | str | None]] = [
            *((s, n, a) for s in subtitles for n in notes for a in (None, True, False)),
            *((False, n, "none") for n in notes),
        ]
        # bold in every template first; regular (narrower) only when no template holds
        # the labels in bold (a dozen categories on a small panel)
        for is_bold in (True, False):
            self.is_tile_bold = is_bold
            best: tuple[int, tuple[bool, bool, bool | str | None]] = (-1, options[0])
            for option in options:
                self.is_tile_subtitle_row, self.is_tile_note_row, self.is_tile_picto_above = option
                fitting = sum(self._tile_fits(b) for b in tiles)
                if fitting > best[0]:
                    best = (fitting, option)
                if fitting == len(tiles):
                    break
            if best[0] == len(tiles):
                break
        self.is_tile_subtitle_row, self.is_tile_note_row, self.is_tile_picto_above = best[1]

    def tile_second_line(self, button: Button) -> str | None:
        """What the subtitle row of ``button`` shows in the frame's template: its subtitle,
        or its reason for being unavailable when the template has no note row."""
        if self.is_tile_rows:
            return button.subtitle
        if not self.is_tile_subtitle_row:
            return None
        if not self.is_tile_note_row and button.note and not button.is_note_optional:
            return button.note
        return button.subtitle

    def _tile_fits(self, button: Button) -> bool:
        """The label fits its box at the minimum size, and so does the subtitle row's text
        and the note, in the current template."""
        _picto, label, subtitle_box, note_box = self.tile_boxes(button)
        is_bold = self._label_is_bold(button, label)
        if is_bold is None or (self.is_tile_bold and not is_bold):
            return False
        second = self.tile_second_line(button)
        for text, box in ((second, subtitle_box), (button.note, note_box)):
            if text and box is not None:
                size = box.width - (box.height if box is note_box and button.note_icon else 0)
                if not _fits_at_min(
                    self.texts,
                    text,
                    (size, box.height),
                    button.min_px,
                    button.min_px,
                    is_rtl=self.is_rtl,
                    is_bold=False,
                ):
                    return False
        return True

    def inner_pad(self, button: Button) -> int:
        """The room kept between a button's outline and anything drawn inside it."""
        border = self.border_px * (2 if button.is_primary else 1)
        return border + max(self.border_px, round(6 * self.scale))

    def tile_boxes(
        self, button: Button
    ) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect | None, pygame.Rect | None]:
        """A category tile's template: (pictogram, label, subtitle or None, note row or
        None). The pictogram is there (empty box only as a last resort, see
        :meth:`_choose_tile_template`), where reading starts on a wide tile or above the
        label on a tall one; the note row (queue figures, the reason it is unavailable)
        sits at the bottom of every tile of the frame once any tile has a note."""
        if self.is_tile_rows:
            return tile_rows.row_boxes(self, button)
        pad = self.inner_pad(button)
        inner = button.box.inflate(-2 * pad, -2 * pad)
        gap = max(2, round(4 * self.scale))
        note = None
        if self.is_tile_note_row:
            note_h = max(inner.height // 4, math.ceil(button.min_px * 1.3))
            note = pygame.Rect(inner.x, inner.bottom - note_h, inner.width, note_h)
            inner = pygame.Rect(inner.x, inner.y, inner.width, inner.height - note_h - gap)
        is_above = self.is_tile_picto_above
        if is_above is None:
            is_above = inner.width < inner.height * 2.2
        if is_above == "none":
            picto, words = pygame.Rect(inner.x, inner.y, 0, 0), inner
        elif not is_above:  # wide: the pictogram where reading starts
            side = min(inner.height, inner.width // 6)
            x = inner.right - side if self.is_rtl else inner.x
            picto = pygame.Rect(x, inner.y + (inner.height - side) // 2, side, side)
            words = pygame.Rect(
                inner.x if self.is_rtl else picto.right + 2 * gap,
                inner.y,
                inner.width - side - 2 * gap,
                inner.height,
            )
        else:  # tall: the pictogram above
            side = inner.height * 3 // 10
            picto = pygame.Rect(inner.x, inner.y, inner.width, side)
            words = pygame.Rect(inner.x, picto.bottom + gap, inner.width, inner.height - side - gap)
        subtitle = None
        if self.is_tile_subtitle_row:  # on every tile: the labels sit at the same height
            label_h = (words.height - gap) // 2  # two lines each at the minimum size
            subtitle = pygame.Rect(
                words.x, words.y + label_h + gap, words.width, words.height - label_h - gap
            )
            words = pygame.Rect(words.x, words.y, words.width, label_h)
        return picto, words, subtitle, note

    def _draw_tile(self, surface: pygame.Surface, button: Button, role: str) -> None:
        if self.is_tile_rows:
            tile_rows.draw_row(self, surface, button, role)
            return
        fg = self.theme.text_pairs()[role][0]
        picto, label_box, subtitle_box, note_box = self.tile_boxes(button)
        pictogram = button.pictogram
        if (
            note_box is None
            and subtitle_box is None
            and button.note_icon
            and not button.is_note_optional
        ):
            pictogram = button.note_icon  # no room for the reason in words: its icon
        if pictogram and picto.width:
            draw_pictogram(surface, pictogram, picto, fg)
        self.draw_text(
            surface,
            Text(button.label, label_box, role, button.label_px, button.min_px, self.is_tile_bold),
        )
        second = self.tile_second_line(button)
        if subtitle_box is not None and second:
            # smaller and in the secondary colour: the label stays what the eye reads first
            secondary = "button-secondary" if role == "button" else role
            if second != button.subtitle:  # the reason, in the colour of the tile's label
                secondary = role
            self.draw_text(
                surface, Text(second, subtitle_box, secondary, button.min_px, button.min_px)
            )
        if note_box is not None and button.note:
            if button.note_icon:
                side = min(note_box.height, note_box.width // 5)
                x = note_box.right - side if self.is_rtl else note_box.x
                draw_pictogram(
                    surface,
                    button.note_icon,
                    pygame.Rect(x, note_box.y + (note_box.height - side) // 2, side, side),
                    fg,
                )
                gap = self.border_px * 2
                note_box = pygame.Rect(
                    note_box.x if self.is_rtl else note_box.x + side + gap,
                    note_box.y,
                    note_box.width - side - gap,
                    note_box.height,
                )
            self.draw_text(surface, Text(button.note, note_box, role, button.min_px, button.min_px))

    def draw_button(
        self, surface: pygame.Surface, button: Button, is_pressed: bool = False
    ) -> pygame.Rect:
        """Draw one button (also used alone for press feedback); returns its rectangle."""
        t = self.theme
        if is_pressed:
            bg, role = t.pressed_bg, "pressed"
        elif not button.is_enabled:
            bg, role = t.disabled_bg, "disabled"
        else:
            bg, role = t.button_bg, "button"
        radius = max(4, button.box.height // 10)
        surface.fill(t.background, button.box)
        pygame.draw.rect(surface, bg, button.box, border_radius=radius)
        border = self.border_px * (2 if button.is_primary else 1)
        if button.is_enabled or is_pressed:
            pygame.draw.rect(surface, t.button_border, button.box, border, border_radius=radius)
        else:
            _dashed_rect(surface, t.disabled_text, button.box, self.border_px)
        if button.is_tile:
            self._draw_tile(surface, button, role)
            return button.box
        fg = t.text_pairs()[role][0]
        pad = self.inner_pad(button)
        inner = button.box.inflate(-2 * pad, -2 * pad)
        note, note_h = self._note_room(button, inner)
        note_box = pygame.Rect(inner.x, inner.bottom - note_h, inner.width, note_h)
        body = pygame.Rect(inner.x, inner.y, inner.width, inner.height - note_h)
        label_box, picto = body, None
        if button.pictogram:
            if body.width >= body.height * 2.2:  # wide: pictogram where reading starts
                side = min(body.height, body.width // 4)
                pad = self.border_px * 2
                x = body.right - side if self.is_rtl else body.x
                picto = pygame.Rect(x, body.y + (body.height - side) // 2, side, side)
                with_picto = pygame.Rect(
                    body.x if self.is_rtl else picto.right + pad,
                    body.y,
                    body.width - side - pad,
                    body.height,
                )
            else:  # tall: pictogram above
                picto = pygame.Rect(body.x, body.y, body.width, body.height * 2 // 5)
                with_picto = pygame.Rect(
                    body.x, picto.bottom, body.width, body.bottom - picto.bottom
                )
            # the pictogram repeats the label: dropped when the label needs the room
            if self._label_is_bold(button, with_picto) is not None:
                label_box = with_picto
            else:
                picto = None
        if picto is not None:
            draw_pictogram(
                surface, button.pictogram, picto.inflate(-self.border_px, -self.border_px), fg
            )
        is_bold = self._label_is_bold(button, label_box)
        self.draw_text(
            surface,
            Text(button.label, label_box, role, button.label_px, button.min_px, bool(is_bold)),
        )
        if note:
            if button.note_icon:
                side = note_box.height
                x = note_box.right - side if self.is_rtl else note_box.x
                icon = pygame.Rect(x, note_box.y, side, side)
                draw_pictogram(surface, button.note_icon, icon, fg)
                note_box = pygame.Rect(
                    note_box.x if self.is_rtl else icon.right + self.border_px,
                    note_box.y,
                    note_box.width - side - self.border_px,
                    note_box.height,
                )
            self.draw_text(surface, Text(note, note_box, role, button.min_px, button.min_px))
        return button.box


def _fits_at_min(
    texts: TextCache,
    text: str,
    box: tuple[int, int],
    px: int,
    min_px: int,
    *,
    is_rtl: bool,
    is_bold: bool = True,
) -> bool:
    fitted = texts.fit(text, box[0], box[1], px, min_px, is_bold, is_probe=True, is_rtl=is_rtl)
    return fitted.px >= min_px


def _dashed_rect(
    surface: pygame.Surface, color: tuple[int, int, int], box: pygame.Rect, width: int
) -> None:
    """A dashed outline: disabled buttons differ by shape, not by colour alone."""
    dash = max(6, width * 4)
    for x in range(box.left, box.right, dash * 2):
        end = min(x + dash, box.right)
        pygame.draw.line(
            surface, color, (x, box.top + width // 2), (end, box.top + width // 2), width
        )
        pygame.draw.line(
            surface,
            color,
            (x, box.bottom - 1 - width // 2),
            (end, box.bottom - 1 - width // 2),
            width,
        )
    for y in range(box.top, box.bottom, dash * 2):
        end = min(y + dash, box.bottom)
        pygame.draw.line(
            surface, color, (box.left + width // 2, y), (box.left + width // 2, end), width
        )
        pygame.draw.line(
            surface,
            color,
            (box.right - 1 - width // 2, y),
            (box.right - 1 - width // 2, end),
            width,
        )
