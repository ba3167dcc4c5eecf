"""Contract sections 1 and 2: configuration errors as one line on stderr, exit 2, never a
traceback; relative paths resolved against the configuration file's folder."""

from __future__ import annotations

import textwrap

import pytest

from .conftest import DEFAULT_CATEGORIES, events_named, write_config

BASE = textwrap.dedent(
    """\
    [kiosk]
    id = "cfg-1"
    site = "Mairie"
    timezone = "Europe/Paris"
    languages = ["fr", "en"]
    data_dir = "data"

    [printer]
    url = "virtual://out"

    [hours]
    monday = ["08:30-12:00", "13:30-17:00"]

    [[categories]]
    id = "etat-civil"
    prefix = "A"
    label = { fr = "État civil", en = "Civil status" }

    [[categories]]
    id = "urbanisme"
    prefix = "U"
    label = { fr = "Urbanisme" }
    """
)
FIRST_CATEGORY = 'label = { fr = "État civil", en = "Civil status" }\n'
PRINTER_FORMS = ("usb://", "serial://", "tcp://", "file://", "virtual://")

# name: (old text of BASE, new text, fragments the error line must hold)
CASES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "unknown key at top level": ("[kiosk]\n", 'colour = "red"\n[kiosk]\n', ("colour", '"red"')),
    "unknown key in a section": (
        'site = "Mairie"\n',
        'site = "Mairie"\nlangauges = ["fr"]\n',
        ("[kiosk]", "langauges"),
    ),
    "unknown key in a category": (
        FIRST_CATEGORY,
        FIRST_CATEGORY + 'colour = "red"\n',
        ("categories", "colour", '"red"'),
    ),
    "bad kiosk.id": ('id = "cfg-1"', 'id = "Mairie 1"', ("[kiosk]", "id", "Mairie 1")),
    "bad timezone": (
        '"Europe/Paris"',
        '"Europe/Pariss"',
        ("[kiosk]", "timezone", "Europe/Pariss"),
    ),
    "empty languages": ('["fr", "en"]', "[]", ("[kiosk]", "languages", "[]")),
    "label missing the default language": (
        'label = { fr = "Urbanisme" }',
        'label = { en = "Planning" }',
        ("categories", "label", "Planning", "fr"),
    ),
    "duplicate category id": ('id = "urbanisme"', 'id = "etat-civil"', ("id", "etat-civil")),
    "duplicate prefix": ('prefix = "U"', 'prefix = "A"', ("prefix", '"A"')),
    "bad prefix": ('prefix = "U"', 'prefix = "u1"', ("prefix", "u1")),
    "bad hours range": (
        '["08:30-12:00", "13:30-17:00"]',
        '["8h30-12h"]',
        ("[hours]", "monday", "8h30-12h"),
    ),
    "start after end": (
        '["08:30-12:00", "13:30-17:00"]',
        '["17:00-08:30"]',
        ("[hours]", "monday", "17:00-08:30"),
    ),
    "overlapping ranges": (
        '["08:30-12:00", "13:30-17:00"]',
        '["08:30-12:00", "11:30-17:00"]',
        ("[hours]", "monday", "11:30-17:00"),
    ),
    "24:00 as a start": (
        '["08:30-12:00", "13:30-17:00"]',
        '["08:30-12:00", "24:00-24:00"]',
        ("[hours]", "monday", "24:00-24:00"),
    ),
    "bad printer url scheme": (
        'url = "virtual://out"',
        'url = "lpt://1"',
        ("[printer]", "url", "lpt://1", *PRINTER_FORMS),
    ),
    "server url not http(s)": (
        "[hours]\n",
        '[server]\nurl = "ftp://file.example.org"\ntoken_file = "token"\n\n[hours]\n',
        ("[server]", "url", "ftp://file.example.org", "http"),
    ),
    # issue 10, items 12 and 13: check-config said valid, then run failed or misbehaved
    "plain http to another machine": (
        "[hours]\n",
        '[server]\nurl = "http://file.example.org"\ntoken_file = "token"\n\n[hours]\n',
        ("[server]", "url", "http://file.example.org", "allow_insecure_http"),
    ),
    "an empty [server] table": ("[hours]\n", "[server]\n\n[hours]\n", ("[server]", "url")),
    "missing ca_bundle": (
        "[hours]\n",
        '[server]\nurl = "https://file.example.org"\ntoken_file = "token"\n'
        'ca_bundle = "ca.pem"\n\n[hours]\n',
        ("[server]", "ca_bundle", "ca.pem"),
    ),
    "a language without a catalog": (
        '["fr", "en"]',
        '["fr", "zz"]',
        ("[kiosk]", "languages", "zz", "en, fr"),
    ),
    "a time zone that is a folder": (
        '"Europe/Paris"',
        '"Europe"',
        ("[kiosk]", "timezone", "Europe"),
    ),
    "a 5,000-character time zone": (
        '"Europe/Paris"',
        '"' + "E" * 5000 + '"',
        ("[kiosk]", "timezone"),
    ),
    "a trailing newline in an id": (
        'id = "cfg-1"',
        'id = "cfg-1\\n"',
        ("[kiosk]", "id", "cfg-1\\n"),
    ),
    "qr_url with a huge format spec": (
        'url = "virtual://out"',
        'url = "virtual://out"\nqr_url = "https://x.org/{kiosk:>50000}"',
        ("[printer]", "qr_url", "{kiosk:>50000}", "{number}"),
    ),
    "qr_url with an attribute": (
        'url = "virtual://out"',
        'url = "virtual://out"\nqr_url = "https://x.org/{kiosk.upper}"',
        ("[printer]", "qr_url", "{kiosk.upper}"),
    ),
    "qr_url with an index": (
        'url = "virtual://out"',
        'url = "virtual://out"\nqr_url = "https://x.org/{kiosk[a]}"',
        ("[printer]", "qr_url", "{kiosk[a]}"),
    ),
    "qr_url of 8,000 characters": (
        'url = "virtual://out"',
        'url = "virtual://out"\nqr_url = "https://x.org/' + "a" * 8000 + '"',
        ("[printer]", "qr_url", "256"),
    ),
    "a 20,000-character site": (
        'site = "Mairie"',
        'site = "' + "S" * 20_000 + '"',
        ("[kiosk]", "site", "80"),
    ),
    "the same GPIO pin written two ways": (
        "[hours]\n",
        '[gpio]\nticket_button_pin = "GPIO17"\nticket_button_category = "etat-civil"\n'
        'status_led_pin = "BOARD11"\n\n[hours]\n',
        ("[gpio]", "status_led_pin", "BOARD11", "GPIO17"),
    ),
    "an unknown GPIO pin form": (
        "[hours]\n",
        '[gpio]\nstatus_led_pin = "GPIO99"\n\n[hours]\n',
        ("[gpio]", "status_led_pin", "GPIO99"),
    ),
    "a parent as the ticket button's category": (
        "[hours]\n",
        '[gpio]\nticket_button_pin = "GPIO17"\nticket_button_category = "france-services"\n'
        "\n[hours]\n",
        ("[gpio]", "ticket_button_category", "france-services"),
    ),
}
# Appended to BASE for the cases about sub-categories.
SUB_CATEGORIES = (
    '\n[[categories]]\nid = "france-services"\nlabel = { fr = "France services" }\n'
    '\n[[categories]]\nid = "fs-caf"\nparent = "france-services"\nprefix = "FC"\n'
    'label = { fr = "CAF" }\n'
)


