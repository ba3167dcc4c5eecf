"""The satisfaction vote's screens and flow (contract 5.5), without the controller: one touch
on a face records the score (the reason, if given, completes that same answer; walking
away, a ticket or the idle timeout commit it alone); the texts exist in every language; the
screens fit every panel, in the larger-text view too; keys reach every control."""

from __future__ import annotations

import dataclasses
import itertools

import pygame
import pytest

from display.flow import SURVEY_REASON_S, ScreenFlow
from display.focus import focus_order
from display.render import Renderer
from display.screens import ScreenContext, build_visitor
from display.screenshots import build_scene, layout_for, scenes
from display.survey_screens import QUESTION, REASON_WORDS, SCORE_WORDS
from display.text import TextCache
from display.theme import theme_for
from display.view import Action, Text
from kiosk.core.events import SURVEY_REASONS
from kiosk.core.messages import KioskSnapshot, SurveyAnswer, SurveyRecorded, TicketIssued
from kiosk.i18n import translator

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (1080, 1920)]
SNAP = KioskSnapshot()
MESSAGES = [
    "Give your opinion",
    QUESTION,
    *SCORE_WORDS.values(),
    "What mattered most? (optional)",
    "Your answer is recorded. Tell us why if you wish.",
    *REASON_WORDS.values(),
    "Skip",
    "Thank you for your answer",
    "It helps us improve how we welcome you.",
]


def make_flow(config):
    posted: list = []
    flow = ScreenFlow(config, post=posted.append, emit=lambda *a, **k: None, now_s=0.0)
    return flow, posted


def answers(posted):
    return [(p.score, p.reason) for p in posted if isinstance(p, SurveyAnswer)]


def test_a_face_then_a_reason_is_one_answer(config_factory):
    flow, posted = make_flow(config_factory(survey=True))
    flow.on_action(Action("survey"), 1.0, SNAP)
    assert flow.screen == "survey"
    flow.on_action(Action("survey_score", "2"), 2.0, SNAP)
    assert flow.screen == "survey_reason" and answers(posted) == []
    flow.on_action(Action("survey_reason", "attente"), 3.0, SNAP)
    assert answers(posted) == [(2, "attente")]
    assert posted[-1].pressed_s == 2.0  # the face's touch: the debounce counts from it
    assert flow.screen == "survey_thanks"
    flow.on_action(Action("survey_reason", "locaux"), 3.5, SNAP)  # a second touch: nothing
    flow.on_update(SurveyRecorded(2, "attente", True), 4.0)
    assert flow.surveys_recorded == 1 and len(answers(posted)) == 1
    flow.on_action(Action("dismiss"), 5.0, SNAP)
    assert flow.screen == "home"


@pytest.mark.parametrize("how", ["skip", "walk-away", "ticket-button", "key-back"])
def test_one_touch_on_a_face_records_it_whatever_comes_next(config_factory, how):
    flow, posted = make_flow(config_factory(survey=True))
    flow.on_action(Action("survey"), 1.0, SNAP)
    flow.on_action(Action("survey_score", "4"), 2.0, SNAP)
    if how == "skip":
        flow.on_action(Action("survey_skip"), 3.0, SNAP)
    elif how == "walk-away":
        flow.tick(2.0 + SURVEY_REASON_S - 0.1)
        assert answers(posted) == []
        flow.tick(2.0 + SURVEY_REASON_S)
        assert flow.screen == "home"
    elif how == "ticket-button":  # the physical ticket button, pressed by the next visitor
        flow.on_update(TicketIssued("t1", "A001", "a", "fr"), 3.0)
        assert flow.screen == "ticket"
    else:
        frame_controls = [Action("survey_reason", r) for r in SURVEY_REASONS]
        frame_controls.append(Action("survey_skip"))
        flow.on_key("back", frame_controls, None, 3.0, SNAP)
        assert flow.screen == "survey_thanks"
    assert answers(posted) == [(4, None)]


