"""The calendar: which local times the desk is open, why it is closed, and when it opens next.

One calendar answers every question about opening hours, for the controller (may a ticket be
issued?), the screens (closed screen, cut-off notice, disabled categories), the backlight and
the technicians' summaries. Plain functions of a :class:`Calendar` and a local date or time:
no clock is read here, nothing is imported from the rest of the project.

Precedence, from the strongest: an exception (``[[hours.exceptions]]``), then a public
holiday, then the weekly hours. A category's own hours are intersected with the site's.

A little over 400 lines: one idea, the opening hours, whose questions (open now? until when?
next opening? the cut-off?) share the same walk over days and ranges across DST changes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.core.vocabulary import RefusalReason

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
MINUTES_PER_DAY = 24 * 60
# The furthest a next opening is looked for: an exception spans at most 366 days.
SEARCH_DAYS = 400


# ---- ranges and weekly hours ------------------------------------------------------------


@dataclass(frozen=True, order=True)
class OpeningRange:
    """One open period of a day, in minutes after local midnight; ``end_min`` may be 1440."""

    start_min: int
    end_min: int

    def __str__(self) -> str:
        return f"{hhmm(self.start_min)}-{hhmm(self.end_min)}"

    def contains(self, minute_of_day: float) -> bool:
        return self.start_min <= minute_of_day < self.end_min


def hhmm(minutes: int) -> str:
    """``08:30`` for 510 minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_range(text: str) -> OpeningRange:
    """Parse ``"HH:MM-HH:MM"``; raise ValueError saying what is expected."""
    m = _RANGE.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ValueError('expected "HH:MM-HH:MM", for example "08:30-12:00"')
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59:
        raise ValueError(f"start {h1:02d}:{m1:02d} is not a time of day (00:00 to 23:59)")
    if m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"end {h2:02d}:{m2:02d} is not a time of day (00:00 to 24:00)")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise ValueError("the start must be before the end, on the same day")
    return OpeningRange(start, end)


def parse_day_ranges(texts: list[str] | tuple[str, ...], name: str) -> tuple[OpeningRange, ...]:
    """A day's ranges, sorted; raise ValueError on a bad range or an overlap."""
    ranges = sorted(parse_range(t) for t in texts)
    for a, b in itertools.pairwise(ranges):
        if b.start_min < a.end_min:
            raise ValueError(f"{name}: ranges {a} and {b} overlap")
    return tuple(ranges)


def minute_of_day(local: dt.datetime) -> float:
    return local.hour * 60 + local.minute + local.second / 60 + local.microsecond / 60e6


@dataclass(frozen=True)
class WeeklyHours:
    """Open ranges per weekday (0 = Monday). A day without ranges is closed."""

    days: tuple[tuple[OpeningRange, ...], ...]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, list[str] | tuple[str, ...]]) -> WeeklyHours:
        """Build from ``{"monday": ["08:30-12:00"], ...}``; raise ValueError on overlap."""
        return cls(tuple(parse_day_ranges(list(mapping.get(n, ())), n) for n in WEEKDAYS))

    @classmethod
    def always_open(cls) -> WeeklyHours:
        return cls(tuple((OpeningRange(0, MINUTES_PER_DAY),) for _ in WEEKDAYS))

    def ranges_on(self, day: dt.date) -> tuple[OpeningRange, ...]:
        return self.days[day.weekday()]

    # The week alone, for callers that know nothing of holidays.

    def current_range(self, local: dt.datetime) -> OpeningRange | None:
        return _range_at(self.ranges_on(local.date()), minute_of_day(local))

    def is_open(self, local: dt.datetime) -> bool:
        return self.current_range(local) is not None

    def minutes_until_close(self, local: dt.datetime) -> float | None:
        return minutes_until_close(Calendar(self), local)

    def next_opening(self, local: dt.datetime) -> dt.datetime | None:
        return next_opening(Calendar(self), local)


def _range_at(ranges: tuple[OpeningRange, ...], minute: float) -> OpeningRange | None:
    for r in ranges:
        if r.contains(minute):
            return r
    return None


# ---- the calendar -----------------------------------------------------------------------


class HolidaySource(Protocol):
    """Public holidays: the names of a date's holiday per language, or None (a working day).
    Implementations must be pure lookups once built (kiosk.holiday_table builds one)."""

    def names_on(self, day: dt.date) -> Mapping[str, str] | None: ...


@dataclass(frozen=True)
class DateException:
    """``[[hours.exceptions]]``: from ``first`` to ``last`` (inclusive) the day's ranges are
    ``ranges`` (empty: closed), whatever the week and the holidays say."""

    first: dt.date
    last: dt.date
    ranges: tuple[OpeningRange, ...]
    label: Mapping[str, str] = field(default_factory=dict)

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Calendar:
    """The site's calendar: the weekly hours, public holidays, exceptions (sorted, disjoint)."""

    weekly: WeeklyHours
    holidays: HolidaySource | None = None
    exceptions: tuple[DateException, ...] = ()
    public_holidays: str | None = None  # the configured code, "FR-57", for summaries


