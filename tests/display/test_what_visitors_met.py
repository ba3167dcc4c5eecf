"""Issue 13: what visitors and technicians met when they tried the kiosk. Each test reads
what a visitor reads (the frame's words, measured boxes), on the real screen builders."""

from __future__ import annotations

import datetime as dt

import pygame
import pytest

from display.render import Renderer
from display.screens import ScreenContext, hours_lines
from display.screenshots import MOMENT_UTC, build_scene, layout_for, scenes
from display.text import TextCache
from display.theme import theme_for
from display.view import Action, Button, Text
from kiosk.core.messages import KioskSnapshot


@pytest.fixture(scope="module")
def texts(pygame_display: None) -> TextCache:
    return TextCache()


def _scene(config, name: str, language: str, size=(800, 480)):
    scene = next(s for s in scenes(config, language) if s.name == name)
    return scene, build_scene(config, scene, layout_for(config, size))


def _words(frame) -> str:
    parts = [i.text for i in frame.items if isinstance(i, Text)]
    parts += [b.label for b in frame.buttons]
    parts += [b.note for b in frame.buttons if b.note]
    return "\n".join(parts)


@pytest.mark.parametrize(
    "name", ["closed", "closed-holiday", "out-of-order", "out-of-order-paused"]
)
def test_closed_and_out_of_order_screens_offer_every_language(config_factory, name):
    config = config_factory()
    _, frame = _scene(config, name, "fr")
    codes = [b.action.arg for b in frame.buttons if b.action.kind == "language"]
    assert codes == list(config.kiosk.languages)
    _, en = _scene(config, name, "en")
    assert "Fermé" not in _words(en) and "Hors service" not in _words(en)


def test_the_paused_screen_says_so_in_every_language(config_factory):
    config = config_factory()
    assert "suspendue" in _words(_scene(config, "out-of-order-paused", "fr")[1])
    assert "paused" in _words(_scene(config, "out-of-order-paused", "en")[1])
    assert "الاستقبال" in _words(_scene(config, "out-of-order-paused", "ar")[1])


def test_failed_print_gives_the_number_and_the_reception_desk(config_factory):
    config = config_factory()
    words = _words(_scene(config, "ticket-voided", "fr")[1])
    assert "Votre numéro : A042 — présentez-vous à l’accueil" in words
    words = _words(_scene(config, "ticket-voided", "en")[1])
    assert "Your number: A042 — please go to the reception desk" in words
    for name in ("out-of-order", "refused-printer"):
        assert "guichet" not in _words(_scene(config, name, "fr")[1])


def test_come_back_and_no_more_tickets_read_as_sentences(config_factory):
    config = config_factory()
    fr = _words(_scene(config, "refused-closed", "fr")[1])
    assert "Revenez vendredi 27 novembre à partir de 8\u00a0h\u00a030" in fr
    en = _words(_scene(config, "refused-closed", "en")[1])
    assert "Please come back on Friday 27 November from 8:30" in en
    cap = _words(_scene(config, "refused-cap", "fr")[1])
    assert "Il n’y a plus de tickets pour cette démarche aujourd’hui." in cap


def test_hours_are_written_one_way_and_english_days_keep_capitals(config_factory):
    config = config_factory()
    layout = layout_for(config, (800, 480))

    def lines(language: str) -> list[str]:
        ctx = ScreenContext(config, layout, language, KioskSnapshot(), MOMENT_UTC)
        return hours_lines(ctx)

    assert (
        lines("fr")[0]
        == "Lundi au vendredi : 8\u00a0h\u00a030\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 17\u00a0h"
    )
    assert lines("en")[0] == "Monday to Friday: 8:30–12:00, 13:30–17:00"
    assert "Saturday and Sunday" in lines("en")[1]


