"""Opening hours: kept for the callers of the first version; the calendar in
:mod:`kiosk.core.calendar` supersedes it (holidays, exceptions, per-category hours) and
every decision asks the calendar."""

from __future__ import annotations

from kiosk.core.calendar import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    OpeningRange,
    WeeklyHours,
    parse_range,
)

__all__ = ["MINUTES_PER_DAY", "WEEKDAYS", "OpeningRange", "WeeklyHours", "parse_range"]
