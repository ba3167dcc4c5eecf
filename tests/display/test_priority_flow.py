"""Priority tickets on the screen (contract 5.2, 5.4): a category that offers one leads to
a short choice, "Normal ticket" first, "Priority ticket" beside it with who it is for; one
touch or one select either way; the replay's ``ticket X priority``; the ticket screen's
notice; every size and language fits."""

from __future__ import annotations

import itertools

import pygame
import pytest

from display.focus import focus_order
from display.render import Renderer
from display.screenshots import build_scene, layout_for, scenes
from display.text import TextCache
from display.theme import theme_for
from display.view import Text
from kiosk.core.messages import TicketRequest
from tests.display.test_replay_flows import events, run_app

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (1080, 1920)]


def _tickets(controller) -> list[tuple[str, bool]]:
    return [
        (r.category_id, r.is_priority) for r in controller.requests if isinstance(r, TicketRequest)
    ]


def test_replay_gets_a_priority_and_a_normal_ticket(config_factory, tmp_path, fake_controller):
    config = config_factory(priority=["etat-civil"])
    code, lines, controller, _ = run_app(
        config,
        "ticket etat-civil priority\nticket etat-civil\nticket passeports-cni\nquit\n",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == ["ready"] + ["touch", "issued", "printed"] * 3
    assert _tickets(controller) == [
        ("etat-civil", True),
        ("etat-civil", False),
        ("passeports-cni", False),  # no choice screen: it offers no priority ticket
    ]
    touches = [x for x in lines if x["event"] == "touch"]
    assert [x.get("priority") for x in touches] == [True, None, None]


def test_priority_ticket_by_keys_alone(config_factory, tmp_path, fake_controller):
    """select (take a ticket), select (the first category), down (to Priority ticket),
    select: a priority ticket without touching the screen."""
    config = config_factory(priority=["*"])
    code, lines, controller, _ = run_app(
        config,
        "key select\nkey select\nkey down\nkey select\nquit\n",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert code == 0
    assert _tickets(controller) == [("etat-civil", True)]
    assert events(lines) == ["ready", "touch", "issued", "printed"]


def test_back_from_the_choice_returns_to_the_sub_categories(
    config_factory, tmp_path, fake_controller
):
    config = config_factory(priority=["fs-caf"])
    _, _, controller, app = run_app(
        config,
        "ticket fs-caf priority\nquit\n",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert _tickets(controller) == [("fs-caf", True)]
    flow = app.flow
    assert flow is not None
    flow.screen, flow.parent_id, flow.choice_id = "priority", "france-services", "fs-caf"
    from display.view import Action
    from kiosk.core.messages import KioskSnapshot

    flow.on_action(Action("back"), 0.0, KioskSnapshot())
    assert (flow.screen, flow.parent_id) == ("categories", "france-services")


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_choice_controls_in_reading_order(config_factory, language, pygame_display):
    config = config_factory(priority=["*"])
    layout = layout_for(config, (800, 480))
    scene = next(s for s in scenes(config, language) if s.name == "priority")
    frame = build_scene(config, scene, layout)
    kinds = [b.action.kind for b in focus_order(frame)]
    assert kinds == ["normal", "priority", "back"]
    words = " ".join(t.text for t in frame.items if isinstance(t, Text))
    notice = {"fr": "carte mobilité inclusion", "en": "carte mobilité inclusion", "ar": "carte"}
    assert notice[language] in words


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_priority_screens_fit(config_factory, size, pygame_display):
    config = config_factory(size=size, n_categories=5, priority=["*"])
    layout = layout_for(config, size)
    renderer = Renderer(theme_for("default"), TextCache(), layout.scale)
    surface = pygame.Surface(size)
    problems: list[str] = []
    for language in config.kiosk.languages:
        for scene in scenes(config, language):
            if scene.name not in ("priority", "ticket-priority"):
                continue
            frame = build_scene(config, scene, layout)
            renderer.draw(surface, frame)
            where = f"{scene.name}/{language}"
            for p in renderer.placements:
                if not p.box.contains(p.used) or p.px < p.min_px or p.is_truncated:
                    problems.append(f"{where}: {p.text!r} does not fit ({p.px} px)")
            for b in frame.buttons:
                if min(b.box.size) < layout.min_target_px:
                    problems.append(f"{where}: button {b.label!r} {b.box.size} too small")
                if layout.is_portrait and b.box.top < layout.reach_top:
                    problems.append(f"{where}: button {b.label!r} above the reach line")
            for a, b in itertools.combinations(frame.buttons, 2):
                if a.box.colliderect(b.box):
                    problems.append(f"{where}: {a.label!r} and {b.label!r} overlap")
    assert not problems, "\n".join(problems[:20])


def test_the_ticket_screen_tells_to_show_the_card(config_factory, pygame_display):
    config = config_factory(priority=["*"])
    layout = layout_for(config, (800, 480))
    scene = next(s for s in scenes(config, "fr") if s.name == "ticket-priority")
    words = " ".join(
        t.text for t in build_scene(config, scene, layout).items if isinstance(t, Text)
    )
    assert "carte mobilité inclusion" in words and "agent" in words


@pytest.mark.parametrize(
    ("language", "first", "said"),
    [
        ("fr", "Ticket normal, 1 sur 3", "carte mobilité inclusion"),
        ("ar", "تَذْكِرَةٌ عَادِيَّةٌ", "بِطَاقَتَكَ"),
    ],
)
def test_the_choice_is_spoken(config_factory, language, first, said, pygame_display):
    from display.screens import ScreenContext
    from display.spoken import Voice
    from kiosk.core.messages import KioskSnapshot

    config = config_factory(priority=["*"])
    layout = layout_for(config, (800, 480))
    scene = next(s for s in scenes(config, language) if s.name == "priority")
    frame = build_scene(config, scene, layout)
    ctx = ScreenContext(config, layout, language, KioskSnapshot(), scene.moment_utc)
    text = " | ".join(p.text for p in Voice(ctx, scene.flow, frame).screen().parts)
    assert said in text and first in text
