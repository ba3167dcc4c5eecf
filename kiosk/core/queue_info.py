"""What a visitor is told about the wait, from the server's queue state. Pure.

A single estimate reads as a promise; a range reads as what it is. The range is the
estimate minus and plus a quarter, widened to whole 5-minute steps, at least 5 minutes wide.
"""

from __future__ import annotations

import math

STEP_MIN = 5


def wait_range_min(estimated_wait_s: int) -> tuple[int, int]:
    """``wait_range_min(720) == (5, 15)``: a range in minutes around an estimate in seconds."""
    est_min = max(0.0, estimated_wait_s / 60)
    lo = math.floor(est_min * 0.75 / STEP_MIN) * STEP_MIN
    hi = math.ceil(est_min * 1.25 / STEP_MIN) * STEP_MIN
    if hi - lo < STEP_MIN:
        hi = lo + STEP_MIN
    return lo, hi
