"""The calendar in a technician's words: the closed days and exceptional hours ahead
(``kiosk check-config``), today's hours and the next closure (``kiosk status``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.core import calendar as cal

SUMMARY_DAYS = 60


def _ranges(ranges: tuple[cal.OpeningRange, ...]) -> str:
    return ", ".join(str(r) for r in ranges) if ranges else "closed"


def _why(day: cal.DayHours, language: str) -> str:
    name = day.names.get(language) or day.names.get("en") or next(iter(day.names.values()), "")
    kind = "public holiday" if day.source == cal.HOLIDAY else "exception"
    return f"{kind}: {name}" if name else kind


def calendar_lines(config: Any, today: dt.date, days: int = SUMMARY_DAYS) -> list[str]:
    """The holidays and exceptions of the ``days`` days from ``today``, one line each."""
    calendar = config.calendar
    language = config.kiosk.default_language
    head = f"public holidays: {calendar.public_holidays or 'none'}"
    if calendar.exceptions:
        head += f"; {len(calendar.exceptions)} exception(s)"
    lines = [head, f"closed days and exceptional hours, {today.isoformat()} + {days} days:"]
    ahead = cal.days_ahead(calendar, today, days)
    for d in ahead:
        lines.append(
            f"  {d.day.isoformat()} {cal.WEEKDAYS[d.day.weekday()]:<9} "
            f"{_ranges(d.ranges):<24} {_why(d, language)}"
        )
    if not ahead:
        lines.append("  none: the weekly hours every day")
    return lines


def today_status(config: Any, local: dt.datetime) -> dict[str, Any]:
    """For ``kiosk status``: today's hours (and why), open now, the next closed day."""
    calendar = config.calendar
    language = config.kiosk.default_language
    today = cal.day_hours(calendar, local.date())
    closed = cal.next_closed_day(calendar, local.date() + dt.timedelta(days=1))
    nxt = cal.next_opening(calendar, local)
    return {
        "hours": [str(r) for r in today.ranges],
        "why": _why(today, language) if today.source != cal.WEEKLY else None,
        "is_open": cal.is_open(calendar, local),
        "next_opening": nxt.isoformat() if nxt is not None else None,
        "next_closed_day": None
        if closed is None
        else {"day": closed.day.isoformat(), "why": _why(closed, language)},
    }


def today_line(hours: dict[str, Any]) -> str:
    """``hours today: 08:30-12:00, 13:30-17:00 (open); next closed day 2026-12-25 (public
    holiday: Noël)``."""
    text = ", ".join(hours["hours"]) or "closed"
    state = "open now" if hours["is_open"] else f"next opening {hours['next_opening']}"
    why = f" [{hours['why']}]" if hours.get("why") else ""
    line = f"hours today: {text}{why} ({state})"
    closed = hours.get("next_closed_day")
    if closed:
        line += f"; next closed day {closed['day']} ({closed['why']})"
    return line
