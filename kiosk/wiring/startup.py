"""The second half of the start-up, in a thread, once the first frame is on screen.

The first frame needs only the configuration and pygame. Everything else a ticket needs
(the ticket layout with python-escpos and its capability database, the printer, the store
and its housekeeping, the sync service, the controller with this year's public holidays,
the GPIO panel) is opened here, off the UI thread, so the screen shows at once even at a
fifth of a Pi's core.

Nothing is issued before the store and the printer are ready: the controller, the only
part that issues, is created and started last. A visitor's request made meanwhile waits in
the intents queue and is handled, with every usual check (open, printer, cap), as soon as
the controller runs; the screen shows the ticket's waiting state until then. The snapshot
says ``is_starting`` until the controller's first one, and a replay script waits for it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError, KioskError, StoreError
from kiosk.core.messages import Intent, KioskSnapshot, Latest, Update
from kiosk.core.settings import Config
from kiosk.trace import Trace
from kiosk.wiring.parts import (
    load_layout,
    make_gpio,
    make_sync,
    open_store,
    prepare_store,
    reopen_store,
)

logger = logging.getLogger(__name__)

# How long close() waits for a start-up still under way (each of its I/O calls has its own
# timeout: the store's busy timeout, the printer's, the token file read); under the unit's
# TimeoutStopSec=20.
JOIN_TIMEOUT_S = 10.0
# A start-up still under way after this long is reported unhealthy: the watchdog stops its
# pings and systemd restarts the kiosk, rather than holding visitors' requests for ever.
STARTUP_LIMIT_S = 120.0


class _Closing(Exception):
    """close() began while the start-up was still opening parts: stop opening."""


class Startup:
    """The parts opened after the first frame; ``start()`` runs the thread, ``close()``
    stops what it opened, in reverse order, and may be called at any moment."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock,
        trace: Trace,
        intents: queue.Queue[Intent],
        updates: queue.Queue[Update],
        snapshot: Latest[KioskSnapshot],
        display: Any,
        remote: Any,
    ):
        self.config = config
        self.clock = clock
        self.trace = trace
        self.intents = intents
        self.updates = updates
        self.snapshot = snapshot
        self.display = display
        self.remote = remote  # kiosk.remote_config.RemoteConfig: the configuration in force
        self.controller: Any = None
        self.printer: Any = None
        self.syncs: list[Any] = []
        self.stores: list[Any] = []
        self.error: BaseException | None = None
        self.startup_s: float | None = None  # from start() to the controller running
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="startup", daemon=True)
        self._begun_s = 0.0

    def __repr__(self) -> str:
        return f"<Startup {self.state} stores={len(self.stores)} syncs={len(self.syncs)}>"

    @property
    def state(self) -> str:
        """``waiting`` (not begun), ``starting``, ``started``, ``failed`` or ``closed``."""
        if self._closing.is_set():
            return "closed"
        if self.error is not None:
            return "failed"
        if self._done.is_set():
            return "started"
        return "starting" if self._thread.is_alive() else "waiting"

    @property
    def is_started(self) -> bool:
        return self._done.is_set() and self.error is None

    def start(self) -> None:
        """Begin in the background; later calls do nothing."""
        with self._lock:
            if self._thread.is_alive() or self._done.is_set() or self._closing.is_set():
                return
            self._begun_s = self.clock.monotonic_s()
            self._thread.start()

    def is_healthy(self) -> bool:
        """For the watchdog: starting counts as healthy; once started, the controller and
        the sync (when there is one) must be alive."""
        if self.error is not None:
            return False
        if not self._done.is_set():
            is_begun = self._thread.is_alive()
            return not is_begun or self.clock.monotonic_s() - self._begun_s < STARTUP_LIMIT_S
        sync = self.syncs[0] if self.syncs else None
        return (
            self.controller is not None
            and self.controller.is_alive()
            and (sync is None or sync.is_alive())
        )

    def is_config_settled(self) -> bool:
        """For a replay line naming a category only the server defines: the server's first
        configuration answer came, or no sync asks for one (no store at start-up)."""
        return self.remote.is_settled.is_set() or (self._done.is_set() and not self.syncs)

    def close(self) -> None:
        """Stop the controller (it ends the ticket under way), the syncs, the GPIO panel,
        the printer and the stores; idempotent."""
        self._closing.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT_S)
            if self._thread.is_alive():
                logger.error(
                    "start-up still running after %.0f s: its parts stay open", JOIN_TIMEOUT_S
                )
        with self._lock:
            stack, self._stack = self._stack, ExitStack()
        stack.close()

    # ---- the thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._open()
        except _Closing:
            logger.info("start-up abandoned: the kiosk is stopping")
        except BaseException as err:  # reported by Kiosk.run(), which quits the display
            self.error = err
            if not isinstance(err, KioskError):
                logger.exception("start-up failed")
            self.display.request_quit(getattr(err, "exit_code", 1))
        finally:
            self._done.set()

    def _keep(self, close: Callable[[], Any]) -> None:
        """Register how to close a part just opened; once close() has begun, close it now
        and stop opening."""
        with self._lock:
            if not self._closing.is_set():
                self._stack.callback(close)
                return
        close()
        raise _Closing

    def _open(self) -> None:
        config, clock = self.config, self.clock
        self._keep(self._close_stores)
        store, store_error = open_store(config, clock)
        if store is not None:
            self.stores.append(store)
            try:
                prepare_store(store, config)
            except StoreError as err:
                logger.error("%s", err)
                store_error = str(err)
        self.remote.attach(store)  # records what the start decided of a stored version
        from kiosk.controller import Controller
        from kiosk.core.tickets import ticket_content
        from printer.device import TicketPrinter

        layout = load_layout(config, may_cache_in_data_dir=True)  # after the store's folder
        printer = self.printer = TicketPrinter.from_config(config.printer)
        printer.open()
        self._keep(printer.close)
        self._keep(self._stop_syncs)
        sync = make_sync(config, store, clock, heartbeat_data=self._heartbeat, remote=self.remote)
        if sync is not None:
            self.syncs.append(sync)
        gpio = make_gpio(config, self.intents, self.display, self.snapshot, clock)
        if gpio is not None:
            self._keep(gpio.close)
        controller = Controller(
            config,
            store=store,
            printer=printer,
            layout=layout,
            make_content=ticket_content,
            intents=self.intents,
            updates=self.updates,
            snapshot=self.snapshot,
            trace=self.trace,
            clock=clock,
            sync=sync,
            on_quit=self.display.request_quit,
            open_store=self._reopen,
            store_error=store_error,
            config_source=self.remote.source,
            on_config=lambda change: self.remote.note_in_force(change.version),
        )
        self.controller = controller
        self._keep(controller.stop)
        self.startup_s = clock.monotonic_s() - self._begun_s
        # Traced before the controller runs: every `issued` comes after it.
        self.trace.emit("started", startup_s=round(self.startup_s, 3), store=store_error or "ok")
        controller.start()  # holidays built, printer polled, the first snapshot published
        if sync is not None:
            sync.start()
        logger.info("kiosk started %.2f s after the first frame", self.startup_s)

    def _heartbeat(self) -> dict[str, Any]:
        """Heartbeats report the printer status the controller last read."""
        controller = self.controller
        return {"printer": controller.printer_status if controller is not None else "unknown"}

    def _reopen(self) -> Any:
        """The store opened after boot (a late disk): start the sync it feeds, too."""
        opened = reopen_store(self.config, self.clock)
        self.stores.append(opened)
        if self.config.server is not None and not self.syncs:
            try:
                late = make_sync(
                    self.config,
                    opened,
                    self.clock,
                    heartbeat_data=self._heartbeat,
                    remote=self.remote,
                )
            except ConfigError as err:
                logger.error("sync not started: %s", err)
                late = None
            if late is not None:
                late.start()
                self.syncs.append(late)
                if self.controller is not None:
                    self.controller.sync = late
        return opened

    def _stop_syncs(self) -> None:
        for sync in self.syncs:
            sync.stop()

    def _close_stores(self) -> None:
        for store in self.stores:
            store.close()
