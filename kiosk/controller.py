"""The controller: runs each ticket's flow, off the UI thread.

The screen posts a :class:`~kiosk.messages.TicketRequest`; this worker checks that the desk
is open, the printer ready and the category under its cap, commits the number (store), then
prints it and records the outcome. Printing and disk flushes happen here, never in the UI
loop. It also polls the printer when idle, and publishes a :class:`KioskSnapshot` for the
screens after every change.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk import events as ev
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.errors import PrinterError, StoreError
from kiosk.messages import (
    Intent,
    KioskSnapshot,
    Latest,
    PauseRequest,
    PrintTestRequest,
    QuitRequest,
    ReprintRequest,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
    Update,
)
from kiosk.service_day import local_now
from kiosk.snapshot import (
    BLOCKING_STATUSES,
    Health,
    StoreFigures,
    build_snapshot,
    is_printer_blocking,
    queue_figures,
)
from kiosk.store import CapReached, Store, Ticket
from kiosk.trace import Trace

logger = logging.getLogger(__name__)

SNAPSHOT_PERIOD_S = 1.0
STORE_RETRY_S = 10.0
PRUNE_PERIOD_S = 6 * 3600.0  # retention runs at start-up, then this often


class PrinterPort(Protocol):
    """What the controller needs of a printer (printer.device.TicketPrinter)."""

    def status(self) -> Any: ...
    def print_job(self, data: bytes, *, job_name: str) -> Any: ...


class LayoutPort(Protocol):
    """What the controller needs of a ticket layout (printer.ticket.TicketLayout)."""

    def render(self, content: Any) -> bytes: ...
    def render_test(self, *, site: str = ...) -> bytes: ...


class SyncPort(Protocol):
    """What the controller needs of the sync service (kiosk.sync.service.SyncService)."""

    def nudge(self) -> None: ...
    def queue_state(self) -> Any: ...
    def status(self) -> Any: ...


@dataclass
class _Health:
    printer_status: str = "unknown"
    store_error: str | None = None
    is_paused: bool = False


class Controller:
    """The ticket flow worker. ``start()`` runs it in a daemon thread; ``stop()`` ends it."""

    def __init__(
        self,
        config: Config,
        *,
        store: Store | None,
        printer: PrinterPort,
        layout: LayoutPort,
        make_content: Callable[..., Any],
        intents: queue.Queue[Intent],
        updates: queue.Queue[Update],
        snapshot: Latest[KioskSnapshot],
        trace: Trace,
        clock: Clock,
        sync: SyncPort | None = None,
        on_quit: Callable[[int], None] | None = None,
        open_store: Callable[[], Store] | None = None,
        store_error: str | None = None,
    ):
        self.config = config
        self._store = store
        self._open_store = open_store
        self._last_reopen_mono_s = -1e9
        self.printer = printer
        self.layout = layout
        self.make_content = make_content
        self.intents = intents
        self.updates = updates
        self.snapshot = snapshot
        self.trace = trace
        self.clock = clock
        self.sync = sync
        self.on_quit = on_quit
        self._health = _Health(store_error=store_error)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._last_poll_mono_s = -1e9
        self._last_snapshot_mono_s = -1e9
        self._last_prune_mono_s = clock.monotonic_s()  # app.prepare_store pruned at start-up

    def __repr__(self) -> str:
        alive = self._thread is not None and self._thread.is_alive()
        return f"<Controller alive={alive} printer={self._health.printer_status}>"

    @property
    def store(self) -> Store:
        """The open store; raises StoreError while it could not be opened (retried every
        ``STORE_RETRY_S`` by :meth:`publish_snapshot`)."""
        if self._store is None:
            raise StoreError(self._health.store_error or "store: not open")
        return self._store

    def _retry_open_store(self) -> None:
        now = self.clock.monotonic_s()
        if self._open_store is None or now - self._last_reopen_mono_s < STORE_RETRY_S:
            return
        self._last_reopen_mono_s = now
        try:
            self._store = self._open_store()
        except StoreError as err:
            self._health.store_error = str(err)
        else:
            logger.info("store opened: %s", self._store.path)
            self._health.store_error = None

    # ---- lifecycle --------------------------------------------------------------------

    def start(self) -> Controller:
        self.poll_printer(force=True)
        self.publish_snapshot()
        self._thread = threading.Thread(target=self._run, name="controller", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the flow under way (a ticket being printed ends as printed or voided)."""
        self._stopping.set()
        self.intents.put(QuitRequest())
        if self._thread is not None:
            self._thread.join(timeout_s)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                intent = self.intents.get(timeout=SNAPSHOT_PERIOD_S)
            except queue.Empty:
                intent = None
            try:
                if intent is not None:
                    self.handle(intent)
                self.poll_printer()
                self.publish_snapshot()
                self._prune_when_due()
            except Exception:  # the worker must survive anything; the screen shows out of order
                logger.exception("controller: unexpected error handling %r", intent)

    def _prune_when_due(self) -> None:
        """Keep the store small for years on a kiosk that never restarts."""
        now = self.clock.monotonic_s()
        if self._store is None or now - self._last_prune_mono_s < PRUNE_PERIOD_S:
            return
        self._last_prune_mono_s = now
        try:
            k = self.config.kiosk
            self._store.prune(
                retention_days=k.retention_days, report_retention_days=k.report_retention_days
            )
        except StoreError as err:
            logger.error("pruning failed: %s", err)

    # ---- intents ----------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        if isinstance(intent, TicketRequest):
            self.issue(intent)
        elif isinstance(intent, PauseRequest):
            self._health.is_paused = intent.is_paused
            logger.info("issuing %s by a technician", "paused" if intent.is_paused else "resumed")
            self.publish_snapshot(force=True)
        elif isinstance(intent, ReprintRequest):
            self.reprint_last()
        elif isinstance(intent, PrintTestRequest):
            self.print_test()
        elif (
            isinstance(intent, QuitRequest)
            and not self._stopping.is_set()
            and self.on_quit is not None
        ):
            self.on_quit(intent.exit_code)

    def issue(self, request: TicketRequest) -> None:
        """One ticket's flow: check, commit, print, record. Every path ends with exactly one
        of issued (then printed or voided) or refused."""
        cid = request.category_id
        try:
            category = self.config.category(cid)
        except KeyError:
            self._refuse(cid, "unknown")
            return
        if not category.prefix:
            self._refuse(cid, "unknown")
            return
        reason = self._refusal_reason()
        if reason is not None:
            self._refuse(cid, reason)
            return
        try:
            ticket, _ = self.store.issue_ticket(
                category=cid, prefix=category.prefix, language=request.language, cap=category.cap
            )
        except CapReached:
            self._refuse(cid, "cap")
            return
        except StoreError as err:
            logger.error("%s", err)
            self._health.store_error = str(err)
            self._refuse(cid, "store")
            return
        self._health.store_error = None
        self.trace.emit("issued", ticket_id=ticket.id, number=ticket.number, category=cid)
        people_ahead, wait = self._queue_figures(cid)
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=cid,
                language=request.language,
                people_ahead=people_ahead,
                wait_range_s=wait,
            )
        )
        self._nudge()
        self._print(ticket, people_ahead=people_ahead, wait_range_s=wait)
        self.publish_snapshot(force=True)

    def _refusal_reason(self) -> str | None:
        if self._health.is_paused:
            return "paused"
        local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
        left = self.config.hours.minutes_until_close(local)
        if left is None:
            return "closed"
        margin = self.config.kiosk.last_ticket_before_close_min
        if margin and left <= margin:
            return "closed"
        if self._is_blocking(self.poll_printer(force=True)):
            return "printer"
        return None

    def _is_blocking(self, status: str) -> bool:
        return is_printer_blocking(
            status, is_bidirectional=bool(getattr(self.printer, "is_bidirectional", False))
        )

    def _refuse(self, category_id: str, reason: str) -> None:
        next_opening = None
        if reason == "closed":
            local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
            next_opening = self.config.hours.next_opening(local)
        logger.info("ticket refused for %s: %s", category_id, reason)
        self.trace.emit("refused", category=category_id, reason=reason)
        self.updates.put(TicketRefused(category_id, reason, next_opening))
        try:  # the report counts closed-door visitors; the server learns of them
            self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category_id, reason))
        except StoreError as err:
            logger.error("refusal not recorded: %s", err)
        self._nudge()

    def _print(
        self, ticket: Ticket, *, people_ahead: int | None, wait_range_s: tuple[int, int] | None
    ) -> None:
        try:
            content = self.make_content(
                self.config, ticket, people_ahead=people_ahead, wait_range_s=wait_range_s
            )
            data = self.layout.render(content)
            status = self.printer.print_job(data, job_name=f"{ticket.number}-{ticket.id[:8]}")
        except PrinterError as err:
            self._set_printer_status(getattr(err, "status", "unknown") or "unknown")
            self._end_voided(ticket, f"printer: {err}")
            return
        except Exception as err:  # a layout bug must still end the ticket, never leave it open
            logger.exception("ticket %s: could not be rendered", ticket.number)
            self._end_voided(ticket, f"error: {type(err).__name__}")
            return
        self._set_printer_status(str(getattr(status, "value", status)))
        try:
            self.store.mark_printed(ticket.id)
        except StoreError as err:
            # The paper is out; the row stays 'issued' and is voided as interrupted at the
            # next start, which keeps "exactly one end per ticket" true.
            logger.error("ticket %s printed but not recorded: %s", ticket.number, err)
            self._health.store_error = str(err)
            return
        self.trace.emit("printed", ticket_id=ticket.id)
        self.updates.put(TicketPrinted(ticket.id))
        self._nudge()

    def _end_voided(self, ticket: Ticket, reason: str) -> None:
        logger.warning("ticket %s voided: %s", ticket.number, reason)
        try:
            self.store.mark_voided(ticket.id, reason)
        except StoreError as err:
            logger.error("ticket %s voided but not recorded: %s", ticket.number, err)
            self._health.store_error = str(err)
        self.trace.emit("voided", ticket_id=ticket.id, reason=reason)
        self.updates.put(TicketVoided(ticket.id, reason))
        self._nudge()

    def reprint_last(self) -> None:
        """Reprint the last ticket, same number, marked as a duplicate; no new number."""
        ticket = self.store.last_ticket()
        if ticket is None:
            logger.info("reprint asked but no ticket was issued yet")
            return
        try:
            content = self.make_content(self.config, ticket, is_duplicate=True)
            self.printer.print_job(
                self.layout.render(content), job_name=f"{ticket.number}-duplicate"
            )
            logger.info("ticket %s reprinted as a duplicate", ticket.number)
        except PrinterError as err:
            logger.warning("reprint of %s failed: %s", ticket.number, err)

    def print_test(self) -> None:
        try:
            self.printer.print_job(
                self.layout.render_test(site=self.config.kiosk.site), job_name="test"
            )
        except PrinterError as err:
            logger.warning("test print failed: %s", err)

    # ---- printer status ---------------------------------------------------------------

    def poll_printer(self, *, force: bool = False) -> str:
        """Read the printer status when due (or now); record each change as an event."""
        now = self.clock.monotonic_s()
        if force or now - self._last_poll_mono_s >= self.config.printer.status_poll_s:
            self._last_poll_mono_s = now
            status = self.printer.status()
            self._set_printer_status(str(getattr(status, "value", status)))
        return self._health.printer_status

    def _set_printer_status(self, status: str) -> None:
        if status == self._health.printer_status:
            return
        previous, self._health.printer_status = self._health.printer_status, status
        log = (
            logger.warning
            if status in BLOCKING_STATUSES or status == "paper_near_end"
            else logger.info
        )
        log("printer status: %s (was %s)", status, previous)
        try:
            self.store.append_event(ev.PRINTER_STATUS, ev.printer_status(status))
        except StoreError as err:
            logger.error("printer status change not recorded: %s", err)
            self._health.store_error = str(err)
        self._nudge()

    @property
    def printer_status(self) -> str:
        return self._health.printer_status

    # ---- snapshot -----------------------------------------------------------------------

    def _queue_figures(self, category_id: str) -> tuple[int | None, tuple[int, int] | None]:
        state = self.sync.queue_state() if self.sync is not None else None
        return queue_figures(state.categories if state is not None else None, category_id)

    def _check_store(self) -> None:
        """After a storage fault, try a tiny write now and then; clear the fault when it works."""
        try:
            self.store.probe_writable()
        except StoreError as err:
            self._health.store_error = str(err)
        else:
            if self._health.store_error:
                logger.info("store writable again")
            self._health.store_error = None

    def publish_snapshot(self, *, force: bool = False) -> None:
        now = self.clock.monotonic_s()
        if not force and now - self._last_snapshot_mono_s < SNAPSHOT_PERIOD_S:
            return
        self._last_snapshot_mono_s = now
        if self._store is None:
            self._retry_open_store()
        elif self._health.store_error:
            self._check_store()
        local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
        figures = StoreFigures(counts_today={}, outbox_depth=0, last_ticket_number=None)
        try:
            if self.store.get_meta("numbering_suspended_day") == local.date().isoformat():
                self._health.store_error = "numbering suspended today after a corrupted database"
            last = self.store.last_ticket()
            figures = StoreFigures(
                counts_today=self.store.counts_for_day(local.date()),
                outbox_depth=self.store.outbox_depth(),
                last_ticket_number=last.number if last else None,
            )
        except StoreError as err:
            self._health.store_error = str(err)
        status = self._health.printer_status
        health = Health(
            printer_status=status,
            is_printer_blocking=self._is_blocking(status),
            store_error=self._health.store_error,
            is_paused=self._health.is_paused,
            printer_url=str(getattr(self.printer, "url", "")),
        )
        self.snapshot.set(
            build_snapshot(
                self.config,
                local,
                health=health,
                figures=figures,
                queue_state=self.sync.queue_state() if self.sync is not None else None,
                sync_status=self.sync.status() if self.sync is not None else None,
                has_server=self.sync is not None,
            )
        )

    def _nudge(self) -> None:
        if self.sync is not None:
            self.sync.nudge()
