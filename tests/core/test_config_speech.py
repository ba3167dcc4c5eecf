"""[speech], [keypad] and the discreet category key: defaults, the bundled CCAS site, and
one clear line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config, parse_config
from kiosk.core.errors import ConfigError
from kiosk.core.settings import DEFAULT_EVDEV_KEYS

REPO = Path(__file__).resolve().parents[2]


def base(**sections):
    data = {
        "kiosk": {"id": "k-1", "site": "Mairie", "languages": ["fr", "en"]},
        "printer": {"url": "virtual://out"},
        "categories": [{"id": "a", "prefix": "A", "label": {"fr": "A"}}],
    }
    data.update(sections)
    return data


def test_without_speech_the_kiosk_is_silent_and_has_no_keypad(tmp_path):
    config = parse_config(base(), tmp_path / "k.toml")
    assert config.speech is None
    assert not config.keypad.is_configured
    assert config.keypad.evdev_keys == DEFAULT_EVDEV_KEYS


def test_speech_and_keypad_sections(tmp_path):
    config = parse_config(
        base(
            speech={
                "output": "file://wav",
                "volume": 0.4,
                "headset": True,
                "voices": {"en": "en-us"},
            },
            keypad={
                "gpio": {"help": "GPIO5", "select": "GPIO6"},
                "evdev": "/dev/input/by-id/usb-keypad-event-kbd",
                "evdev_keys": {"KEY_KP8": "up"},
            },
        ),
        tmp_path / "k.toml",
    )
    assert config.speech is not None
    assert config.speech.output == f"file://{tmp_path / 'wav'}"
    assert config.speech.volume == 0.4 and config.speech.headset
    assert config.speech.voices == {"en": "en-us"}
    assert config.keypad.gpio == {"help": "GPIO5", "select": "GPIO6"}
    assert config.keypad.evdev == Path("/dev/input/by-id/usb-keypad-event-kbd")
    assert config.keypad.evdev_keys == {"KEY_KP8": "up"}


def test_ccas_social_categories_are_discreet():
    config = load_config(REPO / "config" / "ccas.toml")
    assert {c.id for c in config.categories if c.is_discreet} == {"aide-sociale", "domiciliation"}


@pytest.mark.parametrize(
    ("sections", "where", "shown"),
    [
        ({"speech": {"output": "pulse://x"}}, "[speech] output", '"pulse://x"'),
        ({"speech": {"volume": 1.5}}, "[speech] volume", "1.5"),
        ({"speech": {"engine": "piper"}}, "[speech] engine", '"piper"'),
        ({"speech": {"voice": "fr"}}, "[speech] voice", "unknown key"),
        ({"keypad": {"gpio": {"enter": "GPIO5"}}}, "[keypad] gpio.enter", "key name"),
        ({"keypad": {"gpio": {"help": "pin5"}}}, "[keypad] gpio.help", '"pin5"'),
        (
            {"keypad": {"gpio": {"help": "GPIO5", "back": "GPIO5"}}},
            "[keypad] gpio",
            "a different pin",
        ),
        ({"keypad": {"evdev_keys": {"KP8": "up"}}}, "[keypad] evdev_keys.KP8", "KEY_KP8"),
        ({"keypad": {"evdev_keys": {"KEY_KP8": "north"}}}, "[keypad] evdev_keys.KEY_KP8", "north"),
    ],
)
def test_mistakes_are_one_clear_line(tmp_path, sections, where, shown):
    with pytest.raises(ConfigError) as err:
        parse_config(base(**sections), tmp_path / "k.toml")
    message = str(err.value)
    assert "\n" not in message
    assert where in message and shown in message


def test_discreet_must_be_a_boolean(tmp_path):
    data = base()
    data["categories"][0]["discreet"] = "yes"
    with pytest.raises(
        ConfigError, match=r'\[categories #1\] discreet = "yes": expected true or false'
    ):
        parse_config(data, tmp_path / "k.toml")


def test_spoken_labels_are_vowelled_arabic_in_the_bundled_sites():
    for name in ("demo", "ccas"):
        config = load_config(REPO / "config" / f"{name}.toml")
        for c in config.categories:
            if "ar" in c.label and any("\u0600" <= ch <= "\u06ff" for ch in c.label["ar"]):
                spoken = c.spoken_for("ar", "fr")
                assert any("\u064b" <= ch <= "\u0652" for ch in spoken), (name, c.id)
            assert c.spoken_for("fr", "fr") == c.label["fr"]


def test_spoken_label_must_name_a_configured_language(tmp_path):
    data = base()
    data["categories"][0]["spoken_label"] = {"ar": "x"}
    with pytest.raises(ConfigError, match=r"\[categories #1\] spoken_label.ar"):
        parse_config(data, tmp_path / "k.toml")


@pytest.mark.parametrize(
    ("keypad_pin", "gpio_pin"),
    [("BOARD29", "GPIO5"), ("5", "GPIO5"), ("GPIO5", "BCM5"), ("J8:29", "BOARD29")],
)
def test_a_keypad_pin_written_another_way_is_still_the_same_pin(tmp_path, keypad_pin, gpio_pin):
    data = base(
        gpio={"ticket_button_pin": gpio_pin, "ticket_button_category": "a"},
        keypad={"gpio": {"help": keypad_pin}},
    )
    with pytest.raises(ConfigError, match=r"\[keypad\] gpio = .*a different pin for each key"):
        parse_config(data, tmp_path / "k.toml")


def test_keypad_pins_are_kept_in_one_form(tmp_path):
    config = parse_config(base(keypad={"gpio": {"help": "BOARD29"}}), tmp_path / "k.toml")
    assert config.keypad.gpio == {"help": "GPIO5"}