def test_empty_queue_tiles_say_no_wait_and_first_visitor_is_next(config_factory):
    from display.flow import ScreenFlow, TicketFlow
    from display.screens import build_visitor
    from kiosk.core.messages import CategoryQueue, TicketIssued

    config = config_factory()
    layout = layout_for(config, (800, 480))
    first = config.ticket_categories[0]
    snapshot = KioskSnapshot(queues={first.id: CategoryQueue(waiting=0)})
    flow = ScreenFlow(config, post=lambda _: None, emit=lambda *a, **k: None, now_s=0.0)
    flow.language, flow.screen = "fr", "categories"
    ctx = ScreenContext(config, layout, "fr", snapshot, MOMENT_UTC)
    tile = build_visitor(ctx, flow, "categories").button_for(Action("category", first.id))
    assert tile is not None and tile.note == "Aucune attente"
    flow.screen = "ticket"
    flow.flow = TicketFlow(
        first.id, issued=TicketIssued("t", "A001", first.id, "fr", people_ahead=0)
    )
    assert "Vous êtes le prochain" in _words(build_visitor(ctx, flow, "ticket"))


@pytest.mark.parametrize("size", [(800, 480), (1024, 600), (1080, 1920)], ids=str)
def test_every_tile_has_its_pictogram_and_one_weight(config_factory, texts, size):
    """Long labels keep their pictogram; every label in the same weight; nothing drawn
    touches a tile's outline."""
    config = config_factory(size=size, n_categories=5)
    _, frame = _scene(config, "categories", "fr", size)
    layout = layout_for(config, size)
    renderer = Renderer(theme_for("default"), texts, layout.scale)
    renderer.draw(pygame.Surface(size), frame)
    tiles = [b for b in frame.buttons if b.is_tile]
    assert tiles
    for tile in tiles:
        picto, label, _subtitle, note = renderer.tile_boxes(tile)
        assert picto.width > 0, tile.label
        inner = tile.box.inflate(-2 * renderer.border_px, -2 * renderer.border_px)
        for box in (picto, label, note):
            if box is not None and box.width:
                assert inner.contains(box) and box.left > inner.left and box.right < inner.right
    weights = {
        p.text: renderer.is_tile_bold
        for p in renderer.placements
        if p.text in {t.label for t in tiles}
    }
    assert len(set(weights.values())) == 1
    notes = [(renderer.tile_boxes(t)[3], t) for t in tiles]
    places = {(n.height, n.bottom - t.box.bottom) for n, t in notes if n is not None}
    assert len(places) <= 1  # the note row, when kept, in the same place on every tile


def test_subtitle_is_configured_and_shown_where_it_fits(config_factory, texts):
    import dataclasses
    from pathlib import Path

    from kiosk.config import load_config

    root = Path(__file__).resolve().parents[2]
    ccas = load_config(root / "config" / "ccas.toml")
    assert ccas.category("domiciliation").subtitle_for("fr", "fr") == (
        "Recevoir son courrier au CCAS"
    )
    config = config_factory(n_categories=2, with_children=False)
    first = dataclasses.replace(config.categories[0], subtitle={"fr": "Recevoir son courrier"})
    config = dataclasses.replace(config, categories=(first, *config.categories[1:]))
    size = (800, 480)
    _, frame = _scene(config, "categories", "fr", size)
    renderer = Renderer(theme_for("default"), texts, layout_for(config, size).scale)
    renderer.draw(pygame.Surface(size), frame)
    placed = [p for p in renderer.placements if p.text == "Recevoir son courrier"]
    assert placed and placed[0].px >= placed[0].min_px


