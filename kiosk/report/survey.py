"""The satisfaction vote's filter and recorder (contract 5.5), for the survey screen to call.

HappyOrNot-style terminals filter repeated presses: the same answer pressed again within
``debounce_s`` of the previous press counts once (the window slides with each repeat, so a
hand resting on a face never adds votes), and at most ``max_per_minute`` answers are counted
in any 60 seconds (a child drumming on the faces cannot swamp a day's figures). Pure logic
with the monotonic time passed in; nothing about the visitor is kept.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Protocol

from kiosk.core import events as ev

logger = logging.getLogger(__name__)

DEBOUNCE_S = 5.0
MAX_PER_MINUTE = 10
RATE_WINDOW_S = 60.0


class EventSink(Protocol):
    """What the recorder needs of a store (kiosk.store.Store)."""

    def append_event(self, type: str, data: dict[str, Any]) -> Any: ...


class SurveyGate:
    """Decides whether one press is a new answer. Not thread-safe: the UI calls it."""

    def __init__(self, *, debounce_s: float = DEBOUNCE_S, max_per_minute: int = MAX_PER_MINUTE):
        if debounce_s < 0 or max_per_minute < 1:
            raise ValueError("debounce_s must be >= 0 and max_per_minute >= 1")
        self.debounce_s = debounce_s
        self.max_per_minute = max_per_minute
        self._last: tuple[int, str | None] | None = None
        self._last_press_s = float("-inf")
        self._counted_s: deque[float] = deque()

    def __repr__(self) -> str:
        return (
            f"<SurveyGate debounce={self.debounce_s}s max={self.max_per_minute}/min "
            f"counted_last_minute={len(self._counted_s)}>"
        )

    def admit(self, score: int, reason: str | None, now_s: float) -> bool:
        """True when this press counts as an answer; ``now_s`` is a monotonic time."""
        answer = (score, reason)
        is_repeat = answer == self._last and now_s - self._last_press_s < self.debounce_s
        self._last, self._last_press_s = answer, now_s
        if is_repeat:
            return False
        while self._counted_s and now_s - self._counted_s[0] >= RATE_WINDOW_S:
            self._counted_s.popleft()
        if len(self._counted_s) >= self.max_per_minute:
            logger.info("survey: answer not counted, %d already this minute", len(self._counted_s))
            return False
        self._counted_s.append(now_s)
        return True


def record_answer(
    store: EventSink, gate: SurveyGate, score: int, reason: str | None, now_s: float
) -> bool:
    """Commit a ``survey.answered`` event when ``gate`` admits the press; True if counted.

    Raises ValueError for a score outside 1..4 (nothing recorded) and StoreError when the
    disk refuses the write (the answer is lost, the kiosk carries on: retrying is safe).
    """
    data = ev.survey_answered(score, reason)
    if not gate.admit(score, reason, now_s):
        return False
    store.append_event(ev.SURVEY_ANSWERED, data)
    return True
