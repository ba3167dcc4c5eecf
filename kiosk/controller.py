"""The controller: runs each ticket's flow, off the UI thread.

The screen posts a :class:`~kiosk.core.messages.TicketRequest`; this worker checks that the desk
is open, the printer ready and the category under its cap, commits the number (store), then
prints it and records the outcome. Printing and disk flushes happen here, never in the UI
loop. It also polls the printer when idle, and publishes a :class:`KioskSnapshot` for the
screens after every change.

Over 400 lines on purpose: a ticket's whole flow (refusal, commit, print, outcome, the
journal of outcomes a locked database could not take) reads best in one place; the rules it
applies live in kiosk/core (calendar.py, snapshot.py, events.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.core import appointments as appt
from kiosk.core import calendar as cal
from kiosk.core import events as ev
from kiosk.core.clock import Clock
from kiosk.core.errors import PrinterError, StoreError
from kiosk.core.messages import (
    AppointmentRequest,
    ConfigChange,
    Intent,
    KioskSnapshot,
    Latest,
    PauseRequest,
    PrintTestRequest,
    QuitRequest,
    ReprintRequest,
    ServiceDayRequest,
    SurveyAnswer,
    SurveyRecorded,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
    Update,
)
from kiosk.core.service_day import local_now
from kiosk.core.settings import CategoryConfig, Config
from kiosk.core.snapshot import (
    BLOCKING_STATUSES,
    Health,
    StoreFigures,
    build_snapshot,
    is_printer_blocking,
    queue_figures,
)
from kiosk.core.vocabulary import PrinterStatus, RefusalReason
from kiosk.devices.timesync import is_clock_synchronised
from kiosk.report.survey import SurveyGate, record_answer
from kiosk.store import CapReached, Outcome, Store, Ticket
from kiosk.trace import Trace

logger = logging.getLogger(__name__)

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

    def _record_last_answers(self) -> None:
        """A satisfaction answer given just before a shutdown is still committed (a ticket
        asked for then is not issued: nobody would be there to take it)."""
        while True:
            try:
                intent = self.intents.get_nowait()
            except queue.Empty:
                return
            if isinstance(intent, SurveyAnswer):
                self.record_survey(intent)

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

    def move_service_day_back(self) -> None:
        """The technician's word that the clock is right: bring back a service day left
        ahead of it; the menu says what happened."""
        now = self.clock.now_utc()
        today = local_now(now, self.config.kiosk.timezone).date()
        try:
            moved = self.store.move_service_day_back()
        except StoreError as err:
            notice = f"service day not moved: {err}"
        else:
            if moved is None:
                notice = f"service day: nothing to do (not ahead of the clock's {today})"
            else:
                notice = f"service day moved back from {moved[0]} to {moved[1]}; numbers continue"
        logger.warning("technician: %s", notice)
        self._notice = (notice, self.clock.monotonic_s() + NOTICE_S)
        self.publish_snapshot(force=True)

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

    def issue(self, request: TicketRequest) -> None:
        """One ticket's flow: check, commit, print, record. Every path ends with exactly one
        of issued (then printed or voided) or refused."""
        cid = request.category_id
        try:
            category = self.config.category(cid)
        except KeyError:
            self._refuse(cid, RefusalReason.UNKNOWN)
            return
        if not category.prefix:
            self._refuse(cid, RefusalReason.UNKNOWN)
            return
        reason = self._refusal_reason(category)
        if reason is not None:
            why = None
            if reason == cal.LAST_TICKET:
                reason, why = (
                    RefusalReason.CLOSED,
                    cal.LAST_TICKET,
                )  # the contract's reason, told apart
            self._refuse(cid, reason, category=category, why=why)
            return
        is_priority = request.is_priority and self.config.offers_priority(cid)
        if request.is_priority and not is_priority:
            logger.warning("priority ticket asked for %s, which offers none: a normal one", cid)
        try:
            ticket, _ = self.store.issue_ticket(
                category=cid,
                prefix=category.prefix,
                language=request.language,
                cap=category.cap,
                is_priority=is_priority,
            )
        except CapReached:
            self._refuse(cid, RefusalReason.CAP)
            return
        except StoreError as err:
            logger.error("%s", err)
            self._health.store_error = str(err)
            self._refuse(cid, RefusalReason.STORE)
            return
        self._health.store_error = None
        extra = {"priority": True} if is_priority else {}
        self.trace.emit("issued", ticket_id=ticket.id, number=ticket.number, category=cid, **extra)
        people_ahead, wait = self._queue_figures(cid, is_priority=is_priority)
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=cid,
                language=request.language,
                people_ahead=people_ahead,
                wait_range_s=wait,
                is_priority=is_priority,
            )
        )
        self._nudge()
        self._print(ticket, people_ahead=people_ahead, wait_range_s=wait)
        self.publish_snapshot(force=True)

    # ---- appointments (contract 5.3) ---------------------------------------------------

    def check_in(self, request: AppointmentRequest) -> None:
        """A booking code typed or scanned: a ticket of the appointment's category in its
        window; the same number again (a duplicate) for an appointment already checked in;
        else refused (appointment_unknown, appointment_early, appointment_late...). Works
        from the store's copy of the day's list: the server may be down."""
        settings = self.config.appointments
        now = self.clock.now_utc()
        today = local_now(now, self.config.kiosk.timezone).date()
        if settings is None:
            self._refuse_appointment("", appt.UNKNOWN)
            return
        try:
            found = appt.find_by_code(self.store.appointments_for(today), request.code)
        except StoreError as err:
            logger.error("%s", err)
            self._refuse_appointment("", "store")
            return
        if found is None:
            logger.info("check-in refused: no appointment today for the code given")
            self._refuse_appointment("", appt.UNKNOWN)
            return
        reason, opens = appt.window_refusal(
            found, now, early_min=settings.early_min, late_min=settings.late_min
        )
        if reason is not None:
            logger.info("check-in of appointment %s refused: %s", found.id, reason)
            self._refuse_appointment(
                found.category, reason, opens_at=opens if reason == appt.EARLY else None
            )
            return
        try:
            category = self.config.category(found.category)
        except KeyError:
            logger.warning(
                "appointment %s names category %r, unknown here: check the server's list",
                found.id,
                found.category,
            )
            self._refuse_appointment(found.category, "unknown")
            return
        if self._health.is_paused or self._is_blocking(self.poll_printer(force=True)):
            self._refuse_appointment(
                found.category, "paused" if self._health.is_paused else "printer"
            )
            return
        try:
            previous = self.store.appointment_ticket(found.id)
        except StoreError as err:
            logger.error("%s", err)
            self._refuse_appointment(found.category, "store")
            return
        if previous is not None and previous.state != "voided":
            self._print_duplicate(previous, found)
            return
        try:
            ticket, _ = self.store.issue_ticket(
                category=category.id,
                prefix=category.prefix,
                language=request.language,
                cap=None,  # an appointment is expected: no daily cap turns it away
                appointment_id=found.id,
            )
        except StoreError as err:
            logger.error("%s", err)
            self._health.store_error = str(err)
            self._refuse_appointment(found.category, "store")
            return
        logger.info("appointment %s checked in: ticket %s", found.id, ticket.number)
        self.trace.emit(
            "issued",
            ticket_id=ticket.id,
            number=ticket.number,
            category=category.id,
            appointment_id=found.id,
        )
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=category.id,
                language=request.language,
                appointment_start=found.start,
            )
        )
        self._nudge()
        self._print(ticket, people_ahead=None, wait_range_s=None, appointment_start=found.start)
        self.publish_snapshot(force=True)

    def _print_duplicate(self, ticket: Ticket, found: appt.Appointment) -> None:
        """The same appointment again: its number printed again, marked DUPLICATA; nothing
        is issued, so no event."""
        logger.info("appointment %s checked in again: %s reprinted", found.id, ticket.number)
        self.trace.emit(
            "duplicate",
            ticket_id=ticket.id,
            number=ticket.number,
            category=ticket.category,
            appointment_id=found.id,
        )
        self.updates.put(
            TicketIssued(
                ticket_id=ticket.id,
                number=ticket.number,
                category_id=ticket.category,
                language=ticket.language,
                appointment_start=found.start,
                is_duplicate=True,
            )
        )
        try:
            content = self.make_content(
                self.config, ticket, is_duplicate=True, appointment_start=found.start
            )
            status = self.printer.print_job(
                self.layout.render(content), job_name=f"{ticket.number}-duplicate"
            )
        except PrinterError as err:
            self._set_printer_status(getattr(err, "status", "unknown") or "unknown")
            logger.warning("duplicate of %s not printed: %s", ticket.number, err)
            self.trace.emit("reprint_failed", ticket_id=ticket.id, reason=f"printer: {err}")
            self.updates.put(TicketVoided(ticket.id, f"printer: {err}"))
            return
        self._set_printer_status(str(getattr(status, "value", status)))
        self.trace.emit("printed", ticket_id=ticket.id, duplicate=True)
        self.updates.put(TicketPrinted(ticket.id))

    def _refuse_appointment(
        self, category_id: str, reason: str, *, opens_at: dt.datetime | None = None
    ) -> None:
        """No ticket for this check-in; ``opens_at``: when an early visitor may check in."""
        self.trace.emit("refused", category=category_id or None, reason=reason)
        self.updates.put(TicketRefused(category_id, reason, opens_at))
        try:  # the report counts them (an unknown code under the category "")
            self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category_id, reason))
        except StoreError as err:
            logger.error("refusal not recorded: %s", err)
        self._nudge()

    def record_survey(self, answer: SurveyAnswer) -> None:
        """Commit a satisfaction answer through the debounce and rate limit (kiosk/report/
        survey.py), here because it is a disk write; the screen is told either way."""
        error = None
        try:
            is_counted = record_answer(
                self.store, self._survey_gate, answer.score, answer.reason, answer.pressed_s
            )
        except (StoreError, ValueError) as err:
            logger.error("survey answer not recorded: %s", err)
            is_counted, error = False, str(err)
        self.trace.emit("survey", score=answer.score, reason=answer.reason, counted=is_counted)
        self.updates.put(SurveyRecorded(answer.score, answer.reason, is_counted, error))
        if is_counted:
            self._nudge()

    def _refusal_reason(self, category: CategoryConfig | None = None) -> str | None:
        """paused, closed, last_ticket (the cut-off before closing), printer, or None."""
        if self._health.is_paused:
            return RefusalReason.PAUSED
        local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
        reason = cal.ticket_refusal(
            self.config.calendar,
            local,
            self.config.kiosk.last_ticket_before_close_min,
            category.hours if category is not None else None,
        )
        if reason is not None:
            return reason
        if self._is_blocking(self.poll_printer(force=True)):
            return RefusalReason.PRINTER
        return None

    def _is_blocking(self, status: str) -> bool:
        return is_printer_blocking(
            status, is_bidirectional=bool(getattr(self.printer, "is_bidirectional", False))
        )

    def _refuse(
        self,
        category_id: str,
        reason: str,
        *,
        category: CategoryConfig | None = None,
        why: str | None = None,
    ) -> None:
        """``why`` tells a closed desk from the cut-off before closing (``last_ticket``) or a
        category outside its own hours (``category``); the trace carries it beside ``reason``."""
        next_opening = None
        if reason == RefusalReason.CLOSED:
            local = local_now(self.clock.now_utc(), self.config.kiosk.timezone)
            calendar = self.config.calendar
            hours = category.hours if category is not None else None
            if why is None and hours is not None and cal.is_open(calendar, local):
                why = "category"
            if why == cal.LAST_TICKET:
                hours = None
            next_opening = cal.next_opening(calendar, local, hours)
        logger.info("ticket refused for %s: %s%s", category_id, reason, f" ({why})" if why else "")
        extra = {"why": why} if why else {}
        self.trace.emit("refused", category=category_id, reason=reason, **extra)
        self.updates.put(TicketRefused(category_id, reason, next_opening, why=why))
        try:  # the report counts closed-door visitors; the server learns of them
            self.store.append_event(ev.TICKET_REFUSED, ev.ticket_refused(category_id, reason))
        except StoreError as err:
            logger.error("refusal not recorded: %s", err)
        self._nudge()

    def _print(
        self,
        ticket: Ticket,
        *,
        people_ahead: int | None,
        wait_range_s: tuple[int, int] | None,
        appointment_start: dt.datetime | None = None,
    ) -> None:
        try:
            extra = {"appointment_start": appointment_start} if appointment_start else {}
            content = self.make_content(
                self.config, ticket, people_ahead=people_ahead, wait_range_s=wait_range_s, **extra
            )
            data = self.layout.render(content)
            status = self.printer.print_job(data, job_name=f"{ticket.number}-{ticket.id[:8]}")
        except PrinterError as err:
            self._set_printer_status(getattr(err, "status", None) or PrinterStatus.UNKNOWN)
            self._end_voided(ticket, f"printer: {err}")
            return
        except Exception as err:  # a layout bug must still end the ticket, never leave it open
            logger.exception("ticket %s: could not be rendered", ticket.number)
            self._end_voided(ticket, f"error: {type(err).__name__}")
            return
        self._set_printer_status(str(getattr(status, "value", status)))
        # The paper is out: the screen says so now, whether or not the store takes the
        # outcome at once (a lock held elsewhere is waited for only briefly).
        self.trace.emit("printed", ticket_id=ticket.id)
        self.updates.put(TicketPrinted(ticket.id))
        self._record_end(ticket, "printed", None)
        self._nudge()

    def _end_voided(self, ticket: Ticket, reason: str) -> None:
        logger.warning("ticket %s voided: %s", ticket.number, reason)
        self._record_end(ticket, "voided", reason)
        self.trace.emit("voided", ticket_id=ticket.id, reason=reason)
        self.updates.put(TicketVoided(ticket.id, reason))
        self._nudge()

    def _record_end(self, ticket: Ticket, state: str, reason: str | None) -> None:
        """Commit how ``ticket`` ended; when the store refuses now, keep the outcome in memory
        and in the journal beside the database, and retry it from the loop, so a printed
        ticket is never voided as interrupted at the next start."""
        outcome = Outcome(ticket.id, state, reason, self.clock.now_utc().isoformat())
        try:
            self.store.end_ticket(
                ticket.id,
                state,
                reason,
                at_utc=outcome.at_utc,
                busy_timeout_s=OUTCOME_BUSY_TIMEOUT_S,
            )
            return
        except StoreError as err:
            logger.error(
                "ticket %s %s, not recorded yet (kept, retried): %s", ticket.number, state, err
            )
        self._pending_outcomes.append(outcome)
        try:
            self.store.journal_outcome(outcome)
        except StoreError as err:
            logger.error("ticket %s: outcome kept in memory only: %s", ticket.number, err)

    def flush_outcomes(self, *, busy_timeout_s: float = OUTCOME_BUSY_TIMEOUT_S) -> None:
        """Commit the outcomes the store could not take when they happened; once all are in,
        remove the journal."""
        if not self._pending_outcomes or self._store is None:
            return
        while self._pending_outcomes:
            o = self._pending_outcomes[0]
            try:
                self._store.end_ticket(
                    o.ticket_id, o.state, o.reason, at_utc=o.at_utc, busy_timeout_s=busy_timeout_s
                )
            except StoreError:
                return  # still refused: next time round
            self._pending_outcomes.pop(0)
        try:
            self._store.replay_outcome_journal(busy_timeout_s=busy_timeout_s)
        except StoreError as err:
            logger.warning("outcome journal not cleared yet: %s", err)
        logger.info("ticket outcomes kept during a store fault are committed")
        self._nudge()

    def reprint_last(self) -> None:
        """Reprint the last ticket, same number, marked as a duplicate; no new number."""
        ticket = self.store.last_ticket()
        if ticket is None:
            logger.info("reprint asked but no ticket was issued yet")
            return
        if ticket.state == "voided":
            # Its number was reported void to the server: a duplicate would send a visitor
            # to the desk with a number the agents' screens will never call.
            notice = (
                f"ticket {ticket.number} was voided ({ticket.void_reason or 'no reason'}): "
                "not reprinted; the visitor takes a new ticket"
            )
            logger.warning("reprint refused: %s", notice)
            self._notice = (notice, self.clock.monotonic_s() + NOTICE_S)
            self.publish_snapshot(force=True)
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

    # ---- snapshot -----------------------------------------------------------------------

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
