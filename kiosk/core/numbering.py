"""Where a ticket's number is decided: the rules, as plain functions.

A number is the category's prefix followed by at least three digits, counting from 001 in
each category on each service day (A001 … A999, A1000). The counter itself lives in the
store and is advanced in the same transaction that records the ticket and its event
(:meth:`kiosk.store.Store.issue_ticket`), so a number can never be issued twice.
"""

from __future__ import annotations

import re

NUMBER_RE = re.compile(r"^([A-Z]{1,2})(\d{3,})$")


def format_number(prefix: str, n: int) -> str:
    """``format_number("A", 42) == "A042"``; ``n`` counts from 1."""
    if n < 1:
        raise ValueError(f"ticket counter must be >= 1, got {n}")
    return f"{prefix}{n:03d}"


def next_counter(last_n: int | None) -> int:
    """The counter after ``last_n`` (None: no ticket yet today in this category)."""
    return 1 if last_n is None else last_n + 1


def is_over_cap(n: int, cap: int | None) -> bool:
    """True when the ``n``-th ticket of the day would exceed the category's daily cap."""
    return cap is not None and n > cap


def parse_number(number: str) -> tuple[str, int]:
    """``"A042"`` -> ``("A", 42)``; ValueError for anything else."""
    m = NUMBER_RE.match(number)
    if not m:
        raise ValueError(f"{number!r} is not a ticket number like A042")
    return m.group(1), int(m.group(2))
