"""What the controller knows of the kiosk's health, and what it shows the screens.

:class:`KioskHealth` holds the controller's state (its ports, the store, the printer's last
status, a pause, a technician's notice), opens a store that could not be opened at start,
polls the printer and records each change of its status, and publishes the
:class:`~kiosk.core.messages.KioskSnapshot` the screens draw. The ticket flow built on it is
kiosk/controller_flow.py; the worker thread is :class:`kiosk.controller.Controller`.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.core import events as ev
from kiosk.core.clock import Clock
from kiosk.core.errors import StoreError
from kiosk.core.messages import (
    ConfigChange,
    Intent,
    KioskSnapshot,
    Latest,
    Update,
)
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config
from kiosk.core.snapshot import (
    BLOCKING_STATUSES,
    Health,
    StoreFigures,
    build_snapshot,
    is_printer_blocking,
    queue_figures,
)
from kiosk.core.vocabulary import PrinterStatus
from kiosk.devices.timesync import is_clock_synchronised
from kiosk.report.survey import SurveyGate
from kiosk.store import Outcome, Store
from kiosk.trace import Trace

# The journal names every part of the controller "kiosk.controller", as before its split.
logger = logging.getLogger("kiosk.controller")

SNAPSHOT_PERIOD_S = 1.0
STORE_RETRY_S = 10.0
PRUNE_PERIOD_S = 6 * 3600.0  # retention runs at start-up, then this often
# A ticket's outcome waits this long for a lock another process holds, then is kept and
# retried from the loop: the visitor flow never stalls on the database.
OUTCOME_BUSY_TIMEOUT_S = 0.25
NOTICE_S = 60.0  # how long the technician menu shows why an action was refused
DAY_CHECK_PERIOD_S = 60.0  # how often a service day left in the future is looked at


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
    printer_status: str = PrinterStatus.UNKNOWN
    store_error: str | None = None
    is_paused: bool = False


class KioskHealth:
    """The controller's state and the snapshot it publishes; :class:`kiosk.controller.Controller`
    runs it."""

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
        is_clock_synchronised: Callable[[], bool] = is_clock_synchronised,
        config_source: str = "file",
        on_config: Callable[[ConfigChange], None] | None = None,
    ):
        self.config = config
        self.config_source = config_source  # "file" or "server v7", for technicians
        self.on_config = on_config  # told when a new configuration is in force
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
        self._is_clock_synchronised = is_clock_synchronised
        self._pending_outcomes: list[Outcome] = []  # ends the store could not take yet
        self._notice: tuple[str, float] | None = None  # for the technician, until a time
        self._last_day_check_mono_s = clock.monotonic_s()  # and looked at the service day
        self._survey_gate = SurveyGate()  # one for the kiosk's life: the debounce spans visitors

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
            if status in BLOCKING_STATUSES or status == PrinterStatus.PAPER_NEAR_END
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

    def _is_blocking(self, status: str) -> bool:
        return is_printer_blocking(
            status, is_bidirectional=bool(getattr(self.printer, "is_bidirectional", False))
        )

    def _queue_figures(
        self, category_id: str, *, is_priority: bool = False
    ) -> tuple[int | None, tuple[int, int] | None]:
        state = self.sync.queue_state() if self.sync is not None else None
        return queue_figures(
            state.categories if state is not None else None, category_id, is_priority=is_priority
        )

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
        snap = build_snapshot(
            self.config,
            local,
            health=health,
            figures=figures,
            queue_state=self.sync.queue_state() if self.sync is not None else None,
            sync_status=self.sync.status() if self.sync is not None else None,
            has_server=self.sync is not None,
        )
        snap = dataclasses.replace(snap, config_source=self.config_source)
        if self._notice is not None and now < self._notice[1]:
            text = self._notice[0]
            if snap.technician_message:
                text = f"{snap.technician_message} | {text}"
            snap = dataclasses.replace(snap, technician_message=text)
        self.snapshot.set(snap)

    def _nudge(self) -> None:
        if self.sync is not None:
            self.sync.nudge()
