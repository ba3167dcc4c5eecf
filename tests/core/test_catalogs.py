"""The parsed message catalogs kept in the cache folder (kiosk.catalogs): a start reads the
table Babel parsed once, an edited catalog is parsed again, a damaged or unwritable cache
changes nothing a visitor reads. The same for the few CLDR names the first frame shows (the
date, the languages' names: kiosk.i18n)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime

from kiosk import catalogs, i18n
from kiosk.i18n import LOCALE_DIR

PO = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Back"
msgstr "Retour"

msgid "one waiting"
msgid_plural "%(n)d waiting"
msgstr[0] "%(n)d en attente"
msgstr[1] "%(n)d en attente (pluriel)"

#, fuzzy
msgid "Closed"
msgstr "Fermé ?"

msgid "Untranslated"
msgstr ""
"""

TABLE = {
    "Back": "Retour",
    "one waiting": ("%(n)d en attente", "%(n)d en attente (pluriel)"),
    "Untranslated": "",
}


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache" / "catalogs"
    catalogs.use_cache_dir(folder)
    yield folder
    catalogs.use_cache_dir(None)


@pytest.fixture
def po(tmp_path: Path) -> Path:
    path = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "screens.po"
    path.parent.mkdir(parents=True)
    path.write_text(PO, encoding="utf-8")
    return path


def no_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes, language: str) -> catalogs.Messages:
        raise AssertionError("Babel's parser ran: the cached table was not used")

    monkeypatch.setattr(catalogs, "parse_po", refuse)


def test_without_a_cache_folder_the_catalog_is_parsed_and_nothing_written(tmp_path, po):
    assert catalogs.read_catalog(po, "fr") == TABLE
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["screens.po"]


def test_a_second_read_uses_the_table_kept_without_parsing(cache, po, monkeypatch):
    first = catalogs.read_catalog(po, "fr")
    [kept] = cache.iterdir()
    assert kept.name.startswith("fr-screens-") and kept.suffix == ".json"
    no_babel(monkeypatch)
    again = catalogs.read_catalog(po, "fr")
    assert again == first == TABLE
    assert isinstance(again["one waiting"], tuple)  # plural forms stay a tuple


def test_an_edited_catalog_is_parsed_again_and_replaces_its_old_table(cache, po):
    catalogs.read_catalog(po, "fr")
    [old] = cache.iterdir()
    po.write_text(PO.replace('"Retour"', '"Revenir"'), encoding="utf-8")
    assert catalogs.read_catalog(po, "fr")["Back"] == "Revenir"
    [new] = cache.iterdir()
    assert new != old


def test_a_damaged_table_is_parsed_again_and_rewritten(cache, po, caplog):
    catalogs.read_catalog(po, "fr")
    [kept] = cache.iterdir()
    kept.write_text('{"format": 1, "messages": {"Back": ', encoding="utf-8")  # a power cut
    with caplog.at_level(logging.WARNING, logger="kiosk.catalogs"):
        assert catalogs.read_catalog(po, "fr") == TABLE
    assert "unreadable" in caplog.text
    assert catalogs._load(kept) == TABLE


@pytest.mark.parametrize(
    "stored",
    ['{"format": 0, "messages": {}}', '{"format": 1, "messages": {"Back": 3}}', "[]"],
)
def test_a_table_of_another_version_or_shape_is_not_used(cache, po, stored):
    catalogs.read_catalog(po, "fr")
    [kept] = cache.iterdir()
    kept.write_text(stored, encoding="utf-8")
    assert catalogs.read_catalog(po, "fr") == TABLE


def test_a_folder_that_cannot_be_written_changes_nothing_read(tmp_path, po, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    catalogs.use_cache_dir(blocker / "catalogs")
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.catalogs"):
            assert catalogs.read_catalog(po, "fr") == TABLE
    finally:
        catalogs.use_cache_dir(None)
    assert "catalog cache not kept" in caplog.text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_kept_table_of_a_real_catalog_is_what_babel_reads(cache, monkeypatch, language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "screens.po"
    parsed = catalogs.parse_po(path.read_bytes(), language)
    assert parsed and catalogs.read_catalog(path, language) == parsed
    no_babel(monkeypatch)
    assert catalogs.read_catalog(path, language) == parsed


# ---- the CLDR names the first frame shows (kiosk.i18n) ------------------------------------

# the catalogs shipped, English, and a few a town may add
LANGUAGES = sorted({p.name for p in LOCALE_DIR.iterdir() if p.is_dir()} | {"en", "es", "de", "tr"})
MOMENTS = [dt.datetime(2026, 12, 3, 9, 41), dt.datetime(2027, 1, 1, 0, 0), dt.datetime(2026, 5, 17)]


@pytest.fixture
def fresh_names() -> Iterator[None]:
    i18n._names.cache_clear()
    yield
    i18n._names.cache_clear()


def babel_long_datetime(when: dt.datetime, language: str) -> str:
    date_part = format_datetime(when, "EEEE d MMMM y", locale=i18n._babel_locale(language))
    return f"{date_part}{i18n.list_comma(language)}{i18n.format_short_time(when, language)}"


def babel_language_name(code: str) -> str:
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_names_write_what_babel_writes(cache, fresh_names, monkeypatch, language):
    def shown() -> tuple:
        return (
            [i18n.format_long_datetime(m, language) for m in MOMENTS],
            [i18n.weekday_name(d, language) for d in range(7)],
            i18n.language_name(language),
        )

    expected = (
        [babel_long_datetime(m, language) for m in MOMENTS],
        [
            str(Locale.parse(i18n._babel_locale(language)).days["format"]["wide"][d])
            for d in range(7)
        ],
        babel_language_name(language),
    )
    assert shown() == expected  # asked of Babel, then kept
    assert list(cache.glob(f"names-{language}-babel-*.json"))
    i18n._names.cache_clear()

    def refuse(language: str) -> dict:
        raise AssertionError("Babel's locale data was loaded: the kept names were not used")

    monkeypatch.setattr(i18n, "_names_from_babel", refuse)
    assert shown() == expected  # read back


def test_damaged_kept_names_are_asked_again(cache, fresh_names, caplog):
    i18n.language_name("fr")
    [kept] = cache.glob("names-fr-*.json")
    kept.write_text('{"days": ["lundi"], "months": null, "name": "français"}', encoding="utf-8")
    i18n._names.cache_clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.i18n"):
        assert i18n.format_long_datetime(MOMENTS[0], "fr") == babel_long_datetime(MOMENTS[0], "fr")
    assert "unreadable" in caplog.text


def test_without_a_cache_folder_the_names_come_from_babel(tmp_path, fresh_names):
    assert i18n.language_name("ar") == babel_language_name("ar")
    assert i18n.format_long_datetime(MOMENTS[1], "ar") == babel_long_datetime(MOMENTS[1], "ar")
    with pytest.raises(UnknownLocaleError):
        i18n.language_name("xx")  # as Babel says it
