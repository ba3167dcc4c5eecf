"""``kiosk status`` (and the nightly maintenance, which runs it) only reads the store: it
creates no folder and no file, moves no corrupted database, and answers while the kiosk
holds a write transaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.errors import StoreError
from kiosk.store import DB_NAME, SCHEMA_VERSION, Store


def kiosk_status(config_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--config", str(config_path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=config_path.parent,
        env=dict(os.environ, SDL_VIDEODRIVER="dummy"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc, json.loads(proc.stdout)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_status_on_a_missing_data_folder_creates_nothing(config_path):
    data = config_path.parent / "data"
    _, report = kiosk_status(config_path)
    assert not data.exists()
    assert "no database there yet" in report["store"]["missing"]
    assert report["outbox"]["depth"] == 0 and report["today"]["counts"] == {}


def test_status_on_a_stopped_kiosk_creates_no_wal_or_shm(config_path, config, clock):
    with Store.open(config.kiosk.data_dir, kiosk_id="test-1", clock=clock) as store:
        store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    data = config.kiosk.data_dir
    before = sorted(p.name for p in data.iterdir())
    _, report = kiosk_status(config_path)
    assert sorted(p.name for p in data.iterdir()) == before == [DB_NAME]
    assert report["outbox"]["depth"] == 1


def test_status_on_a_corrupted_file_moves_nothing(config_path, config):
    data = config.kiosk.data_dir
    data.mkdir()
    (data / DB_NAME).write_bytes(b"this is not a database" * 200)
    before = files_under(data)
    _, report = kiosk_status(config_path)
    assert files_under(data) == before  # not moved aside, no salvaged copy written
    assert "not a database" in report["store"]["unreadable"]["outbox"]
    text = subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--config", str(config_path)],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "store: could not read the outbox" in text


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def locked_store(config):
    """The store with one ticket of today, and a second process holding BEGIN IMMEDIATE."""
    store = Store.open(config.kiosk.data_dir, kiosk_id="test-1", timezone=config.kiosk.timezone)
    store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(store.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    try:
        yield store
    finally:
        assert locker.stdin is not None
        locker.stdin.close()
        locker.wait(timeout=30)
        store.close()


def test_status_on_a_locked_database_still_answers(config_path, locked_store):
    _, report = kiosk_status(config_path)
    assert report["store"]["unreadable"] == {}
    assert report["outbox"]["depth"] == 1
    assert report["today"]["counts"] == {"etat-civil": 1}


def test_reader_refuses_writes_and_a_missing_file(tmp_path, clock):
    from kiosk.store import StoreReader

    with pytest.raises(StoreError, match="no database there yet"):
        StoreReader.open(tmp_path / "data")
    assert not (tmp_path / "data").exists()
    with Store.open(tmp_path, kiosk_id="test-1", clock=clock):
        pass
    with StoreReader.open(tmp_path) as reader:
        assert reader.schema_version() == SCHEMA_VERSION
        with pytest.raises(StoreError, match="read-only"):
            reader.set_meta("x", "y")


def test_selftest_reads_the_store_without_touching_it(tmp_path, clock):
    from kiosk.ops.selftest import check_data_dir

    assert "not created yet" in check_data_dir(tmp_path).detail
    assert os.listdir(tmp_path) == []
    with Store.open(tmp_path, kiosk_id="test-1", clock=clock) as store:
        store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    result = check_data_dir(tmp_path)
    assert result.result == "ok" and "last service day 2026-11-26" in result.detail
    (tmp_path / DB_NAME).write_bytes(b"garbage" * 1000)
    before = files_under(tmp_path)
    result = check_data_dir(tmp_path)
    assert result.result == "fail" and "unreadable" in result.detail
    assert files_under(tmp_path) == before
