"""The service day: the local date on which a ticket counts, which never goes backwards.

Numbering restarts at 001 each service day. A Raspberry Pi without a real-time clock may
boot with a stale clock (timesyncd restores the last saved time) or jump when NTP syncs, so
the date read from the clock is trusted only when it is not earlier than the last service day
recorded in the store; otherwise the last one is kept and the ticket is marked as issued
while the clock was unsure. Pure: callers pass the time and the last day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

# A clock that steps back less than this within the same day (an NTP slew, a leap second)
# is not worth flagging; more is: the printed time could be wrong.
BACKWARD_TOLERANCE_S = 5.0


@dataclass(frozen=True)
class ServiceDay:
    day: dt.date
    is_clock_unsure: bool

    @property
    def iso(self) -> str:
        return self.day.isoformat()


def local_now(now_utc: dt.datetime, timezone: str) -> dt.datetime:
    """``now_utc`` as an aware local time in ``timezone`` (daylight saving included)."""
    return now_utc.astimezone(zoneinfo.ZoneInfo(timezone))


def service_day(
    now_utc: dt.datetime,
    timezone: str,
    *,
    last_day: dt.date | None,
    last_issued_utc: dt.datetime | None = None,
) -> ServiceDay:
    """The service day for a ticket issued at ``now_utc``.

    ``last_day`` is the service day of the last ticket ever issued on this kiosk and
    ``last_issued_utc`` its wall time. When the clock shows an earlier date, the last day is
    kept; when it shows an earlier time than the last ticket's, the ticket is marked unsure.
    A jump forward to a new date gives the new date (numbering restarts at 001).
    """
    today = local_now(now_utc, timezone).date()
    if last_day is not None and today < last_day:
        return ServiceDay(last_day, True)
    is_unsure = (
        last_issued_utc is not None
        and (last_issued_utc - now_utc).total_seconds() > BACKWARD_TOLERANCE_S
    )
    return ServiceDay(today, is_unsure)
