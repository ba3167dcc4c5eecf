"""``kiosk service-day``: look at, and move back, a service day a wrong clock left ahead.

A ticket issued while the clock was years ahead freezes the service day there (it never goes
backwards). The kiosk moves it back by itself once systemd-timesyncd says the clock is
synchronised; this command does it on a technician's word, for a kiosk without timesyncd.
Numbers continue above those issued on the later day: none is ever reused.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.core.errors import EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, ConfigError, StoreError
from kiosk.core.service_day import local_now
from kiosk.devices.timesync import is_clock_synchronised, timesync_flag


def register(subparsers: Any) -> None:
    """Add ``kiosk service-day`` to the CLI."""
    p = subparsers.add_parser(
        "service-day",
        help="Show the service day; move back one a wrong clock left ahead.",
        description=(
            "Show the last service day the store recorded and today's date by the clock. "
            "With --move-back, when the recorded day is ahead of the clock's (a ticket was "
            "issued under a wrong clock), bring it back to today: check the clock first "
            "(timedatectl). Numbers continue above those already issued."
        ),
    )
    p.add_argument("--config", metavar="FILE", help="default: /etc/kiosk/kiosk.toml, else the demo")
    p.add_argument(
        "--move-back", action="store_true", help="move a day left ahead back to today's date"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.app import config_for_run
    from kiosk.store import Store

    try:
        config = config_for_run(args.config)
    except ConfigError as err:
        print(f"kiosk: config error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    k = config.kiosk
    try:
        # Opened for writing only when asked, and never created, recovered or moved here.
        with Store.open(k.data_dir, kiosk_id=k.id, timezone=k.timezone, may_create=False) as store:
            today = local_now(store.clock.now_utc(), k.timezone).date()
            last = store.last_service_day()
            synced = "yes" if is_clock_synchronised() else f"not known ({timesync_flag()} absent)"
            print(f"clock: {store.clock.now_utc().isoformat()} (synchronised: {synced})")
            print(f"today by the clock: {today.isoformat()}")
            print(f"last service day recorded: {last.isoformat() if last else 'none'}")
            if last is None or last <= today:
                print("nothing to do: the service day is not ahead of the clock")
                return EXIT_OK
            if not args.move_back:
                print(
                    "the service day is ahead of the clock: if the clock is right, run with --move-back"
                )
                return EXIT_OK
            moved = store.move_service_day_back()
    except StoreError as err:
        print(f"kiosk: {err}", file=sys.stderr)
        return EXIT_FAILURE
    if moved:
        print(f"service day moved back from {moved[0]} to {moved[1]}; numbers continue above")
    return EXIT_OK