def test_technician_menu_speaks_the_default_language_in_local_time(config_factory):
    config = config_factory()
    _, frame = _scene(config, "tech-menu", "en")  # a visitor had chosen English
    words = _words(frame)
    assert "Imprimante : papier bientôt épuisé" in words
    assert "paper_near_end" not in words
    local = (MOMENT_UTC - dt.timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert f"dernière à {local.hour}\u00a0h\u00a0{local.minute:02d}" in words  # Paris, not UTC
    prefixes = [c.prefix for c in config.ticket_categories]
    assert all(
        c.id not in words.split("Aujourd’hui : ")[1].split("\n")[0]
        for c in config.ticket_categories
    )
    assert f"{prefixes[0]} 10" in words


def test_technician_actions_give_feedback_and_restart_asks_first(config_factory):
    from display.flow import ScreenFlow
    from kiosk.core.messages import PrintTestRequest, QuitRequest

    config = config_factory()
    posted: list[object] = []
    flow = ScreenFlow(config, post=posted.append, emit=lambda *a, **k: None, now_s=0.0)
    flow.screen = "tech_menu"
    layout = layout_for(config, (800, 480))
    snap = KioskSnapshot()

    def frame():
        scene = next(s for s in scenes(config, "fr") if s.name == "tech-menu")
        scene.flow = flow
        return build_scene(config, scene, layout)

    flow.on_action(Action("tech_print_test"), 1.0, snap)
    assert posted == [PrintTestRequest()]
    assert "Ticket de test envoyé à l’imprimante" in _words(frame())
    restart = frame().button_for(Action("tech_restart_ask"))
    assert isinstance(restart, Button)
    flow.on_action(restart.action, 2.0, snap)
    assert flow.quit_code is None and QuitRequest(0) not in posted
    asked = frame()
    assert "Redémarrer la borne ?" in _words(asked)
    flow.on_action(Action("tech_restart_cancel"), 3.0, snap)
    assert not flow.is_restart_asked and flow.quit_code is None
    flow.on_action(Action("tech_restart_ask"), 4.0, snap)
    yes = frame().button_for(Action("tech_restart"))
    assert yes is not None
    flow.on_action(yes.action, 5.0, snap)
    assert flow.quit_code == 0 and posted[-1] == QuitRequest(0)


def test_pin_message_is_not_under_cancel(config_factory):
    config = config_factory()
    _, frame = _scene(config, "tech-pin-wrong", "fr")
    wrong = next(i for i in frame.items if isinstance(i, Text) and i.text == "Code incorrect")
    cancel = frame.button_for(Action("tech_close"))
    assert cancel is not None and not wrong.box.colliderect(cancel.box)


def test_a_latin_site_name_in_brackets_keeps_its_brackets_in_arabic():
    """N0 (bracket pairs): "Hôtel de ville (démo)" in a right-to-left line is one
    left-to-right run, its closing bracket included; an Arabic pair stays right to left."""
    from display.bidi import Run, visual_runs

    assert visual_runs("Hôtel de ville (démo)", is_rtl_base=True) == [
        Run("Hôtel de ville (démo)", False)
    ]
    runs = visual_runs("مرحبا (Hôtel de ville (démo)) شكرا", is_rtl_base=True)
    assert Run("Hôtel de ville (démo)", False) in runs
    assert visual_runs("(مرحبا) A042", is_rtl_base=True)[-1] == Run("(مرحبا) ", True)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
@pytest.mark.parametrize(
    ("ahead", "wait_range_s"),
    [(0, (0, 600)), (3, (600, 1200)), (1, (900, 900)), (2, (0, 20))],
    ids=["next-under-10", "10-to-20", "about-15", "under-1"],
)
def test_speech_says_the_wait_as_the_screen_writes_it(
    config_factory, language, ahead, wait_range_s
):
    """Point 3: one formatter for screen, paper and voice: the spoken ticket says "Vous êtes
    le prochain" and "moins de 10 minutes" exactly as the ticket screen writes them."""
    from display.flow import ScreenFlow, TicketFlow
    from display.screens import ahead_text, build_visitor, wait_text
    from display.spoken import Voice
    from kiosk.core.messages import TicketIssued

    config = config_factory()
    first = config.ticket_categories[0]
    issued = TicketIssued(
        "t", "A001", first.id, language, people_ahead=ahead, wait_range_s=wait_range_s
    )
    flow = ScreenFlow(config, post=lambda _: None, emit=lambda *a, **k: None, now_s=0.0)
    flow.language, flow.screen = language, "ticket"
    flow.flow = TicketFlow(first.id, issued=issued)
    layout = layout_for(config, (800, 480))
    ctx = ScreenContext(config, layout, language, KioskSnapshot(), MOMENT_UTC)
    frame = build_visitor(ctx, flow, "ticket")
    shown = "\n".join(i.text for i in frame.items if isinstance(i, Text))
    said = [p.text for p in Voice(ctx, flow, frame).screen().parts]
    for line in (ahead_text(ctx.tr, ahead), wait_text(ctx.tr, wait_range_s)):
        assert line in shown.split("\n")
        assert f"{line}." in said, (line, said)
    if language == "fr" and ahead == 0:
        assert "Vous êtes le prochain." in said
    if language == "fr" and wait_range_s == (0, 600):
        assert "Attente estimée : moins de 10 minutes." in said
