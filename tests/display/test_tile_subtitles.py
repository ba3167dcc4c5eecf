"""Issue 13, point 5: the plain-language subtitle under a category's label is drawn on the
town's own panels. Measured on the real screen builders and renderer, for the three town
configurations, at 800x480, 1024x600 and 1080x1920, in every language they list (Arabic
mirrored), in the normal and the larger-text view, on every page of the categories."""

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


@pytest.mark.parametrize("is_large", [False, True], ids=["normal", "larger-text"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("town", TOWNS)
def test_subtitles_are_drawn_inside_their_tiles(texts, town, size, is_large):
    config = load_config(ROOT / "config" / f"{town}.toml")
    base = layout_for(config, size)
    layout = dataclasses.replace(base, text_scale=1.4) if is_large else base
    theme = theme_for("high-contrast" if is_large else "default")
    renderer = Renderer(theme, texts, base.scale)
    problems: list[str] = []
    drawn = 0
    for language in config.kiosk.languages:
        seen: list[str] = []
        for number, frame in enumerate(_pages(config, language, layout)):
            where = f"{town}/{language}/page {number + 1}"
            renderer.draw(pygame.Surface(size), frame)
            tiles = [b for b in frame.buttons if b.is_tile]
            seen += [str(b.action.arg) for b in tiles]
            placed = {p.text: p for p in renderer.placements}
            for tile in tiles:
                picto, _label_box, subtitle_box, note_box = renderer.tile_boxes(tile)
                if picto.width == 0:
                    problems.append(f"{where}: {tile.label!r} has no pictogram")
                label = placed[tile.label]
                if label.px < label.min_px or label.is_truncated:
                    problems.append(f"{where}: {tile.label!r} clipped or too small")
                inner = tile.box.inflate(-2 * renderer.border_px, -2 * renderer.border_px)
                second = renderer.tile_second_line(tile)
                # the normal view always finds room (pages if it must)
                if (
                    tile.subtitle
                    and tile.is_enabled
                    and not is_large
                    and (second != tile.subtitle or tile.subtitle not in placed)
                ):
                    problems.append(f"{where}: subtitle of {tile.label!r} not drawn")
                    continue
                if not second or second not in placed:
                    continue
                drawn += second == tile.subtitle
                sub = placed[second]
                assert subtitle_box is not None
                if sub.px < sub.min_px or sub.is_truncated or not sub.box.contains(sub.used):
                    problems.append(f"{where}: {second!r} clipped or too small")
                if not (inner.contains(sub.used) and sub.used.left > inner.left):
                    problems.append(f"{where}: {second!r} touches the outline of its tile")
                if sub.used.colliderect(label.used):
                    problems.append(f"{where}: {second!r} overlaps {tile.label!r}")
                if sub.px > label.px:
                    problems.append(f"{where}: {second!r} larger than its label")
                if note_box is not None and sub.used.colliderect(note_box):
                    problems.append(f"{where}: {second!r} overlaps the note row")
                if picto.width and sub.used.colliderect(picto):
                    problems.append(f"{where}: {second!r} overlaps the pictogram")
            # the label sits at the same height on every tile of a row (with or without one)
            rows: dict[int, set[int]] = {}
            for tile in tiles:
                rows.setdefault(tile.box.y, set()).add(renderer.tile_boxes(tile)[1].y)
            if any(len(ys) > 1 for ys in rows.values()):
                problems.append(f"{where}: labels at different heights in a row")
        shown = config.top_categories
        if sorted(seen) != sorted(c.id for c in shown):
            problems.append(f"{town}/{language}: pages show {seen}, not every category")
    if not is_large:
        assert drawn > 0
    assert not problems, "\n".join(problems[:30])


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
