"""The real process on the days of the year that matter, its clock moved by libfaketime:
holidays, Christmas Eve's exception, a category outside its hours, the last-ticket cut-off.
Each gives the right ``issued`` or ``refused`` in the trace and the right words on screen
(the ``screen`` trace event carries what the screen shows)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .fake_clock import need_faketime

CONFIG = """
[kiosk]
id = "cal-1"
site = "Hôtel de ville"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "data"
last_ticket_before_close_min = 12

[printer]
url = "virtual://out"

[hours]
monday = ["08:30-12:00", "13:30-17:00"]
tuesday = ["08:30-12:00", "13:30-17:00"]
wednesday = ["08:30-12:00", "13:30-17:00"]
thursday = ["08:30-12:00", "13:30-17:00"]
friday = ["08:30-12:00", "13:30-17:00"]
public_holidays = "FR"

[[hours.exceptions]]
from = "2026-12-24"
ranges = ["08:30-12:00"]
label = { fr = "Veille de Noël : fermé l'après-midi", en = "Christmas Eve: closed in the afternoon" }

[[hours.exceptions]]
from = "2026-10-25"
ranges = ["01:30-02:30"]
label = { fr = "Nuit du changement d'heure", en = "Clock-change night" }

[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil", en = "Civil status" }

[[categories]]
id = "passeports"
prefix = "P"
label = { fr = "Passeports", en = "Passports" }
hours = { thursday = ["14:00-16:00"] }
"""


def run_at(tmp_path: Path, utc: str, replay: str) -> tuple[list[dict], str]:
    need_faketime()
    (tmp_path / "kiosk.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "replay.txt").write_text(textwrap.dedent(replay), encoding="utf-8")
    trace = tmp_path / "trace.jsonl"
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        TZ="UTC",
        KIOSK_TRACE_SCREENS="1",
    )
    # "@..." starts the clock there and lets it run (a fixed time would freeze it).
    proc = subprocess.run(
        ["faketime", "-f", f"@{utc}", sys.executable, "-m", "kiosk", "run", *RUN_ARGS, str(trace)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(x) for x in trace.read_text(encoding="utf-8").splitlines()]
    shown = "\n".join(t for e in lines if e["event"] == "screen" for t in e["texts"])
    return lines, shown


def outcomes(lines: list[dict]) -> list[tuple[str, str | None]]:
    return [(e["event"], e.get("reason")) for e in lines if e["event"] in ("issued", "refused")]


RUN_ARGS = ("--config", "kiosk.toml", "--headless", "--replay", "replay.txt", "--trace")
TICKET = "wait 0.5\nticket etat-civil\nwait 0.5\nquit\n"


@pytest.mark.parametrize(
    "utc, words",
    [
        # hours written as on paper (issue 13): "lundi 28 décembre à 8 h 30"
        ("2026-12-25 09:00:00", ["Noël", "lundi 28 décembre à 8\u00a0h\u00a030"]),  # 10:00 in Paris
        ("2026-07-14 08:00:00", ["Fête nationale", "mercredi 15 juillet à 8\u00a0h\u00a030"]),
        ("2027-03-29 08:00:00", ["Lundi de Pâques", "mardi 30 mars à 8\u00a0h\u00a030"]),
        (
            "2026-12-24 13:00:00",
            ["Veille de Noël", "lundi 28 décembre à 8\u00a0h\u00a030"],
        ),  # 14:00
    ],
)
def test_closed_days_refuse_and_say_why(tmp_path, utc, words):
    lines, shown = run_at(tmp_path, utc, TICKET)
    assert outcomes(lines) == [("refused", "closed")]
    for w in words:
        assert w in shown, shown


def test_christmas_eve_morning_issues(tmp_path):
    lines, _ = run_at(tmp_path, "2026-12-24 09:00:00", TICKET)
    assert outcomes(lines) == [("issued", None)]


def test_a_category_outside_its_hours_is_disabled_and_refused(tmp_path):
    # Thursday 3 December 2026, 10:00 in Paris: the site is open, passports from 14:00.
    lines, shown = run_at(tmp_path, "2026-12-03 09:00:00", "wait 0.5\nticket passeports\nquit\n")
    assert outcomes(lines) == [("refused", "closed")]
    assert "Proposé aujourd’hui : 14\u00a0h\u00a0– 16\u00a0h" in shown
    assert "Cette demande n’est pas proposée à cette heure-ci." in shown


def test_cut_off_twelve_minutes_before_closing(tmp_path):
    # 11:48 in Paris, closing at 12:00, last_ticket_before_close_min = 12.
    lines, shown = run_at(tmp_path, "2026-12-03 10:48:00", TICKET)
    [refused] = [e for e in lines if e["event"] == "refused"]
    assert refused["reason"] == "closed" and refused["why"] == "last_ticket"
    assert "Derniers tickets jusqu’à 11\u00a0h\u00a048, reprise à 13\u00a0h\u00a030" in shown
    assert "Il n’y a plus de tickets avant la fermeture." in shown


@pytest.mark.parametrize(
    "utc, outcome",
    [
        # 25 October 2026, a range 01:30-02:30 over the repeated hour: at the first 02:20
        # (CEST) 70 real minutes remain, at the second 02:20 (CET) only 10 (< 12: cut-off).
        ("2026-10-25 00:20:00", ("issued", None)),
        ("2026-10-25 01:20:00", ("refused", "closed")),
    ],
)
def test_dst_night_cut_off_counts_real_minutes(tmp_path, utc, outcome):
    lines, _ = run_at(tmp_path, utc, TICKET)
    assert outcomes(lines) == [outcome]
