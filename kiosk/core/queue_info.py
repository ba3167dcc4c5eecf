"""What a visitor is told about the wait, from the server's queue state. Pure.

A single estimate reads as a promise; a range reads as what it is. The range is the
estimate minus and plus a quarter, widened to whole 5-minute steps, at least 5 minutes wide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STEP_MIN = 5


def wait_range_min(estimated_wait_s: int) -> tuple[int, int]:
    """``wait_range_min(720) == (5, 15)``: a range in minutes around an estimate in seconds."""
    est_min = max(0.0, estimated_wait_s / 60)
    lo = math.floor(est_min * 0.75 / STEP_MIN) * STEP_MIN
    hi = math.ceil(est_min * 1.25 / STEP_MIN) * STEP_MIN
    if hi - lo < STEP_MIN:
        hi = lo + STEP_MIN
    return lo, hi


@dataclass(frozen=True)
class WaitWords:
    """How the screen and the ticket word one estimated wait: a gettext message (singular
    and plural, chosen by ``count``, the upper bound) and its values. Each side translates
    it in its own domain, so both read the same figures the same way."""

    singular: str
    plural: str
    count: int
    values: dict[str, int]


def wait_minutes(wait_range_s: tuple[int, int]) -> tuple[int, int]:
    """A range in seconds as whole minutes, rounded the same way everywhere."""
    low, high = (max(0, round(s / 60)) for s in wait_range_s)
    return low, max(low, high)


def wait_words(wait_range_s: tuple[int, int]) -> WaitWords:
    """``(0, 600)`` -> "Estimated wait: under 10 minutes"; ``(600, 1200)`` -> "... 10 to 20
    minutes"; equal bounds -> "about N minutes". Never "0 to N", never "1 to N" on one side
    and "0 to N" on the other."""
    low, high = wait_minutes(wait_range_s)
    if high == 0:
        return WaitWords(
            "Estimated wait: under %(high)d minute",
            "Estimated wait: under %(high)d minutes",
            1,
            {"high": 1},
        )
    if low == 0:
        return WaitWords(
            "Estimated wait: under %(high)d minute",
            "Estimated wait: under %(high)d minutes",
            high,
            {"high": high},
        )
    if low == high:
        return WaitWords(
            "Estimated wait: about %(minutes)d minute",
            "Estimated wait: about %(minutes)d minutes",
            low,
            {"minutes": low},
        )
    return WaitWords(
        "Estimated wait: %(low)d to %(high)d minute",
        "Estimated wait: %(low)d to %(high)d minutes",
        high,
        {"low": low, "high": high},
    )