# Why a day has the hours it has.
WEEKLY, HOLIDAY, EXCEPTION = "weekly", "holiday", "exception"


@dataclass(frozen=True)
class DayHours:
    """One date's ranges and where they come from (``WEEKLY``, ``HOLIDAY``, ``EXCEPTION``);
    ``names`` is the holiday's name or the exception's label, per language (may be empty)."""

    day: dt.date
    ranges: tuple[OpeningRange, ...]
    source: str = WEEKLY
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_closed_all_day(self) -> bool:
        return not self.ranges


def exception_on(calendar: Calendar, day: dt.date) -> DateException | None:
    for e in calendar.exceptions:
        if e.covers(day):
            return e
    return None


def day_hours(calendar: Calendar, day: dt.date) -> DayHours:
    """The hours of ``day``: an exception's, else none on a public holiday, else the week's."""
    e = exception_on(calendar, day)
    if e is not None:
        return DayHours(day, e.ranges, EXCEPTION, e.label)
    if calendar.holidays is not None:
        names = calendar.holidays.names_on(day)
        if names is not None:
            return DayHours(day, (), HOLIDAY, names)
    return DayHours(day, calendar.weekly.ranges_on(day))


def intersect(a: tuple[OpeningRange, ...], b: tuple[OpeningRange, ...]) -> tuple[OpeningRange, ...]:
    """The parts of ``a``'s ranges that are also in ``b``'s."""
    out = []
    for x in a:
        for y in b:
            start, end = max(x.start_min, y.start_min), min(x.end_min, y.end_min)
            if start < end:
                out.append(OpeningRange(start, end))
    return tuple(sorted(out))


def category_ranges(
    calendar: Calendar, category_hours: WeeklyHours | None, day: dt.date
) -> tuple[OpeningRange, ...]:
    """A category's ranges on ``day``: its own hours within the site's (all the site's when
    it has none of its own)."""
    site = day_hours(calendar, day).ranges
    return site if category_hours is None else intersect(site, category_hours.ranges_on(day))


