"""The kiosk assembled: store, printer, sync, controller, GPIO and screen, wired together.

Threads: the UI loop owns the main thread (pygame wants it); the controller runs ticket
flows and printer polling in its own thread; the sync service talks to the server in
another. They meet only through queues and the :class:`~kiosk.core.messages.Latest` snapshot.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import secrets
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config import bundled_config_dir, load_config
from kiosk.controller import Controller
from kiosk.core import events as ev
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import ConfigError, StoreCorrupted, StoreError, UsageError
from kiosk.core.messages import Intent, KioskSnapshot, Latest, TicketRequest, Update
from kiosk.core.replay import (
    ReplayCommand,
    load_replay,
    validate_categories,
    validate_survey,
)
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config, ServerSection
from kiosk.core.tickets import ticket_content
from kiosk.devices.backlight import follower_for
from kiosk.devices.timesync import is_clock_synchronised
from kiosk.store import Store
from kiosk.trace import Trace

logger = logging.getLogger(__name__)


def use_headless_video() -> None:
    """SDL's dummy video and audio drivers: no window, no screen, no sound card needed."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def load_layout(config: Config) -> Any:
    """The ticket layout, its printer profile read and its logo dithered, once. A bad
    profile or logo is a configuration error naming the file."""
    from printer.ticket import TicketLayout

    layout = TicketLayout.from_config(config.printer)
    try:
        layout.load()
    except ConfigError as err:
        message = str(err)
        if str(config.path) not in message:
            message = f"{config.path}: {message}"
        raise ConfigError(message, path=str(config.path), key=err.key) from None
    return layout


def open_store(config: Config, clock: Clock) -> tuple[Store | None, str | None]:
    """Open the store; a corrupted file is moved aside and a new store started. Returns the
    store, or None and the reason (the kiosk then shows its out-of-order screen)."""

    def attempt() -> Store:
        return Store.open(
            config.kiosk.data_dir,
            kiosk_id=config.kiosk.id,
            clock=clock,
            timezone=config.kiosk.timezone,
        )

    try:
        try:
            return attempt(), None
        except StoreCorrupted as err:
            logger.error("%s", err)
            return attempt(), None
    except StoreError as err:
        logger.error("%s", err)
        return None, str(err)


