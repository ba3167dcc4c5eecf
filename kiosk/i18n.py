"""Translations and locale-aware formatting, shared by the screens and the ticket.

Message catalogs are standard gettext ``.po`` files under ``kiosk/locale/LANG/LC_MESSAGES/``,
one domain per audience (``screens`` for the display, ``ticket`` for the paper). Message ids
are English. The ``.po`` files are read with Babel when first needed (no compile step to
forget; :mod:`kiosk.catalogs` keeps each parsed table in the cache folder, so that a start
does not parse them again); a missing catalog or message falls back to the English id,
logged once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime

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
    English: the date written out, the time as :func:`format_clock` writes it."""
    date_part = format_datetime(when, "EEEE d MMMM y", locale=_babel_locale(language))
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
    names = Locale.parse(_babel_locale(language)).days["format"]["wide"]
    return str(names[index])


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals (a line that starts with a weekday)."""
    return text[:1].upper() + text[1:]


def _babel_locale(language: str) -> str:
    return {"en": "en_GB"}.get(language, language)
