"""Issue 13, point 5: the plain-language subtitle under a category's label is drawn on the
town's own panels. Measured on the real screen builders and renderer, for the three town
configurations, at 800x480, 1024x600 and 1080x1920, in every language they list (Arabic
mirrored): in the normal view every category on one page, whole (pictogram, bold label,
subtitle, waiting count); in the larger-text view pages are allowed, losing a count is not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pygame
import pytest

from display.render import Renderer
from display.screenshots import build_scene, layout_for, scenes
from display.text import TextCache
from display.theme import theme_for
from display.view import Action
from kiosk.config import load_config
from kiosk.core.vocabulary import ActionKind

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(800, 480), (1024, 600), (1080, 1920)]
TOWNS = ["ccas", "hdv", "meje"]


@pytest.fixture(scope="module")
def texts(pygame_display: None) -> TextCache:
    return TextCache(max_surfaces=4096, max_fits=8192)


def _pages(config, language, layout, scene_name="categories"):
    """Every page of one categories scene, as frames."""
    scene = next(s for s in scenes(config, language) if s.name == scene_name)
    frames = [build_scene(config, scene, layout)]
    while frames[-1].button_for(Action(ActionKind.PAGE)) is not None and len(frames) < 10:
        scene.flow.category_page += 1
        frame = build_scene(config, scene, layout)
        if [b.action for b in frame.buttons] == [b.action for b in frames[0].buttons]:
            break  # round to the first page
        frames.append(frame)
    return frames


def _tile_problems(renderer: Renderer, frame, where: str, min_target_px: int) -> list[str]:
    """What is wrong with the category tiles of one drawn frame: a missing pictogram, a
    label not bold or clipped, a subtitle or count not drawn whole, anything outside its
    tile or touching its outline, two things drawn over each other, a small target."""
    problems: list[str] = []
    placed = {p.text: p for p in renderer.placements}
    for tile in (b for b in frame.buttons if b.is_tile):
        name = f"{where}: {tile.label!r}"
        if min(tile.box.size) < min_target_px:
            problems.append(f"{name} smaller than the minimum touch target")
        picto = renderer.tile_boxes(tile)[0]
        if not tile.pictogram or picto.width == 0:
            problems.append(f"{name} has no pictogram")
        inner = tile.box.inflate(-2 * renderer.border_px, -2 * renderer.border_px)
        shapes: list[tuple[str, pygame.Rect]] = [("pictogram", picto)] if picto.width else []
        for kind, text in (
            ("label", tile.label),
            ("subtitle", tile.subtitle),
            ("count", tile.note),
        ):
            if not text:
                continue
            p = placed.get(text)
            if p is None:
                problems.append(f"{name}: {kind} {text!r} not drawn")
                continue
            if p.px < p.min_px or p.is_truncated or not p.box.contains(p.used):
                problems.append(f"{name}: {kind} {text!r} clipped or too small")
            if kind == "label" and not p.is_bold:
                problems.append(f"{name}: label not bold")
            if not (inner.contains(p.used) and p.used.left > inner.left):
                problems.append(f"{name}: {kind} {text!r} touches the outline of its tile")
            shapes += [(kind, r) for r in p.lines]
        for i, (kind_a, a) in enumerate(shapes):
            for kind_b, b in shapes[i + 1 :]:
                if kind_a != kind_b and a.colliderect(b):
                    problems.append(f"{name}: its {kind_a} and {kind_b} overlap")
    return problems


def _frames_drawn(texts, town, size, is_large):
    """(where, renderer after drawing, frame) for every page of the categories screen of
    ``town`` at ``size`` in each language it lists, and the pages per language."""
    config = load_config(ROOT / "config" / f"{town}.toml")
    base = layout_for(config, size)
    layout = dataclasses.replace(base, text_scale=1.4) if is_large else base
    theme = theme_for("high-contrast" if is_large else "default")
    renderer = Renderer(theme, texts, base.scale)
    for language in config.kiosk.languages:
        pages = _pages(config, language, layout)
        for number, frame in enumerate(pages):
            renderer.draw(pygame.Surface(size), frame)
            yield config, layout, language, len(pages), number, renderer, frame


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("town", TOWNS)
def test_normal_view_shows_every_category_whole_on_one_page(texts, town, size):
    """The normal view: one page; every tile with its pictogram, bold label, subtitle and
    waiting count (or reason), each whole, at least the minimum size, inside the tile and
    apart; every tile at least the minimum touch target."""
    problems: list[str] = []
    for _config, layout, language, n_pages, number, renderer, frame in _frames_drawn(
        texts, town, size, is_large=False
    ):
        where = f"{town}/{language}/page {number + 1}"
        if n_pages != 1:
            problems.append(f"{town}/{language}: {n_pages} pages, not one")
        problems += _tile_problems(renderer, frame, where, layout.min_target_px)
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("town", TOWNS)
def test_larger_text_view_may_page_but_keeps_every_count(texts, town, size):
    """The larger-text view may spread the categories over pages; the pages together show
    every category, and no tile loses its count, subtitle or pictogram."""
    problems: list[str] = []
    seen: dict[str, list[str]] = {}
    for config, layout, language, _n, number, renderer, frame in _frames_drawn(
        texts, town, size, is_large=True
    ):
        where = f"{town}/{language}/page {number + 1}"
        seen.setdefault(language, []).extend(str(b.action.arg) for b in frame.buttons if b.is_tile)
        problems += _tile_problems(renderer, frame, where, layout.min_target_px)
        shown = sorted(c.id for c in config.top_categories)
    for language, ids in seen.items():
        if sorted(ids) != shown:
            problems.append(f"{town}/{language}: the pages show {ids}, not every category")
    assert not problems, "\n".join(problems[:30])


def test_every_drawn_tile_label_is_bold(texts):
    """The label in the same weight everywhere: portrait and landscape, with and without
    subtitles (the France services sub-categories have none)."""
    config = load_config(ROOT / "config" / "hdv.toml")
    for size in SIZES:
        layout = layout_for(config, size)
        renderer = Renderer(theme_for("default"), texts, layout.scale)
        for scene_name in ("categories", "categories-france-services"):
            for frame in _pages(config, "fr", layout, scene_name):
                renderer.draw(pygame.Surface(size), frame)
                placed = {p.text: p for p in renderer.placements}
                for tile in (b for b in frame.buttons if b.is_tile):
                    assert placed[tile.label].is_bold, (size, scene_name, tile.label)


def test_the_subtitle_is_secondary_and_readable():
    """Smaller than the label (drawn at the minimum size) and in a secondary colour that
    keeps the AA contrast on the tile, in both themes."""
    from display.theme import contrast_ratio

    for name in ("default", "high-contrast"):
        theme = theme_for(name)
        fg, bg = theme.text_pairs()["button-secondary"]
        assert fg != theme.button_text
        assert contrast_ratio(fg, bg) >= 4.5


def test_every_town_category_with_jargon_has_a_subtitle_in_each_language():
    jargon = {
        "ccas": {"aide-sociale", "portage-teleassistance", "grand-froid-canicule", "domiciliation"},
        "hdv": {"etat-civil", "urbanisme", "france-services"},
        "meje": {"periscolaire-restauration", "petite-enfance"},
    }
    for town, ids in jargon.items():
        config = load_config(ROOT / "config" / f"{town}.toml")
        for category_id in ids:
            subtitle = config.category(category_id).subtitle
            assert list(subtitle) == list(config.kiosk.languages), (town, category_id)
            assert next(iter(subtitle)) == "fr"