def prepare_store(store: Store, config: Config) -> None:
    """Start-up housekeeping: commit ticket outcomes left in the journal, void tickets a
    crash interrupted, bring back a service day a
    wrong clock left in the future (once the clock is known synchronised), prune old rows,
    record the start."""
    store.replay_outcome_journal()  # outcomes a locked database could not take in time
    store.void_interrupted()
    if is_clock_synchronised():
        store.move_service_day_back()
    store.prune(
        retention_days=config.kiosk.retention_days,
        report_retention_days=config.kiosk.report_retention_days,
    )
    store.append_event(ev.KIOSK_STARTED, ev.started(__version__))


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
    from display.app import DisplayApp
    from printer.device import TicketPrinter

    clock = clock or SystemClock()
    if headless:
        use_headless_video()
    remote, config = _open_remote(config)
    if replay:
        _validate_replay(replay, config)
    layout = load_layout(config)  # before any visitor: profile read, logo dithered once
    printer = TicketPrinter.from_config(config.printer)
    store, store_error = open_store(config, clock)
    if store is not None:
        try:
            prepare_store(store, config)
        except StoreError as err:
            logger.error("%s", err)
            store_error = str(err)
    remote.attach(store)
    # Heartbeats report the printer status the controller last read (set once it exists).
    controllers: list[Controller] = []

    def heartbeat() -> dict[str, Any]:
        return {"printer": controllers[0].printer_status if controllers else "unknown"}

    sync = _make_sync(config, store, clock, heartbeat_data=heartbeat, remote=remote)

    intents: queue.Queue[Intent] = queue.Queue()
    updates: queue.Queue[Update] = queue.Queue()
    snapshot: Latest[KioskSnapshot] = Latest(KioskSnapshot())
    backlight = follower_for(
        config.display.backlight,
        config.display.backlight_path,
        wake_s=config.display.backlight_wake_s,
        snapshot=snapshot,
        clock=clock,
        # Only a full-screen kiosk owns the panel; a window on a desktop never dims it.
        has_panel=not headless and window_size is None and config.display.fullscreen,
    )
    with Trace(trace_path) as trace:
        remote.emit = trace.emit
        display = DisplayApp(
            config,
            intents=intents,
            updates=updates,
            snapshot=snapshot,
            trace=trace,
            clock=clock,
            headless=headless,
            replay=replay or (),
            window_size=window_size,
            on_frame=None,
            is_screen_dark=backlight.is_screen_dark,
            on_touch=backlight.touched,
            configs=remote.pending,
            is_config_settled=remote.is_settled.is_set if sync is not None else None,
        )
        syncs = [sync] if sync is not None else []
        stores = [store] if store is not None else []

        def reopen() -> Store:
            """The store opened after boot (a late disk): start the sync it feeds, too."""
            opened = _reopen(config, clock)
            stores.append(opened)
            if config.server is not None and not syncs:
                try:
                    late = _make_sync(
                        config, opened, clock, heartbeat_data=heartbeat, remote=remote
                    )
                except ConfigError as err:
                    logger.error("sync not started: %s", err)
                    late = None
                if late is not None:
                    late.start()
                    syncs.append(late)
                    controller.sync = late
            return opened

        controller = Controller(
            config,
            store=store,
            printer=printer,
            layout=layout,
            make_content=ticket_content,
            intents=intents,
            updates=updates,
            snapshot=snapshot,
            trace=trace,
            clock=clock,
            sync=sync,
            on_quit=display.request_quit,
            open_store=reopen,
            store_error=store_error,
            config_source=remote.source,
            on_config=lambda change: remote.note_in_force(change.version),
        )
        controllers.append(controller)
        watchdog, display.on_frame = _watchdog_hook(
            controller, lambda: syncs[0] if syncs else None, clock
        )
        gpio = _make_gpio(config, intents, display, snapshot, clock)
        speaker, keypad = _make_speech(config, display, trace, clock)
        scanner = _make_scanner(config, display)
        with _signals_quit(display):
            try:
                printer.open()
                backlight.open()
                controller.start()
                if sync is not None:
                    sync.start()
                return display.run()
            finally:
                logger.info("shutting down")
                watchdog.stopping()
                controller.stop()
                for running in syncs:
                    running.stop()
                if gpio is not None:
                    gpio.close()
                if keypad is not None:
                    keypad.close()
                if scanner is not None:
                    scanner.close()
                if speaker is not None:
                    speaker.close()  # before the trace closes: its last `spoken` is written
                backlight.close()
                printer.close()
                for opened in stores:
                    opened.close()


def _reopen(config: Config, clock: Clock) -> Store:
    store = Store.open(
        config.kiosk.data_dir, kiosk_id=config.kiosk.id, clock=clock, timezone=config.kiosk.timezone
    )
    prepare_store(store, config)
    return store


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


def _make_sync(
    config: Config, store: Store | None, clock: Clock, *, heartbeat_data: Any, remote: Any = None
) -> Any:
    if config.server is None or store is None:
        if config.server is None:
            logger.info("no [server] configured: running offline, events stay in the outbox")
        return None
    from kiosk.sync.client import read_token
    from kiosk.sync.service import SyncService

    read_token(config.server.token_file)  # refuses a missing or world-readable token at start-up
    appointments_day = None
    if config.appointments is not None:  # the day's list, for check-in with the server down

        def appointments_day() -> dt.date:
            return local_now(clock.now_utc(), config.kiosk.timezone).date()

    return SyncService(
        server=config.server,
        kiosk_id=config.kiosk.id,
        store=store,
        clock=clock,
        heartbeat_data=heartbeat_data,
        appointments_day=appointments_day,
        remote_config=remote,
    )


class _GpioLink:
    """The optional GPIO panel, plus a small thread making its LED follow the snapshot
    (gpiozero blinks the LED in its own thread; callbacks only enqueue)."""

    def __init__(self, panel: Any, snapshot: Latest[KioskSnapshot]):
        self.panel = panel
        self.snapshot = snapshot
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="gpio-led", daemon=True)

    def open(self) -> _GpioLink:
        self.panel.open()
        self._thread.start()
        return self

    def _follow(self) -> None:
        version = -1
        while not self._closed.wait(0.5):
            new_version, snap = self.snapshot.get()
            if new_version != version:
                version = new_version
                self.panel.show(snap)

    def close(self) -> None:
        self._closed.set()
        self.panel.close()


