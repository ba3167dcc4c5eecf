"""Configuration validation: every mistake is one line naming the file, key, value and fix."""

import re
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError

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


# ---- texts: cleaned and bounded where they enter (issue 10, items 7 and 8) ----------------


def test_control_characters_are_removed_from_site_labels_and_footer(make_config_file, base_toml):
    text = (
        base_toml.replace('site = "Hôtel de ville"', 'site = "Hôtel\\u0000 de ville\\u202e"')
        .replace('label = { fr = "Urbanisme" }', 'label = { fr = "Urba\\u0000nisme\\nbis" }')
        .replace(
            'url = "virtual://out"',
            'url = "virtual://out"\nfooter = { fr = ["Merci\\u001b@", "\\u0007"] }',
        )
    )
    config = load_config(make_config_file(text))
    assert config.kiosk.site == "Hôtel de ville"
    assert config.category("urbanisme").label["fr"] == "Urbanisme bis"
    assert config.printer.footer["fr"] == ("Merci@", "")


@pytest.mark.parametrize(
    ("old", "new", "where", "limit"),
    [
        ('site = "Hôtel de ville"', 'site = "' + "x" * 20_000 + '"', "[kiosk] site", "80"),
        ('label = { fr = "Urbanisme" }', 'label = { fr = "' + "u" * 81 + '" }', "label.fr", "80"),
        (
            'url = "virtual://out"',
            'url = "virtual://out"\nfooter = { fr = ["' + "f" * 97 + '"] }',
            "[printer] footer",
            "96",
        ),
        (
            'url = "virtual://out"',
            'url = "virtual://out"\nfooter = { fr = [' + '"a", ' * 7 + "] }",
            "[printer] footer",
            "6",
        ),
    ],
    ids=["site", "label", "footer-line", "footer-lines"],
)
def test_texts_over_their_limit_are_refused_naming_key_and_limit(
    make_config_file, base_toml, old, new, where, limit
):
    path = make_config_file(base_toml.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message and where in message and limit in message
    assert len(message) < 400, "the long value is shown truncated"


def test_a_site_of_only_control_characters_is_refused(make_config_file, base_toml):
    path = make_config_file(base_toml.replace('"Hôtel de ville"', '"\\u0000\\u200e"', 1))
    with pytest.raises(ConfigError, match=r"\[kiosk\] site = .*\\u0000"):
        load_config(path)


def test_a_value_with_a_line_break_is_shown_on_one_line(make_config_file, base_toml):
    path = make_config_file(base_toml.replace('id = "test-1"', 'id = "test\\n-1"', 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "\n" not in str(info.value) and "\\n" in str(info.value)


# ---- check-config says valid, run fails (issue 10, items 12 and 13) -----------------------

GPIO = '\n[gpio]\nticket_button_pin = "{a}"\nticket_button_category = "etat-civil"\nstatus_led_pin = "{b}"\n'


@pytest.mark.parametrize(
    ("a", "b"),
    [("GPIO17", "BCM17"), ("GPIO17", "BOARD11"), ("17", "GPIO17"), ("J8:11", "BCM17")],
)
def test_the_same_gpio_pin_written_two_ways_is_refused(make_config_file, base_toml, a, b):
    path = make_config_file(base_toml + GPIO.format(a=a, b=b))
    with pytest.raises(ConfigError, match=r"\[gpio\] status_led_pin .*GPIO17.*ticket_button_pin"):
        load_config(path)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("GPIO17", "GPIO17"),
        ("BCM4", "GPIO4"),
        ("BOARD11", "GPIO17"),
        ("J8:40", "GPIO21"),
        ("27", "GPIO27"),
    ],
)
def test_gpio_pins_are_normalised(make_config_file, base_toml, raw, normal):
    path = make_config_file(
        base_toml + GPIO.format(a=raw, b="GPIO5" if normal != "GPIO5" else "GPIO6")
    )
    assert load_config(path).gpio.ticket_button_pin == normal


@pytest.mark.parametrize(
    "raw", ["GPIO17\n", "GPIO99", "BOARD1", "BOARD41", "WPI0", "gpio 17", "１７"]
)
def test_unknown_gpio_pin_forms_are_refused(make_config_file, base_toml, raw):
    text = base_toml + GPIO.format(a="GPIO5", b="X").replace('"X"', _toml_string(raw))
    with pytest.raises(ConfigError, match=r"\[gpio\] status_led_pin = .*expected .*GPIO17"):
        load_config(make_config_file(text))


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace("\n", "\\n") + '"'


def test_a_parent_category_cannot_be_the_ticket_button_category(make_config_file, base_toml):
    text = base_toml + (
        '\n[[categories]]\nid = "fs"\nprefix = "F"\nlabel = { fr = "France services" }\n'
        '\n[[categories]]\nid = "fs-caf"\nparent = "fs"\nprefix = "FC"\nlabel = { fr = "CAF" }\n'
        '\n[gpio]\nticket_button_pin = "GPIO17"\nticket_button_category = "fs"\n'
    )
    with pytest.raises(ConfigError, match=r"\[gpio\] ticket_button_category = \"fs\".*fs-caf"):
        load_config(make_config_file(text))


def test_languages_must_have_a_catalog(make_config_file, base_toml):
    path = make_config_file(base_toml.replace('["fr", "en"]', '["fr", "zz"]', 1))
    with pytest.raises(
        ConfigError, match=r'\[kiosk\] languages = \["fr", "zz"\].*"zz".*ar, en, fr'
    ):
        load_config(path)


def test_a_category_three_levels_deep_is_refused(make_config_file, base_toml):
    text = base_toml + (
        '\n[[categories]]\nid = "fs"\nlabel = { fr = "France services" }\n'
        '\n[[categories]]\nid = "fs-caf"\nparent = "fs"\nlabel = { fr = "CAF" }\n'
        '\n[[categories]]\nid = "fs-caf-rsa"\nparent = "fs-caf"\nprefix = "R"\nlabel = { fr = "RSA" }\n'
    )
    with pytest.raises(ConfigError, match=r"\[categories #5\] parent = \"fs-caf\".*top-level"):
        load_config(make_config_file(text))


def test_too_many_categories_on_one_screen_are_refused(make_config_file, base_toml):
    head = base_toml.split("[[categories]]")[0]
    cats = "".join(
        f'\n[[categories]]\nid = "c{i}"\nprefix = "{chr(65 + i)}"\nlabel = {{ fr = "C{i}" }}\n'
        for i in range(17)
    )
    with pytest.raises(ConfigError, match=r"categories.*17.*at most 16.*15 mm"):
        load_config(make_config_file(head + cats))
    assert load_config(make_config_file(head + cats.rsplit("[[categories]]", 1)[0]))


@pytest.mark.parametrize(
    "template",
    [
        "https://x.org/" + "a" * 8000,
        "https://x.org/{kiosk:>50000}",
        "https://x.org/{kiosk.upper}",
        "https://x.org/{kiosk[a]}",
        "https://x.org/{kiosk.foo}",
        "https://x.org/{kiosk!r}",
        "https://x.org/{0}",
        "https://x.org/{}",
        "https://x.org/{nope}",
        "https://x.org/{kiosk",
    ],
)
def test_bad_qr_url_templates_are_refused(make_config_file, base_toml, template):
    text = base_toml.replace(
        'url = "virtual://out"', 'url = "virtual://out"\nqr_url = ' + _toml_string(template), 1
    )
    with pytest.raises(ConfigError) as info:
        load_config(make_config_file(text))
    message = str(info.value)
    assert "[printer] qr_url" in message and "{kiosk}, {number}" in message
    assert len(message) < 500


def test_a_good_qr_url_template_is_accepted(make_config_file, base_toml):
    template = "https://file.example.org/t/{kiosk}/{number}?c={category}&d={day}&t={ticket_id}"
    text = base_toml.replace(
        'url = "virtual://out"', f'url = "virtual://out"\nqr_url = "{template}"', 1
    )
    assert load_config(make_config_file(text)).printer.qr_url == template


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('id = "test-1"', 'id = "test-1\\n"', "[kiosk] id"),
        ('prefix = "A"', 'prefix = "A\\n"', "prefix"),
        ('id = "etat-civil"', 'id = "etat-civil\\n"', "id"),
    ],
)
def test_a_trailing_newline_is_not_accepted_by_the_patterns(
    make_config_file, base_toml, old, new, where
):
    with pytest.raises(ConfigError, match=re.escape(where)):
        load_config(make_config_file(base_toml.replace(old, new, 1)))


