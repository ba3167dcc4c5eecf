"""The ``[hours]`` section and the categories' ``hours`` key, read into a
:class:`~kiosk.core.calendar.Calendar`: the weekly ranges, ``public_holidays`` and
``[[hours.exceptions]]``.

Called by :mod:`kiosk.config` with its table reader (``fail``, ``get``, ``finish``), so every
error is the same one line naming the file, the key, the value and what is expected. The keys
are described in kiosk/config_keys.py (``WEEKLY``, ``HOURS``, ``HOURS_EXCEPTION``); here are
the rules a description cannot say: ranges that parse and do not overlap, exceptions in order.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

from kiosk.config_keys import (
    HOURS,
    HOURS_EXCEPTION,
    RANGES_EXPECTED,
    WEEKLY,
    Key,
    fetch,
)
from kiosk.core.calendar import (
    Calendar,
    DateException,
    HolidaySource,
    WeeklyHours,
    parse_day_ranges,
)

MAX_EXCEPTION_DAYS = 366


def parse_weekly(r: Any) -> tuple[WeeklyHours, dict[str, tuple[str, ...]]]:
    """The seven weekday keys of a table (a missing day: closed)."""
    text: dict[str, tuple[str, ...]] = {}
    for day, key in WEEKLY.items():
        ranges = fetch(r, key)
        if not all(isinstance(x, str) for x in ranges):
            r.fail(day, ranges, key.expected)
        try:
            parse_day_ranges(ranges, day)
        except ValueError as err:
            r.fail(day, ranges, f'"HH:MM-HH:MM" ranges that do not overlap ({err})')
        text[day] = tuple(ranges)
    return WeeklyHours.from_mapping(text), text


def parse_hours(
    r: Any, *, languages: Iterable[str], make_reader: Any
) -> tuple[Calendar, dict[str, tuple[str, ...]]]:
    """``[hours]``: the week, ``public_holidays`` and ``[[hours.exceptions]]``."""
    weekly, text = parse_weekly(r)
    code = fetch(r, HOURS["public_holidays"])
    holidays: HolidaySource | None = None
    if code is not None:
        from kiosk.holiday_table import HolidayTable

        try:
            holidays = HolidayTable(code, languages)
        except ValueError as err:
            r.fail("public_holidays", code, str(err))
    tables = fetch(r, HOURS["exceptions"])
    exceptions = [
        _parse_exception(make_reader(f"hours.exceptions #{i}", t), languages)
        for i, t in enumerate(tables, start=1)
    ]
    exceptions.sort(key=lambda e: e.first)
    for a, b in itertools.pairwise(exceptions):
        if b.first <= a.last:
            r.fail(
                "exceptions",
                f"{a.first}..{a.last} and {b.first}..{b.last}",
                "exceptions whose dates do not overlap (merge them or shorten one)",
            )
    r.finish()
    calendar = Calendar(weekly, holidays, tuple(exceptions), code)
    return calendar, text


def _date(r: Any, key: Key) -> dt.date | None:
    value = fetch(r, key)
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        r.fail(key.name, str(value), key.expected)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        r.fail(key.name, value, key.expected)
    return None  # not reached


def _parse_exception(r: Any, languages: Iterable[str]) -> DateException:
    first = _date(r, HOURS_EXCEPTION["from"])
    last = _date(r, HOURS_EXCEPTION["to"]) or first
    assert first is not None and last is not None
    if last < first:
        r.fail("to", last.isoformat(), f"a date on or after from = {first.isoformat()}")
    if (last - first).days + 1 > MAX_EXCEPTION_DAYS:
        r.fail(
            "to",
            last.isoformat(),
            f"at most {MAX_EXCEPTION_DAYS} days after from = {first.isoformat()} (one "
            "exception per season, the weekly hours for the rest of the year)",
        )
    ranges = fetch(r, HOURS_EXCEPTION["ranges"])
    if not all(isinstance(x, str) for x in ranges):
        r.fail("ranges", ranges, RANGES_EXPECTED)
    try:
        parsed = parse_day_ranges(ranges, "ranges")
    except ValueError as err:
        r.fail("ranges", ranges, f'"HH:MM-HH:MM" ranges that do not overlap ({err})')
    label = fetch(r, HOURS_EXCEPTION["label"])
    langs = set(languages)
    for lang, text in label.items():
        if lang not in langs or not isinstance(text, str) or not text.strip():
            r.fail(f"label.{lang}", text, "a non-empty string keyed by a configured language")
    r.finish()
    return DateException(first, last, parsed, dict(label))
