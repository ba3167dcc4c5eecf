"""Numbering and the service day: properties that must hold whatever the clock does."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.numbering import format_number, is_over_cap, next_counter, parse_number
from kiosk.core.service_day import local_now, service_day


def test_format_number():
    assert format_number("A", 1) == "A001"
    assert format_number("A", 42) == "A042"
    assert format_number("FC", 999) == "FC999"
    assert format_number("A", 1000) == "A1000"
    with pytest.raises(ValueError):
        format_number("A", 0)


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2), st.integers(1, 10**6)
)
def test_number_round_trip(prefix, n):
    assert parse_number(format_number(prefix, n)) == (prefix, n)


def test_counter_and_cap():
    assert next_counter(None) == 1
    assert next_counter(41) == 42
    assert not is_over_cap(60, 60)
    assert is_over_cap(61, 60)
    assert not is_over_cap(10**6, None)


def test_service_day_is_the_paris_date():
    # 23:30 UTC on 26 November is 00:30 on the 27th in Paris.
    now = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)
    assert service_day(now, "Europe/Paris", last_day=None).day == dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    "utc, expected",
    [
        # Spring forward: 29 March 2026, 02:00 -> 03:00 in Paris.
        (dt.datetime(2026, 3, 28, 22, 59, tzinfo=dt.UTC), dt.date(2026, 3, 28)),
        (dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC), dt.date(2026, 3, 29)),
        # Fall back: 25 October 2026, 03:00 -> 02:00 in Paris.
        (dt.datetime(2026, 10, 24, 21, 59, tzinfo=dt.UTC), dt.date(2026, 10, 24)),
        (dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 10, 25, 22, 59, tzinfo=dt.UTC), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 10, 25, 23, 0, tzinfo=dt.UTC), dt.date(2026, 10, 26)),
    ],
)
def test_daylight_saving_transitions(utc, expected):
    assert service_day(utc, "Europe/Paris", last_day=None).day == expected


instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)


@settings(max_examples=300)
@given(st.lists(instants, min_size=1, max_size=40))
def test_service_day_never_goes_backwards(times):
    """Whatever order the clock shows times in, the recorded service day never decreases,
    and a ticket is marked unsure exactly when its clock date is behind the last day."""
    last_day = None
    last_utc = None
    for now in times:
        day = service_day(now, "Europe/Paris", last_day=last_day, last_issued_utc=last_utc)
        clock_date = local_now(now, "Europe/Paris").date()
        if last_day is not None:
            assert day.day >= last_day
            if clock_date < last_day:
                assert day.is_clock_unsure and day.day == last_day
        if not day.is_clock_unsure:
            assert day.day == clock_date
            last_utc = now
        last_day = day.day