SERVER = "\n[server]\n{body}\n"


def test_an_empty_server_section_names_the_missing_key(make_config_file, base_toml):
    with pytest.raises(ConfigError, match=r"\[server\] url is missing"):
        load_config(make_config_file(base_toml + SERVER.format(body="")))


def test_plain_http_is_refused_unless_allowed(make_config_file, base_toml, tmp_path):
    (tmp_path / "token").write_text("t\n")
    body = 'url = "http://file.example.org"\ntoken_file = "token"'
    with pytest.raises(
        ConfigError, match=r"\[server\] url = \"http://file.example.org\".*allow_insecure_http"
    ):
        load_config(make_config_file(base_toml + SERVER.format(body=body)))
    allowed = load_config(
        make_config_file(base_toml + SERVER.format(body=body + "\nallow_insecure_http = true"))
    )
    assert allowed.server is not None and allowed.server.url == "http://file.example.org"


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"])
def test_plain_http_to_this_machine_is_accepted(make_config_file, base_toml, host):
    body = f'url = "http://{host}"\ntoken_file = "token"'
    assert load_config(make_config_file(base_toml + SERVER.format(body=body))).server


def test_a_missing_ca_bundle_is_refused(make_config_file, base_toml, tmp_path):
    body = 'url = "https://file.example.org"\ntoken_file = "token"\nca_bundle = "ca.pem"'
    with pytest.raises(ConfigError, match=r"\[server\] ca_bundle = \"ca.pem\".*not found"):
        load_config(make_config_file(base_toml + SERVER.format(body=body)))
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    config = load_config(make_config_file(base_toml + SERVER.format(body=body)))
    assert config.server is not None and config.server.ca_bundle == tmp_path / "ca.pem"


@pytest.mark.parametrize(
    "tz", ["Europe", "x" * 5000, "../../../etc/passwd", "/etc/localtime", "Europe/Paris\n"]
)
def test_bad_time_zones_are_config_errors(make_config_file, base_toml, tz):
    path = make_config_file(base_toml.replace('"Europe/Paris"', _toml_string(tz), 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "[kiosk] timezone" in message and "IANA" in message and len(message) < 400


def test_deeply_nested_toml_is_a_config_error(make_config_file, base_toml):
    path = make_config_file(base_toml + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match=r"too deeply nested"):
        load_config(path)
