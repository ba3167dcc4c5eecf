"""How long to wait before trying the server again: exponential backoff with full jitter.

Pure. "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter") draws the delay
uniformly between 0 and ``min(cap, base * 2**(attempt-1))``, which spreads a fleet of kiosks
coming back after a town-wide outage. A ``Retry-After`` answer is a floor; everything is
capped at five minutes (contract, section 4). Written here rather than taken from tenacity
or urllib3 because both sleep inside the call, and our worker must keep the next attempt
time in the durable store so it survives restarts.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass

CAP_S = 300.0


@dataclass(frozen=True)
class BackoffPolicy:
    """Delays after consecutive failures; ``random`` returns a float in [0, 1)."""

    base_s: float = 1.0
    cap_s: float = CAP_S
    random: Callable[[], float] = random.random

    def window_s(self, attempt: int) -> float:
        """The upper bound of the delay after ``attempt`` consecutive failures (1-based)."""
        exponent = min(max(attempt, 1) - 1, 32)  # 2**32 s is far past any cap
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """The delay before the next try: full jitter, at least ``retry_after_s``, capped."""
        delay = self.random() * self.window_s(attempt)
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        return min(self.cap_s, max(0.0, delay))


def parse_retry_after(value: str | None, *, now_utc: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    A date in the past gives 0; anything unreadable gives None (the header is then ignored).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now_utc).total_seconds())


def parse_http_date(text: str) -> dt.datetime | None:
    """An aware datetime from an HTTP-date (``Retry-After``, ``Date``), or None if unreadable."""
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates: RFC 9110 says HTTP-dates are in UTC
        when = when.replace(tzinfo=dt.UTC)
    return when
