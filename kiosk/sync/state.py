"""The server's view of the queues (``GET /api/v1/kiosks/{id}/state``), parsed leniently.

Pure: no I/O but a log line. The contract says any field may be missing, unknown categories
and extra keys are ignored; a field of the wrong type is dropped on its own, so one bad figure
never hides the others. Implausible figures are dropped the same way (logged once): more than
999 people waiting, a wait over a day, negatives, decimals, booleans; the kiosk then shows
no figure rather than ``1000000000000000000 personnes avant vous``. State older than five minutes is not shown (nor printed) at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.messages import CategoryQueue, PriorityQueue
from kiosk.core.text import clean_text

logger = logging.getLogger(__name__)

MAX_AGE_S = 300.0
MAX_WAITING = 999  # people ahead: more is a server bug, not a queue
MAX_WAIT_S = 86_400  # a wait longer than a day is no figure to print on a ticket
MESSAGE_MAX_CHARS = 280  # a banner of a few lines; a longer one ends with an ellipsis


@dataclass(frozen=True)
class QueueState:
    """Queues per category id and the optional banner per language, as last fetched.

    ``fetched_at_mono_s`` is the monotonic time of the fetch, so freshness survives wall-clock
    jumps.
    """

    categories: Mapping[str, CategoryQueue] = field(default_factory=dict)
    message: Mapping[str, str] | None = None
    fetched_at_mono_s: float = 0.0

    def is_fresh(self, now_mono_s: float, max_age_s: float = MAX_AGE_S) -> bool:
        """True while the state is recent enough to show waiting figures."""
        return 0.0 <= now_mono_s - self.fetched_at_mono_s <= max_age_s


def _count(value: Any, *, maximum: int, what: str) -> int | None:
    """A whole number from 0 to ``maximum``, or None: bools, decimals, negatives and absurd
    values are dropped with a log line (a figure the kiosk would show or print)."""
    if value is None:
        return None
    number = value
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= maximum:
        shown = repr(value)
        _warn(
            f"{what}: {shown[:40]}{'…' if len(shown) > 40 else ''} dropped, expected 0 to {maximum}"
        )
        return None
    return number


def _warn(text: str) -> None:
    """Log ``text`` once (the state is polled every few seconds; the log must stay readable)."""
    if text in _warned:
        return
    if len(_warned) >= 64:
        _warned.clear()
    _warned.add(text)
    logger.warning("queue state from the server: %s", text)


_warned: set[str] = set()


def _number(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= 16:
        return clean_text(value, 16) or None  # shown on the screen: no control characters
    return None


def _category(cid: str, value: Any) -> CategoryQueue | None:
    if not isinstance(value, Mapping):
        return None
    return CategoryQueue(
        waiting=_count(value.get("waiting"), maximum=MAX_WAITING, what=f"{cid}.waiting"),
        estimated_wait_s=_count(
            value.get("estimated_wait_s"), maximum=MAX_WAIT_S, what=f"{cid}.estimated_wait_s"
        ),
        now_serving=_number(value.get("now_serving")),
        priority=_priority(cid, value.get("priority")),
    )


def _priority(cid: str, value: Any) -> PriorityQueue | None:
    """``"priority": {"waiting": 1, "estimated_wait_s": 120}``: the figures of a new priority
    ticket of that category; None when absent or holding no usable figure."""
    if not isinstance(value, Mapping):
        return None
    queue = PriorityQueue(
        waiting=_count(value.get("waiting"), maximum=MAX_WAITING, what=f"{cid}.priority.waiting"),
        estimated_wait_s=_count(
            value.get("estimated_wait_s"),
            maximum=MAX_WAIT_S,
            what=f"{cid}.priority.estimated_wait_s",
        ),
    )
    return None if queue == PriorityQueue() else queue


def _message(value: Any) -> Mapping[str, str] | None:
    """The banner per language, cleaned of control characters and bounded in length."""
    if not isinstance(value, Mapping):
        return None
    texts: dict[str, str] = {}
    for lang, text in value.items():
        if not (isinstance(lang, str) and isinstance(text, str)):
            continue
        cleaned = clean_text(text, MESSAGE_MAX_CHARS)
        if len(text) > MESSAGE_MAX_CHARS and len(cleaned) == MESSAGE_MAX_CHARS:
            logger.info(
                "server message (%s) of %d characters cut to %d",
                clean_text(lang, 16),
                len(text),
                MESSAGE_MAX_CHARS,
            )
        if cleaned:
            texts[lang] = cleaned
    return texts or None


def parse_state(
    json_obj: Any,
    *,
    fetched_at_mono_s: float,
    known_categories: frozenset[str] | None = None,
) -> QueueState:
    """Build a :class:`QueueState` from the decoded JSON answer; never raises.

    ``known_categories``, when given, drops categories this kiosk does not have.
    """
    if not isinstance(json_obj, Mapping):
        return QueueState(fetched_at_mono_s=fetched_at_mono_s)
    categories: dict[str, CategoryQueue] = {}
    raw = json_obj.get("categories")
    if isinstance(raw, Mapping):
        for cid, value in raw.items():
            if not isinstance(cid, str):
                continue
            if known_categories is not None and cid not in known_categories:
                continue
            queue = _category(cid, value)
            if queue is not None:
                categories[cid] = queue
    return QueueState(
        categories=categories,
        message=_message(json_obj.get("message")),
        fetched_at_mono_s=fetched_at_mono_s,
    )
