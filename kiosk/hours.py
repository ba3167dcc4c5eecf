"""Opening hours: which local times the desk is open, and when it opens next.

Pure: no clock is read here; callers pass a timezone-aware local datetime.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class OpeningRange:
    """One open period of a day, in minutes after local midnight; ``end_min`` may be 1440."""

    start_min: int
    end_min: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start_min)}-{_hhmm(self.end_min)}"

    def contains(self, minute_of_day: float) -> bool:
        return self.start_min <= minute_of_day < self.end_min


def _hhmm(minutes: int) -> str:
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


@dataclass(frozen=True)
class WeeklyHours:
    """Open ranges per weekday (0 = Monday). A day without ranges is closed."""

    days: tuple[tuple[OpeningRange, ...], ...]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, list[str]]) -> WeeklyHours:
        """Build from ``{"monday": ["08:30-12:00"], ...}``; raise ValueError on overlap."""
        days: list[tuple[OpeningRange, ...]] = []
        for name in WEEKDAYS:
            ranges = sorted(parse_range(t) for t in mapping.get(name, ()))
            for a, b in itertools.pairwise(ranges):
                if b.start_min < a.end_min:
                    raise ValueError(f"{name}: ranges {a} and {b} overlap")
            days.append(tuple(ranges))
        return cls(tuple(days))

    @classmethod
    def always_open(cls) -> WeeklyHours:
        return cls(tuple((OpeningRange(0, MINUTES_PER_DAY),) for _ in WEEKDAYS))

    def ranges_on(self, day: dt.date) -> tuple[OpeningRange, ...]:
        return self.days[day.weekday()]

    def current_range(self, local: dt.datetime) -> OpeningRange | None:
        """The range open at ``local``, or None when closed."""
        minute = local.hour * 60 + local.minute + local.second / 60
        for r in self.ranges_on(local.date()):
            if r.contains(minute):
                return r
        return None

    def is_open(self, local: dt.datetime) -> bool:
        return self.current_range(local) is not None

    def minutes_until_close(self, local: dt.datetime) -> float | None:
        """Minutes left before the current range ends (a range to 24:00 running into a
        next-day range from 00:00 counts as continuous); None when closed."""
        r = self.current_range(local)
        if r is None:
            return None
        minute = local.hour * 60 + local.minute + local.second / 60
        left = r.end_min - minute
        day = local.date()
        while r.end_min == MINUTES_PER_DAY and left < 8 * MINUTES_PER_DAY:
            day += dt.timedelta(days=1)
            nxt = self.ranges_on(day)
            if not nxt or nxt[0].start_min != 0:
                break
            r = nxt[0]
            left += r.end_min
        return left

    def next_opening(self, local: dt.datetime) -> dt.datetime | None:
        """The next local datetime (naive wall time in local's tzinfo) at which a range starts
        after ``local``; None when the desk never opens."""
        minute = local.hour * 60 + local.minute + local.second / 60
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for r in self.ranges_on(day):
                if offset == 0 and r.start_min <= minute:
                    continue
                start = dt.datetime.combine(day, dt.time(0), tzinfo=local.tzinfo)
                return start + dt.timedelta(minutes=r.start_min)
        return None