def _make_gpio(
    config: Config,
    intents: queue.Queue[Intent],
    display: Any,
    snapshot: Latest[KioskSnapshot],
    clock: Clock,
) -> _GpioLink | None:
    gpio = config.gpio
    if not (gpio.ticket_button_pin or gpio.status_led_pin or gpio.technician_button_pin):
        return None
    from kiosk.devices.gpio_panel import GpioPanel

    category = gpio.ticket_button_category or ""
    panel = GpioPanel(
        gpio,
        on_ticket=lambda: intents.put(
            TicketRequest(category, config.kiosk.default_language, source="button")
        ),
        on_technician=display.open_technician_menu,
        clock=clock,
    )
    return _GpioLink(panel, snapshot).open()


def _make_speech(config: Config, display: Any, trace: Trace, clock: Clock) -> tuple[Any, Any]:
    """The speaker of ``[speech]`` and the keypad of ``[keypad]``, both optional."""
    speaker = keypad = None
    if config.speech is not None:
        from kiosk.speech import speaker_for

        speaker = speaker_for(config.speech, emit=trace.emit).open()
        display.speaker = speaker
    if config.keypad.is_configured:
        from kiosk.devices.keypad import Keypad

        keypad = Keypad(config.keypad, on_key=display.press_key, clock=clock).open()
    return speaker, keypad


def _make_scanner(config: Config, display: Any) -> Any:
    """The barcode/QR scanner of ``[appointments] scanner``, optional: what it reads goes
    to the screen as a check-in."""
    if config.appointments is None or config.appointments.scanner is None:
        return None
    from kiosk.devices.scanner import scanner_for

    return scanner_for(config.appointments, on_text=display.scan).open()


def _watchdog_hook(
    controller: Controller, current_sync: Callable[[], Any], clock: Clock
) -> tuple[Any, Any]:
    """systemd's watchdog, pinged from the UI loop only while the worker threads live
    (the sync once it runs: it may start late, with a store opened after boot)."""
    from kiosk.devices.sdnotify import Watchdog

    def is_healthy() -> bool:
        sync = current_sync()
        return controller.is_alive() and (sync is None or sync.is_alive())

    watchdog = Watchdog(
        is_healthy=is_healthy,
        clock=clock,
    )
    state = {"is_ready": False}

    def on_frame() -> None:
        if not state["is_ready"]:
            state["is_ready"] = True
            watchdog.ready()
        watchdog.tick()

    return watchdog, on_frame


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


# ---- demo ---------------------------------------------------------------------------------


def demo_config(out_dir: Path) -> Config:
    """The bundled demo configuration, pointed at ``out_dir``: virtual printer, data."""
    config = load_config(bundled_config_dir() / "demo.toml")
    return replace(
        config,
        kiosk=replace(config.kiosk, data_dir=out_dir / "data"),
        printer=replace(config.printer, url=f"virtual://{out_dir}"),
    )


def run_demo(
    *,
    out_dir: Path,
    headless: bool = False,
    replay: list[ReplayCommand] | None = None,
    trace_path: Path | None = None,
) -> int:
    """The whole system on any machine: demo configuration, an in-process stub server on a
    free loopback port, a virtual printer writing each ticket to ``out_dir``."""
    from stubserver import StubServer

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    config = demo_config(out_dir)
    token = secrets.token_urlsafe(24)
    token_file = out_dir / "token"
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.chmod(token_file, 0o600)
    if replay is None and headless:
        demo_replay = bundled_config_dir() / "demo.replay"
        if demo_replay.is_file():
            replay = load_replay(demo_replay)
    server = StubServer(host="127.0.0.1", port=0, data_dir=out_dir / "server", token=token)
    server.start()
    try:
        logger.info("demo: stub queue server at %s; tickets go to %s", server.url, out_dir)
        config = replace(config, server=ServerSection(url=server.url, token_file=token_file))
        return run_kiosk(config, headless=headless, replay=replay, trace_path=trace_path)
    finally:
        server.stop()


def config_for_run(path: str | None) -> Config:
    """``--config`` if given, else /etc/kiosk/kiosk.toml if it exists, else the demo one."""
    from kiosk.config import default_config_path, demo_config_path

    if path:
        return load_config(path)
    default = default_config_path()
    if default.exists():
        return load_config(default)
    demo = demo_config_path()
    if not demo.is_file():
        raise ConfigError(
            f"{default}: file not found and no bundled demo configuration: pass --config FILE"
        )
    # The bundled file may sit in a read-only prefix: its data and tickets go to ./demo-out/,
    # as with `kiosk demo`.
    return demo_config(Path("demo-out").resolve())
