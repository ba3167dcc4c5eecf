"""The sync worker: drains the outbox to the queue server, so the screen never waits.

One daemon thread runs :meth:`SyncService.run_once` in a loop. Each step may append a
heartbeat, sends at most one batch (the 100 oldest unsent events, in seq order) and, when
due, fetches the queue state. The rules are the contract's (section 4):

- a 200 marks the listed ids accepted; the others are sent again, before anything newer;
- a protocol 400 (a JSON error answer, :func:`kiosk.sync.protocol.parse_error_answer`) and
  413 split the batch in halves, in order, until the bad event stands alone; it is then set
  aside in the store's table of rejected events (kept, logged, counted; ``kiosk
  requeue-rejected`` sends them again). A 400 that is no protocol error (a proxy's HTML
  page), or a 413 page refusing a single event, is a server fault: back off, set nothing
  aside;
- 401/403 keep everything and back off; technicians see "sync: authentication failed";
- 429, 5xx, timeouts, refused and reset connections back off with full jitter, capped at
  5 minutes, honouring Retry-After.

The backoff (attempt count, next attempt time), the last success and the last error live in
the store's meta table, so a restart neither hammers a struggling server nor forgets it.
Wall and monotonic time come from the injected Clock, so tests drive backoff with FakeClock.

Over 400 lines on purpose: one worker and its one loop, whose steps (deliver, split, set
aside, back off, the periodic fetches) share the backoff and status state; the backoff's rules
are kiosk/sync/backoff.py and backoff_state.py, the wire kiosk/sync/client.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.core import events as ev
from kiosk.core.clock import Clock
from kiosk.core.errors import AuthError, ConfigError, KioskError, SyncError, TokenFileError
from kiosk.core.settings import ServerSection
from kiosk.sync.backoff import BackoffPolicy
from kiosk.sync.backoff_state import (
    StatusStore,
    failure_values,
    load_backoff,
    save_values,
    success_values,
    sync_status_from_store,
)
from kiosk.sync.client import ConfigDocumentError, ServerBusyError, ServerClient, read_token
from kiosk.sync.state import QueueState

logger = logging.getLogger(__name__)

__all__ = ["OutboxStore", "SyncService", "SyncStatus", "sync_status_from_store"]

BATCH_SIZE = 100
IDLE_WAKE_S = 1.0  # the loop looks at its schedule at least this often
SUCCESS_SAVE_EVERY_S = 60.0
REQUESTS_PER_STEP = 16  # a bisection of 100 events takes at most 2*7 requests, plus state
APPOINTMENTS_POLL_S = 240.0  # the day's appointments: at start, then at least every 5 min
APPOINTMENTS_RETRY_S = 30.0  # after a failed fetch (the kept list serves meanwhile)


class RemoteConfigPort(Protocol):
    """What the worker needs of :class:`kiosk.remote_config.RemoteConfig`."""

    etag: str | None

    def receive(self, answer: Any) -> None: ...
    def malformed(self, version: int | None, error: str) -> None: ...
    def unreachable(self) -> None: ...


class OutboxStore(StatusStore, Protocol):
    """What the sync worker needs of :class:`kiosk.store.Store`."""

    def append_event(self, type: str, data: dict[str, Any]) -> Any: ...
    def pending_events(self, limit: int = 100) -> list[Any]: ...
    def mark_accepted(self, event_ids: Any) -> int: ...
    def mark_rejected(self, event: Any, *, status_code: int, answer: str) -> None: ...


@dataclass(frozen=True)
class SyncStatus:
    """For technicians (never visitors): how far the outbox is from the server."""

    last_success_at: dt.datetime | None
    last_error: str | None
    is_auth_failed: bool
    outbox_depth: int
    oldest_pending_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    rejected_count: int
    clock_offset_s: float | None


class SyncService:
    """Sends the outbox, heartbeats and polls the queue state in one daemon thread."""

    def __init__(
        self,
        *,
        server: ServerSection,
        kiosk_id: str,
        store: OutboxStore,
        clock: Clock,
        heartbeat_data: Callable[[], dict] | None = None,
        client: ServerClient | None = None,
        backoff: BackoffPolicy | None = None,
        appointments_day: Callable[[], dt.date | None] | None = None,
        remote_config: RemoteConfigPort | None = None,
    ):
        self.server = server
        # With [appointments]: today's service day, whose list is fetched into the store.
        self.appointments_day = appointments_day
        self._next_appointments_mono_s = 0.0
        self._appointments_fetched_day: dt.date | None = None
        self.kiosk_id = kiosk_id
        self.store = store
        self.clock = clock
        self.heartbeat_data = heartbeat_data
        self.backoff = backoff or BackoffPolicy()
        self._client = client
        self._owns_client = client is None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_mono_s = clock.monotonic_s()
        self._beat_mono_s = self._started_mono_s
        self._is_loaded = False
        # Schedule, in monotonic seconds.
        self._next_send_mono_s = 0.0
        self._next_heartbeat_mono_s = self._started_mono_s + server.heartbeat_s
        self._next_state_mono_s = 0.0
        # Remote configuration (contract 5.7): asked for at start, then every config_poll_s.
        self.remote_config = remote_config
        self._next_config_mono_s = 0.0 if remote_config is not None else float("inf")
        self._config_failures = 0
        # State mirrored in the store's meta table.
        self._attempts = 0
        self._last_success_at: dt.datetime | None = None
        self._last_error: str | None = None
        self._is_auth_failed = False
        self._clock_offset_s: float | None = None
        self._queue_state: QueueState | None = None
        self._outbox_depth = 0
        self._success_saved_mono_s = float("-inf")
        self._last_unexpected: str | None = None

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> SyncService:
        """Load the persisted backoff and start the worker thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._load()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kiosk-sync", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the worker to finish its current request and end; close the client we made."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                logger.warning("sync worker still busy after %.1f s; leaving it", timeout_s)
                return
        self._thread = None
        if self._client is not None and self._owns_client:
            self._client.close()
            self._client = None

    def nudge(self) -> None:
        """Events were just committed: send them now (unless backing off). Never blocks."""
        self._wake.set()

    def is_alive(self) -> bool:
        """For the systemd watchdog: the worker runs and its last step did not hang."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return False
        step_limit_s = (
            REQUESTS_PER_STEP * (self.server.connect_timeout_s + self.server.read_timeout_s)
            + IDLE_WAKE_S
            + 10.0
        )
        with self._lock:
            return self.clock.monotonic_s() - self._beat_mono_s <= step_limit_s

    def __repr__(self) -> str:
        alive = self._thread is not None and self._thread.is_alive()
        return (
            f"<SyncService {self.server.url} kiosk={self.kiosk_id} running={alive} "
            f"attempts={self._attempts} auth_failed={self._is_auth_failed}>"
        )

    # ---- what the controller reads ----------------------------------------------------------

    def queue_state(self) -> QueueState | None:
        """The latest queue state, or None when missing or older than 5 minutes."""
        with self._lock:
            state = self._queue_state
        if state is None or not state.is_fresh(self.clock.monotonic_s()):
            return None
        return state

    def status(self) -> SyncStatus:
        """A snapshot for technicians; never raises (store errors show as the last error)."""
        error: str | None = None
        oldest: dt.datetime | None = None
        rejected = 0
        try:
            depth = self.store.outbox_depth()
            oldest = self.store.oldest_pending_created_at()
            rejected = len(self.store.rejected_events())
        except KioskError as err:
            depth = self._outbox_depth
            error = str(err)
        with self._lock:
            now_mono = self.clock.monotonic_s()
            next_at = None
            if self._next_send_mono_s > now_mono:
                next_at = self.clock.now_utc() + dt.timedelta(
                    seconds=self._next_send_mono_s - now_mono
                )
            self._outbox_depth = depth
            return SyncStatus(
                last_success_at=self._last_success_at,
                last_error=error or self._last_error,
                is_auth_failed=self._is_auth_failed,
                outbox_depth=depth,
                oldest_pending_at=oldest,
                next_attempt_at=next_at,
                rejected_count=rejected,
                clock_offset_s=self._clock_offset_s,
            )

    # ---- the worker ---------------------------------------------------------------------------

    def _loop(self) -> None:
        logger.info("sync worker started for %s", self.server.url)
        while not self._stop.is_set():
            try:
                wait_s = self.run_once()
            except Exception as err:  # the thread must never die: log, back off, carry on
                wait_s = self._failed_unexpectedly(err)
            if wait_s > 0 and not self._stop.is_set():
                self._wake.wait(min(wait_s, IDLE_WAKE_S))
            self._wake.clear()
        logger.info("sync worker stopped")

    def run_once(self) -> float:
        """One step of the worker; returns the seconds until the next step is due (0 means
        more is waiting now). Called by the thread, or directly by tests."""
        now = self.clock.monotonic_s()
        with self._lock:
            self._beat_mono_s = now
        if not self._is_loaded:
            self._load()
        try:
            if now >= self._next_heartbeat_mono_s:
                self._append_heartbeat(now)
            if now < self._next_send_mono_s:
                return self._until_next(now)
            batch = self.store.pending_events(limit=BATCH_SIZE)
            is_state_due = now >= self._next_state_mono_s
            is_appointments_due = self._is_appointments_due(now)
            is_config_due = now >= self._next_config_mono_s
            if not batch and not is_state_due and not is_appointments_due and not is_config_due:
                return self._until_next(now)
            client = self._ready_client()
            is_more_waiting = False
            if batch:
                is_complete = self._deliver(client, batch)
                is_more_waiting = not is_complete or len(batch) == BATCH_SIZE
                if any(e.type in ev.TICKET_EVENTS for e in batch):
                    is_state_due = True  # the waiting figures just changed
            if is_state_due:
                self._poll_state(client)
            if is_appointments_due:
                self._poll_appointments(client)
            if is_config_due:
                self._poll_config(client)
            self._succeeded()
            return 0.0 if is_more_waiting else self._until_next(self.clock.monotonic_s())
        except ServerBusyError as err:
            self._failed(err, retry_after_s=err.retry_after_s)
        except (SyncError, ConfigError) as err:
            self._failed(err)
        except KioskError as err:  # the store failed: try again later, the data is safe
            self._failed(err)
        return self._until_next(self.clock.monotonic_s())

    def _until_next(self, now: float) -> float:
        """Seconds until a heartbeat, a state poll or the end of the backoff is due (events
        committed meanwhile come with a nudge, and the loop looks every IDLE_WAKE_S anyway)."""
        backoff_until = self._next_send_mono_s
        due = [
            self._next_heartbeat_mono_s,
            max(self._next_state_mono_s, backoff_until),
            max(self._next_config_mono_s, backoff_until),
        ]
        if self.appointments_day is not None:
            due.append(max(self._next_appointments_mono_s, backoff_until))
        if backoff_until > now:
            due.append(backoff_until)
        return max(0.0, min(due) - now)

    def _ready_client(self) -> ServerClient:
        """The client, made on first use; the token file is read again after an auth
        failure, so a technician's fix is picked up without a restart."""
        if self._client is None:
            self._client = ServerClient.from_config(
                self.server, kiosk_id=self.kiosk_id, token=read_token(self.server.token_file)
            )
            self._owns_client = True
        elif self._is_auth_failed or not self._client.has_token:
            try:
                self._client.set_token(read_token(self.server.token_file))
            except ConfigError:
                if not self._client.has_token:
                    raise
        return self._client

    def _deliver(self, client: ServerClient, events: Sequence[Any]) -> bool:
        """Send ``events``; True when each was accepted or set aside. Splits on 400/413."""
        result = client.post_events(events)
        if result.clock_offset_s is not None:
            with self._lock:
                self._clock_offset_s = result.clock_offset_s
        if not result.is_split_needed:
            ids = {e.id for e in events} & result.accepted
            if not ids:
                raise SyncError(f"sending events: the server accepted none of {len(events)}")
            self.store.mark_accepted([e.id for e in events if e.id in ids])
            return len(ids) == len(events)
        if len(events) == 1:
            if not result.is_protocol_error:  # a proxy's 413 page: its fault, not the event's
                raise SyncError(
                    f"sending events: server answered {result.status_code} to a single event "
                    f"(seq {events[0].seq}) without a protocol error ({result.answer[:80]!r}): "
                    "keeping it and trying again later; check the proxy's body size limit",
                    status_code=result.status_code,
                )
            self.store.mark_rejected(
                events[0], status_code=result.status_code, answer=result.answer
            )
            return True
        mid = len(events) // 2
        logger.info(
            "server answered %d to %d events (seq %d-%d): splitting",
            result.status_code,
            len(events),
            events[0].seq,
            events[-1].seq,
        )
        return self._deliver(client, events[:mid]) and self._deliver(client, events[mid:])

    def _poll_state(self, client: ServerClient) -> None:
        now = self.clock.monotonic_s()
        self._next_state_mono_s = now + self.server.state_poll_s
        state = client.get_state(fetched_at_mono_s=now)
        with self._lock:
            self._queue_state = state

    def _is_appointments_due(self, now: float) -> bool:
        if self.appointments_day is None:
            return False
        day = self.appointments_day()
        if day is None:  # no [appointments] in force now (a server's version may bring it)
            return False
        return now >= self._next_appointments_mono_s or day != self._appointments_fetched_day

    def _poll_appointments(self, client: ServerClient) -> None:
        """Fetch today's appointments into the store. A malformed list (or one for another
        day) is refused with one log line and the last good list kept; a network fault
        goes to the usual backoff, the kept list serving meanwhile."""
        assert self.appointments_day is not None
        day = self.appointments_day()
        if day is None:
            return
        now = self.clock.monotonic_s()
        self._next_appointments_mono_s = now + APPOINTMENTS_RETRY_S
        try:
            appointments = client.get_appointments(day)
        except SyncError as err:
            if err.is_retryable:
                raise
            logger.warning("sync: %s", err)
            self._next_appointments_mono_s = now + APPOINTMENTS_POLL_S
            return
        replace = getattr(self.store, "replace_appointments", None)
        if replace is not None:
            replace(day, appointments)
        if day != self._appointments_fetched_day:
            logger.info("appointments of %s: %d fetched", day.isoformat(), len(appointments))
        self._appointments_fetched_day = day
        self._next_appointments_mono_s = now + APPOINTMENTS_POLL_S

    def _poll_config(self, client: ServerClient) -> None:
        """Ask for the server's configuration (a 304 when unchanged). Its own failures never
        hold the outbox back: a malformed answer is logged and used for nothing, a server
        that does not answer is asked again after a backoff capped at ``config_poll_s``."""
        assert self.remote_config is not None
        remote = self.remote_config
        now = self.clock.monotonic_s()
        self._next_config_mono_s = now + self.server.config_poll_s
        try:
            answer = client.get_config(etag=remote.etag)
        except ConfigDocumentError as err:
            remote.malformed(err.version, str(err))
            return
        except AuthError:
            remote.unreachable()
            raise
        except SyncError as err:
            self._config_failures += 1
            delay_s = min(self.server.config_poll_s, self.backoff.delay_s(self._config_failures))
            self._next_config_mono_s = now + delay_s
            logger.info("sync: %s; configuration asked again in %.0f s", err, delay_s)
            remote.unreachable()
            return
        self._config_failures = 0
        remote.receive(answer)

    def _append_heartbeat(self, now: float) -> None:
        self._next_heartbeat_mono_s = now + self.server.heartbeat_s
        data: dict[str, Any] = {"printer": "unknown"}
        if self.heartbeat_data is not None:
            try:
                data.update(self.heartbeat_data())
            except Exception:  # a broken provider must not stop the heartbeat itself
                logger.exception("heartbeat data provider failed")
        data["uptime_s"] = int(now - self._started_mono_s)
        data["outbox_depth"] = self.store.outbox_depth()
        with self._lock:
            if self._clock_offset_s is not None:
                data["clock_offset_s"] = round(self._clock_offset_s, 1)
        self.store.append_event(ev.KIOSK_HEARTBEAT, data)

    # ---- backoff state, mirrored in the store (see kiosk.sync.backoff_state) ------------------

    def _load(self) -> None:
        """Read the persisted backoff; a pending next attempt is honoured (at most 5 min)."""
        self._is_loaded = True
        try:
            saved = load_backoff(self.store)
        except KioskError as err:
            logger.error("sync: cannot read the saved backoff (%s); starting afresh", err)
            return
        with self._lock:
            self._attempts = saved.attempts
            self._last_success_at = saved.last_success_at
            self._last_error = saved.last_error
            self._is_auth_failed = saved.is_auth_failed
            if saved.next_attempt_at is not None:
                remaining_s = (saved.next_attempt_at - self.clock.now_utc()).total_seconds()
                remaining_s = min(self.backoff.cap_s, max(0.0, remaining_s))
                self._next_send_mono_s = self.clock.monotonic_s() + remaining_s

    def _failed(self, err: KioskError, *, retry_after_s: float | None = None) -> None:
        now_mono = self.clock.monotonic_s()
        with self._lock:
            self._attempts += 1
            delay_s = self.backoff.delay_s(self._attempts, retry_after_s)
            self._next_send_mono_s = now_mono + delay_s
            self._last_error = str(err)
            is_auth = isinstance(err, (AuthError, TokenFileError))
            self._is_auth_failed = is_auth
            attempts = self._attempts
        next_at = self.clock.now_utc() + dt.timedelta(seconds=delay_s)
        log = logger.warning if attempts <= 3 or attempts % 10 == 0 else logger.debug
        log("sync: %s; attempt %d, next in %.1f s", err, attempts, delay_s)
        self._save(
            failure_values(
                attempts=attempts, next_attempt_at=next_at, error=str(err), is_auth_failed=is_auth
            )
        )

    def _failed_unexpectedly(self, err: Exception) -> float:
        """A bug or an unforeseen error: the traceback once per kind of error, then a
        failure like any other (backoff, last error for technicians)."""
        kind = f"{type(err).__name__}: {err}"[:200]
        if kind != self._last_unexpected:
            self._last_unexpected = kind
            logger.exception("sync step failed unexpectedly")
        self._failed(SyncError(f"unexpected error ({kind})"))
        return self._until_next(self.clock.monotonic_s())

    def _succeeded(self) -> None:
        now = self.clock.now_utc()
        with self._lock:
            was_failing = self._attempts > 0 or self._last_error or self._is_auth_failed
            self._attempts = 0
            self._last_error = None
            self._is_auth_failed = False
            self._next_send_mono_s = 0.0
            self._last_success_at = now
        if was_failing:
            logger.info("sync: the server answers again")
        now_mono = self.clock.monotonic_s()
        if not was_failing and now_mono - self._success_saved_mono_s < SUCCESS_SAVE_EVERY_S:
            return  # spare the SD card: the last success is saved at most once a minute
        self._success_saved_mono_s = now_mono
        self._save(success_values(last_success_at=now, was_failing=bool(was_failing)))

    def _save(self, values: dict[str, str | None]) -> None:
        try:
            save_values(self.store, values)
        except KioskError as err:
            logger.error("sync: cannot save the backoff state (%s)", err)
