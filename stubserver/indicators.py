"""What only the server can know, for Qualivilles: how long visitors waited, from the ticket's
issue to the agent's call, against a target wait; and the day's satisfaction answers.

The kiosk knows when a ticket was issued (``ticket.issued`` ``at``) but never when its holder
was called: the server does (here, the "call next" of the stub's page). Pure functions over
plain rows; :mod:`stubserver.db` reads the rows. docs/protocol.md "Indicators" says the same
in words for a real server's vendor.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TARGET_WAIT_MIN = 20
SURVEY_SCORES = (4, 3, 2, 1)
SATISFIED_SCORES = (3, 4)


@dataclass(frozen=True)
class WaitFigures:
    """One category's waits on one service day, in seconds."""

    called: int
    mean_s: float | None
    median_s: float | None
    p90_s: float | None
    max_s: float | None
    within_target: int  # called within the target wait
    waiting: int  # printed, not called yet
    longest_waiting_s: float | None  # the oldest of those, so far

    @property
    def within_target_pct(self) -> float | None:
        return None if not self.called else 100.0 * self.within_target / self.called

    def to_json(self) -> dict[str, Any]:
        def rounded(v: float | None) -> int | None:
            return None if v is None else round(v)

        return {
            "called": self.called,
            "mean_wait_s": rounded(self.mean_s),
            "median_wait_s": rounded(self.median_s),
            "p90_wait_s": rounded(self.p90_s),
            "max_wait_s": rounded(self.max_s),
            "within_target": self.within_target,
            "within_target_pct": None
            if self.within_target_pct is None
            else round(self.within_target_pct, 1),
            "waiting": self.waiting,
            "longest_waiting_s": rounded(self.longest_waiting_s),
        }


@dataclass(frozen=True)
class SurveyFigures:
    """The day's satisfaction answers (as the kiosk filtered them: not filtered again)."""

    by_score: dict[int, int] = field(default_factory=dict)
    by_reason: dict[str, dict[int, int]] = field(default_factory=dict)  # "" = no reason

    @property
    def answers(self) -> int:
        return sum(self.by_score.values())

    @property
    def mean_score(self) -> float | None:
        n = self.answers
        return None if not n else sum(s * c for s, c in self.by_score.items()) / n

    @property
    def satisfied_pct(self) -> float | None:
        n = self.answers
        return None if not n else 100.0 * sum(self.by_score.get(s, 0) for s in SATISFIED_SCORES) / n

    def to_json(self) -> dict[str, Any]:
        mean, pct = self.mean_score, self.satisfied_pct
        return {
            "answers": self.answers,
            "by_score": {str(s): self.by_score.get(s, 0) for s in SURVEY_SCORES},
            "mean_score": None if mean is None else round(mean, 2),
            "satisfied_pct": None if pct is None else round(pct, 1),
            "by_reason": {
                reason or "none": {str(s): n.get(s, 0) for s in SURVEY_SCORES}
                for reason, n in sorted(self.by_reason.items())
            },
        }


def parse_rfc3339_s(value: str) -> float | None:
    """Seconds since the epoch of an RFC 3339 time stamp with an offset; None if it is not."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return when.timestamp() if when.tzinfo is not None else None


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (``fraction`` in 0..1)."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def wait_figures(
    called_waits_s: Iterable[float],
    waiting_since_s: Iterable[float],
    now_s: float,
    *,
    target_wait_s: float,
) -> WaitFigures:
    """Figures from the waits of called tickets and the issue times of those still waiting."""
    waits = sorted(max(0.0, w) for w in called_waits_s)
    pending = [max(0.0, now_s - t) for t in waiting_since_s]
    n = len(waits)
    return WaitFigures(
        called=n,
        mean_s=sum(waits) / n if n else None,
        median_s=(waits[(n - 1) // 2] + waits[n // 2]) / 2 if n else None,
        p90_s=percentile(waits, 0.9) if n else None,
        max_s=waits[-1] if n else None,
        within_target=sum(1 for w in waits if w <= target_wait_s),
        waiting=len(pending),
        longest_waiting_s=max(pending) if pending else None,
    )


def survey_figures(answers: Iterable[tuple[Any, Any]]) -> SurveyFigures:
    """Count (score, reason) pairs; a score outside 1..4 is left out (the kiosk never sends
    one; another client might)."""
    by_score: dict[int, int] = {}
    by_reason: dict[str, dict[int, int]] = {}
    for score, reason in answers:
        if isinstance(score, bool) or not isinstance(score, int) or score not in SURVEY_SCORES:
            continue
        key = reason if isinstance(reason, str) else ""
        by_score[score] = by_score.get(score, 0) + 1
        cell = by_reason.setdefault(key, {})
        cell[score] = cell.get(score, 0) + 1
    return SurveyFigures(by_score, by_reason)
