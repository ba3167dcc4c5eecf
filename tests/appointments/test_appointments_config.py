"""``[appointments]`` (contract 5.3) and the replay lines ``appointment`` and ``scan``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError, UsageError
from kiosk.core.replay import parse_replay

from .conftest import write_config


def _with(tmp_path, section: str):
    path = write_config(tmp_path)
    text = path.read_text().replace("[appointments]\nearly_min = 30\nlate_min = 15\n", section)
    path.write_text(text)
    return path


def test_defaults_and_absence(tmp_path):
    config = load_config(_with(tmp_path, "[appointments]\n"))
    a = config.appointments
    assert (a.early_min, a.late_min, a.scanner, a.scanner_layout) == (30, 15, None, "us")
    assert load_config(_with(tmp_path, "")).appointments is None


def test_scanner_forms(tmp_path):
    config = load_config(
        _with(
            tmp_path,
            '[appointments]\nscanner = "/dev/input/by-id/usb-scan-event-kbd"\n'
            'scanner_layout = "azerty"\n',
        )
    )
    assert config.appointments.scanner_layout == "azerty"
    serial = load_config(
        _with(tmp_path, '[appointments]\nscanner = "serial:///dev/ttyACM0?baudrate=9600"\n')
    )
    assert serial.appointments.scanner.startswith("serial://")


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ("[appointments]\nearly_min = -1\n", "early_min = -1: expected minutes from 0 to 240"),
        ('[appointments]\nlate_min = "15"\n', "late_min"),
        ('[appointments]\nscanner = "usb://04b8"\n', "scanner"),
        ('[appointments]\nscanner_layout = "qwertz"\n', '"us" or "azerty"'),
        ("[appointments]\nearly = 30\n", "early"),
    ],
)
def test_bad_values_name_the_key(tmp_path, section, needle):
    with pytest.raises(ConfigError) as err:
        load_config(_with(tmp_path, section))
    assert needle in str(err.value) and "[appointments]" in str(err.value)
    assert "\n" not in str(err.value)


def test_check_config_one_line(tmp_path):
    path = _with(tmp_path, "[appointments]\nlate_min = 999\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("kiosk: config error: ") and proc.stderr.count("\n") == 1


def test_replay_lines():
    commands = parse_replay(
        "appointment k7p2qx\nscan https://rdv.example.org/c/K7P2QX\n", source="r.txt"
    )
    assert [(c.kind, c.text) for c in commands] == [
        ("appointment", "K7P2QX"),
        ("scan", "https://rdv.example.org/c/K7P2QX"),
    ]


@pytest.mark.parametrize("line", ["appointment", "appointment K0O1", "appointment A B", "scan"])
def test_bad_replay_lines(line):
    with pytest.raises(UsageError, match=r"r\.txt:1: .*expected ticket CATEGORY_ID"):
        parse_replay(line + "\n", source="r.txt")


def test_check_config_summarises_appointments(tmp_path):
    path = _with(tmp_path, '[appointments]\nscanner = "serial:///dev/ttyACM0"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "appointments: check-in from 30 min before to 15 min after the start, "
        "scanner serial:///dev/ttyACM0 (us)" in proc.stdout
    )