def assert_one_config_error_line(out, path, fragments=()):
    """The contract's shape of a configuration error."""
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}: {lines}"
    line = lines[0]
    assert line.startswith("kiosk: config error: "), line
    assert str(path) in line, f"the file {path} is not named: {line}"
    assert "expected" in line or "known keys" in line, f"what is expected is not said: {line}"
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} is not named in: {line}"


@pytest.mark.parametrize("case", list(CASES))
def test_config_error_is_one_line_exit_2(kiosk, tmp_path, case):
    """ "A configuration error is reported as exactly one line on stderr that starts with
    `kiosk: config error: `, names the file, the section and key (or the line for a TOML
    syntax error), the bad value and what is expected, then exit code 2. Never a
    traceback." """
    old, new, fragments = CASES[case]
    assert old in BASE
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.replace(old, new, 1) + SUB_CATEGORIES, encoding="utf-8")
    assert_one_config_error_line(kiosk.run("check-config", str(path)), path, fragments)


def test_the_base_configuration_is_valid(kiosk, tmp_path):
    """(The cases above differ from a valid file by one change only.)"""
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE, encoding="utf-8")
    out = kiosk.run("check-config", str(path))
    assert out.returncode == 0, out.stderr
    path.write_text(BASE + SUB_CATEGORIES, encoding="utf-8")
    out = kiosk.run("check-config", str(path))
    assert out.returncode == 0, out.stderr


def test_deeply_nested_toml_is_one_config_error_line(kiosk, tmp_path):
    """tomllib recurses once per level: 100,000 nested arrays raised RecursionError."""
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    out = kiosk.run("check-config", str(path))
    assert_one_config_error_line(out, path, ("too deeply nested",))


def test_plain_http_is_accepted_when_the_file_says_it_is_a_test_server(kiosk, tmp_path):
    path = tmp_path / "kiosk.toml"
    server = (
        '[server]\nurl = "http://file.example.org"\ntoken_file = "token"\n'
        "allow_insecure_http = true\n\n[hours]\n"
    )
    path.write_text(BASE.replace("[hours]\n", server, 1), encoding="utf-8")
    out = kiosk.run("check-config", str(path))
    assert out.returncode == 0, out.stderr


def test_no_categories(kiosk, tmp_path):
    """ "there is at least one category" """
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.split("[[categories]]")[0], encoding="utf-8")
    assert_one_config_error_line(kiosk.run("check-config", str(path)), path, ("categories",))


