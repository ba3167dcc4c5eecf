"""The satisfaction vote's screens (contract 5.5), built as Frame data like the others.

survey (one question, four faces with words, no neutral middle), survey_reason (an optional
reason among five, or skip), survey_thanks. The faces run from the best to the worst in
reading order, as on HappyOrNot terminals; each is a drawn face and words, never a colour
alone. The home screen's "Give your opinion" button is :func:`home_button`.
"""

from __future__ import annotations

import pygame

from display.flow import SURVEY_REASONS, ScreenFlow
from display.screens import ScreenContext, header_band
from display.view import Action, Frame, Icon

# Message ids are English; the order is reading order.
SCORE_WORDS = {
    4: "Very satisfied",
    3: "Satisfied",
    2: "Dissatisfied",
    1: "Very dissatisfied",
}
REASON_WORDS = {
    "accueil": "Welcome and courtesy",
    "attente": "Waiting time",
    "information": "Clear information",
    "locaux": "Comfort of the premises",
    "demarche": "My request succeeded",
}
QUESTION = "How was your visit today?"
assert tuple(REASON_WORDS) == SURVEY_REASONS


def home_button(ctx: ScreenContext, frame: Frame, row: pygame.Rect, taken: pygame.Rect) -> None:
    """ "Give your opinion", in the home screen's row beside the view switch (``taken``),
    where reading starts: below the ticket button, never over it."""
    lay = ctx.layout
    width = taken.x - lay.gap - row.x
    if width < lay.min_target_px:
        return
    box = pygame.Rect(row.x, row.y, width, row.height)
    frame.items.append(
        # No pictogram: the row is shared with the view switch, and the words must stay
        # at the screen's minimum text size.
        ctx.button(Action("survey"), box, ctx._("Give your opinion"))
    )


def _back(ctx: ScreenContext, frame: Frame) -> pygame.Rect:
    lay = ctx.layout
    bar = lay.bottom_bar()
    box = pygame.Rect(bar.x, bar.y, max(lay.min_target_px, bar.width // 3), bar.height)
    frame.items.append(ctx.button(Action("back"), box, ctx._("Back"), pictogram="back"))
    return bar


def survey(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("survey")
    title = ctx._("Give your opinion") if lay.is_portrait else ctx._(QUESTION)
    top = header_band(ctx, frame, title, is_clock=False)  # portrait: the question below it
    bar = _back(ctx, frame)
    area = pygame.Rect(lay.margin, max(top + lay.margin, lay.reach_top), 0, 0)
    area.width = lay.width - 2 * lay.margin
    area.height = bar.y - lay.gap - area.y
    if lay.is_portrait:
        hint = pygame.Rect(lay.margin, top + lay.margin, area.width, area.y - top - 2 * lay.margin)
        frame.items.append(ctx.text(ctx._(QUESTION), hint, "body", 40, is_bold=True))
        cells = lay.grid(area, 4, cols=1)
    elif lay.text_scale > 1:  # the larger-text view: two by two, so the words stay large
        cells = lay.grid(area, 4, cols=2)
    else:
        cells = lay.row(area, 4)
    for score, box in zip(SCORE_WORDS, cells, strict=True):
        frame.items.append(
            ctx.button(
                Action("survey_score", str(score)),
                box,
                ctx._(SCORE_WORDS[score]),
                30,
                pictogram=f"face-{score}",
            )
        )
    return frame


def survey_reason(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("survey_reason")
    top = header_band(ctx, frame, ctx._("What mattered most? (optional)"), is_clock=False)
    bar = lay.bottom_bar()
    skip = lay.row(bar, 1, max(lay.min_target_px, lay.px(320)))[0]
    area = pygame.Rect(lay.margin, max(top + lay.margin, lay.reach_top), 0, 0)
    area.width = lay.width - 2 * lay.margin
    area.height = bar.y - lay.gap - area.y
    if lay.is_portrait:
        hint = pygame.Rect(lay.margin, top + lay.margin, area.width, area.y - top - 2 * lay.margin)
        frame.items.append(
            ctx.text(ctx._("Your answer is recorded. Tell us why if you wish."), hint, "body", 34)
        )
    if lay.is_portrait and lay.text_scale > 1:  # the larger-text view: one a row
        cells = lay.grid(area, len(REASON_WORDS), cols=1)
    else:
        if lay.text_scale > 1:  # larger text: the words take the margins' room too
            area = area.inflate(lay.margin * 3 // 2, lay.gap)
        aspect = 2.4 if lay.is_portrait else 1.6 if lay.text_scale > 1 else 2.2
        cells = lay.grid(area, len(REASON_WORDS), aspect=aspect)
    for reason, box in zip(REASON_WORDS, cells, strict=True):
        frame.items.append(
            ctx.button(Action("survey_reason", reason), box, ctx._(REASON_WORDS[reason]), 28)
        )
    frame.items.append(ctx.button(Action("survey_skip"), skip, ctx._("Skip"), 30, is_primary=True))
    return frame


def survey_thanks(ctx: ScreenContext, flow: ScreenFlow) -> Frame:
    lay = ctx.layout
    frame = Frame("survey_thanks", background_action=Action("dismiss"))
    area = lay.screen.inflate(-2 * lay.margin, -2 * lay.margin)
    third = area.height // 3
    icon = pygame.Rect(area.x, area.y, area.width, third)
    head = pygame.Rect(area.x, icon.bottom, area.width, third)
    body = pygame.Rect(area.x, head.bottom, area.width, area.bottom - head.bottom)
    frame.items.append(Icon("check", icon, "body"))
    frame.items.append(ctx.text(ctx._("Thank you for your answer"), head, "body", 44, is_bold=True))
    frame.items.append(ctx.text(ctx._("It helps us improve how we welcome you."), body, "body", 30))
    return frame


BUILDERS = {"survey": survey, "survey_reason": survey_reason, "survey_thanks": survey_thanks}
