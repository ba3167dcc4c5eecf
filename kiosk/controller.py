"""The controller: runs each ticket's flow, off the UI thread.

The screen posts a :class:`~kiosk.core.messages.TicketRequest`; this worker checks that the desk
is open, the printer ready and the category under its cap, commits the number (store), then
prints it and records the outcome. Printing and disk flushes happen here, never in the UI
loop. It also polls the printer when idle, and publishes a :class:`KioskSnapshot` for the
screens after every change.

Here: the worker thread, its loop and the intents it dispatches. The ticket flow itself is
kiosk/controller_flow.py, the kiosk's health and the snapshot kiosk/controller_health.py; check-in, the survey and the technician's actions are
kiosk/controller_appointments.py, kiosk/controller_survey.py and
kiosk/controller_technician.py. The rules they apply live in kiosk/core (calendar.py,
snapshot.py, events.py).
"""

from __future__ import annotations

import logging
import queue
import threading

from kiosk.controller_appointments import AppointmentCheckIn
from kiosk.controller_flow import TicketFlow
from kiosk.controller_health import (
    DAY_CHECK_PERIOD_S,
    NOTICE_S,
    OUTCOME_BUSY_TIMEOUT_S,
    PRUNE_PERIOD_S,
    SNAPSHOT_PERIOD_S,
    STORE_RETRY_S,
    KioskHealth,
    LayoutPort,
    PrinterPort,
    SyncPort,
)
from kiosk.controller_survey import SurveyRecording
from kiosk.controller_technician import TechnicianActions
from kiosk.core.errors import StoreError
from kiosk.core.messages import (
    AppointmentRequest,
    ConfigChange,
    Intent,
    PauseRequest,
    PrintTestRequest,
    QuitRequest,
    ReprintRequest,
    ServiceDayRequest,
    SurveyAnswer,
    TicketRequest,
)
from kiosk.core.service_day import local_now

__all__ = [
    "DAY_CHECK_PERIOD_S",
    "NOTICE_S",
    "OUTCOME_BUSY_TIMEOUT_S",
    "PRUNE_PERIOD_S",
    "SNAPSHOT_PERIOD_S",
    "STORE_RETRY_S",
    "Controller",
    "KioskHealth",
    "LayoutPort",
    "PrinterPort",
    "SyncPort",
    "TicketFlow",
]

logger = logging.getLogger(__name__)


class Controller(AppointmentCheckIn, SurveyRecording, TechnicianActions, TicketFlow):
    """The ticket flow worker. ``start()`` runs it in a daemon thread; ``stop()`` ends it."""

    # ---- lifecycle --------------------------------------------------------------------

    def start(self) -> Controller:
        self._prepare_calendar()
        self.poll_printer(force=True)
        self.publish_snapshot()
        self._thread = threading.Thread(target=self._run, name="controller", daemon=True)
        self._thread.start()
        return self

    def _prepare_calendar(self) -> None:
        """Build this year's and next year's public holidays now, before the first visitor
        (about 0.2 s on a Pi, once); later years are built the first time they are asked."""
        holidays = self.config.calendar.holidays
        prepare = getattr(holidays, "prepare", None)
        if prepare is not None:
            year = local_now(self.clock.now_utc(), self.config.kiosk.timezone).year
            prepare((year, year + 1))

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the flow under way (a ticket being printed ends as printed or voided)."""
        self._stopping.set()
        self.intents.put(QuitRequest())
        if self._thread is not None:
            self._thread.join(timeout_s)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        self._loop()
        self._record_last_answers()
        self.flush_outcomes(busy_timeout_s=2.0)  # the journal keeps what is still refused

    def _loop(self) -> None:
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
                self.flush_outcomes()
                self._prune_when_due()
                self.correct_service_day_when_due()
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

    def correct_service_day_when_due(self, *, force: bool = False) -> None:
        """A ticket issued under a far-future clock froze the service day there: once the
        clock is known synchronised, move it back to today (numbers continue above)."""
        now = self.clock.monotonic_s()
        if self._store is None or (
            not force and now - self._last_day_check_mono_s < DAY_CHECK_PERIOD_S
        ):
            return
        self._last_day_check_mono_s = now
        try:
            last = self._store.last_service_day()
            today = local_now(self.clock.now_utc(), self.config.kiosk.timezone).date()
            if last is not None and last > today and self._is_clock_synchronised():
                self._store.move_service_day_back()
        except StoreError as err:
            logger.error("service day not checked: %s", err)

    # ---- intents ----------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        if isinstance(intent, TicketRequest):
            self.issue(intent)
        elif isinstance(intent, AppointmentRequest):
            self.check_in(intent)
        elif isinstance(intent, SurveyAnswer):
            self.record_survey(intent)
        elif isinstance(intent, PauseRequest):
            self._health.is_paused = intent.is_paused
            logger.info("issuing %s by a technician", "paused" if intent.is_paused else "resumed")
            self.publish_snapshot(force=True)
        elif isinstance(intent, ReprintRequest):
            self.reprint_last()
        elif isinstance(intent, PrintTestRequest):
            self.print_test()
        elif isinstance(intent, ServiceDayRequest):
            self.move_service_day_back()
        elif isinstance(intent, ConfigChange):
            self.apply_config(intent)
        elif (
            isinstance(intent, QuitRequest)
            and not self._stopping.is_set()
            and self.on_quit is not None
        ):
            self.on_quit(intent.exit_code)

    def apply_config(self, change: ConfigChange) -> None:
        """A new configuration in force from the next ticket on (the screen posts it only
        between visitors). Numbers are never reset: a category keeps its day's counter under
        its id, whatever its prefix becomes (kiosk/store/issuing.py)."""
        self.config = change.config
        self.config_source = change.source
        logger.info("configuration in force: %s", change.source)
        self.trace.emit("config", version=change.version, source=change.source)
        if self.on_config is not None:
            try:
                self.on_config(change)
            except Exception:  # recording it must never stop the worker
                logger.exception("configuration change not recorded")
        self.publish_snapshot(force=True)
