"""The backlight follows the opening hours: the policy, the sysfs file, the follower thread."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.calendar import WeeklyHours
from kiosk.core.clock import FakeClock
from kiosk.core.errors import ConfigError
from kiosk.core.messages import KioskSnapshot, Latest
from kiosk.devices.backlight import (
    BacklightFollower,
    NullBacklight,
    SysfsBacklight,
    find_bl_power,
    follower_for,
    is_backlight_on,
    make_backlight,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HOURS = WeeklyHours.from_mapping(
    {d: ["08:30-12:00", "13:30-17:00"] for d in ("monday", "tuesday", "thursday", "friday")}
    | {"wednesday": ["08:30-12:00"]}
)
WAKE_S = 60.0


def lit_at(local: dt.datetime, seconds_since_touch: float | None = None) -> bool:
    """The policy at a local time of HOURS, as the follower feeds it."""
    is_open = HOURS.is_open(local)
    nxt = None if is_open else HOURS.next_opening(local)
    minutes = None if nxt is None else (nxt - local) / dt.timedelta(minutes=1)
    return is_backlight_on(
        is_open=is_open,
        minutes_to_opening=minutes,
        seconds_since_touch=seconds_since_touch,
        wake_s=WAKE_S,
    )


# 2026-11-23 is a Monday.
@pytest.mark.parametrize(
    ("when", "touch_s", "expected"),
    [
        ("2026-11-23 09:00", None, True),  # open
        ("2026-11-23 11:59", None, True),  # open, last minute
        ("2026-11-23 12:30", None, False),  # lunch break, an hour before reopening
        ("2026-11-23 13:15", None, True),  # 15 minutes before the afternoon opening
        ("2026-11-23 13:14", None, False),  # 16 minutes before
        ("2026-11-23 17:00", None, False),  # closing time
        ("2026-11-23 23:30", None, False),  # overnight
        ("2026-11-24 03:00", None, False),  # overnight, past midnight
        ("2026-11-24 08:15", None, True),  # the morning's 15-minute window
        ("2026-11-24 08:14", None, False),
        ("2026-11-25 15:00", None, False),  # Wednesday afternoon: closed
        ("2026-11-28 10:00", None, False),  # Saturday
        ("2026-11-29 23:50", None, False),  # Sunday night
        ("2026-11-30 08:20", None, True),  # Monday morning after the weekend
        ("2026-11-28 10:00", 0.0, True),  # a touch on Saturday lights it ...
        ("2026-11-28 10:00", 59.0, True),  # ... for the wake window ...
        ("2026-11-28 10:00", 60.0, False),  # ... and no longer
        ("2026-11-23 23:30", 10.0, True),  # a touch at night
        ("2026-11-23 09:00", 3600.0, True),  # open: touches do not matter
    ],
)
def test_policy(when: str, touch_s: float | None, expected: bool) -> None:
    local = dt.datetime.fromisoformat(when).replace(tzinfo=PARIS)
    assert lit_at(local, touch_s) is expected


def test_policy_never_opens_is_dark_unless_touched() -> None:
    kw = {"is_open": False, "minutes_to_opening": None, "wake_s": WAKE_S}
    assert is_backlight_on(**kw, seconds_since_touch=None) is False
    assert is_backlight_on(**kw, seconds_since_touch=5.0) is True
    assert is_backlight_on(**kw, seconds_since_touch=5.0, before_opening_min=0) is True


def test_policy_before_opening_window_is_a_parameter() -> None:
    kw = {"is_open": False, "seconds_since_touch": None, "wake_s": WAKE_S}
    assert is_backlight_on(**kw, minutes_to_opening=25.0, before_opening_min=30) is True
    assert is_backlight_on(**kw, minutes_to_opening=25.0) is False


# ---- the sysfs file ------------------------------------------------------------------------


@pytest.fixture
def bl_power(tmp_path: Path) -> Path:
    device = tmp_path / "class" / "backlight" / "rpi_backlight"
    device.mkdir(parents=True)
    (device / "bl_power").write_text("0\n")
    return device / "bl_power"


def test_sysfs_writes_0_and_4_only_on_change(bl_power: Path) -> None:
    backlight = SysfsBacklight(bl_power)
    backlight.open()
    backlight.set_on(False)
    assert bl_power.read_text() == "4\n" and backlight.is_dark
    bl_power.write_text("sentinel")
    backlight.set_on(False)  # no change: nothing written
    assert bl_power.read_text() == "sentinel"
    backlight.set_on(True)
    assert bl_power.read_text() == "0\n" and not backlight.is_dark
    assert backlight.writes == 2
    backlight.set_on(False)
    backlight.close()  # a stopped kiosk leaves the panel lit
    assert bl_power.read_text() == "0\n"
    assert "wanted=on" in repr(backlight)


@pytest.mark.parametrize("kind", ["missing", "unwritable"])
def test_sysfs_failure_logs_once_never_raises(
    tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    if kind == "missing":
        path = tmp_path / "nowhere" / "bl_power"
    else:  # a folder cannot be opened for writing, even by root
        path = tmp_path / "bl_power"
        path.mkdir()
    backlight = SysfsBacklight(path)
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.backlight"):
        for is_on in (False, True, False, True):
            backlight.set_on(is_on)
            assert not backlight.is_dark  # taken as lit: no touch is swallowed
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert str(path) in message and "99-kiosk-backlight.rules" in message
    assert "\n" not in message
    if kind == "missing":
        assert not path.exists()  # never created


def test_sysfs_file_is_never_created(tmp_path: Path) -> None:
    path = tmp_path / "bl_powr"  # a typo in backlight_path
    SysfsBacklight(path).set_on(False)
    assert not path.exists()


def test_first_device_is_found_and_null_without_one(tmp_path: Path, bl_power: Path) -> None:
    root = bl_power.parent.parent
    (root / "zz_other").mkdir()
    (root / "zz_other" / "bl_power").write_text("0\n")
    (root / "aa_no_power").mkdir()
    assert find_bl_power(root) == bl_power
    assert isinstance(make_backlight(None, root=root), SysfsBacklight)
    chosen = make_backlight(root / "zz_other" / "bl_power", root=root)
    assert isinstance(chosen, SysfsBacklight) and chosen.path.parent.name == "zz_other"
    empty = tmp_path / "empty"
    assert find_bl_power(empty) is None
    null = make_backlight(None, root=empty)
    assert isinstance(null, NullBacklight)
    null.open()
    null.set_on(False)
    assert not null.is_dark
    null.close()


# ---- the follower: snapshot and touches to the file ----------------------------------------


def closed_until(clock: FakeClock, minutes: float) -> KioskSnapshot:
    return KioskSnapshot(
        is_open=False, next_opening=clock.now_utc() + dt.timedelta(minutes=minutes)
    )


def test_follower_switches_off_when_closed_on_when_opening(bl_power: Path) -> None:
    clock = FakeClock()
    snapshot: Latest[KioskSnapshot] = Latest(KioskSnapshot(is_open=True))
    follower = BacklightFollower(
        SysfsBacklight(bl_power), snapshot=snapshot, clock=clock, wake_s=WAKE_S
    )
    follower.step()
    assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
    snapshot.set(closed_until(clock, 12 * 60))  # the controller publishes: closed
    follower.step()
    assert bl_power.read_text() == "4\n" and follower.is_screen_dark()
    follower.touched()  # a visitor at night
    follower.step()
    assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
    clock.advance(WAKE_S - 1)
    follower.step()
    assert bl_power.read_text() == "0\n"
    clock.advance(1)
    follower.step()
    assert bl_power.read_text() == "4\n"
    snapshot.set(closed_until(clock, 10))  # ten minutes before opening
    follower.step()
    assert bl_power.read_text() == "0\n"
    snapshot.set(KioskSnapshot(is_open=True))  # open
    follower.step()
    assert bl_power.read_text() == "0\n"


def test_follower_thread_follows_and_close_lights(bl_power: Path) -> None:
    clock = FakeClock()
    snapshot: Latest[KioskSnapshot] = Latest(closed_until(clock, 600))
    follower = follower_for(
        "auto",
        bl_power,
        wake_s=WAKE_S,
        snapshot=snapshot,
        clock=clock,
        root=bl_power.parent.parent,
    )
    follower.open()
    try:
        assert bl_power.read_text() == "4\n"  # decided before the first frame
        follower.touched()
        assert follower.settle()
        assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
        clock.advance(WAKE_S)
        assert follower.settle()
        assert bl_power.read_text() == "4\n" and follower.is_screen_dark()
        snapshot.set(KioskSnapshot(is_open=True))
        assert follower.settle()
        assert bl_power.read_text() == "0\n"
        snapshot.set(closed_until(clock, 600))
        assert follower.settle()
        assert bl_power.read_text() == "4\n"
    finally:
        follower.close()
    assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
    follower.close()  # idempotent


def test_always_on_never_darkens(bl_power: Path) -> None:
    clock = FakeClock()
    bl_power.write_text("4\n")  # left dark by an earlier run
    snapshot: Latest[KioskSnapshot] = Latest(closed_until(clock, 600))
    follower = follower_for(
        "always-on", bl_power, wake_s=WAKE_S, snapshot=snapshot, clock=clock
    ).open()
    try:
        assert bl_power.read_text() == "0\n"
        assert follower.settle()
        assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
    finally:
        follower.close()


def test_no_panel_of_our_own_drives_nothing(bl_power: Path) -> None:
    clock = FakeClock()
    snapshot: Latest[KioskSnapshot] = Latest(closed_until(clock, 600))
    follower = follower_for(
        "auto", bl_power, wake_s=WAKE_S, snapshot=snapshot, clock=clock, has_panel=False
    ).open()
    try:
        assert follower.settle()
        assert bl_power.read_text() == "0\n" and not follower.is_screen_dark()
    finally:
        follower.close()


# ---- configuration --------------------------------------------------------------------------


def test_display_backlight_keys(make_config_file, base_toml: str, tmp_path: Path) -> None:
    config = load_config(make_config_file())
    assert config.display.backlight == "auto"
    assert config.display.backlight_path is None
    assert config.display.backlight_wake_s == 60.0
    text = base_toml + (
        '\n[display]\nbacklight = "always-on"\nbacklight_path = "bl/bl_power"\n'
        "backlight_wake_s = 120\n"
    )
    display = load_config(make_config_file(text)).display
    assert display.backlight == "always-on"
    assert display.backlight_path == tmp_path / "bl" / "bl_power"  # relative to the file
    assert display.backlight_wake_s == 120.0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('backlight = "off"', '[display] backlight = "off": expected "auto" or "always-on"'),
        ("backlight_wake_s = 2", "[display] backlight_wake_s = 2: expected seconds from 5"),
        ('backlight_path = ""', '[display] backlight_path = "": expected'),
        ("backlite = 1", "[display] backlite = 1: unknown key"),
    ],
)
def test_display_backlight_errors_are_one_line(
    make_config_file, base_toml: str, line: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(make_config_file(base_toml + f"\n[display]\n{line}\n"))
    message = str(err.value)
    assert expected in message and "\n" not in message
