"""Clocks passed into the core, so tests can move time at will.

A :class:`Clock` gives wall time (which may jump, or be stale after a power cut on a Pi
without a real-time clock) and monotonic time (which never goes backwards, for timeouts and
backoff). :class:`SystemClock` reads the machine; :class:`FakeClock` is set by tests.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now_utc(self) -> dt.datetime:
        """Aware UTC wall time."""

    def monotonic_s(self) -> float:
        """Seconds on a clock that never goes backwards."""

    def sleep(self, seconds: float) -> None:
        """Wait; a fake clock advances instead."""


class SystemClock:
    """The machine's clocks."""

    def now_utc(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic_s(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "<SystemClock>"


class FakeClock:
    """A clock that moves only when told to (``advance``/``set``); ``sleep`` advances it."""

    def __init__(self, start: dt.datetime | None = None, monotonic_s: float = 1000.0):
        self._lock = threading.Lock()
        self._now = start or dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._mono = monotonic_s

    def now_utc(self) -> dt.datetime:
        with self._lock:
            return self._now.astimezone(dt.UTC)

    def monotonic_s(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            self._mono += seconds

    def set_wall(self, when: dt.datetime) -> None:
        """Jump the wall clock (forwards or backwards); monotonic time is unaffected."""
        with self._lock:
            self._now = when

    def __repr__(self) -> str:
        return f"<FakeClock now={self._now.isoformat()} mono={self._mono}>"
