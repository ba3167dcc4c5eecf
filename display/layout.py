"""Geometry computed from the logical screen size and the panel's pixel density.

Sizes scale with the short side (800x480 is scale 1). Touch targets are at least 15 mm
(``config.display.panel_width_mm``); visitor text is at least 24 px at 800x480. In portrait
every interactive element sits in the lower two thirds of the screen, within reach of a
seated or short visitor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

MIN_TARGET_MM = 15.0
MIN_TEXT_PX_AT_480 = 24
PORTRAIT_REACH_FRACTION = 1 / 3  # interactive elements start below this fraction of height


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    px_per_mm: float
    text_scale: float = 1.0  # the visitor's larger-text view: 1.4

    @classmethod
    def for_size(cls, size: tuple[int, int], panel_px: int, panel_width_mm: float) -> Layout:
        """``panel_px`` pixels span ``panel_width_mm`` (the configured panel width)."""
        return cls(size[0], size[1], panel_px / panel_width_mm)

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 480

    def px(self, at_480: float) -> int:
        return max(1, round(at_480 * self.scale))

    @property
    def min_target_px(self) -> int:
        return math.ceil(MIN_TARGET_MM * self.px_per_mm)

    @property
    def min_text_px(self) -> int:
        return self.px(MIN_TEXT_PX_AT_480 * self.text_scale)

    @property
    def margin(self) -> int:
        return self.px(12)

    @property
    def gap(self) -> int:
        return self.px(10)

    @property
    def screen(self) -> pygame.Rect:
        return pygame.Rect(0, 0, self.width, self.height)

    @property
    def header(self) -> pygame.Rect:
        return pygame.Rect(0, 0, self.width, self.px(72))

    @property
    def reach_top(self) -> int:
        """Where interactive elements may start (everything, in landscape)."""
        return round(self.height * PORTRAIT_REACH_FRACTION) if self.is_portrait else 0

    @property
    def bar_height(self) -> int:
        """Height of a bottom bar of buttons (back, languages)."""
        return max(self.min_target_px, self.px(70))

    def bottom_bar(self) -> pygame.Rect:
        m = self.margin
        return pygame.Rect(
            m, self.height - m - self.bar_height, self.width - 2 * m, self.bar_height
        )

    def below(self, top: int) -> pygame.Rect:
        """The content area under a header band ending at ``top``, inside the margins."""
        return pygame.Rect(
            self.margin,
            top + self.margin,
            self.width - 2 * self.margin,
            self.height - top - 2 * self.margin,
        )

    def row(self, area: pygame.Rect, n: int, max_width: int | None = None) -> list[pygame.Rect]:
        """``n`` equal boxes side by side in ``area``, centred, each at most ``max_width``."""
        if n <= 0:
            return []
        width = (area.width - (n - 1) * self.gap) // n
        if max_width is not None:
            width = min(width, max_width)
        total = n * width + (n - 1) * self.gap
        x = area.x + (area.width - total) // 2
        return [
            pygame.Rect(x + i * (width + self.gap), area.y, width, area.height) for i in range(n)
        ]

    def grid(
        self, area: pygame.Rect, n: int, aspect: float = 1.6, cols: int | None = None
    ) -> list[pygame.Rect]:
        """``n`` equal cells filling ``area``, choosing the column count (unless given) whose
        cells are closest to ``aspect`` (width / height) while as large as possible."""
        if n <= 0:
            return []
        best: tuple[float, int] = (-1.0, cols or 1)
        for k in [cols] if cols else range(1, n + 1):
            rows = math.ceil(n / k)
            cw = (area.width - (k - 1) * self.gap) / k
            ch = (area.height - (rows - 1) * self.gap) / rows
            score = min(cw, ch * aspect)
            if score > best[0]:
                best = (score, k)
        cols = best[1]
        rows = math.ceil(n / cols)
        cw = (area.width - (cols - 1) * self.gap) // cols
        ch = (area.height - (rows - 1) * self.gap) // rows
        cells = []
        for i in range(n):
            r, c = divmod(i, cols)
            in_row = min(cols, n - r * cols)
            # centre an incomplete last row
            x0 = area.x + (area.width - (in_row * cw + (in_row - 1) * self.gap)) // 2
            cells.append(
                pygame.Rect(x0 + c * (cw + self.gap), area.y + r * (ch + self.gap), cw, ch)
            )
        return cells
