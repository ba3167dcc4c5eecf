"""Translations and locale-aware formatting, shared by the screens and the ticket.

Message catalogs are standard gettext ``.po`` files under ``kiosk/locale/LANG/LC_MESSAGES/``,
one domain per audience (``screens`` for the display, ``ticket`` for the paper). Message ids
are English. The ``.po`` files are read with Babel when first needed (no compile step to
forget; :mod:`kiosk.catalogs` keeps each parsed table in the cache folder, so that a start
does not parse them again, nor load Babel's locale data for the first frame's date and
language names); a missing catalog or message falls back to the English id, logged once.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from pathlib import Path
from typing import Any

import babel
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime

from kiosk import catalogs
from kiosk.catalogs import Messages, read_catalog

logger = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


class Translator:
    """gettext-like lookups for one language and domain."""

    def __init__(self, language: str, domain: str, messages: Messages):
        self.language = language
        self.domain = domain
        self._messages = messages

    @property
    def is_rtl(self) -> bool:
        return self.language in RTL_LANGUAGES

    def gettext(self, message: str) -> str:
        text = self._messages.get(message)
        return text if isinstance(text, str) and text else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._messages.get(singular)
        if isinstance(forms, tuple) and all(forms):
            if self.language in ("fr", "en"):
                # one form for 0-1 (fr) / 1 (en), another otherwise
                index = (0 if n <= 1 else 1) if self.language == "fr" else (0 if n == 1 else 1)
            else:  # gettext orders forms as CLDR lists its categories (Arabic has six)
                index = _plural_index(self.language, n)
            return forms[min(index, len(forms) - 1)]
        return singular if n == 1 else plural

    def __repr__(self) -> str:
        return f"<Translator {self.language}/{self.domain} {len(self._messages)} messages>"


@functools.lru_cache(maxsize=64)
def translator(language: str, domain: str) -> Translator:
    """The translator for ``language`` in ``domain`` (``screens`` or ``ticket``), cached."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    messages: Messages = {}
    if language != "en":
        try:
            messages = read_catalog(path, language)
        except FileNotFoundError:
            logger.warning(
                "no %s catalog for language %r (%s): showing English", domain, language, path
            )
    return Translator(language, domain, messages)


@functools.lru_cache(maxsize=16)
def _plural_categories(language: str) -> tuple[str, ...]:
    tags = Locale.parse(language).plural_form.tags
    return (*(t for t in ("zero", "one", "two", "few", "many") if t in tags), "other")


def _plural_index(language: str, n: int) -> int:
    """The gettext plural form index of ``n`` from the CLDR rule (Babel's locale data)."""
    return _plural_categories(language).index(Locale.parse(language).plural_form(n))


def list_comma(language: str) -> str:
    """``", "``; the Arabic comma ``"، "`` in right-to-left languages."""
    return "، " if language in RTL_LANGUAGES else ", "


def format_long_datetime(when: dt.datetime, language: str) -> str:
    """``jeudi 26 novembre 2026, 9 h 41`` in French, ``Thursday 26 November 2026, 9:41`` in
    English: the date written out (CLDR's ``EEEE d MMMM y``), the time as
    :func:`format_clock` writes it."""
    names = _names(language)
    if names["days"] is None or names["months"] is None:  # a locale Babel does not know
        date_part = format_datetime(when, "EEEE d MMMM y", locale=_babel_locale(language))
    else:
        weekday, month = names["days"][when.weekday()], names["months"][when.month - 1]
        date_part = f"{weekday} {when.day} {month} {when.year}"
    return f"{date_part}{list_comma(language)}{format_short_time(when, language)}"


def format_short_time(when: dt.datetime | dt.time, language: str) -> str:
    """``8 h 30`` (French), ``8:30`` (English): every time of day on the screen and the ticket."""
    return format_clock(when.hour, when.minute, language)


def format_clock(hour: int, minute: int, language: str) -> str:
    """One way to write a time of day in each language: French ``8 h 30`` and ``12 h``
    (no-break spaces, the French administration's style), otherwise ``8:30`` and ``12:00``."""
    if language == "fr":
        return f"{hour}\u00a0h\u00a0{minute:02d}" if minute else f"{hour}\u00a0h"
    return f"{hour}:{minute:02d}"


