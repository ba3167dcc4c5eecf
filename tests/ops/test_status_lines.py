"""`kiosk status` tells the truth (issue 13): a sync that never succeeded says so, the
demo's own server is not "no server", and whether the kiosk runs is said."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.ops.status import _sync_line, store_holder_pid

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
conn.commit()
print("open", flush=True)
sys.stdin.readline()
"""


def test_a_sync_that_never_succeeded_says_so() -> None:
    line = _sync_line({"last_success_at": None, "is_auth_failed": False, "last_error": None})
    assert line == "sync: never succeeded yet (no answer from the server so far)"
    assert "ok" not in line


def test_the_demo_server_is_not_no_server() -> None:
    line = _sync_line({"server": None, "last_success_at": "2026-12-02T09:00:00+00:00"})
    assert "no server configured" not in line and "2026-12-02T09:00:00" in line
    assert _sync_line({"server": None}) == "sync: no server configured (offline only)"


def test_store_holder_is_seen_on_a_real_second_process(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    assert store_holder_pid(Path(f"{db}-shm")) == 0  # no file: nobody
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert store_holder_pid(Path(f"{db}-shm")) == holder.pid
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    assert store_holder_pid(Path(f"{db}-shm")) == 0  # gone: nobody holds it
