"""The calendar in technicians' summaries: check-config's next 60 days, status's today line."""

import datetime as dt
import zoneinfo
from pathlib import Path

from kiosk.cli import describe_config
from kiosk.config import load_config
from kiosk.core.calendar_summary import today_line, today_status

REPO = Path(__file__).resolve().parents[2]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_check_config_lists_the_closed_days_of_the_next_60_days():
    text = describe_config(load_config(REPO / "config" / "hdv.toml"), today=dt.date(2026, 12, 1))
    assert "public holidays: FR; 1 exception(s)" in text
    assert "2026-12-24 thursday  08:30-12:00" in text and "Veille de Noël" in text
    assert "2026-12-25 friday    closed" in text and "public holiday: Noël" in text
    assert "2027-01-01 friday    closed" in text
    assert "2027-04" not in text  # beyond 60 days


def test_status_shows_today_and_the_next_closure():
    config = load_config(REPO / "config" / "hdv.toml")
    hours = today_status(config, dt.datetime(2026, 12, 21, 10, 0, tzinfo=PARIS))
    line = today_line(hours)
    assert line.startswith("hours today: 08:30-12:00, 13:30-17:00 (open now)")
    assert "next closed day 2026-12-25 (public holiday: Noël)" in line
    eve = today_line(today_status(config, dt.datetime(2026, 12, 24, 14, 0, tzinfo=PARIS)))
    assert "[exception: Veille de Noël" in eve and "next opening 2026-12-28T08:30" in eve
