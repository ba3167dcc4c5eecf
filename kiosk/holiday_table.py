"""Public holidays from the ``holidays`` package, as the calendar's :class:`HolidaySource`.

``public_holidays = "FR"`` (or ``"FR-57"``: a country's ISO 3166 code and, optionally, its
subdivision) is checked at start-up; the table of a year is built once, the first time a date
of that year is asked (the kiosk builds this year's and the next at start). Names come in
the visitor's language where the library has them (French and English for France), from our
``holidays`` catalog otherwise (Arabic), and in English as the last resort.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from kiosk.i18n import translator

logger = logging.getLogger(__name__)

# The contract writes Alsace-Moselle's departments by their numbers; the library knows
# Moselle as "57" and Bas-Rhin and Haut-Rhin together as "6AE" (Collectivité européenne
# d'Alsace). Good Friday and 26 December are holidays in all three.
SUBDIVISION_ALIASES = {("FR", "67"): "6AE", ("FR", "68"): "6AE"}


def _library() -> Any:
    import holidays  # lazily: about 0.2 s of import, only when a configuration asks for it

    return holidays


@functools.lru_cache(maxsize=1)
def supported_countries() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in _library().list_supported_countries().items()}


def valid_forms(country: str) -> list[str]:
    """The accepted values for ``country``: ``FR``, ``FR-57``, ``FR-67``, ..."""
    subdivs = list(supported_countries().get(country, ()))
    extra = [s for (c, s) in SUBDIVISION_ALIASES if c == country]
    return [country] + [f"{country}-{s}" for s in sorted(set(subdivs) | set(extra)) if " " not in s]


def parse_code(code: str) -> tuple[str, str | None]:
    """``"FR-57"`` -> ``("FR", "57")`` in the library's terms; raise ValueError naming the
    valid forms."""
    country, _, subdiv = code.strip().partition("-")
    countries = supported_countries()
    if country not in countries:
        sample = ", ".join(f'"{c}"' for c in ("FR", "BE", "CH", "DE", "LU") if c in countries)
        raise ValueError(
            f"an ISO 3166 country code the holidays package knows (such as {sample}), "
            'optionally with its subdivision ("FR-57")'
        )
    if not subdiv:
        return country, None
    library_subdiv = SUBDIVISION_ALIASES.get((country, subdiv), subdiv)
    if library_subdiv not in countries[country]:
        raise ValueError("one of " + ", ".join(valid_forms(country)))
    return country, library_subdiv


class HolidayTable:
    """Public holidays of one country (and subdivision), named in ``languages``."""

    def __init__(self, code: str, languages: Iterable[str]):
        self.code = code
        self.country, self.subdiv = parse_code(code)
        self.languages = tuple(languages)
        self._years: dict[int, dict[dt.date, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<HolidayTable {self.code} years={sorted(self._years)}>"

    def prepare(self, years: Iterable[int]) -> HolidayTable:
        """Build the tables of ``years`` now (at start-up, not while a visitor waits)."""
        for year in years:
            self._year(year)
        return self

    def names_on(self, day: dt.date) -> Mapping[str, str] | None:
        return self._year(day.year).get(day)

    def _year(self, year: int) -> dict[dt.date, dict[str, str]]:
        table = self._years.get(year)
        if table is None:
            with self._lock:
                table = self._years.get(year)
                if table is None:
                    table = self._build(year)
                    self._years[year] = table
        return table

    def _build(self, year: int) -> dict[dt.date, dict[str, str]]:
        lib = _library()
        cls = lib.country_holidays(self.country, subdiv=self.subdiv, years=year).__class__
        supported = tuple(getattr(cls, "supported_languages", ()) or ())
        english = _pick_language("en", supported)

        def names(language: str | None) -> dict[dt.date, str]:
            kwargs = {"language": language} if language else {}
            found = lib.country_holidays(self.country, subdiv=self.subdiv, years=year, **kwargs)
            return {d: str(n) for d, n in found.items()}

        in_english = names(english)
        by_language = {}
        for lang in self.languages:
            own = _pick_language(lang, supported)
            if own is not None:
                by_language[lang] = in_english if own == english else names(own)
            else:  # our catalog translates the English names (ar)
                tr = translator(lang, "holidays")
                by_language[lang] = {d: tr.gettext(n) for d, n in in_english.items()}
        table: dict[dt.date, dict[str, str]] = {}
        for day, name in in_english.items():
            table[day] = {"en": name} | {lang: by_language[lang][day] for lang in self.languages}
        logger.debug("public holidays %s %d: %d days", self.code, year, len(table))
        return table


def _pick_language(language: str, supported: tuple[str, ...]) -> str | None:
    """The library's name for ``language``: itself, or its first regional form (en_US)."""
    if language in supported:
        return language
    for s in supported:
        if s.split("_")[0] == language:
            return s
    return None
