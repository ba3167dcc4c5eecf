"""What the screens are told: the rules that turn the kiosk's health, today's counts and the
server's queue state into a :class:`~kiosk.core.messages.KioskSnapshot`. Pure: the controller
reads the store, the printer and the sync service, then calls :func:`build_snapshot`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core import calendar as cal
from kiosk.core.messages import CategoryQueue, KioskSnapshot, PriorityQueue
from kiosk.core.queue_info import wait_range_min
from kiosk.core.settings import CategoryConfig, Config
from kiosk.core.vocabulary import BLOCKING_STATUSES, PrinterStatus, RefusalReason


def is_printer_blocking(status: str, *, is_bidirectional: bool) -> bool:
    """Paper out, cover open and offline stop issuing; so does silence on a link that should
    answer (a hung printer), but not ``unknown`` on a write-only file:// link."""
    return status in BLOCKING_STATUSES or (status == PrinterStatus.UNKNOWN and is_bidirectional)


@dataclass(frozen=True)
class Health:
    """What can stop the kiosk from issuing, as the controller last saw it."""

    printer_status: str = PrinterStatus.UNKNOWN
    is_printer_blocking: bool = False
    store_error: str | None = None
    is_paused: bool = False
    printer_url: str = ""

    @property
    def out_of_order_reason(self) -> str | None:
        """store, printer or paused (in that order of precedence), or None when fine."""
        if self.store_error:
            return RefusalReason.STORE
        if self.is_printer_blocking:
            return RefusalReason.PRINTER
        if self.is_paused:
            return RefusalReason.PAUSED
        return None

    @property
    def technician_message(self) -> str | None:
        """What a technician needs to fix, in one line (never shown to visitors)."""
        if self.store_error:
            return self.store_error
        if self.is_printer_blocking or self.printer_status == PrinterStatus.PAPER_NEAR_END:
            return f"printer {self.printer_url}: {self.printer_status}"
        return None


@dataclass(frozen=True)
class StoreFigures:
    counts_today: Mapping[str, int]
    outbox_depth: int
    last_ticket_number: str | None


def unavailable_categories(
    categories: Iterable[CategoryConfig],
    counts: Mapping[str, int],
    *,
    calendar: cal.Calendar | None = None,
    local: dt.datetime | None = None,
) -> dict[str, str]:
    """Categories shown disabled, with the reason: ``cap`` (the daily cap is reached) or
    ``closed`` (outside the category's own hours while the site is open)."""
    out: dict[str, str] = {}
    for c in categories:
        if c.cap is not None and counts.get(c.id, 0) >= c.cap:
            out[c.id] = RefusalReason.CAP
        elif (
            c.hours is not None
            and calendar is not None
            and local is not None
            and not cal.is_open(calendar, local, c.hours)
        ):
            out[c.id] = RefusalReason.CLOSED
    return out


def queue_figures(
    queues: Mapping[str, CategoryQueue] | None, category_id: str, *, is_priority: bool = False
) -> tuple[int | None, tuple[int, int] | None]:
    """People ahead and an estimated wait range in seconds for a new ticket, from the
    freshest server state (None when unknown or stale). A fresh state that leaves a category
    out has nobody waiting in it: the first visitor of an empty queue is told they are next.
    A priority ticket takes only the server's priority figures: the category's own would be
    wrong for it."""
    if queues is None:
        return None, None
    category = queues.get(category_id)
    if category is None:
        return (None, None) if is_priority else (0, None)
    q: CategoryQueue | PriorityQueue = category
    if is_priority:
        if category.priority is None:
            return None, None
        q = category.priority
    wait = None
    if q.estimated_wait_s is not None:
        lo, hi = wait_range_min(q.estimated_wait_s)
        wait = (lo * 60, hi * 60)
    return q.waiting, wait


def sync_text(status: Any, *, has_server: bool) -> str:
    """One line for technicians, from a SyncStatus (duck-typed), in the contract's words."""
    if not has_server:
        return "sync: off (no [server] configured)"
    if status is None:
        return ""
    if getattr(status, "is_auth_failed", False):
        return "sync: authentication failed"
    error = getattr(status, "last_error", None)
    if error:
        return f"sync: retrying ({error})"
    last = getattr(status, "last_success_at", None)
    return f"sync: ok, last {last:%H:%M:%S}" if last else "sync: waiting for the server"


def _fresh_queues(config: Config, queue_state: Any) -> dict[str, CategoryQueue]:
    """The server's queues, with the categories it leaves out as empty (nobody waiting);
    nothing at all without a fresh state."""
    if queue_state is None:
        return {}
    queues = dict(queue_state.categories)
    for category in config.ticket_categories:
        queues.setdefault(category.id, CategoryQueue(waiting=0))
    return queues


def sync_parts(status: Any, *, has_server: bool) -> tuple[str, str | None, dt.datetime | None]:
    """(state, error, last success) of a SyncStatus (duck-typed), for the technician screen:
    state is off, auth_failed, retrying, ok, waiting, or "" when unknown."""
    if not has_server:
        return "off", None, None
    if status is None:
        return "", None, None
    last = getattr(status, "last_success_at", None)
    if getattr(status, "is_auth_failed", False):
        return "auth_failed", None, last
    error = getattr(status, "last_error", None)
    if error:
        return "retrying", str(error), last
    return ("ok" if last else "waiting"), None, last


def build_snapshot(
    config: Config,
    local: dt.datetime,
    *,
    health: Health,
    figures: StoreFigures,
    queue_state: Any,
    sync_status: Any,
    has_server: bool,
) -> KioskSnapshot:
    """Everything the screens draw at local time ``local``."""
    calendar = config.calendar
    closure = cal.closure(calendar, local)
    margin = config.kiosk.last_ticket_before_close_min
    sync_state, sync_error, sync_last = sync_parts(sync_status, has_server=has_server)
    return KioskSnapshot(
        is_open=closure is None,
        next_opening=closure.next_opening if closure is not None else None,
        closure=closure,
        last_ticket_at=cal.last_ticket_time(calendar, local, margin)
        if cal.is_in_cutoff(calendar, local, margin)
        else None,
        printer_status=health.printer_status,
        out_of_order_reason=health.out_of_order_reason,
        is_paused=health.is_paused,
        unavailable=unavailable_categories(
            config.ticket_categories, figures.counts_today, calendar=calendar, local=local
        ),
        queues=_fresh_queues(config, queue_state),
        message=queue_state.message if queue_state is not None else None,
        sync_text=sync_text(sync_status, has_server=has_server),
        sync_state=sync_state,
        sync_error=sync_error,
        sync_last_success_at=sync_last,
        outbox_depth=figures.outbox_depth,
        counts_today=figures.counts_today,
        last_ticket_number=figures.last_ticket_number,
        technician_message=health.technician_message,
    )
