import datetime as dt
import zoneinfo

import pytest

from kiosk.core.calendar import OpeningRange, WeeklyHours, parse_range

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MIRAMAS = WeeklyHours.from_mapping(
    {
        "monday": ["08:30-12:00", "13:30-17:00"],
        "tuesday": ["12:00-18:00"],
        "wednesday": ["08:30-12:00", "13:30-17:00"],
        "thursday": ["08:30-12:00", "13:30-17:00"],
        "friday": ["08:30-12:00", "13:30-17:00"],
    }
)


def at(y, mo, d, h, mi):
    return dt.datetime(y, mo, d, h, mi, tzinfo=PARIS)


@pytest.mark.parametrize(
    "text, start, end",
    [("08:30-12:00", 510, 720), ("00:00-24:00", 0, 1440), ("13:30-17:00", 810, 1020)],
)
def test_parse_range(text, start, end):
    assert parse_range(text) == OpeningRange(start, end)


@pytest.mark.parametrize(
    "text",
    ["8:30-12:00", "12:00-08:30", "24:00-24:00", "10:00-24:30", "25:00-26:00", "", "12:00-12:00"],
)
def test_parse_range_rejects(text):
    with pytest.raises(ValueError):
        parse_range(text)


def test_overlap_rejected():
    with pytest.raises(ValueError, match="overlap"):
        WeeklyHours.from_mapping({"monday": ["08:00-12:00", "11:00-13:00"]})


def test_open_and_closed_at_the_town_hours():
    assert MIRAMAS.is_open(at(2026, 11, 26, 8, 30))  # Thursday opening
    assert not MIRAMAS.is_open(at(2026, 11, 26, 12, 0))  # lunch break
    assert MIRAMAS.is_open(at(2026, 11, 24, 17, 59))  # Tuesday until 18:00
    assert not MIRAMAS.is_open(at(2026, 11, 24, 11, 0))  # Tuesday morning closed
    assert not MIRAMAS.is_open(at(2026, 11, 28, 10, 0))  # Saturday


def test_next_opening_over_the_weekend():
    friday_evening = at(2026, 11, 27, 17, 30)
    assert MIRAMAS.next_opening(friday_evening) == at(2026, 11, 30, 8, 30)
    assert MIRAMAS.next_opening(at(2026, 11, 26, 12, 10)) == at(2026, 11, 26, 13, 30)


def test_minutes_until_close():
    assert MIRAMAS.minutes_until_close(at(2026, 11, 26, 11, 50)) == pytest.approx(10)
    assert MIRAMAS.minutes_until_close(at(2026, 11, 26, 12, 30)) is None
    always = WeeklyHours.always_open()
    assert always.minutes_until_close(at(2026, 11, 26, 23, 0)) > 24 * 60


def test_never_open():
    assert WeeklyHours.from_mapping({}).next_opening(at(2026, 11, 26, 10, 0)) is None
