"""Arabic on the screen: right-to-left layouts mirror the French ones, letters are shaped
(joined forms, lam-alef), ticket numbers and times stay left to right inside Arabic text."""

from __future__ import annotations

import pygame
import pytest

from display.bidi import Run, is_rtl_paragraph, visual_runs
from display.render import Renderer
from display.screenshots import build_scene, layout_for, scenes
from display.text import TextCache
from display.theme import theme_for
from display.view import Action, Button


@pytest.fixture(scope="module")
def texts(pygame_display: None) -> TextCache:
    return TextCache()


def _frame(config_factory, screen: str, language: str, size=(800, 480)):
    config = config_factory(size=size)
    scene = next(s for s in scenes(config, language) if s.name == screen)
    return config, build_scene(config, scene, layout_for(config, size))


def _button(frame, kind: str, arg: str | None = None) -> Button:
    button = frame.button_for(Action(kind, arg))
    assert button is not None, (kind, arg)
    return button


@pytest.mark.parametrize("size", [(800, 480), (1080, 1920)], ids=["landscape", "portrait"])
def test_categories_mirror_in_arabic(config_factory, size):
    _, fr = _frame(config_factory, "categories", "fr", size)
    config, ar = _frame(config_factory, "categories", "ar", size)
    width = size[0]
    assert ar.is_rtl and not fr.is_rtl
    assert _button(fr, "back").box.left < width // 2 < _button(ar, "back").box.right
    assert _button(ar, "back").pictogram == "back-rtl"
    first, second = (c.id for c in config.top_categories[:2])
    ar_first, ar_second = _button(ar, "category", first), _button(ar, "category", second)
    assert ar_first.box.top == ar_second.box.top
    assert ar_first.box.left > ar_second.box.left  # reading starts on the right
    for b_fr in fr.buttons:  # same targets, mirrored: nothing moves off screen or shrinks
        b_ar = _button(ar, b_fr.action.kind, b_fr.action.arg)
        assert b_ar.box.size == b_fr.box.size
        assert b_ar.box.left == width - b_fr.box.right
        assert ar.hit(b_ar.box.center) == b_ar.action


@pytest.mark.parametrize("screen", ["home", "closed", "out-of-order"])
def test_language_buttons_keep_their_places_and_name_arabic_in_arabic(config_factory, screen):
    """Issue 13: the language row does not mirror, or a second tap after choosing Arabic
    lands on the other language."""
    _, fr = _frame(config_factory, screen, "fr")
    _, ar = _frame(config_factory, screen, "ar")
    for code in ("fr", "ar"):
        assert _button(ar, "language", code).box == _button(fr, "language", code).box
        assert ar.hit(_button(fr, "language", code).box.center) == Action("language", code)
    ar_button = _button(ar, "language", "ar")
    assert ar_button.label == "العربية"
    assert ar_button.is_primary


def test_arabic_text_is_right_aligned_and_pictograms_sit_right_of_labels(config_factory, texts):
    config, ar = _frame(config_factory, "categories", "ar")
    layout = layout_for(config, (800, 480))
    renderer = Renderer(theme_for("default"), texts, layout.scale)
    surface = pygame.Surface((800, 480))
    renderer.draw(surface, ar)
    title = next(p for p in renderer.placements if p.text == "اختر الخدمة")
    assert title.used.right == title.box.right  # header title starts on the right
    back = _button(ar, "back")
    label = next(p for p in renderer.placements if p.text == "رجوع")
    # the arrow is drawn in the right part of the button, the label left of it
    assert label.box.right < back.box.right - back.box.height // 2


def test_arabic_is_shaped_not_drawn_letter_by_letter(texts):
    """Joined forms are narrower than isolated letters side by side; the lam-alef ligature
    is one glyph. Fails if SDL_ttf loses HarfBuzz or set_script/set_direction stop working."""
    word = "السلام"
    shaped = texts.width(word, 40)
    isolated = sum(texts.width(c, 40) for c in word)
    assert shaped < isolated * 0.85
    lam_alef = texts.width("لا", 40)
    assert lam_alef < texts.width("ل", 40) + texts.width("ا", 40)
    # rendered right to left: the word's first letter (alef) is at the right end
    surface = texts.render_line("ال", 40, False, (0, 0, 0), True)
    alone = texts.font(40).render("ا", True, (0, 0, 0))
    right = surface.subsurface(
        pygame.Rect(surface.get_width() - alone.get_width(), 0, alone.get_width(), 40)
    )
    assert pygame.mask.from_surface(right).count() > 0


def test_numbers_and_latin_stay_left_to_right_inside_arabic():
    assert visual_runs("رقمك A042 الآن") == [
        Run(" الآن", True),
        Run("A042", False),
        Run("رقمك ", True),
    ]
    # a range reads from the right: 08:30 first, so it appears right of 12:00
    runs = visual_runs("اليوم: 08:30–12:00", is_rtl_base=True)
    assert [r.text for r in runs] == ["12:00", "–", "08:30", "اليوم: "]
    assert visual_runs("13:30–17:00", is_rtl_base=True)[0].text == "17:00"
    assert visual_runs("13:30–17:00") == [Run("13:30–17:00", False)]
    assert visual_runs("Français العربية") == [Run("Français ", False), Run("العربية", True)]
    assert is_rtl_paragraph("3 أشخاص قبلك") and not is_rtl_paragraph("A042")


def test_the_number_renders_the_same_in_arabic_and_french_frames(texts):
    """A042 inside a right-to-left frame is not reversed into 240A."""
    rtl = texts.render_line("A042", 60, True, (0, 0, 0), True)
    ltr = texts.render_line("A042", 60, True, (0, 0, 0), False)
    assert rtl.get_size() == ltr.get_size()
    assert pygame.mask.from_surface(rtl).overlap_area(pygame.mask.from_surface(ltr), (0, 0)) == (
        pygame.mask.from_surface(ltr).count()
    )


def test_arabic_plural_forms(config_factory):
    from kiosk.i18n import translator

    tr = translator("ar", "screens")
    forms = [
        tr.ngettext("%(n)d person ahead of you", "", n) % {"n": n} for n in (0, 1, 2, 3, 11, 100)
    ]
    assert forms == [
        "لا أحد قبلك",
        "شخص واحد قبلك",
        "شخصان قبلك",
        "3 أشخاص قبلك",
        "11 شخصًا قبلك",
        "100 شخص قبلك",
    ]


def test_arabic_catalog_is_complete_with_the_same_placeholders():
    import re

    from kiosk.i18n import translator

    fr, ar = translator("fr", "screens"), translator("ar", "screens")
    placeholders = re.compile(r"%\(\w+\)[sd]")
    for msgid, text in fr._messages.items():
        assert msgid in ar._messages, msgid
        forms = ar._messages[msgid]
        if isinstance(text, str):
            assert isinstance(forms, str) and forms
            assert sorted(placeholders.findall(forms)) == sorted(placeholders.findall(msgid))


def test_technician_screens_stay_in_the_default_language(config_factory):
    _, pin = _frame(config_factory, "tech-pin", "ar")
    assert not pin.is_rtl
    assert {b.label for b in pin.buttons} >= {"Effacer", "Annuler"}
    one, three = _button(pin, "pin_digit", "1"), _button(pin, "pin_digit", "3")
    assert one.box.left < three.box.left