def test_toml_syntax_error_names_the_line(kiosk, tmp_path):
    """ "... names the file, the section and key (or the line for a TOML syntax error)" """
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.replace('site = "Mairie"', "site = Mairie"), encoding="utf-8")
    out = kiosk.run("check-config", str(path))
    assert "Traceback" not in out.stderr
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: config error: "), lines
    assert str(path) in lines[0]
    assert "line 3" in lines[0], f"the line of the syntax error is not named: {lines[0]}"


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--headless", "--config"),
        ("status", "--config"),
        ("print-test", "--config"),
        ("screenshots", "--out", "shots", "--config"),
    ],
    ids=lambda a: a[0],
)
def test_every_command_reports_config_errors_the_same_way(kiosk, tmp_path, args):
    """ "A configuration error is reported as exactly one line on stderr ... then exit code
    2." (`run`, `print-test`, `screenshots`: "2 configuration")"""
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.replace('id = "cfg-1"', 'id = "CFG 1"'), encoding="utf-8")
    out = kiosk.run(*args, str(path))
    assert_one_config_error_line(out, path, ("[kiosk]", "id", "CFG 1"))


# ---- relative paths -------------------------------------------------------------------------


def test_relative_paths_are_relative_to_the_config_folder(kiosk, tmp_path, stub):
    """ "Relative paths (`data_dir`, `token_file`, `file://`, `virtual://`) are relative to
    the configuration file's folder." (data_dir, token_file and virtual:// here)"""
    folder = tmp_path / "etc-kiosk"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    config = write_config(folder, kiosk_id="relative-1", server_url=stub.url)
    assert (
        'data_dir = "data"' in config.read_text() and 'token_file = "token"' in config.read_text()
    )
    process = kiosk.start(config, "ticket etat-civil\n", cwd=elsewhere)
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the ticket printed")
    # The token was read from the configuration's folder: the server accepted the events.
    is_delivered = stub.wait_for_events(3, kiosk_id="relative-1", timeout_s=20)
    assert process.terminate() == 0, process.stderr[-2000:]
    assert is_delivered, (
        f"no event reached the server: token_file not read relative to the config? {process.stderr[-3000:]}"
    )
    assert (folder / "data").is_dir() and any((folder / "data").iterdir()), "data_dir"
    assert any(p.suffix == ".bin" for p in (folder / "out").iterdir()), "virtual://"
    assert list(elsewhere.iterdir()) == [], "something was written relative to the cwd"


def test_relative_file_url_is_relative_to_the_config_folder(kiosk, tmp_path):
    """ "Relative paths (... `file://` ...) are relative to the configuration file's
    folder." """
    folder = tmp_path / "etc-kiosk"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    config = write_config(folder, printer_url="file://printer.bin")
    out = kiosk.run("print-test", "--config", str(config), cwd=elsewhere)
    assert "Traceback" not in out.stderr
    assert (folder / "printer.bin").is_file(), f"file:// not under {folder}: {out.stderr}"
    assert (folder / "printer.bin").stat().st_size > 100
    assert not (elsewhere / "printer.bin").exists()


# ---- texts that reached the screen raw (issue 10, items 7 and 8) --------------------------

NUL_CATEGORIES = DEFAULT_CATEGORIES.replace(
    'label = { fr = "État civil", en = "Civil status" }',
    'label = { fr = "État\\u0000 civil\\u202e", en = "Civil\\u0000 status" }',
)


def test_a_nul_in_a_label_and_the_site_does_not_stop_the_kiosk(kiosk, tmp_path):
    """A NUL that check-config accepted made pygame refuse to render: the kiosk crashed at
    every start, in a loop under systemd."""
    config = write_config(tmp_path, categories=NUL_CATEGORIES)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"Hôtel de ville"', '"Hôtel\\u0000 de ville"'), "utf-8")
    assert kiosk.run("check-config", str(config)).returncode == 0
    out, trace = kiosk.replay(config, "ticket etat-civil\nquit\n")
    assert out.returncode == 0, out.stderr[-3000:]
    assert [t["category"] for t in events_named(trace, "issued")] == ["etat-civil"]
    assert len(events_named(trace, "printed")) == 1


def test_a_nul_in_a_long_server_message_does_not_stop_the_kiosk(kiosk, tmp_path, stub):
    """The server's banner is shown on the home and category screens: a NUL in it crashed
    the kiosk, 20,000 characters froze the UI loop while fitting them."""
    config = write_config(tmp_path, kiosk_id="nul-message-1", server_url=stub.url)
    stub.message = {"fr": "Fermeture\x00 à 16 h \u202e" + "A" * 20_000, "en": "\x00"}
    try:
        out, trace = kiosk.replay(
            config, "ticket etat-civil\nwait 2\ntouch 400 240\nticket etat-civil\nquit\n"
        )
    finally:
        stub.message = None
    assert out.returncode == 0, out.stderr[-3000:]
    assert len(events_named(trace, "printed")) == 2
    state_gets = [
        r
        for r in stub.recorded_requests()
        if r.method == "GET" and r.path.endswith("/kiosks/nul-message-1/state")
    ]
    assert state_gets, "the kiosk never fetched the state: the test proves nothing"
