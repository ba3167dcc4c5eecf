"""Contract sections 1 and 2: configuration errors as one line on stderr, exit 2, never a
traceback; relative paths resolved against the configuration file's folder."""

from __future__ import annotations

import textwrap

import pytest

from .conftest import events_named, write_config

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
}


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
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    assert_one_config_error_line(kiosk.run("check-config", str(path)), path, fragments)


def test_the_base_configuration_is_valid(kiosk, tmp_path):
    """(The cases above differ from a valid file by one change only.)"""
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE, encoding="utf-8")
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
