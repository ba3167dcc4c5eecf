"""Every screen, at every panel size and in every language, measured: no text leaves its
box or shrinks below the minimum size, touch targets are at least 15 mm, buttons stay on
screen without overlapping, and in portrait they sit in the lower part."""

from __future__ import annotations

import itertools

import pygame
import pytest

from display.render import Renderer
from display.screenshots import build_scene, layout_for, scenes
from display.text import TextCache
from display.theme import theme_for

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (1080, 1920)]


@pytest.fixture(scope="module")
def texts(pygame_display: None) -> TextCache:
    return TextCache(max_surfaces=4096, max_fits=8192)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("n_categories", "is_short"),
    [(2, False), (5, False), (11, True)],
    ids=["2-long", "6-long", "12-short"],
)
def test_every_screen_fits(config_factory, texts, size, n_categories, is_short):
    """Up to 6 top-level categories with long labels (as many as the biggest site
    configuration; its longest label has 34 characters); 12 with labels of one word."""
    config = config_factory(
        size=size, n_categories=n_categories, is_short=is_short, appointments=True
    )
    layout = layout_for(config, size)
    renderer = Renderer(theme_for("default"), texts, layout.scale)
    surface = pygame.Surface(size)
    problems: list[str] = []
    checked = 0
    for language in config.kiosk.languages:
        for scene in scenes(config, language):
            frame = build_scene(config, scene, layout)
            renderer.draw(surface, frame)
            where = f"{scene.name}/{language}"
            for p in renderer.placements:
                checked += 1
                if not p.box.contains(p.used):
                    problems.append(f"{where}: {p.text!r} covers {p.used} outside {p.box}")
                if p.px < p.min_px or p.is_truncated:
                    problems.append(f"{where}: {p.text!r} at {p.px} px < {p.min_px} px")
            buttons = frame.buttons
            for b in buttons:
                if min(b.box.size) < layout.min_target_px:
                    problems.append(
                        f"{where}: button {b.label!r} {b.box.size} < {layout.min_target_px} px (15 mm)"
                    )
                if not layout.screen.contains(b.box):
                    problems.append(f"{where}: button {b.label!r} off screen")
                if layout.is_portrait and b.box.top < layout.reach_top:
                    problems.append(f"{where}: button {b.label!r} above the reach line")
            for a, b in itertools.combinations(buttons, 2):
                if a.box.colliderect(b.box):
                    problems.append(f"{where}: buttons {a.label!r} and {b.label!r} overlap")
    assert checked > 100
    assert not problems, "\n".join(problems[:40])


def test_minimum_text_is_24_px_at_800x480(config_factory):
    config = config_factory()
    assert layout_for(config, (800, 480)).min_text_px == 24


def test_fifteen_mm_targets_on_the_official_7_inch_panel(config_factory):
    config = config_factory()  # 800 px over 154 mm
    assert layout_for(config, (800, 480)).min_target_px == 78
