"""The kiosk assembled: store, printer, sync, controller, GPIO and screen, wired together.

:class:`Kiosk` has an explicit lifecycle: ``open()`` builds and opens every part in order
and registers how to close it in one :class:`~contextlib.ExitStack`; ``run()`` runs the UI
loop; ``close()`` closes everything in reverse order (idempotent). ``with Kiosk(config) as
kiosk: kiosk.run()`` does all three.

Start-up shows something at once: ``open()`` builds only what the first frame needs (the
configuration in force, with the server's stored version (contract 5.7), trace, backlight,
display, speech, keypad, scanner); once that frame is on screen the rest starts in the background
(:mod:`kiosk.wiring.startup`), and nothing is issued before the store and printer are ready.

Threads: the UI loop owns the main thread (pygame wants it); the controller runs ticket
flows and printer polling in its own thread; the sync service talks to the server in
another. They meet only through queues and the :class:`~kiosk.core.messages.Latest` snapshot.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import UsageError
from kiosk.core.messages import Intent, KioskSnapshot, Latest, Update
from kiosk.core.replay import ReplayCommand, validate_categories, validate_survey
from kiosk.core.settings import Config
from kiosk.trace import Trace

# The factories, for the commands that build one part (check-config, print-test, ...).
from kiosk.wiring.demo import config_for_run, demo_config, run_demo
from kiosk.wiring.parts import (
    load_layout,
    make_scanner,
    make_speech,
    open_store,
    prepare_store,
    use_catalog_cache,
    use_headless_video,
)

__all__ = [
    "Kiosk",
    "config_for_run",
    "demo_config",
    "load_layout",
    "open_store",
    "prepare_store",
    "run_demo",
    "run_kiosk",
    "use_headless_video",
]

logger = logging.getLogger(__name__)


class Kiosk:
    """One running kiosk. No I/O in ``__init__``; ``open()``, ``run()``, ``close()``."""

    def __init__(
        self,
        config: Config,
        *,
        headless: bool = False,
        replay: list[ReplayCommand] | None = None,
        trace_path: Path | None = None,
        clock: Clock | None = None,
        window_size: tuple[int, int] | None = None,
    ):
        self.config = config
        self.is_headless = headless
        self.replay = list(replay or ())
        self.trace_path = trace_path
        self.clock = clock or SystemClock()
        self.window_size = window_size
        self.state = "new"  # new, open, running, closed
        self.trace: Trace | None = None
        self.display: Any = None
        self.startup: Any = None
        self.remote: Any = None  # kiosk.remote_config.RemoteConfig, once open() began
        self.intents: queue.Queue[Intent] = queue.Queue()
        self.updates: queue.Queue[Update] = queue.Queue()
        # Until the controller publishes its first snapshot, the screens know it is starting.
        self.snapshot: Latest[KioskSnapshot] = Latest(KioskSnapshot(is_starting=True))
        self._stack = ExitStack()

    def __repr__(self) -> str:
        startup = self.startup.state if self.startup is not None else "-"
        return f"<Kiosk {self.config.kiosk.id} {self.state} startup={startup}>"

    def __enter__(self) -> Kiosk:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def controller(self) -> Any:
        """The controller once the background start-up created it, else None."""
        return self.startup.controller if self.startup is not None else None

    # ---- lifecycle ------------------------------------------------------------------------

    def open(self) -> Kiosk:
        """Open what the first frame needs, in order; the rest starts after that frame."""
        if self.state != "new":
            raise RuntimeError(f"{self!r}: open() once")
        if self.is_headless:
            use_headless_video()
        use_catalog_cache(self.config)
        self._stack.callback(use_catalog_cache, None)
        # The server's stored version, when it still validates, is in force from the first frame.
        self.remote, config = _open_remote(self.config)
        self.config = config
        if self.replay:
            _validate_replay(self.replay, config)
        if config.server is not None:  # before anything shows: one line, exit 2, as ever
            from kiosk.sync.token import read_token  # not requests: the first frame waits

            read_token(config.server.token_file)
        try:
            self._open_parts()
        except BaseException:
            self._stack.close()
            self.state = "closed"
            raise
        self.state = "open"
        return self

    def _open_parts(self) -> None:
        from kiosk.devices.backlight import follower_for
        from kiosk.devices.sdnotify import Watchdog
        from kiosk.wiring.startup import Startup

        config, stack, remote = self.config, self._stack, self.remote
        trace = self.trace = stack.enter_context(Trace(self.trace_path))
        remote.emit = trace.emit
        backlight = follower_for(
            config.display.backlight,
            config.display.backlight_path,
            wake_s=config.display.backlight_wake_s,
            snapshot=self.snapshot,
            clock=self.clock,
            # Only a full-screen kiosk owns the panel; a window on a desktop never dims it.
            has_panel=not self.is_headless
            and self.window_size is None
            and config.display.fullscreen,
        )
        from display.app import DisplayApp  # pygame: the first frame needs it

        display = self.display = DisplayApp(
            config,
            intents=self.intents,
            updates=self.updates,
            snapshot=self.snapshot,
            trace=trace,
            clock=self.clock,
            headless=self.is_headless,
            replay=self.replay,
            window_size=self.window_size,
            is_screen_dark=backlight.is_screen_dark,
            on_touch=backlight.touched,
            configs=remote.pending,
        )
        speaker, keypad = make_speech(config, display, trace, self.clock)
        if speaker is not None:
            stack.callback(speaker.close)  # before the trace closes: its last `spoken` is written
        if keypad is not None:
            stack.callback(keypad.close)
        scanner = make_scanner(config, display)
        if scanner is not None:
            stack.callback(scanner.close)
        backlight.open()
        stack.callback(backlight.close)
        startup = self.startup = Startup(
            config,
            clock=self.clock,
            trace=trace,
            intents=self.intents,
            updates=self.updates,
            snapshot=self.snapshot,
            display=display,
            remote=remote,
        )
        if config.server is not None:  # a replay line may wait for the server's first answer
            display.is_config_settled = startup.is_config_settled
        stack.callback(startup.close)  # the controller first, then sync, GPIO, printer, store
        watchdog = Watchdog(is_healthy=startup.is_healthy, clock=self.clock)
        stack.callback(watchdog.stopping)

        def on_ready() -> None:
            """The first frame is on screen: systemd is told, the rest starts."""
            watchdog.ready()
            startup.start()

        display.on_ready = on_ready
        display.on_frame = watchdog.tick

    def run(self) -> int:
        """Run the UI loop until a requested quit; returns the exit code. A part that failed
        to start (a bad printer profile, a token file) is raised here, after the loop."""
        if self.state != "open":
            raise RuntimeError(f"{self!r}: run() after open()")
        self.state = "running"
        with _signals_quit(self.display):
            code = int(self.display.run())
        if self.startup.error is not None:
            raise self.startup.error
        return code

    def close(self) -> None:
        """Close every part in reverse order of opening; idempotent."""
        if self.state == "closed":
            return
        if self.state != "new":
            logger.info("shutting down")
        self.state = "closed"
        self._stack.close()


def run_kiosk(
    config: Config,
    *,
    headless: bool = False,
    replay: list[ReplayCommand] | None = None,
    trace_path: Path | None = None,
    clock: Clock | None = None,
    window_size: tuple[int, int] | None = None,
) -> int:
    """Run the kiosk until a requested quit; returns the exit code."""
    with Kiosk(
        config,
        headless=headless,
        replay=replay,
        trace_path=trace_path,
        clock=clock,
        window_size=window_size,
    ) as kiosk:
        return kiosk.run()


def _open_remote(config: Config) -> tuple[Any, Config]:
    """Remote configuration (contract 5.7): the stored server version, when it still
    validates against the file, is in force from the first frame, server down or not."""
    from kiosk.remote_config import RemoteConfig

    remote = RemoteConfig.open(config)
    return remote, remote.config


def _validate_replay(replay: list[ReplayCommand], config: Config) -> None:
    """A ``ticket`` line naming an unknown category is refused at start, unless a server
    may still define it: the replay then waits for the server's configuration at that line
    (display/replay_driver.py) and refuses it there if it never comes."""
    try:
        validate_categories(
            replay,
            {c.id for c in config.ticket_categories},
            source=replay[0].source,
            priority_category_ids={
                c.id for c in config.ticket_categories if config.offers_priority(c.id)
            },
        )
    except UsageError as err:
        if config.server is None:
            raise
        logger.info("%s: waiting for the server's configuration at that line", err)
    validate_survey(replay, is_enabled=config.survey.enabled)


@contextmanager
def _signals_quit(display: Any) -> Iterator[None]:
    """SIGTERM (systemd stop) and SIGINT (Ctrl-C) end the UI loop cleanly, exit code 0."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, frame: Any) -> None:
        logger.info("signal %d: quitting", signum)
        display.request_quit(0)

    for s in previous:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