def format_range(start: str, end: str, language: str) -> str:
    """``8 h 30 – 12 h`` (French), ``8:30–12:00``: an opening range from ``HH:MM`` strings."""
    first, last = (format_clock(*_hour_minute(t), language) for t in (start, end))
    return f"{first}\u00a0\u2013 {last}" if language == "fr" else f"{first}\u2013{last}"


def format_range_text(text: str, language: str) -> str:
    """:func:`format_range` of ``"08:30-12:00"`` (a configuration's range)."""
    start, _, end = text.partition("-")
    return format_range(start, end, language) if end else text


def _hour_minute(text: str) -> tuple[int, int]:
    hour, _, minute = text.strip().partition(":")
    return int(hour), int(minute or 0)


def weekday_name(day: dt.date | int, language: str) -> str:
    """The weekday as the language writes it in a sentence: ``lundi``, ``Monday``
    (``day`` a date or 0 for Monday)."""
    index = day if isinstance(day, int) else day.weekday()
    days = _names(language)["days"]
    if days is None:  # a locale Babel does not know: its error
        return str(Locale.parse(_babel_locale(language)).days["format"]["wide"][index])
    return str(days[index])


def language_name(code: str) -> str:
    """A language's name in itself ("Français", "English", "العربية"), capitalised, for the
    language buttons; the code itself for a language Babel does not know."""
    name = _names(code)["name"]
    return code if name is None else name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=16)
def _names(language: str) -> dict[str, Any]:
    """What the first frame shows of CLDR's data for ``language``: ``days`` (the weekdays'
    names, Monday first), ``months`` (January first), both as written in a sentence (None
    for a locale Babel does not know), and ``name``, the language's name in itself (None
    when Babel does not know it).

    Babel loads and merges a locale's whole data for them: about 70 million instructions
    for French, five times what reading them back costs. So they are kept, as JSON, in the
    catalogs' cache folder (:func:`kiosk.catalogs.use_cache_dir`), named by Babel's version
    (its CLDR data); with no folder, or a file that does not read back, Babel is asked."""
    folder = catalogs.cache_dir()
    prefix = f"names-{language}-"
    path = folder / f"{prefix}babel-{babel.__version__}.json" if folder is not None else None
    if path is not None:
        try:
            with open(path, encoding="utf-8") as f:
                return _checked_names(json.load(f))
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError) as err:
            logger.warning("locale names cache %s unreadable (%s): asked again", path, err)
    names = _names_from_babel(language)
    if path is not None:
        catalogs.store_json(path, names, prefix)
    return names


def _names_from_babel(language: str) -> dict[str, Any]:
    days: list[str] | None
    months: list[str] | None
    try:
        locale = Locale.parse(_babel_locale(language))
        days = [str(locale.days["format"]["wide"][i]) for i in range(7)]
        months = [str(locale.months["format"]["wide"][i]) for i in range(1, 13)]
    except (ValueError, LookupError, UnknownLocaleError):
        days = months = None  # the formatting functions then ask Babel, for its error
    name: str | None
    try:
        name = str(Locale.parse(language).get_display_name(language) or language)
    except (ValueError, LookupError):
        name = None
    return {"days": days, "months": months, "name": name}


def _checked_names(stored: Any) -> dict[str, Any]:
    """``stored`` when it has the shape :func:`_names_from_babel` gives; ValueError if not."""
    if not isinstance(stored, dict) or not isinstance(stored.get("name", 0), str | None):
        raise ValueError("not a table of locale names")
    for key, count in (("days", 7), ("months", 12)):
        value = stored.get(key, 0)
        if value is not None and not (
            isinstance(value, list)
            and len(value) == count
            and all(isinstance(v, str) for v in value)
        ):
            raise ValueError(f"{key}: not {count} names")
    return stored


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals (a line that starts with a weekday)."""
    return text[:1].upper() + text[1:]


def _babel_locale(language: str) -> str:
    return {"en": "en_GB"}.get(language, language)