def test_back_on_the_faces_records_nothing_and_the_survey_is_off_without_the_section(
    config_factory,
):
    flow, posted = make_flow(config_factory(survey=True))
    flow.on_action(Action("survey"), 1.0, SNAP)
    flow.on_action(Action("back"), 2.0, SNAP)
    assert flow.screen == "home" and posted == []
    flow, posted = make_flow(config_factory())
    flow.on_action(Action("survey"), 1.0, SNAP)
    flow.on_action(Action("survey_score", "4"), 2.0, SNAP)
    assert flow.screen == "home" and posted == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_text_of_the_vote_is_translated(language):
    tr = translator(language, "screens")
    missing = [m for m in MESSAGES if tr.gettext(m) == m or not tr.gettext(m).strip()]
    assert not missing


@pytest.fixture(scope="module")
def texts(pygame_display: None) -> TextCache:
    return TextCache(max_surfaces=4096, max_fits=8192)


@pytest.mark.parametrize("is_large", [False, True], ids=["normal", "larger-text"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_vote_and_the_home_button_fit_every_panel(config_factory, texts, size, is_large):
    config = config_factory(size=size, survey=True)
    layout = layout_for(config, size)
    if is_large:
        layout = dataclasses.replace(layout, text_scale=1.4)
    renderer = Renderer(theme_for("high-contrast" if is_large else "default"), texts, layout.scale)
    surface = pygame.Surface(size)
    problems: list[str] = []
    shown = 0
    for language in config.kiosk.languages:
        for scene in scenes(config, language):
            if not scene.name.startswith(("survey", "home", "closed", "out-of-order")):
                continue
            shown += 1
            frame = build_scene(config, scene, layout)
            renderer.draw(surface, frame)
            where = f"{scene.name}/{language}"
            headers = {i.text for i in frame.items if isinstance(i, Text) and i.role == "header"}
            for p in renderer.placements:
                if not p.box.contains(p.used):
                    problems.append(f"{where}: {p.text!r} covers {p.used} outside {p.box}")
                # the larger-text view is held to its own minimum on the vote's controls (the
                # header bands of every screen shrink to fit there, as they always have)
                is_held = not is_large or (
                    scene.name.startswith("survey") and p.text not in headers
                )
                if is_held and (p.px < p.min_px or p.is_truncated):
                    problems.append(f"{where}: {p.text!r} at {p.px} px < {p.min_px} px")
            for b in frame.buttons:
                if min(b.box.size) < layout.min_target_px:
                    problems.append(f"{where}: {b.label!r} {b.box.size} under 15 mm")
                if not layout.screen.contains(b.box):
                    problems.append(f"{where}: {b.label!r} off screen")
                if layout.is_portrait and b.box.top < layout.reach_top:
                    problems.append(f"{where}: {b.label!r} above the reach line")
            for a, b in itertools.combinations(frame.buttons, 2):
                if a.box.colliderect(b.box):
                    problems.append(f"{where}: {a.label!r} and {b.label!r} overlap")
    assert shown >= 3 * 7  # home, closed, out of order and the three vote screens, per language
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_keys_reach_every_control_in_reading_order(config_factory, texts, language):
    config = config_factory(survey=True)
    layout = layout_for(config, (800, 480))
    flow, _ = make_flow(config)
    flow.language = language
    ctx = ScreenContext(config, layout, language, SNAP, scenes_moment())
    home = [b.action for b in focus_order(build_visitor(ctx, flow, "home"))]
    assert home[0] == Action("start") and home[1] == Action("survey")
    flow.screen = "survey"
    faces = [b.action for b in focus_order(build_visitor(ctx, flow, "survey"))]
    assert faces == [*(Action("survey_score", str(s)) for s in (4, 3, 2, 1)), Action("back")]
    flow.screen = "survey_reason"
    reasons = [b.action for b in focus_order(build_visitor(ctx, flow, "survey_reason"))]
    expected = [Action("survey_reason", r) for r in SURVEY_REASONS]
    assert reasons == [*expected, Action("survey_skip")]


def scenes_moment():
    from display.screenshots import MOMENT_UTC

    return MOMENT_UTC
