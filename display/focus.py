"""The keypad's focus: a frame's controls in reading order, and the ring that marks one.

Reading order is top to bottom, then from where reading starts (left, or right in a
right-to-left frame). On the home screen that puts the control that starts a ticket first,
on a category screen the first category, and the back button last.
"""

from __future__ import annotations

import pygame

from display.layout import Layout
from display.theme import Theme
from display.view import Button, Frame

FOCUS_RING_PX_AT_480 = 5


def focus_order(frame: Frame) -> list[Button]:
    """The frame's buttons in reading order."""

    def key(button: Button) -> tuple[int, int]:
        return button.box.top, (-button.box.right if frame.is_rtl else button.box.left)

    return sorted(frame.buttons, key=key)


def focused_button(frame: Frame, focus: int) -> Button | None:
    order = focus_order(frame)
    return order[focus % len(order)] if order else None


def ring_rect(button: Button, layout: Layout) -> tuple[pygame.Rect, int]:
    """The ring's outer rectangle and thickness: just outside the button, within the gap
    between two buttons so it never covers a neighbour's label."""
    width = max(3, min(layout.px(FOCUS_RING_PX_AT_480), layout.gap // 2 + 1))
    return button.box.inflate(2 * width, 2 * width), width


def focus_colour(theme: Theme) -> tuple[int, int, int]:
    """The ring's colour: the theme's text colour, which reaches 4.5:1 on its background
    (more than the 3:1 a focus indicator needs, WCAG 2.4.11 / RGAA 10.7)."""
    return theme.text


def draw_focus(surface: pygame.Surface, button: Button, layout: Layout, theme: Theme) -> None:
    box, width = ring_rect(button, layout)
    radius = max(4, box.height // 10)
    pygame.draw.rect(surface, focus_colour(theme), box, width, border_radius=radius)