def current_range(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> OpeningRange | None:
    """The range open at ``local`` (for a category, when given), or None when closed."""
    return _range_at(category_ranges(calendar, category_hours, local.date()), minute_of_day(local))


def is_open(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> bool:
    return current_range(calendar, local, category_hours) is not None


def _instant(day: dt.date, minute: int, tz: dt.tzinfo | None, *, fold: int = 0) -> dt.datetime:
    """The real instant of wall time ``minute`` on ``day``, normalised: a wall time that does
    not exist (the hour skipped in spring) becomes the first real instant after it."""
    wall = dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(minutes=minute)
    wall = wall.replace(fold=fold)
    if tz is None:
        return wall
    real = wall.astimezone(dt.UTC).astimezone(tz)
    if real.replace(tzinfo=None) == wall.replace(tzinfo=None):
        return real
    # A wall time in the gap: Python maps it past the gap by the old offset (02:30 becomes
    # 03:30), but the first real instant after it is the jump itself (03:00). Walk from the
    # later-offset reading, which lies before the jump, to the first instant at or past it.
    naive = wall.replace(tzinfo=None, fold=0)
    moment = wall.replace(fold=1).astimezone(dt.UTC)
    for _ in range(24 * 60):
        if moment.astimezone(tz).replace(tzinfo=None) >= naive:
            break
        moment += dt.timedelta(minutes=1)
    return moment.astimezone(tz)


def minutes_until_close(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> float | None:
    """Real minutes left before the current range ends (a range to 24:00 running into a
    next-day range from 00:00 counts as continuous); None when closed."""
    r = current_range(calendar, local, category_hours)
    if r is None:
        return None
    day = local.date()
    end = r.end_min
    for _ in range(SEARCH_DAYS):
        if end != MINUTES_PER_DAY:
            break
        nxt = category_ranges(calendar, category_hours, day + dt.timedelta(days=1))
        if not nxt or nxt[0].start_min != 0:
            break
        day, end = day + dt.timedelta(days=1), nxt[0].end_min
    close = _instant(day, end, local.tzinfo, fold=1)
    return (_utc(close) - _utc(local)) / dt.timedelta(minutes=1)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes of one tzinfo compare and subtract as wall times: compare in UTC."""
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment


def closing_time(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> dt.datetime | None:
    """When the range open at ``local`` ends (as a local time), None when closed."""
    left = minutes_until_close(calendar, local, category_hours)
    if left is None:
        return None
    return (_utc(local) + dt.timedelta(minutes=left)).astimezone(local.tzinfo)


def openings_after(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> Iterator[dt.datetime]:
    """The real instants, after ``local``, at which a range starts, in order."""
    tz = local.tzinfo
    for offset in range(SEARCH_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        for r in category_ranges(calendar, category_hours, day):
            start = _instant(day, r.start_min, tz)
            if _utc(start) <= _utc(local) or start.date() != day:
                continue
            # A range wholly inside the hour skipped in spring never opens.
            if r.contains(minute_of_day(start)):
                yield start


def next_opening(
    calendar: Calendar, local: dt.datetime, category_hours: WeeklyHours | None = None
) -> dt.datetime | None:
    """The next local time at which the desk (or the category) opens, after ``local``:
    holidays and exceptions included; None when it never opens in the next 400 days."""
    for start in openings_after(calendar, local, category_hours):
        # A range starting at 00:00 that continues yesterday's 24:00 is no opening.
        before = (_utc(start) - dt.timedelta(minutes=1)).astimezone(local.tzinfo)
        if is_open(calendar, before, category_hours):
            continue
        return start
    return None


# ---- what the screens and the controller ask ----------------------------------------------

# Why no ticket can be issued now, beyond "closed": the closed screen and refusals say it.
AFTER_HOURS, LAST_TICKET = "after_hours", "last_ticket"


@dataclass(frozen=True)
class Closure:
    """Why the desk is closed at a moment: ``source`` is ``HOLIDAY`` or ``EXCEPTION`` (then
    ``names`` holds the holiday's name or the exception's label, per language), ``WEEKLY``
    (closed on this weekday) or ``AFTER_HOURS`` (open today, but not at this time)."""

    source: str
    names: Mapping[str, str] = field(default_factory=dict)
    weekday: str = ""
    next_opening: dt.datetime | None = None


def closure(calendar: Calendar, local: dt.datetime) -> Closure | None:
    """Why the desk is closed at ``local``, and its true next opening; None when open."""
    if is_open(calendar, local):
        return None
    today = day_hours(calendar, local.date())
    nxt = next_opening(calendar, local)
    weekday = WEEKDAYS[local.weekday()]
    if today.ranges:
        return Closure(AFTER_HOURS, today.names, weekday, nxt)
    return Closure(today.source, today.names, weekday, nxt)


def last_ticket_time(
    calendar: Calendar,
    local: dt.datetime,
    margin_min: int | None,
    category_hours: WeeklyHours | None = None,
) -> dt.datetime | None:
    """With ``last_ticket_before_close_min`` = ``margin_min``: the local time of the last
    ticket of the range open now (its close minus the margin); None when closed or no margin."""
    if not margin_min:
        return None
    close = closing_time(calendar, local, category_hours)
    if close is None:
        return None
    return (_utc(close) - dt.timedelta(minutes=margin_min)).astimezone(local.tzinfo)


def is_in_cutoff(
    calendar: Calendar,
    local: dt.datetime,
    margin_min: int | None,
    category_hours: WeeklyHours | None = None,
) -> bool:
    """Open, but within the last ``margin_min`` minutes: no more tickets before closing."""
    left = minutes_until_close(calendar, local, category_hours)
    return bool(margin_min) and left is not None and left <= (margin_min or 0)


def ticket_refusal(
    calendar: Calendar,
    local: dt.datetime,
    margin_min: int | None,
    category_hours: WeeklyHours | None = None,
) -> str | None:
    """``None`` when a ticket may be issued at ``local``; else why not: ``"closed"``
    (the site, or the category outside its hours) or ``LAST_TICKET`` (within the cut-off)."""
    if not is_open(calendar, local, category_hours):
        return RefusalReason.CLOSED
    if is_in_cutoff(calendar, local, margin_min) or (
        category_hours is not None and is_in_cutoff(calendar, local, margin_min, category_hours)
    ):
        return LAST_TICKET
    return None


def days_ahead(calendar: Calendar, first: dt.date, count: int) -> list[DayHours]:
    """The next ``count`` days from ``first`` that differ from a plain week: public holidays
    and exceptions (for ``kiosk check-config`` and ``kiosk status``)."""
    out = []
    for offset in range(count):
        d = day_hours(calendar, first + dt.timedelta(days=offset))
        if d.source != WEEKLY:
            out.append(d)
    return out


def next_closed_day(
    calendar: Calendar, first: dt.date, count: int = SEARCH_DAYS
) -> DayHours | None:
    """The first day from ``first`` that the week would open but a holiday or an exception
    closes all day."""
    for offset in range(count):
        day = first + dt.timedelta(days=offset)
        d = day_hours(calendar, day)
        if d.source != WEEKLY and not d.ranges and calendar.weekly.ranges_on(day):
            return d
    return None
