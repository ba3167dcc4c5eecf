"""Text that fits its box: fonts, shrink-then-wrap fitting, and caches.

pygame's fonts measure and render single lines only; fitting a label into a button (shrink
down to a minimum size, wrapping on words, never overflowing) is ours. Fonts are the bundled
DejaVu Sans files so rendering is identical everywhere. Font objects, fits and rendered
surfaces are cached: re-rendering text is the costliest part of a frame.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pygame

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FLOOR_PX = 10  # below a box's minimum only when nothing else fits; logged
SHRINK_STEP = 0.92


@dataclass(frozen=True)
class Fitted:
    """Lines of text at one pixel size that fit a box of ``width`` x ``height``."""

    lines: tuple[str, ...]
    px: int
    bold: bool
    line_height: int
    width: int  # of the widest line
    height: int  # of all lines
    is_truncated: bool = False


class TextCache:
    """Fonts by (size, weight), fits by request and rendered surfaces, all bounded."""

    def __init__(self, max_surfaces: int = 512, max_fits: int = 2048, max_bytes: int = 24 << 20):
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._fits: OrderedDict[tuple[object, ...], Fitted] = OrderedDict()
        self._surfaces: OrderedDict[tuple[object, ...], pygame.Surface] = OrderedDict()
        self._max_surfaces = max_surfaces
        self._max_bytes = max_bytes  # a ticket number is a big surface: bound bytes, not count
        self._bytes = 0
        self._max_fits = max_fits

    def font(self, px: int, bold: bool = False) -> pygame.font.Font:
        key = (px, bold)
        font = self._fonts.get(key)
        if font is None:
            font = pygame.font.Font(BOLD if bold else REGULAR, px)
            self._fonts[key] = font
        return font

    def fit(
        self,
        text: str,
        width: int,
        height: int,
        max_px: int,
        min_px: int,
        bold: bool = False,
        *,
        is_probe: bool = False,
    ) -> Fitted:
        """The largest size from ``max_px`` down to ``min_px`` at which ``text``, wrapped on
        words, fits ``width`` x ``height``; below ``min_px`` (logged) or truncated with an
        ellipsis only when even that fails."""
        key = (text, width, height, max_px, min_px, bold)
        hit = self._fits.get(key)
        if hit is not None:
            self._fits.move_to_end(key)
            return hit
        fitted = self._fit(text, max(1, width), max(1, height), max_px, min_px, bold)
        if fitted.px < min_px and not is_probe:
            logger.warning(
                "text %r fits %dx%d only at %d px (< %d)", text, width, height, fitted.px, min_px
            )
        self._fits[key] = fitted
        if len(self._fits) > self._max_fits:
            self._fits.popitem(last=False)
        return fitted

    def _fit(
        self, text: str, width: int, height: int, max_px: int, min_px: int, bold: bool
    ) -> Fitted:
        px = max(max_px, FLOOR_PX)
        while True:
            fitted = self._try(text, width, height, px, bold)
            if fitted is not None:
                return fitted
            if px <= FLOOR_PX:
                break
            px = max(FLOOR_PX, min(px - 1, int(px * SHRINK_STEP)))
        logger.warning(
            "text %r does not fit %dx%d even at %d px: truncated", text, width, height, px
        )
        return self._truncate(text, width, height, px, bold)

    def _try(self, text: str, width: int, height: int, px: int, bold: bool) -> Fitted | None:
        font = self.font(px, bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            wrapped = _wrap(font, paragraph, width)
            if wrapped is None:
                return None
            lines.extend(wrapped)
        line_height = font.get_linesize()
        total = line_height * len(lines)
        if total > height:
            return None
        widest = max((font.size(line)[0] for line in lines), default=0)
        return Fitted(tuple(lines), px, bold, line_height, widest, total)

    def _truncate(self, text: str, width: int, height: int, px: int, bold: bool) -> Fitted:
        font = self.font(px, bold)
        line_height = font.get_linesize()
        max_lines = max(1, height // line_height)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines.extend(_wrap(font, paragraph, width, is_forced=True) or [""])
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.size(last + "…")[0] > width:
            last = last[:-1]
        lines[-1] = last + "…"
        widest = max(font.size(line)[0] for line in lines)
        return Fitted(tuple(lines), px, bold, line_height, widest, line_height * len(lines), True)

    def render_line(
        self, line: str, px: int, bold: bool, color: tuple[int, int, int]
    ) -> pygame.Surface:
        key = (line, px, bold, color)
        surface = self._surfaces.get(key)
        if surface is None:
            surface = self.font(px, bold).render(line, True, color)
            self._surfaces[key] = surface
            self._bytes += _size_bytes(surface)
            while len(self._surfaces) > 1 and (
                len(self._surfaces) > self._max_surfaces or self._bytes > self._max_bytes
            ):
                _, old = self._surfaces.popitem(last=False)
                self._bytes -= _size_bytes(old)
        else:
            self._surfaces.move_to_end(key)
        return surface

    def __repr__(self) -> str:
        return f"<TextCache fonts={len(self._fonts)} fits={len(self._fits)} surfaces={len(self._surfaces)}>"


def _size_bytes(surface: pygame.Surface) -> int:
    return surface.get_width() * surface.get_height() * surface.get_bytesize()


def _wrap(
    font: pygame.font.Font, paragraph: str, width: int, is_forced: bool = False
) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than ``width`` (unless forced,
    which cuts the word)."""
    words = paragraph.split()
    if not words:
        return [""]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.size(candidate)[0] <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if font.size(word)[0] > width:
            if not is_forced:
                return None
            while word and font.size(word)[0] > width:
                cut = len(word) - 1
                while cut > 1 and font.size(word[:cut])[0] > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
        current = word
    lines.append(current)
    return lines
