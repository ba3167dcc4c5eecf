"""The calendar: public holidays, exceptions, per-category hours, the cut-off, DST days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import load_config
from kiosk.core import calendar as cal
from kiosk.core.calendar import Calendar, DateException, OpeningRange, WeeklyHours
from kiosk.core.errors import ConfigError
from kiosk.holiday_table import HolidayTable

from .conftest import BASE_TOML, write_config

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEK = WeeklyHours.from_mapping(
    {
        "monday": ["08:30-12:00", "13:30-17:00"],
        "tuesday": ["12:00-18:00"],
        "wednesday": ["08:30-12:00", "13:30-17:00"],
        "thursday": ["08:30-12:00", "13:30-17:00"],
        "friday": ["08:30-12:00", "13:30-17:00"],
    }
)
FR = HolidayTable("FR", ["fr", "en", "ar"])
CHRISTMAS_EVE = DateException(
    dt.date(2026, 12, 24),
    dt.date(2026, 12, 24),
    (OpeningRange(510, 720),),
    {"fr": "Veille de Noël", "en": "Christmas Eve"},
)
CAL = Calendar(WEEK, FR, (CHRISTMAS_EVE,), "FR")


def at(y, mo, d, h, mi):
    return dt.datetime(y, mo, d, h, mi, tzinfo=PARIS)


# ---- holidays, exceptions, precedence ------------------------------------------------------


@pytest.mark.parametrize(
    "day, fr_name",
    [
        ((2026, 12, 25), "Noël"),
        ((2026, 7, 14), "Fête nationale"),
        ((2027, 3, 29), "Lundi de Pâques"),
    ],
)
def test_public_holidays_close_the_desk_and_are_named(day, fr_name):
    local = at(*day, 10, 0)
    closure = cal.closure(CAL, local)
    assert closure is not None and closure.source == cal.HOLIDAY
    assert closure.names["fr"] == fr_name
    assert closure.names["en"] and closure.names["ar"]
    assert cal.ticket_refusal(CAL, local, None) == "closed"


def test_christmas_names_in_every_language():
    names = FR.names_on(dt.date(2026, 12, 25))
    assert names == {"en": "Christmas Day", "fr": "Noël", "ar": "عيد الميلاد"}


def test_next_opening_after_christmas_skips_the_weekend():
    assert cal.next_opening(CAL, at(2026, 12, 25, 10, 0)) == at(2026, 12, 28, 8, 30)


def test_christmas_eve_exception_morning_open_afternoon_closed():
    assert cal.is_open(CAL, at(2026, 12, 24, 10, 0))
    closure = cal.closure(CAL, at(2026, 12, 24, 14, 0))
    assert closure is not None and closure.source == cal.AFTER_HOURS
    assert closure.names["en"] == "Christmas Eve"
    assert closure.next_opening == at(2026, 12, 28, 8, 30)


def test_an_exception_beats_a_holiday():
    open_on_14_july = DateException(
        dt.date(2026, 7, 14), dt.date(2026, 7, 14), (OpeningRange(600, 660),)
    )
    c = Calendar(WEEK, FR, (open_on_14_july,))
    assert cal.is_open(c, at(2026, 7, 14, 10, 30))
    assert cal.next_opening(Calendar(WEEK, FR), at(2026, 7, 13, 18, 0)) == at(2026, 7, 15, 8, 30)


def test_alsace_moselle_keeps_good_friday_and_26_december():
    for code in ("FR-57", "FR-67", "FR-68"):
        table = HolidayTable(code, ["fr"])
        assert table.names_on(dt.date(2026, 4, 3))["fr"] == "Vendredi saint"
        assert table.names_on(dt.date(2026, 12, 26))["fr"] == "Saint-Étienne"
    assert FR.names_on(dt.date(2026, 4, 3)) is None


def test_a_closed_weekday_is_said_so():
    closure = cal.closure(CAL, at(2026, 11, 28, 10, 0))
    assert closure is not None and closure.source == cal.WEEKLY and closure.weekday == "saturday"


def test_category_hours_within_the_site():
    tuesday_afternoon = WeeklyHours.from_mapping(
        {"tuesday": ["14:00-18:00"], "saturday": ["09:00-12:00"]}
    )
    assert not cal.is_open(CAL, at(2026, 12, 1, 12, 30), tuesday_afternoon)
    assert cal.is_open(CAL, at(2026, 12, 1, 14, 30), tuesday_afternoon)
    assert cal.next_opening(CAL, at(2026, 12, 1, 12, 30), tuesday_afternoon) == at(
        2026, 12, 1, 14, 0
    )
    # Saturday is not within the site's hours: never offered then.
    assert not cal.is_open(CAL, at(2026, 12, 5, 10, 0), tuesday_afternoon)


def test_cut_off_before_closing():
    local = at(2026, 11, 26, 11, 48)  # closes at 12:00
    assert cal.ticket_refusal(CAL, local, 15) == cal.LAST_TICKET
    assert cal.ticket_refusal(CAL, local, 10) is None
    assert cal.last_ticket_time(CAL, local, 15) == at(2026, 11, 26, 11, 45)


def test_days_ahead_lists_holidays_and_exceptions():
    days = cal.days_ahead(CAL, dt.date(2026, 12, 1), 60)
    assert [d.day.isoformat() for d in days] == ["2026-12-24", "2026-12-25", "2027-01-01"]
    assert cal.next_closed_day(CAL, dt.date(2026, 12, 1)).day == dt.date(2026, 12, 25)


# ---- DST days ---------------------------------------------------------------------------


def test_spring_forward_range_in_the_skipped_hour():
    sunday = Calendar(WeeklyHours.from_mapping({"sunday": ["02:00-02:45", "03:30-05:00"]}))
    # 29 March 2026: 02:00-03:00 does not exist; the 02:00-02:45 range never opens.
    assert cal.next_opening(sunday, at(2026, 3, 29, 1, 0)) == at(2026, 3, 29, 3, 30)
    straddle = Calendar(WeeklyHours.from_mapping({"sunday": ["01:30-03:30"]}))
    local = dt.datetime(2026, 3, 29, 0, 45, tzinfo=dt.UTC).astimezone(PARIS)  # 01:45 CET
    assert cal.is_open(straddle, local)
    assert cal.minutes_until_close(straddle, local) == pytest.approx(
        45
    )  # 03:30 CEST is 45 real minutes on


def test_fall_back_range_over_the_repeated_hour():
    c = Calendar(WeeklyHours.from_mapping({"sunday": ["01:30-02:30"]}))
    first = dt.datetime(2026, 10, 25, 0, 0, tzinfo=dt.UTC).astimezone(PARIS)  # 02:00 CEST
    assert cal.is_open(c, first)
    assert cal.minutes_until_close(c, first) == pytest.approx(90)  # until the second 02:30


# ---- configuration -------------------------------------------------------------------------

HOURS = "[[categories]]"


def _with(text_before_categories: str, tail: str = "") -> str:
    return BASE_TOML.replace(HOURS, text_before_categories + "\n" + HOURS, 1) + tail


def test_config_reads_holidays_exceptions_and_category_hours(tmp_path):
    text = _with(
        'public_holidays = "FR-57"\n[[hours.exceptions]]\nfrom = "2026-12-24"\n'
        'ranges = ["08:30-12:00"]\nlabel = { fr = "Veille de Noël" }\n'
    ).replace("cap = 2", 'cap = 2\nhours = { tuesday = ["14:00-18:00"] }')
    config = load_config(write_config(tmp_path, text))
    assert config.calendar.public_holidays == "FR-57"
    assert config.calendar.exceptions[0].first == dt.date(2026, 12, 24)
    assert config.category("urbanisme").hours.ranges_on(dt.date(2026, 12, 1))


BAD_CALENDAR = [
    ('public_holidays = "XX"', "[hours] public_holidays", '"FR"'),
    ('public_holidays = "FR-99"', "[hours] public_holidays", "FR-57, FR-67, FR-68"),
    (
        '[[hours.exceptions]]\nfrom = "2026-12-31"\nto = "2026-12-24"\nranges = []',
        "[hours.exceptions #1] to",
        "on or after",
    ),
    (
        '[[hours.exceptions]]\nfrom = "2026-01-01"\nto = "2027-06-01"\nranges = []',
        "[hours.exceptions #1] to",
        "366",
    ),
    (
        '[[hours.exceptions]]\nfrom = "24/12/2026"\nranges = []',
        "[hours.exceptions #1] from",
        "YYYY-MM-DD",
    ),
    (
        '[[hours.exceptions]]\nfrom = "2026-12-24"\nranges = ["12:00-08:00"]',
        "[hours.exceptions #1] ranges",
        "HH:MM",
    ),
    (
        '[[hours.exceptions]]\nfrom = "2026-12-20"\nto = "2026-12-26"\nranges = []\n'
        '[[hours.exceptions]]\nfrom = "2026-12-24"\nranges = []',
        "[hours] exceptions",
        "do not overlap",
    ),
]


@pytest.mark.parametrize("snippet, where, hint", BAD_CALENDAR)
def test_bad_calendar_is_one_line(tmp_path, snippet, where, hint):
    text = _with(snippet)
    with pytest.raises(ConfigError) as err:
        load_config(write_config(tmp_path, text))
    message = str(err.value)
    assert "\n" not in message and where in message and hint in message


# ---- invariants ----------------------------------------------------------------------------

_ranges = st.lists(st.tuples(st.integers(0, 47), st.integers(1, 12)), max_size=3).map(
    lambda xs: _disjoint([(a * 30, min(a * 30 + n * 30, 1440)) for a, n in xs])
)


def _disjoint(pairs):
    out: list[OpeningRange] = []
    for s, e in sorted(pairs):
        if s < e and (not out or s >= out[-1].end_min):
            out.append(OpeningRange(s, e))
    return tuple(out)


@st.composite
def calendars(draw):
    week = WeeklyHours(tuple(draw(_ranges) for _ in range(7)))
    exceptions = []
    day = dt.date(2026, 3, 20) + dt.timedelta(days=draw(st.integers(0, 20)))
    for _ in range(draw(st.integers(0, 2))):
        length = draw(st.integers(0, 10))
        exceptions.append(DateException(day, day + dt.timedelta(days=length), draw(_ranges)))
        day += dt.timedelta(days=length + 1 + draw(st.integers(0, 5)))
    return Calendar(week, FR if draw(st.booleans()) else None, tuple(exceptions))


instants = st.datetimes(min_value=dt.datetime(2026, 3, 20), max_value=dt.datetime(2026, 4, 30)).map(
    lambda d: d.replace(tzinfo=dt.UTC).astimezone(PARIS)
)
instants_autumn = st.datetimes(
    min_value=dt.datetime(2026, 10, 20), max_value=dt.datetime(2026, 11, 5)
).map(lambda d: d.replace(tzinfo=dt.UTC).astimezone(PARIS))


def _boundaries(calendar: Calendar, first: dt.date, last: dt.date, tz):
    """Every real instant where the desk may change from closed to open."""
    day = first
    while day <= last:
        yield dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC).astimezone(tz)
        for r in cal.day_hours(calendar, day).ranges:
            yield cal._instant(day, r.start_min, tz)
        day += dt.timedelta(days=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.one_of(instants, instants_autumn))
def test_open_only_inside_a_range_of_that_day(calendar, local):
    r = cal.current_range(calendar, local)
    if r is not None:
        assert r in cal.day_hours(calendar, local.date()).ranges
        assert r.contains(cal.minute_of_day(local))
    else:
        assert not any(
            x.contains(cal.minute_of_day(local))
            for x in cal.day_hours(calendar, local.date()).ranges
        )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.one_of(instants, instants_autumn))
def test_next_opening_is_the_first_opening_in_the_future(calendar, local):
    nxt = cal.next_opening(calendar, local)
    if nxt is None:
        return
    utc = lambda m: m.astimezone(dt.UTC)  # noqa: E731  (one tzinfo compares as wall times)
    assert utc(nxt) > utc(local)
    assert cal.is_open(calendar, nxt)
    before = (utc(nxt) - dt.timedelta(minutes=1)).astimezone(PARIS)
    assert utc(before) <= utc(local) or not cal.is_open(calendar, before)
    if cal.is_open(calendar, local):
        return  # open now: the next opening follows a closing
    for moment in _boundaries(calendar, local.date(), nxt.date(), local.tzinfo):
        if utc(local) < utc(moment) < utc(nxt):
            assert not cal.is_open(calendar, moment), f"opens at {moment} before {nxt}"


def test_a_range_starting_in_the_skipped_spring_hour_opens_when_the_clock_jumps():
    # Sunday 02:30-04:00 on 29 March 2026: 02:30 never happens; the desk opens at 03:00, the
    # first real instant of the range (Hypothesis found next_opening skipping to 5 April).
    weekly = cal.WeeklyHours(days=((), (), (), (), (), (), (cal.parse_range("02:30-04:00"),)))
    calendar = cal.Calendar(weekly)
    local = dt.datetime(2026, 3, 23, 1, 0, tzinfo=PARIS)
    assert cal.next_opening(calendar, local) == dt.datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)
