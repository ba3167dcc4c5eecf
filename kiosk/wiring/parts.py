"""Each part of the kiosk built from the configuration: ticket layout, store, sync, GPIO
panel, speech, scanner. No part is opened at import time; each factory says what it opens."""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core import events as ev
from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError, StoreCorrupted, StoreError
from kiosk.core.messages import Intent, KioskSnapshot, Latest, TicketRequest
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config
from kiosk.devices.timesync import is_clock_synchronised
from kiosk.trace import Trace

if TYPE_CHECKING:
    from kiosk.store import Store

logger = logging.getLogger(__name__)

# systemd's CacheDirectory= (kiosk.service): kept across restarts, unlike PrivateTmp's /tmp.
CACHE_DIRECTORY_ENV = "CACHE_DIRECTORY"


def use_headless_video() -> None:
    """SDL's dummy video and audio drivers: no window, no screen, no sound card needed."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def cache_dir(config: Config, name: str, *, may_use_data_dir: bool = False) -> Path | None:
    """A folder that outlives the process for what start-up would otherwise compute again:
    ``$CACHE_DIRECTORY/NAME`` under systemd, else (for the running kiosk only, which owns
    it) ``cache/NAME`` in the data folder once it exists, else None."""
    named = os.environ.get(CACHE_DIRECTORY_ENV, "").split(":")[0]
    if named:
        return Path(named) / name
    if may_use_data_dir and config.kiosk.data_dir.is_dir():
        return config.kiosk.data_dir / "cache" / name
    return None


def printer_cache_dir(config: Config, *, may_use_data_dir: bool = False) -> Path | None:
    """Where python-escpos keeps its parsed capability database (0.1-0.3 s of parsing, five
    times that on a Pi, saved at each start): :func:`cache_dir` ``escpos``, else None (a
    temporary folder)."""
    return cache_dir(config, "escpos", may_use_data_dir=may_use_data_dir)


def use_catalog_cache(config: Config | None) -> None:
    """The running kiosk keeps its parsed message catalogs (:mod:`kiosk.catalogs`) in
    :func:`cache_dir` ``catalogs``: the first frame does not wait for Babel's parser.
    None: no folder any more (the kiosk closed)."""
    from kiosk.catalogs import use_cache_dir

    use_cache_dir(None if config is None else cache_dir(config, "catalogs", may_use_data_dir=True))


def load_layout(config: Config, *, may_cache_in_data_dir: bool = False) -> Any:
    """The ticket layout, its printer profile read and its logo dithered, once. A bad
    profile or logo is a configuration error naming the file. A technician's command
    (check-config, print-test) never writes into the kiosk's data folder."""
    from printer.profile import use_cache_dir
    from printer.ticket import TicketLayout

    folder = printer_cache_dir(config, may_use_data_dir=may_cache_in_data_dir)
    if folder is not None:
        use_cache_dir(folder)
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
    from kiosk.store import Store

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
    crash interrupted, bring back a service day a wrong clock left in the future (once the
    clock is known synchronised), prune old rows, record the start."""
    store.replay_outcome_journal()  # outcomes a locked database could not take in time
    store.void_interrupted()
    if is_clock_synchronised():
        store.move_service_day_back()
    store.prune(
        retention_days=config.kiosk.retention_days,
        report_retention_days=config.kiosk.report_retention_days,
    )
    store.append_event(ev.KIOSK_STARTED, ev.started(__version__))


def reopen_store(config: Config, clock: Clock) -> Store:
    """The store opened after boot (a late disk), prepared as at start-up; raises StoreError."""
    from kiosk.store import Store

    store = Store.open(
        config.kiosk.data_dir, kiosk_id=config.kiosk.id, clock=clock, timezone=config.kiosk.timezone
    )
    prepare_store(store, config)
    return store


def make_sync(
    config: Config, store: Store | None, clock: Clock, *, heartbeat_data: Any, remote: Any = None
) -> Any:
    """The sync service (not started), or None offline or without a store. A missing or
    world-readable token file is a ConfigError. ``remote``: the
    :class:`~kiosk.remote_config.RemoteConfig` the server's configuration answers go to."""
    if config.server is None or store is None:
        if config.server is None:
            logger.info("no [server] configured: running offline, events stay in the outbox")
        return None
    from kiosk.sync.client import read_token
    from kiosk.sync.service import SyncService

    read_token(config.server.token_file)  # refuses a missing or world-readable token at start-up
    appointments_day = None
    if config.appointments is not None or remote is not None:
        # The day's list, for check-in with the server down, while [appointments] is in force:
        # from the file, or from a server's version accepted since the start.

        def appointments_day() -> dt.date | None:
            in_force = config if remote is None else remote.latest_config
            if in_force.appointments is None:
                return None
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


class GpioLink:
    """The optional GPIO panel, plus a small thread making its LED follow the snapshot
    (gpiozero blinks the LED in its own thread; callbacks only enqueue)."""

    def __init__(self, panel: Any, snapshot: Latest[KioskSnapshot]):
        self.panel = panel
        self.snapshot = snapshot
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="gpio-led", daemon=True)

    def __repr__(self) -> str:
        return f"<GpioLink closed={self._closed.is_set()} panel={self.panel!r}>"

    def open(self) -> GpioLink:
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


def make_gpio(
    config: Config,
    intents: queue.Queue[Intent],
    display: Any,
    snapshot: Latest[KioskSnapshot],
    clock: Clock,
) -> GpioLink | None:
    """The GPIO panel of ``[gpio]``, opened; None when no pin is configured."""
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
    return GpioLink(panel, snapshot).open()


def make_speech(config: Config, display: Any, trace: Trace, clock: Clock) -> tuple[Any, Any]:
    """The speaker of ``[speech]`` and the keypad of ``[keypad]``, both optional, opened."""
    speaker = keypad = None
    if config.speech is not None:
        from kiosk.speech import speaker_for

        speaker = speaker_for(config.speech, emit=trace.emit).open()
        display.speaker = speaker
    if config.keypad.is_configured:
        from kiosk.devices.keypad import EvdevBackend, Keypad

        # python-evdev by name for a USB keypad: never a backend picked by what imports
        keypad = Keypad(
            config.keypad, on_key=display.press_key, clock=clock, backend=EvdevBackend()
        ).open()
    return speaker, keypad


def make_scanner(config: Config, display: Any) -> Any:
    """The barcode/QR scanner of ``[appointments] scanner``, optional, opened: what it reads
    goes to the screen as a check-in."""
    if config.appointments is None or config.appointments.scanner is None:
        return None
    from kiosk.devices.scanner import scanner_for

    return scanner_for(config.appointments, on_text=display.scan).open()
