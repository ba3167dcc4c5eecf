"""Text that fits its box: fonts, shrink-then-wrap fitting, and caches.

pygame's fonts measure and render single lines only; fitting a label into a button (shrink
down to a minimum size, wrapping on words, never overflowing) is ours. Fonts are the bundled
DejaVu Sans files so rendering is identical everywhere. Font objects, fits and rendered
surfaces are cached: re-rendering text is the costliest part of a frame.

A line holding right-to-left letters (Arabic) is cut into direction runs
(:mod:`display.bidi`); each run is shaped by SDL_ttf's HarfBuzz with its script and
direction, and the runs are laid side by side in visual order. Measuring goes the same way,
so wrapping and fitting see the shaped widths.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

import pygame

from display.bidi import Run, has_rtl, script_of, visual_runs
from kiosk.fonts import BOLD, REGULAR

logger = logging.getLogger(__name__)


FLOOR_PX = 10  # below a box's minimum only when nothing else fits; logged
SHRINK_STEP = 0.92
# No box of the kiosk shows more characters than this; a longer text is cut, with an
# ellipsis, before any measuring, so fitting does bounded work whatever it is given.
MAX_FIT_CHARS = 1000
ELLIPSIS = "…"


def candidate_sizes(max_px: int) -> tuple[int, ...]:
    """The sizes fitting tries, largest first: from ``max_px`` down by steps of 8 % to
    ``FLOOR_PX``."""
    sizes = [max(max_px, FLOOR_PX)]
    while sizes[-1] > FLOOR_PX:
        px = sizes[-1]
        sizes.append(max(FLOOR_PX, min(px - 1, int(px * SHRINK_STEP))))
    return tuple(sizes)


def _short(text: str) -> str:
    """A text for a log line."""
    return text if len(text) <= 60 else f"{text[:60]}… ({len(text)} characters)"


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
        self._fonts: dict[tuple[int, bool, str | None], pygame.font.Font] = {}
        self._fits: OrderedDict[tuple[object, ...], Fitted] = OrderedDict()
        self._surfaces: OrderedDict[tuple[object, ...], pygame.Surface] = OrderedDict()
        self._max_surfaces = max_surfaces
        self._max_bytes = max_bytes  # a ticket number is a big surface: bound bytes, not count
        self._bytes = 0
        self._max_fits = max_fits

    def font(self, px: int, bold: bool = False, rtl_script: str | None = None) -> pygame.font.Font:
        """The font at ``px``; with ``rtl_script`` ("Arab"), one that shapes right to left."""
        key = (px, bold, rtl_script)
        font = self._fonts.get(key)
        if font is None:
            font = pygame.font.Font(BOLD if bold else REGULAR, px)
            if rtl_script is not None:
                font.set_script(rtl_script)
                font.set_direction(pygame.DIRECTION_RTL)
            self._fonts[key] = font
        return font

    def width(self, line: str, px: int, bold: bool = False, is_rtl: bool = False) -> int:
        """The shaped width of one line in pixels (``is_rtl``: of a right-to-left paragraph)."""
        if not is_rtl and not has_rtl(line):
            return int(self.font(px, bold).size(line)[0])
        return sum(
            self._run_font(run, line, px, bold).size(run.text)[0]
            for run in visual_runs(line, is_rtl_base=is_rtl)
        )

    def _run_font(self, run: Run, line: str, px: int, bold: bool) -> pygame.font.Font:
        return self.font(px, bold, script_of(line) if run.is_rtl else None)

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
        is_rtl: bool = False,
    ) -> Fitted:
        """The largest size from ``max_px`` down to ``min_px`` at which ``text``, wrapped on
        words, fits ``width`` x ``height``; below ``min_px`` (logged) or truncated with an
        ellipsis only when even that fails. ``is_rtl``: the paragraph reads right to left.

        The work is bounded: at most ``MAX_FIT_CHARS`` characters are considered (a longer
        text is cut, with an ellipsis), the sizes are searched by bisection, and wrapping
        stops as soon as the box is full."""
        key = (text[: MAX_FIT_CHARS + 1], width, height, max_px, min_px, bold, is_rtl)
        hit = self._fits.get(key)
        if hit is not None:
            self._fits.move_to_end(key)
            return hit
        fitted = self._fit(text, max(1, width), max(1, height), max_px, min_px, bold, is_rtl)
        if fitted.px < min_px and not is_probe:
            logger.warning(
                "text %r fits %dx%d only at %d px (< %d)",
                _short(text),
                width,
                height,
                fitted.px,
                min_px,
            )
        self._fits[key] = fitted
        if len(self._fits) > self._max_fits:
            self._fits.popitem(last=False)
        return fitted

    def _fit(
        self, text: str, width: int, height: int, max_px: int, min_px: int, bold: bool, is_rtl: bool
    ) -> Fitted:
        is_cut = len(text) > MAX_FIT_CHARS
        if is_cut:
            text = text[: MAX_FIT_CHARS - 1] + ELLIPSIS
        sizes = candidate_sizes(max_px)
        # Bisection for the largest size that fits (a smaller size never needs more lines):
        # the same size as trying each one from the largest down, in a few tries.
        fitted: Fitted | None = None
        lo, hi = 0, len(sizes)
        while lo < hi:
            mid = (lo + hi) // 2
            attempt = self._try(text, width, height, sizes[mid], bold, is_rtl)
            if attempt is not None:
                fitted, hi = attempt, mid
            else:
                lo = mid + 1
        if fitted is not None:
            return replace(fitted, is_truncated=True) if is_cut else fitted
        px = sizes[-1]
        logger.warning(
            "text %r does not fit %dx%d even at %d px: truncated", _short(text), width, height, px
        )
        return self._truncate(text, width, height, px, bold, is_rtl)

    def _try(
        self, text: str, width: int, height: int, px: int, bold: bool, is_rtl: bool
    ) -> Fitted | None:
        font = self.font(px, bold)
        line_height = font.get_linesize()
        max_lines = max(0, height // line_height)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            wrapped = _wrap(
                lambda line: self.width(line, px, bold, is_rtl),
                paragraph,
                width,
                max_lines=max_lines - len(lines),
            )
            if wrapped is None:
                return None
            lines.extend(wrapped)
        total = line_height * len(lines)
        if total > height:
            return None
        widest = max((self.width(line, px, bold, is_rtl) for line in lines), default=0)
        return Fitted(tuple(lines), px, bold, line_height, widest, total)

    def _truncate(
        self, text: str, width: int, height: int, px: int, bold: bool, is_rtl: bool
    ) -> Fitted:
        font = self.font(px, bold)
        line_height = font.get_linesize()
        max_lines = max(1, height // line_height)
        lines: list[str] = []

        def measure(line: str) -> int:
            return self.width(line, px, bold, is_rtl)

        for paragraph in text.split("\n"):
            if len(lines) >= max_lines:
                break
            wrapped = _wrap(
                measure, paragraph, width, is_forced=True, max_lines=max_lines - len(lines) + 1
            )
            lines.extend(wrapped or [""])
        lines = lines[:max_lines]
        last = lines[-1].removesuffix(ELLIPSIS)
        while last and measure(last + ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last + ELLIPSIS
        widest = max(measure(line) for line in lines)
        return Fitted(tuple(lines), px, bold, line_height, widest, line_height * len(lines), True)

    def render_line(
        self, line: str, px: int, bold: bool, color: tuple[int, int, int], is_rtl: bool = False
    ) -> pygame.Surface:
        """One line, shaped; ``is_rtl``: a line of a right-to-left paragraph."""
        key = (line, px, bold, color, is_rtl)
        surface = self._surfaces.get(key)
        if surface is None:
            surface = self._render(line, px, bold, color, is_rtl)
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

    def _render(
        self, line: str, px: int, bold: bool, color: tuple[int, int, int], is_rtl: bool
    ) -> pygame.Surface:
        if not line or (not is_rtl and not has_rtl(line)):  # an empty line has no runs
            return self.font(px, bold).render(line, True, color)
        pieces = [
            self._run_font(run, line, px, bold).render(run.text, True, color)
            for run in visual_runs(line, is_rtl_base=is_rtl)
        ]
        height = max(p.get_height() for p in pieces)
        surface = pygame.Surface((sum(p.get_width() for p in pieces), height), pygame.SRCALPHA)
        # transparent pixels of the text's own colour: blending the anti-aliased runs onto
        # it keeps their edges the right colour (runs never overlap)
        surface.fill((*color, 0))
        x = 0
        for piece in pieces:
            surface.blit(piece, (x, 0))
            x += piece.get_width()
        return surface

    def __repr__(self) -> str:
        return f"<TextCache fonts={len(self._fonts)} fits={len(self._fits)} surfaces={len(self._surfaces)}>"


def _size_bytes(surface: pygame.Surface) -> int:
    return surface.get_width() * surface.get_height() * surface.get_bytesize()


_BREAKS = re.compile(r"[^\S\u00a0\u202f\u2007]+")


def _wrap(
    measure: Callable[[str], int],
    paragraph: str,
    width: int,
    is_forced: bool = False,
    max_lines: int | None = None,
) -> list[str] | None:
    """Greedy word wrap on the logical order (each line is then laid out on its own, as
    UAX #9 does); None when one word alone is wider than ``width`` (unless forced, which
    cuts the word) or when more than ``max_lines`` lines are needed (forced: the first
    ``max_lines`` lines). Each measurement is of one line at most, so the work grows with
    the text's length times a line's, and stops when the box is full."""
    # No-break spaces (U+00A0 in "8 h 30", U+202F before French punctuation) hold their
    # words together: split on the other whitespace only.
    words = [w for w in _BREAKS.split(paragraph) if w]
    if not words:
        return [""] if max_lines is None or max_lines >= 1 or is_forced else None
    limit = max_lines if max_lines is not None else len(paragraph) + 1
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if measure(word) > width:
            if not is_forced:
                return None
            while word and len(lines) < limit and measure(word) > width:
                cut = _longest_prefix(measure, word, width)
                lines.append(word[:cut])
                word = word[cut:]
        current = word
        if len(lines) >= limit:
            return lines[:limit] if is_forced else None
    lines.append(current)
    if len(lines) > limit:
        return lines[:limit] if is_forced else None
    return lines


def _longest_prefix(measure: Callable[[str], int], word: str, width: int) -> int:
    """The length of the longest prefix of ``word`` no wider than ``width`` (at least 1),
    by bisection: a glyph is at least a pixel wide, so no line holds more than ``width``
    characters."""
    lo, hi = 1, max(1, min(len(word) - 1, width))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(word[:mid]) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo
