"""The real ``kiosk run`` process under a clock that lies (libfaketime): a start months
ahead prunes nothing of today, and a service day frozen in the future is moved back, once
the clock is known synchronised, without reusing a number."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .fake_clock import need_faketime

ALL_DAY = "\n".join(
    f'{d} = ["00:00-24:00"]'
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)


@pytest.fixture
def offline_config(tmp_path: Path) -> Path:
    """A kiosk with no [server] (its events are never sent) and a virtual printer."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [kiosk]
            id = "clock-1"
            site = "Hôtel de ville"
            timezone = "Europe/Paris"
            languages = ["fr", "en"]
            data_dir = "data"

            [printer]
            url = "virtual://out"
            profile = "TM-T20II"

            [hours]
            """
        )
        + ALL_DAY
        + textwrap.dedent(
            """

            [[categories]]
            id = "etat-civil"
            prefix = "A"
            label = { fr = "État civil", en = "Civil status" }
            """
        ),
        encoding="utf-8",
    )
    return path


def run_kiosk(
    config: Path, replay: str, *, faketime: str | None = None, env: dict | None = None
) -> list[dict]:
    """``kiosk run --headless --replay --trace`` to its end, under ``faketime -f SPEC``."""
    if faketime is not None:
        need_faketime()
    folder = config.parent
    replay_path = folder / "replay.txt"
    replay_path.write_text(textwrap.dedent(replay), encoding="utf-8")
    trace = folder / "trace.jsonl"
    trace.unlink(missing_ok=True)
    prefix = ["faketime", "-f", faketime] if faketime is not None else []
    args = [*prefix, sys.executable, "-m", "kiosk", "run", "--config", str(config)]
    args += ["--headless", "--replay", str(replay_path), "--trace", str(trace)]
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
        env=dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", **(env or {})),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]


def issued(trace: list[dict]) -> list[str]:
    return [t["number"] for t in trace if t["event"] == "issued"]


def db_rows(config: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{config.parent / 'data' / 'kiosk.sqlite3'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_start_100_days_ahead_prunes_nothing_of_today(offline_config):
    assert issued(run_kiosk(offline_config, "ticket etat-civil\nquit\n")) == ["A001"]
    # A start with the clock 100 days ahead, nobody takes a ticket: retention runs.
    run_kiosk(offline_config, "wait 0.5\nquit\n", faketime="+100d")
    assert db_rows(offline_config, "SELECT number, state FROM tickets") == [("A001", "printed")]
    # The clock comes back: the same service day goes on, and A001 is not issued again.
    assert issued(run_kiosk(offline_config, "ticket etat-civil\nquit\n")) == ["A002"]
    assert len(db_rows(offline_config, "SELECT 1 FROM tickets")) == 2


def test_a_day_frozen_in_the_future_is_moved_back_once_the_clock_is_synchronised(
    offline_config, tmp_path
):
    numbers = issued(run_kiosk(offline_config, "ticket etat-civil\nquit\n", faketime="+3650d"))
    assert numbers == ["A001"]
    [(future_day,)] = db_rows(offline_config, "SELECT service_day FROM tickets")
    # The clock is right again but not known synchronised: the day stays frozen.
    trace = run_kiosk(offline_config, "ticket etat-civil\nquit\n")
    assert issued(trace) == ["A002"]
    assert db_rows(offline_config, "SELECT DISTINCT service_day FROM tickets") == [(future_day,)]
    # timesyncd says the clock is synchronised: today's real date comes back, the number
    # continues above those the visitors hold.
    flag = tmp_path / "synchronized"
    flag.touch()
    trace = run_kiosk(
        offline_config, "ticket etat-civil\nquit\n", env={"KIOSK_TIMESYNC_FLAG": str(flag)}
    )
    assert issued(trace) == ["A003"]
    days = [r[0] for r in db_rows(offline_config, "SELECT service_day FROM tickets ORDER BY rowid")]
    assert days[-1] < future_day and days[:2] == [future_day, future_day]


def kiosk_cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=config.parent,
    )


def test_a_technician_moves_a_frozen_day_back_with_the_command_line(offline_config):
    assert "no database there" in kiosk_cli(offline_config, "service-day").stderr
    assert not (offline_config.parent / "data").exists()  # nothing created
    run_kiosk(offline_config, "ticket etat-civil\nticket etat-civil\nquit\n", faketime="+3650d")
    shown = kiosk_cli(offline_config, "service-day")
    assert shown.returncode == 0 and "ahead of the clock" in shown.stdout
    moved = kiosk_cli(offline_config, "service-day", "--move-back")
    assert moved.returncode == 0 and "moved back" in moved.stdout, moved.stderr
    assert issued(run_kiosk(offline_config, "ticket etat-civil\nquit\n")) == ["A003"]
    again = kiosk_cli(offline_config, "service-day", "--move-back")
    assert "nothing to do" in again.stdout
