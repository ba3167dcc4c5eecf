"""The backlight follows the calendar: dark on a public holiday, lit before an exceptional
opening, through the same snapshot the screens draw."""

import dataclasses
import datetime as dt
import zoneinfo
from pathlib import Path

from kiosk.config import load_config
from kiosk.core.calendar import DateException, OpeningRange
from kiosk.core.snapshot import Health, StoreFigures, build_snapshot
from kiosk.devices.backlight import is_backlight_on

REPO = Path(__file__).resolve().parents[2]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def backlight_at(config, local):
    snap = build_snapshot(
        config,
        local,
        health=Health(),
        figures=StoreFigures(counts_today={}, outbox_depth=0, last_ticket_number=None),
        queue_state=None,
        sync_status=None,
        has_server=False,
    )
    minutes = None
    if snap.next_opening is not None:
        minutes = (snap.next_opening - local.astimezone(dt.UTC)) / dt.timedelta(minutes=1)
    return is_backlight_on(
        is_open=snap.is_open, minutes_to_opening=minutes, seconds_since_touch=None, wake_s=60
    )


def test_dark_all_day_on_christmas():
    config = load_config(REPO / "config" / "hdv.toml")
    for hour in (8, 10, 14):  # a Friday: the week would open at 08:30
        assert not backlight_at(config, dt.datetime(2026, 12, 25, hour, 20, tzinfo=PARIS))


def test_awake_before_an_exceptional_saturday_opening():
    config = load_config(REPO / "config" / "hdv.toml")
    saturday = DateException(
        dt.date(2026, 12, 19), dt.date(2026, 12, 19), (OpeningRange(540, 720),)
    )
    calendar = dataclasses.replace(
        config.calendar, exceptions=(saturday, *config.calendar.exceptions)
    )
    config = dataclasses.replace(config, calendar=calendar)
    assert not backlight_at(config, dt.datetime(2026, 12, 19, 8, 0, tzinfo=PARIS))
    assert backlight_at(config, dt.datetime(2026, 12, 19, 8, 50, tzinfo=PARIS))
    assert backlight_at(config, dt.datetime(2026, 12, 19, 11, 0, tzinfo=PARIS))
