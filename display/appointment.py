"""Appointment check-in on screen (contract 5.3): the booking-code keypad and its answers.

The keypad offers the code's alphabet only (:data:`kiosk.core.appointments.CODE_ALPHABET`),
large keys, a visible echo of what was typed, a correction key and a validate key. Keys
(contract 5.4) reach every control in reading order: the letters row by row, then the
correction key, then back and validate; the echo is spoken after each typed character.
Ten wrong codes within a minute slow the keypad down (a growing delay, see
:func:`kiosk.core.appointments.wrong_code_delay_s`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from display.view import Action, Frame
from kiosk.core import appointments as appt
from kiosk.i18n import format_short_time

if TYPE_CHECKING:
    from display.flow import ScreenFlow
    from display.screens import ScreenContext


@dataclass
class CodeEntry:
    """What the visitor has typed, and the recent wrong codes (monotonic seconds)."""

    code: str = ""
    wrong_at_s: list[float] = field(default_factory=list)
    locked_until_s: float = 0.0

    def type(self, char: str, now_s: float) -> bool:
        if self.is_locked(now_s) or char not in appt.CODE_ALPHABET:
            return False
        if len(self.code) >= appt.CODE_MAX_CHARS:
            return False
        self.code += char
        return True

    def delete(self) -> None:
        self.code = self.code[:-1]

    def clear(self) -> None:
        self.code = ""

    def is_locked(self, now_s: float) -> bool:
        return now_s < self.locked_until_s

    def lock_remaining_s(self, now_s: float) -> int:
        return max(0, math.ceil(self.locked_until_s - now_s))

    def note_wrong(self, now_s: float) -> None:
        self.wrong_at_s = [t for t in self.wrong_at_s if now_s - t <= appt.WRONG_CODES_WINDOW_S]
        self.wrong_at_s.append(now_s)
        self.locked_until_s = now_s + appt.wrong_code_delay_s(self.wrong_at_s, now_s)


def spaced(code: str) -> str:
    """``AB3 K7P``: the echo, in groups of three for the eye."""
    return " ".join(code[i : i + 3] for i in range(0, len(code), 3))


# The keypad's cells: the 31 characters, the correction key, then back and validate two
# cells wide each: 36 cells, laid out in one of these column counts (36 divides by each).
KEYPAD_CELLS = len(appt.CODE_ALPHABET) + 1 + 2 + 2
KEYPAD_COLUMN_CHOICES = (4, 6, 9, 12)
ERASE = "\u232b"  # ⌫, the correction key's face (spoken as "Correct")


def keypad_cells(ctx: ScreenContext, top: int) -> tuple[list[pygame.Rect], int]:
    """The cells of the keypad anchored to the bottom of the screen, below ``top`` (and the
    reach line in portrait), as large as possible; and the top of the first row."""
    lay = ctx.layout
    gap = lay.px(6)
    width = lay.width - 2 * lay.margin
    height = lay.height - lay.margin - max(top, lay.reach_top)
    best: tuple[int, int] = (0, KEYPAD_COLUMN_CHOICES[0])
    for cols in KEYPAD_COLUMN_CHOICES:
        rows = KEYPAD_CELLS // cols
        side = min((width - (cols - 1) * gap) // cols, (height - (rows - 1) * gap) // rows)
        best = max(best, (side, cols))
    _, cols = best
    rows = KEYPAD_CELLS // cols
    cell_w = (width - (cols - 1) * gap) // cols
    cell_h = min(cell_w, (height - (rows - 1) * gap) // rows)
    first = lay.height - lay.margin - rows * cell_h - (rows - 1) * gap
    left = lay.margin + (width - cols * cell_w - (cols - 1) * gap) // 2
    cells = [
        pygame.Rect(left + c * (cell_w + gap), first + r * (cell_h + gap), cell_w, cell_h)
        for r in range(rows)
        for c in range(cols)
    ]
    return cells, first


def build_keypad(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    from display.screens import header_band

    lay = ctx.layout
    frame = Frame("appointment")
    top = header_band(ctx, frame, ctx._("Enter your booking code"), is_clock=False)
    entry = flow.code_entry
    now_s = flow.last_input_s
    cells, first = keypad_cells(ctx, top + lay.px(44))
    echo_box = pygame.Rect(lay.margin, top, lay.width - 2 * lay.margin, first - top)
    echo_box = echo_box.inflate(0, -lay.px(4))
    if entry.is_locked(now_s):
        echo = ctx._("Too many wrong codes: please wait %(seconds)d s") % {
            "seconds": entry.lock_remaining_s(now_s)
        }
        frame.items.append(ctx.text(echo, echo_box, "body", 26, is_bold=True))
    elif entry.code:
        frame.items.append(ctx.text(spaced(entry.code), echo_box, "number", 40, is_bold=True))
    else:
        hint = ctx._("The code is on your letter or message")
        frame.items.append(ctx.text(hint, echo_box, "body", 24))
    chars = list(appt.CODE_ALPHABET)
    for char, box in zip(chars, cells, strict=False):
        frame.items.append(ctx.button(Action("code_char", char), box, char, 34))
    i = len(chars)
    frame.items.append(ctx.button(Action("code_delete"), cells[i], ERASE, 34))
    back = cells[i + 1].union(cells[i + 2])
    ok = cells[i + 3].union(cells[i + 4])
    frame.items.append(ctx.button(Action("back"), back, ctx._("Back"), 26))
    frame.items.append(
        ctx.button(
            Action("code_ok"),
            ok,
            ctx._("Validate"),
            26,
            is_primary=True,
            is_enabled=bool(entry.code) and not entry.is_locked(now_s),
        )
    )
    return frame


def refusal_texts(ctx: ScreenContext, reason: str, opens_at: dt.datetime | None) -> tuple[str, str]:
    """(what happened, what to do) for a refused check-in."""
    if reason == appt.EARLY:
        then = (
            ctx._("Please come back at %(time)s to check in")
            % {"time": format_short_time(opens_at.astimezone(ctx.now_local.tzinfo), ctx.language)}
            if opens_at is not None
            else ctx._("Please come back a little later")
        )
        return ctx._("You are early for your appointment."), then
    if reason == appt.LATE:
        return (
            ctx._("The check-in time for this appointment has passed."),
            ctx._("Please go to the reception desk"),
        )
    return (
        ctx._("This booking code is not known today."),
        ctx._("Check the code, or go to the reception desk"),
    )


def ticket_details(
    ctx: ScreenContext, appointment_start: dt.datetime | None, is_duplicate: bool
) -> list[str]:
    """The lines a check-in adds on the ticket screen."""
    lines = []
    if appointment_start is not None:
        when = format_short_time(appointment_start.astimezone(ctx.now_local.tzinfo), ctx.language)
        lines.append(ctx._("Appointment at %(time)s") % {"time": when})
    if is_duplicate:
        lines.append(ctx._("Already checked in: here is your number again"))
    return lines
