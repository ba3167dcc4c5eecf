"""Shared fixtures for the core tests: configurations written to real files."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from report_activity import site_toml

from kiosk.config import load_config
from kiosk.core.clock import FakeClock
from kiosk.core.settings import Config

# The site of bench/report_activity.py (the one builder of a day's activity), two categories.
BASE_TOML = (
    "\n"
    + site_toml("test-1", "Hôtel de ville")
    + """
[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil", en = "Civil status" }

[[categories]]
id = "urbanisme"
prefix = "U"
label = { fr = "Urbanisme" }
cap = 2
"""
)


def write_config(tmp_path: Path, text: str = BASE_TOML, name: str = "kiosk.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def base_toml() -> str:
    return BASE_TOML


@pytest.fixture
def make_config_file(tmp_path: Path):
    return lambda text=BASE_TOML, name="kiosk.toml": write_config(tmp_path, text, name)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture
def clock() -> FakeClock:
    # Thursday 26 November 2026, 10:00 in Paris (09:00 UTC): the desk is open.
    return FakeClock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
