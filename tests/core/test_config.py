"""Configuration validation: every mistake is one line naming the file, key, value and fix."""

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["hdv", "meje", "ccas", "demo"])
def test_bundled_configurations_are_valid(name):
    config = load_config(REPO / "config" / f"{name}.toml")
    assert config.categories
    assert config.kiosk.default_language == "fr"
    for c in config.categories:
        assert c.label["en"], f"{name}: {c.id} has no English label"


def test_town_hours_in_site_configs():
    config = load_config(REPO / "config" / "hdv.toml")
    assert config.hours_text["monday"] == ("08:30-12:00", "13:30-17:00")
    assert config.hours_text["tuesday"] == ("12:00-18:00",)
    assert config.hours_text["saturday"] == ()


def test_relative_paths_are_relative_to_the_file(config, config_path):
    assert config.kiosk.data_dir == config_path.parent / "data"
    assert config.printer.url == f"virtual://{config_path.parent / 'out'}"


def test_label_falls_back_to_default_language(config):
    assert config.category("urbanisme").label_for("en", "fr") == "Urbanisme"


BAD = [
    ('id = "test-1"', 'id = "Test_1"', "[kiosk] id", '"Test_1"'),
    ('timezone = "Europe/Paris"', 'timezone = "Mars/Olympus"', "[kiosk] timezone", "IANA"),
    ('url = "virtual://out"', 'url = "lpt://1"', "[printer] url", "usb://VID:PID"),
    ('prefix = "U"', 'prefix = "A"', "prefix", "not used by another"),
    ('prefix = "U"', 'prefix = "u1"', "prefix", "capital letters"),
    ('id = "urbanisme"', 'id = "etat-civil"', "id", "not used by another"),
    ('tuesday = ["12:00-18:00"]', 'tuesday = ["18:00-12:00"]', "[hours] tuesday", "HH:MM"),
    (
        'tuesday = ["12:00-18:00"]',
        'tuesday = ["12:00-15:00", "14:00-18:00"]',
        "[hours] tuesday",
        "overlap",
    ),
    (
        'site = "Hôtel de ville"',
        'site = "Hôtel de ville"\ncolour = "blue"',
        "[kiosk] colour",
        "unknown key",
    ),
    (
        'label = { fr = "Urbanisme" }',
        'label = { en = "Planning" }',
        "label",
        'default language "fr"',
    ),
    ("cap = 2", "cap = 0", "cap", "1 to 9999"),
    ("cap = 2", 'cap = "two"', "cap", "1 to 9999"),
    ('languages = ["fr", "en"]', "languages = []", "languages", "non-empty"),
]


@pytest.mark.parametrize("old, new, where, expected", BAD)
def test_bad_values_give_one_line(make_config_file, base_toml, old, new, where, expected):
    assert old in base_toml
    path = make_config_file(base_toml.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert where in message
    assert expected in message


def test_missing_file_and_syntax_error(tmp_path, make_config_file):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    path = make_config_file("[kiosk\nid = 1\n")
    with pytest.raises(ConfigError, match=r"TOML syntax error.*line 1"):
        load_config(path)


def test_no_categories(make_config_file, base_toml):
    text = base_toml.split("[[categories]]")[0]
    with pytest.raises(ConfigError, match="at least one"):
        load_config(make_config_file(text))


def test_typo_of_a_required_key_is_pointed_out(make_config_file, base_toml):
    path = make_config_file(base_toml.replace("site =", "sitte ="))
    with pytest.raises(ConfigError, match='found "sitte"'):
        load_config(path)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('url = "virtual://out"', 'url = "virtual://out"\nprofile = "TM-T99"', "TM-T99"),
        ('url = "virtual://out"', 'url = "virtual://out"\nlogo = "nope.png"', "nope.png"),
    ],
)
def test_printer_profile_and_logo_are_checked_with_the_file_named(
    make_config_file, base_toml, old, new, expected
):
    import subprocess
    import sys

    path = make_config_file(base_toml.replace(old, new, 1))
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"kiosk: config error: {path}: [printer]") and expected in line
