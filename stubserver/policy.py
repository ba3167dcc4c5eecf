"""How the stub server orders a category's queue between normal and priority tickets.

Two policies, given explicitly (queue systems' users complained both ways when this was
implicit: priority tickets sent to the end, or always first):

- ``strict``: a waiting priority ticket is always called before any normal one;
- ``every:N``: after N normal calls in a row, the next call is a priority ticket (N = 2 is
  the common "two normal, one priority"); a queue with nobody in it is skipped.

Pure functions over counts: the database decides *who* from *which kind*, and the figures of
a new priority ticket come from the same rule, by simulation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_EVERY = 100
_EVERY_RE = re.compile(r"every:([0-9]{1,3})")
FORMS = "strict or every:N (N from 1 to 100 normal calls before each priority call)"


@dataclass(frozen=True)
class PriorityPolicy:
    """``every`` is None for strict priority, else the normal calls between priority ones."""

    every: int | None = None

    def __str__(self) -> str:
        return "strict" if self.every is None else f"every:{self.every}"

    def is_priority_next(
        self, *, normal_waiting: int, priority_waiting: int, normal_since_priority: int
    ) -> bool:
        """Whether the next call takes a priority ticket (False: a normal one)."""
        if priority_waiting <= 0:
            return False
        if normal_waiting <= 0 or self.every is None:
            return True
        return normal_since_priority >= self.every


STRICT = PriorityPolicy()


def parse_policy(text: str) -> PriorityPolicy:
    """``"strict"`` or ``"every:N"``; ValueError naming the value and the forms otherwise."""
    if text == "strict":
        return STRICT
    match = _EVERY_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[1]) <= MAX_EVERY:
        raise ValueError(f"priority policy {str(text)[:40]!r}: expected {FORMS}")
    return PriorityPolicy(every=int(match[1]))


def call_order(
    policy: PriorityPolicy, *, normal: int, priority: int, normal_since_priority: int = 0
) -> list[bool]:
    """The kinds of the next calls (True: priority) until both queues are empty, if nobody
    else arrives."""
    order: list[bool] = []
    since = normal_since_priority
    while normal or priority:
        is_priority = policy.is_priority_next(
            normal_waiting=normal, priority_waiting=priority, normal_since_priority=since
        )
        order.append(is_priority)
        if is_priority:
            priority -= 1
            since = 0
        else:
            normal -= 1
            since += 1
    return order


def ahead_of_new_priority(
    policy: PriorityPolicy, *, normal: int, priority: int, normal_since_priority: int = 0
) -> int:
    """How many calls come before a priority ticket taken now (it queues behind the
    priority tickets already waiting)."""
    order = call_order(
        policy,
        normal=normal,
        priority=priority + 1,
        normal_since_priority=normal_since_priority,
    )
    seen = 0
    for index, is_priority in enumerate(order):
        if is_priority:
            seen += 1
            if seen == priority + 1:
                return index
    raise AssertionError("a priority ticket is always called")  # pragma: no cover
