"""Shared fixtures for the core tests: configurations written to real files."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.clock import FakeClock
from kiosk.core.settings import Config

BASE_TOML = """
[kiosk]
id = "test-1"
site = "Hôtel de ville"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "data"

[printer]
url = "virtual://out"

[hours]
monday = ["08:30-12:00", "13:30-17:00"]
tuesday = ["12:00-18:00"]
wednesday = ["08:30-12:00", "13:30-17:00"]
thursday = ["08:30-12:00", "13:30-17:00"]
friday = ["08:30-12:00", "13:30-17:00"]

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
