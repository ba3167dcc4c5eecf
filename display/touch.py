"""Touch input: window pixels to logical pixels under rotation, one event per tap, debounce.

SDL's KMSDRM driver ignores the panel's rotation, so the app draws a logical surface,
rotates it with ``pygame.transform.rotate`` (counter-clockwise by ``rotation`` degrees) and
maps touches back here. SDL also synthesises a mouse event for every touch; those carry
``touch == True`` (or ``which == SDL_TOUCH_MOUSEID``) and are dropped so one tap counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

SDL_TOUCH_MOUSEID = 0xFFFFFFFF  # SDL_TOUCH_MOUSEID; pygame-ce exports no constant for it
DEBOUNCE_S = 0.3
CORNER_HOLD_S = 5.0


def logical_size(window_size: tuple[int, int], rotation: int) -> tuple[int, int]:
    w, h = window_size
    return (h, w) if rotation in (90, 270) else (w, h)


def to_logical(
    pos: tuple[float, float], window_size: tuple[int, int], rotation: int
) -> tuple[int, int]:
    """A window pixel to the logical pixel drawn there (inverse of the rotation)."""
    dx, dy = pos
    lw, lh = logical_size(window_size, rotation)
    if rotation == 90:
        x, y = lw - 1 - dy, dx
    elif rotation == 180:
        x, y = lw - 1 - dx, lh - 1 - dy
    elif rotation == 270:
        x, y = dy, lh - 1 - dx
    else:
        x, y = dx, dy
    return (min(max(int(x), 0), lw - 1), min(max(int(y), 0), lh - 1))


def to_window(pos: tuple[int, int], window_size: tuple[int, int], rotation: int) -> tuple[int, int]:
    """A logical pixel to the window pixel where it appears (for replayed touches)."""
    x, y = pos
    lw, lh = logical_size(window_size, rotation)
    if rotation == 90:
        return (y, lw - 1 - x)
    if rotation == 180:
        return (lw - 1 - x, lh - 1 - y)
    if rotation == 270:
        return (lh - 1 - y, x)
    return (x, y)


@dataclass(frozen=True)
class Pointer:
    """A press (``is_down``) or release at a window pixel."""

    is_down: bool
    window_pos: tuple[int, int]


def pointer_from_event(event: pygame.event.Event, window_size: tuple[int, int]) -> Pointer | None:
    """A finger or real-mouse press/release; None for anything else, including the mouse
    events SDL synthesises from touches."""
    if event.type in (pygame.FINGERDOWN, pygame.FINGERUP):
        w, h = window_size
        x = min(int(event.x * w), w - 1)
        y = min(int(event.y * h), h - 1)
        return Pointer(event.type == pygame.FINGERDOWN, (x, y))
    if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        if getattr(event, "touch", False) or getattr(event, "which", 0) in (SDL_TOUCH_MOUSEID, -1):
            return None
        if getattr(event, "button", 1) != 1:
            return None
        return Pointer(event.type == pygame.MOUSEBUTTONDOWN, tuple(event.pos))
    return None


def finger_events(
    window_pos: tuple[int, int], window_size: tuple[int, int]
) -> tuple[pygame.event.Event, pygame.event.Event]:
    """A FINGERDOWN and FINGERUP at a window pixel's centre, as SDL reports a real tap."""
    w, h = window_size
    fields = {
        "touch_id": 0,
        "finger_id": 0,
        "x": (window_pos[0] + 0.5) / w,
        "y": (window_pos[1] + 0.5) / h,
        "dx": 0.0,
        "dy": 0.0,
        "pressure": 1.0,
    }
    return pygame.event.Event(pygame.FINGERDOWN, fields), pygame.event.Event(
        pygame.FINGERUP, fields
    )


class PressTracker:
    """Which target is held, with debounce and the technician's corner hold.

    A press within ``DEBOUNCE_S`` of the previous accepted press is ignored (a double tap
    must not act twice). An action happens on release inside the target pressed.
    """

    def __init__(self, corner_px: int):
        self.corner_px = corner_px
        self.pressed: object | None = None
        self.press_pos: tuple[int, int] | None = None
        self.last_press_s = -1e9
        self.corner_since_s: float | None = None
        self.is_consumed = False

    def __repr__(self) -> str:
        return f"<PressTracker pressed={self.pressed} corner_since={self.corner_since_s}>"

    def down(self, pos: tuple[int, int], target: object | None, now_s: float) -> bool:
        """A press at logical ``pos`` on ``target``; False when debounced."""
        if now_s - self.last_press_s < DEBOUNCE_S or self.press_pos is not None:
            return False
        self.last_press_s = now_s
        self.pressed = target
        self.press_pos = pos
        self.is_consumed = False
        is_corner = pos[0] < self.corner_px and pos[1] < self.corner_px
        self.corner_since_s = now_s if is_corner else None
        return True

    def up(self, target: object | None) -> object | None:
        """A release over ``target``: the target to act on, or None (released elsewhere,
        debounced press, or consumed by the corner hold)."""
        pressed, was_tracked = self.pressed, self.press_pos is not None
        self.pressed = None
        self.press_pos = None
        self.corner_since_s = None
        if not was_tracked or self.is_consumed:
            return None
        return pressed if pressed == target else None

    def corner_held(self, now_s: float) -> bool:
        """True once when the top-left corner has been held ``CORNER_HOLD_S``."""
        if self.corner_since_s is not None and now_s - self.corner_since_s >= CORNER_HOLD_S:
            self.corner_since_s = None
            self.is_consumed = True
            self.pressed = None
            return True
        return False

    def corner_deadline_s(self) -> float | None:
        return None if self.corner_since_s is None else self.corner_since_s + CORNER_HOLD_S
