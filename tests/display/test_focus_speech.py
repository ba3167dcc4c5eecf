"""Keys alone: the focus order of every visitor screen at every size and in every language,
what speech says there (every control has words; discreet categories stay private without a
headset), and the flow's key rules (help, select, back, time limits in speech mode)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from display.flow import SPEECH_TIME_FACTOR, ScreenFlow
from display.focus import focus_order, ring_rect
from display.screens import ScreenContext
from display.screenshots import MOMENT_UTC, build_scene, layout_for, scenes
from display.spoken import Voice, spell
from display.view import Action
from kiosk.core.messages import KioskSnapshot, TicketIssued
from kiosk.core.settings import SpeechSection

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (1080, 1920)]
VISITOR = ("home", "categories", "ticket", "refused", "closed", "out_of_order")


def visitor_scenes(config, language):
    for scene in scenes(config, language):
        if scene.flow.visible(scene.snapshot) in VISITOR:
            yield scene


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_focus_order_on_every_screen(config_factory, size):
    config = config_factory(size=size, n_categories=5)
    layout = layout_for(config, size)
    checked = 0
    for language in config.kiosk.languages:
        for scene in visitor_scenes(config, language):
            frame = build_scene(config, scene, layout)
            order = focus_order(frame)
            where = f"{scene.name}-{language}-{size}"
            assert sorted(map(id, order)) == sorted(map(id, frame.buttons)), where
            if frame.screen == "home":
                assert order[0].action == Action("start"), where
            if frame.screen == "categories":
                parent = scene.flow.parent_id
                shown = config.children_of(parent) if parent else config.top_categories
                assert order[0].action.arg == shown[0].id, where
                assert order[-1].action == Action("back"), where
            # reading order: rows top to bottom, each from where reading starts
            for a, b in itertools.pairwise(order):
                if a.box.top == b.box.top:
                    assert (a.box.x > b.box.x) if frame.is_rtl else (a.box.x < b.box.x), where
                else:
                    assert a.box.top < b.box.top, where
            # the ring stays on screen and off every other button
            for button in order:
                ring, _ = ring_rect(button, layout)
                assert layout.screen.contains(ring), where
                for other in frame.buttons:
                    if other is not button:
                        assert not ring.inflate(-2, -2).colliderect(
                            other.box.inflate(-2, -2)
                        ) or other.box.colliderect(button.box), where
            checked += 1
    assert checked >= 3 * 6


def test_every_control_of_every_screen_has_spoken_words(config_factory):
    config = config_factory(n_categories=5)
    layout = layout_for(config, (800, 480))
    for language in config.kiosk.languages:
        for scene in visitor_scenes(config, language):
            frame = build_scene(config, scene, layout)
            ctx = ScreenContext(config, layout, language, scene.snapshot, MOMENT_UTC)
            voice = Voice(ctx, scene.flow, frame)
            said = voice.screen(is_help=True)
            assert said.language == language and said.text.strip(), scene.name
            for i, button in enumerate(focus_order(frame)):
                parts = voice.control(button, i + 1, len(frame.buttons))
                assert parts and parts[0].text.strip(), (scene.name, button)


def test_the_ticket_is_spoken_letter_by_letter_with_the_queue(config_factory):
    config = config_factory()
    layout = layout_for(config, (800, 480))
    [scene] = [s for s in scenes(config, "fr") if s.name == "ticket"]
    frame = build_scene(config, scene, layout)
    ctx = ScreenContext(config, layout, "fr", KioskSnapshot(), MOMENT_UTC)
    text = Voice(ctx, scene.flow, frame).screen().text
    number = scene.flow.flow.issued.number
    assert spell(number) in text and spell("A042") == "A, 0, 4, 2"
    assert "État civil" in text
    assert "3 personnes avant vous." in text
    assert "Attente estimée : 10 à 20 minutes." in text  # the screen's words (issue 13)
    assert "bac" in text  # the ticket is in the tray below


def discreet_config(config_factory, *, headset: bool):
    config = config_factory()
    cats = tuple(
        dataclasses.replace(c, is_discreet=True) if c.id == "passeports-cni" else c
        for c in config.categories
    )
    speech = SpeechSection(output="none", engine="tone", headset=headset)
    return dataclasses.replace(config, categories=cats, speech=speech)


@pytest.mark.parametrize("headset", [False, True])
def test_discreet_categories_are_named_only_in_a_headset(config_factory, headset):
    config = discreet_config(config_factory, headset=headset)
    layout = layout_for(config, (800, 480))
    flow = ScreenFlow(config, post=lambda i: None, emit=lambda *a, **k: None, now_s=0)
    flow.screen = "categories"
    texts = []
    for language in ("fr", "en"):
        flow.language = language
        ctx = ScreenContext(config, layout, language, KioskSnapshot(), MOMENT_UTC)
        from display.screens import build_visitor

        frame = build_visitor(ctx, flow, "categories")
        voice = Voice(ctx, flow, frame)
        for i in range(len(frame.buttons)):
            flow.focus = i
            texts.append(voice.focus().text)
    joined = " | ".join(texts)
    private = ("Passeports", "Passports")
    if headset:
        assert all(word in joined for word in private)
    else:
        assert not any(word in joined for word in private)
        assert "Demande, 2 sur" in joined and "Request, 2 of" in joined


def test_discreet_ticket_screen_does_not_name_the_category_aloud(config_factory):
    config = discreet_config(config_factory, headset=False)
    layout = layout_for(config, (800, 480))
    flow = ScreenFlow(config, post=lambda i: None, emit=lambda *a, **k: None, now_s=0)
    flow.screen = "categories"
    flow.on_action(Action("category", "passeports-cni"), 1.0, KioskSnapshot())
    flow.on_update(TicketIssued("t", "P007", "passeports-cni", "fr", people_ahead=0), 1.1)
    ctx = ScreenContext(config, layout, "fr", KioskSnapshot(), MOMENT_UTC)
    from display.screens import build_visitor

    text = Voice(ctx, flow, build_visitor(ctx, flow, "ticket")).screen().text
    assert "P, 0, 0, 7" in text
    assert "Passeports" not in text


def make_flow(config_factory, **kw):
    config = config_factory(**kw)
    posted = []
    flow = ScreenFlow(config, post=posted.append, emit=lambda *a, **k: None, now_s=0.0)
    return flow, posted


def test_keys_move_select_and_go_back(config_factory):
    flow, _posted = make_flow(config_factory)
    snap = KioskSnapshot()
    home = [Action("start"), Action("language", "fr"), Action("language", "en")]
    assert flow.on_key("help", home, Action("start"), 1, snap) == "screen"
    assert flow.is_speech_mode and flow.focus == 0
    assert flow.on_key("down", home, None, 1, snap) == "focus" and flow.focus == 1
    assert flow.on_key("right", home, None, 1, snap) == "focus" and flow.focus == 2
    assert flow.on_key("select", home, None, 1, snap) is None and flow.language == "en"
    assert flow.on_key("up", home, None, 1, snap) == "focus" and flow.focus == 1
    assert flow.on_key("left", home, None, 1, snap) == "focus" and flow.focus == 0
    assert flow.on_key("up", home, None, 1, snap) == "focus" and flow.focus == 2  # wraps
    flow.focus = 0
    flow.on_key("select", home, None, 1, snap)
    assert flow.screen == "categories" and flow.focus == 0
    cats = [Action("parent", "france-services"), Action("back")]
    flow.on_key("select", cats, None, 2, snap)
    assert flow.parent_id == "france-services" and flow.focus == 0
    flow.on_key("back", [Action("category", "fs-caf"), Action("back")], None, 3, snap)
    assert flow.parent_id is None and flow.screen == "categories"
    flow.on_key("back", cats, None, 4, snap)
    assert flow.screen == "home"
    assert flow.on_key("volume_up", home, None, 5, snap) == "volume"


def test_speech_mode_extends_time_limits_and_ends_at_the_idle_home(config_factory):
    flow, _ = make_flow(config_factory, idle_timeout_s=30)
    snap = KioskSnapshot()
    flow.on_key("help", [Action("start")], Action("start"), 0.0, snap)
    flow.on_key("select", [Action("start")], Action("start"), 0.0, snap)
    assert flow.screen == "categories"
    flow.tick(31.0)
    assert flow.screen == "categories"  # a slow visitor is not sent away
    assert flow.next_deadline_s() == 30 * SPEECH_TIME_FACTOR
    flow.tick(30 * SPEECH_TIME_FACTOR + 1)
    assert flow.screen == "home" and not flow.is_speech_mode and not flow.is_keys_used
    assert flow.visitors_ended == 1


def test_keys_on_a_screen_without_controls(config_factory):
    flow, _ = make_flow(config_factory)
    snap = KioskSnapshot()
    flow.screen = "ticket"
    flow.flow = None
    assert flow.on_key("down", [], Action("dismiss"), 1, snap) == "screen"
    flow.on_key("select", [], Action("dismiss"), 1, snap)
    assert flow.screen == "home"


def test_errors_and_refusals_are_spoken(config_factory):
    config = config_factory()
    layout = layout_for(config, (800, 480))
    said = {}
    for scene in scenes(config, "fr"):
        if scene.name in ("refused-closed", "refused-printer", "ticket-voided", "closed"):
            frame = build_scene(config, scene, layout)
            ctx = ScreenContext(config, layout, "fr", scene.snapshot, MOMENT_UTC)
            said[scene.name] = Voice(ctx, scene.flow, frame).screen().text
    assert said["refused-closed"].startswith("Le service est fermé. Revenez vendredi 27 novembre")
    assert "imprimante" in said["refused-printer"]
    assert "n’a pas pu être imprimé" in said["ticket-voided"]
    assert "A042 — présentez-vous à l’accueil" in said["ticket-voided"]
    assert "OK, 1 sur 1" in said["refused-printer"]
    assert said["closed"].startswith("Hôtel de ville de Miramas")


def test_replay_key_lines():
    from kiosk.core.errors import UsageError
    from kiosk.core.replay import parse_replay

    [command] = parse_replay("key volume_up  # louder", source="r")
    assert command.kind == "key" and command.key == "volume_up"
    with pytest.raises(
        UsageError, match=r'r:1: "key enter": key takes one key name among up, down'
    ):
        parse_replay("key enter", source="r")
