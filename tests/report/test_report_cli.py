"""The real ``kiosk report`` process: bad arguments, an empty period, a missing store, no
matplotlib, and a store made by a real ``kiosk run --headless --replay``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from kiosk.report.csvfiles import SURVEY_HEADER, TICKETS_HEADER

from .conftest import header, read_csv, write_config

HERE = Path(__file__).resolve().parent
CSV_NAMES = (
    "tickets.csv",
    "survey.csv",
    "arrivals.csv",
    "refusals.csv",
    "voided.csv",
    "satisfaction.csv",
    "survey_reasons.csv",
    "printer.csv",
)


def env(**extra):
    return dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", **extra)


def kiosk(*args, cwd, timeout_s=120, **extra_env):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(**extra_env),
        timeout=timeout_s,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2026-11-15", "--to", "2026-11-02", "--out", "o"],
            "--from 2026-11-15 is after --to 2026-11-02",
        ),
        (
            ["--from", "2026-02-30", "--to", "2026-03-02", "--out", "o"],
            '--from "2026-02-30" is not a date',
        ),
        (["--from", "2026-11-02", "--to", "demain", "--out", "o"], '--to "demain" is not a date'),
        (
            ["--from", "2026-11-2", "--to", "2026-11-03", "--out", "o"],
            '--from "2026-11-2" is not a date',
        ),
        (["--from", "2026-11-02", "--to", "2026-11-03"], "--out DIR is required"),
        (
            ["--to", "2026-11-03", "--out", "o"],
            "--from YYYY-MM-DD and --to YYYY-MM-DD are both required",
        ),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, args, message):
    config = write_config(tmp_path)
    proc = kiosk("report", "--config", str(config), *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: usage error: report: "), proc.stderr
    assert message in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    config = write_config(tmp_path)
    (tmp_path / "o").write_text("x")
    proc = kiosk("report", "--config", str(config), "--from", "2026-11-02", "--to", "2026-11-03",
                 "--out", "o", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr


def test_an_empty_period_says_so_and_writes_header_only_csv(tmp_path):
    config = write_config(tmp_path)
    proc = kiosk("report", "--config", str(config), "--from", "2026-11-02", "--to", "2026-11-15",
                 "--out", "out", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert header(out / "tickets.csv") == ",".join(TICKETS_HEADER)
    assert header(out / "survey.csv") == ",".join(SURVEY_HEADER)
    for name in CSV_NAMES:
        assert len((out / name).read_text(encoding="utf-8").splitlines()) == 1, name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Aucune activité enregistrée sur cette période" in page
    assert not (tmp_path / "data").exists(), "the report must never create the store"


def test_without_matplotlib_tables_and_csv_are_written_and_the_page_says_how(tmp_path):
    config = write_config(tmp_path)
    blocker = tmp_path / "block"
    blocker.mkdir()
    # A module finder that refuses matplotlib, as on an install without the extra.
    (blocker / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import sys
            class _NoMatplotlib:
                def find_spec(self, name, path=None, target=None):
                    if name == "matplotlib" or name.startswith("matplotlib."):
                        raise ImportError("no matplotlib here")
                    return None
            sys.meta_path.insert(0, _NoMatplotlib())
            """
        )
    )
    proc = kiosk("report", "--config", str(config), "--from", "2026-11-02", "--to", "2026-11-03",
                 "--out", "out", cwd=tmp_path, PYTHONPATH=str(blocker))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "pip install kiosk-borne[report]" in proc.stderr
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "pip install kiosk-borne[report]" in page
    assert header(tmp_path / "out" / "tickets.csv") == ",".join(TICKETS_HEADER)


def test_the_kiosk_itself_never_loads_matplotlib(tmp_path):
    code = (
        "import sys, kiosk.cli, kiosk.app, kiosk.controller, kiosk.store, kiosk.store.aggregates;"
        "print('matplotlib' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env())
    assert proc.stdout.strip() == "False", proc.stderr


@pytest.mark.slow
def test_report_of_a_real_kiosk_run(tmp_path):
    """Real ``kiosk run --headless --replay`` twice on one store (open, then closed all
    week), then the real ``kiosk report``: every figure equals the trace's."""
    all_day = "\n".join(
        f'{d} = ["00:00-24:00"]'
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    open_cfg = write_config(tmp_path / "open", _config_text(all_day, data="../data"))
    closed_cfg = write_config(tmp_path / "closed", _config_text("", data="../data"))
    trace = tmp_path / "trace.jsonl"
    replay = tmp_path / "replay.txt"
    replay.write_text(
        "ticket etat-civil\nticket urbanisme\nticket urbanisme\nticket ccas\nticket etat-civil\n"
        "wait 0.2\nquit\n",
        encoding="utf-8",
    )
    for config in (open_cfg, closed_cfg):
        proc = kiosk("run", "--config", str(config), "--headless", "--replay", str(replay),
                     "--trace", str(trace), cwd=tmp_path)  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    lines = [json.loads(x) for x in trace.read_text(encoding="utf-8").splitlines() if x.strip()]
    by_id = {}
    expected: Counter[tuple[str, str]] = Counter()
    for line in lines:
        kind = line["event"]
        if kind == "issued":
            by_id[line["ticket_id"]] = line["category"]
            expected[line["category"], "issued"] += 1
        elif kind in ("printed", "voided"):
            expected[by_id[line["ticket_id"]], kind] += 1
        elif kind == "refused":
            expected[line["category"], "refused"] += 1
    assert expected["urbanisme", "refused"] >= 1 + 2  # the cap, then the closed door
    today = dt.date.today()
    store = tmp_path / "data" / "kiosk.sqlite3"
    before = store.stat().st_mtime_ns
    proc = kiosk("report", "--config", str(open_cfg), "--from", (today - dt.timedelta(days=1)).isoformat(),
                 "--to", (today + dt.timedelta(days=1)).isoformat(), "--out", "out", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert store.stat().st_mtime_ns == before
    got: Counter[tuple[str, str]] = Counter()
    for row in read_csv(tmp_path / "out" / "tickets.csv"):
        for outcome in ("issued", "printed", "voided", "refused"):
            got[row["category"], outcome] += int(row[outcome])
    assert +got == +expected
    refusals = Counter()
    for row in read_csv(tmp_path / "out" / "refusals.csv"):
        refusals[row["reason"]] += int(row["refused"])
    assert refusals == Counter(line["reason"] for line in lines if line["event"] == "refused")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Hôtel de ville de Miramas" in page


def _config_text(hours: str, *, data: str) -> str:
    return f"""
[kiosk]
id = "rep-1"
site = "Hôtel de ville de Miramas"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "{data}"

[printer]
url = "virtual://out"

[hours]
{hours}

[[categories]]
id = "etat-civil"
prefix = "A"
label = {{ fr = "État civil" }}

[[categories]]
id = "urbanisme"
prefix = "U"
label = {{ fr = "Urbanisme" }}
cap = 1

[[categories]]
id = "ccas"
prefix = "C"
label = {{ fr = "CCAS" }}
"""
