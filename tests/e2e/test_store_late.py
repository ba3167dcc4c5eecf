"""A store that could not be opened at boot (the data folder's disk mounted late) and
opens later: the kiosk then also starts its sync, so technicians never read "sync: off"
on a kiosk that has a server configured."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

E2E_KIOSK_ID = "e2e-1"


def test_sync_starts_when_the_store_opens_after_boot(tmp_path: Path, stub_with_token, bench_config):
    config = bench_config(tmp_path, "virtual://out", stub_with_token.url)
    blocker = tmp_path / "data"
    blocker.write_text("not a folder: the store cannot open here\n")  # data_dir = "data"
    replay = tmp_path / "replay.txt"
    replay.write_text("wait 3600\n", encoding="utf-8")
    trace = tmp_path / "trace.jsonl"
    with open(tmp_path / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "kiosk", "run", "--config", str(config), "--headless"),
                *("--replay", str(replay), "--trace", str(trace)),
            ],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy"),
        )
    try:
        while not (trace.exists() and '"ready"' in trace.read_text()):  # its first frame
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()[-2000:]
            time.sleep(0.05)
        assert stub_with_token.events(E2E_KIOSK_ID) == []
        blocker.unlink()  # the disk is there now: the kiosk reopens its store by itself
        assert stub_with_token.wait_for_events(1, kiosk_id=E2E_KIOSK_ID, timeout_s=60), (
            tmp_path / "stderr.txt"
        ).read_text()[-3000:]
        types = [e["type"] for e in stub_with_token.events(E2E_KIOSK_ID)]
        assert "kiosk.started" in types
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0
