"""Thread-safe fault switches of the stub server, set by tests or ``POST /api/v1/dev/faults``.

They apply to the protocol endpoints (``/api/v1/events``, ``/state``, ``/enrol``), never to
the ``/api/v1/dev/`` helpers or the web page, so a test can always inspect what was stored.
"""

from __future__ import annotations

import dataclasses
import email.utils
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FaultSettings:
    """One consistent set of switches (all off by default)."""

    error_rate: float = 0.0  # probability of a 500 for each protocol request
    status_code: int | None = None  # answer every protocol request with this status
    retry_after: str | None = None  # Retry-After header sent with outage/status_code answers
    slow_s: float = 0.0  # wait this long before answering
    drop_connections: bool = False  # close the connection without any answer
    lose_answers: bool = False  # store the events, then close without answering
    partial_ack: bool = False  # store and acknowledge only the first half of each batch
    outage: bool = False  # 503 for every protocol request
    garbage: bool = False  # 200 with a body that is not JSON
    reject_event_ids: frozenset[str] = field(default_factory=frozenset)  # 400 naming the event
    max_batch: int | None = None  # 413 above this many events

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["reject_event_ids"] = sorted(self.reject_event_ids)
        return data


_FIELDS = {f.name for f in dataclasses.fields(FaultSettings)}


def _checked(name: str, value: Any) -> Any:
    """Validate one switch from JSON; raise ValueError naming it and what is expected."""
    if name == "reject_event_ids":
        if not isinstance(value, list | tuple | set | frozenset) or not all(
            isinstance(x, str) for x in value
        ):
            raise ValueError(f"{name}: expected a list of event ids, got {value!r}")
        return frozenset(value)
    if name in ("error_rate", "slow_s"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{name}: expected a number >= 0, got {value!r}")
        if name == "error_rate" and value > 1:
            raise ValueError(f"{name}: expected a probability from 0 to 1, got {value!r}")
        return float(value)
    if name in ("status_code", "max_batch"):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected a positive whole number or null, got {value!r}")
        if name == "status_code" and not 400 <= value <= 599:
            raise ValueError(f"{name}: expected an error status from 400 to 599, got {value}")
        return value
    if name == "retry_after":
        if value is not None and not _is_retry_after(value):
            raise ValueError(
                f'{name}: expected seconds ("30") or an HTTP date '
                f'("Wed, 21 Oct 2026 07:28:00 GMT") or null, got {value!r}'[:160]
            )
        return value
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def _is_retry_after(value: Any) -> bool:
    """A ``Retry-After`` value (RFC 9110): delta-seconds or an HTTP date, nothing else, so a
    switch can never smuggle a header line ("30\r\nSet-Cookie: ...") into an answer."""
    if not isinstance(value, str) or not value.isascii() or not value.isprintable():
        return False
    if value.isdigit():
        return len(value) <= 10
    if len(value) > 40:
        return False
    try:
        return email.utils.parsedate_to_datetime(value) is not None
    except (TypeError, ValueError, IndexError):
        return False


class Faults:
    """The current :class:`FaultSettings`, replaced atomically; ``roll()`` draws error_rate."""

    def __init__(self, *, seed: int | None = None):
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._random = random.Random(seed)

    def set(self, **switches: Any) -> FaultSettings:
        """Change some switches, keeping the others. Unknown names raise ValueError."""
        return self.update(switches)

    def update(self, switches: Mapping[str, Any]) -> FaultSettings:
        unknown = sorted(set(switches) - _FIELDS)
        if unknown:
            raise ValueError(f"unknown fault switch {unknown[0]!r}: known are {sorted(_FIELDS)}")
        values = {name: _checked(name, value) for name, value in switches.items()}
        with self._lock:
            self._settings = dataclasses.replace(self._settings, **values)
            return self._settings

    def reset(self) -> None:
        with self._lock:
            self._settings = FaultSettings()

    def snapshot(self) -> FaultSettings:
        with self._lock:
            return self._settings

    def roll(self, probability: float) -> bool:
        with self._lock:
            return probability > 0 and self._random.random() < probability

    def __getattr__(self, name: str) -> Any:
        if name in _FIELDS:  # faults.outage reads the current switch
            return getattr(self.snapshot(), name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        active = {
            k: v for k, v in self.snapshot().to_json().items() if v not in (0.0, None, False, [])
        }
        return f"<Faults {active or 'none'}>"
