"""Storage faults: a full disk, a read-only file system, a missing data directory. The kiosk
refuses tickets with the out-of-order screen, loses nothing it committed, and recovers by
itself once the fault is fixed.

Two kinds of stand-in: a real tiny tmpfs (needs root and mount rights; skipped otherwise)
and SQLite's own limits (``max_page_count``, ``query_only``), which fail writes with the
same SQLite errors a full or read-only disk gives, on every machine.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess

import pytest

from kiosk.core.errors import StoreError
from kiosk.core.messages import TicketIssued, TicketRefused, TicketRequest
from kiosk.store import Store
from printer.device import TicketPrinter


def open_store(path, clock):
    return Store.open(path, kiosk_id="test-1", clock=clock, timezone="Europe/Paris")


def issue(store):
    return store.issue_ticket(category="etat-civil", prefix="A", language="fr")


@pytest.fixture
def tiny_fs(tmp_path):
    """A real 1 MiB tmpfs mounted on a folder of the test's own."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny file system needs root")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {proc.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_on_a_real_tiny_file_system(tiny_fs, clock):
    store = open_store(tiny_fs, clock)
    committed = []
    with pytest.raises(StoreError, match="disk is full"):
        for _ in range(5000):
            committed.append(issue(store)[0].number)
    store.close()
    assert len(committed) > 10
    # Free space: everything committed is still there and numbering continues.
    subprocess.run(["mount", "-o", "remount,size=4m", str(tiny_fs)], check=True)
    with open_store(tiny_fs, clock) as store:
        assert store.counts_for_day()["etat-civil"] == len(committed)
        assert issue(store)[0].number == f"A{len(committed) + 1:03d}"


def test_read_only_file_system(tiny_fs, clock):
    with open_store(tiny_fs, clock) as store:
        issue(store)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    try:
        with pytest.raises(StoreError) as info:
            store = open_store(tiny_fs, clock)
            issue(store)
        assert "read-only" in str(info.value) or "readonly" in str(info.value)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_fs)], check=True)
    with open_store(tiny_fs, clock) as store:
        assert issue(store)[0].number == "A002"


def test_database_full_is_a_store_error_and_nothing_is_lost(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        issue(store)
        conn = store._require()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
        with pytest.raises(StoreError, match="disk is full"):
            for _ in range(500):
                issue(store)
        n = store.counts_for_day()["etat-civil"]
    with open_store(tmp_path, clock) as store:
        assert store.counts_for_day()["etat-civil"] == n
        assert issue(store)[0].number == f"A{n + 1:03d}"


class FakeFailingDisk:
    """Switches SQLite's write limits on a store's own connection."""

    def __init__(self, store):
        self.store = store

    def fill(self):
        conn = self.store._require()
        conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0]}")
        # Fill the remaining free space, big rows then small ones, so the next write fails.
        for size in (2000, 200, 20, 0):
            try:
                while True:
                    self.store.append_event("filler", {"x": "y" * size})
            except StoreError:
                pass

    def free(self):
        self.store._require().execute("PRAGMA max_page_count=1073741823")


def drain(q):
    out = []
    while not q.empty():
        out.append(q.get_nowait())
    return out


def test_full_disk_shows_out_of_order_then_recovers(config, clock, make_controller):
    store = open_store(config.kiosk.data_dir, clock)
    with TicketPrinter(config.printer.url) as printer:
        controller, updates, snapshot = make_controller(config, clock, store, printer)
        controller.poll_printer(force=True)
        controller.handle(TicketRequest("etat-civil", "fr"))
        assert isinstance(drain(updates)[0], TicketIssued)
        disk = FakeFailingDisk(store)
        disk.fill()
        controller.handle(TicketRequest("etat-civil", "fr"))
        got = drain(updates)
        assert [type(u) for u in got] == [TicketRefused], got
        assert got[0].reason == "store"
        controller.publish_snapshot(force=True)
        assert snapshot.value.out_of_order_reason == "store"
        assert "disk is full" in snapshot.value.technician_message
        disk.free()
        controller.publish_snapshot(force=True)
        assert snapshot.value.out_of_order_reason is None
        controller.handle(TicketRequest("etat-civil", "fr"))
        issued = drain(updates)[0]
        assert isinstance(issued, TicketIssued) and issued.number == "A002"
    store.close()


def test_missing_data_directory_then_fixed(config, clock, tmp_path, make_controller):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    broken = dataclasses.replace(
        config, kiosk=dataclasses.replace(config.kiosk, data_dir=blocker / "data")
    )
    with pytest.raises(StoreError) as info:
        open_store(broken.kiosk.data_dir, clock)
    with TicketPrinter(config.printer.url) as printer:
        controller, updates, snapshot = make_controller(
            broken,
            clock,
            None,
            printer,
            store_error=str(info.value),
            open_store=lambda: open_store(broken.kiosk.data_dir, clock),
        )
        controller.poll_printer(force=True)
        controller.publish_snapshot(force=True)
        assert snapshot.value.out_of_order_reason == "store"
        controller.handle(TicketRequest("etat-civil", "fr"))
        assert [u.reason for u in drain(updates)] == ["store"]
        blocker.unlink()  # the technician fixes the mount
        clock.advance(11)  # the controller retries opening every 10 s
        controller.publish_snapshot(force=True)
        assert snapshot.value.out_of_order_reason is None
        controller.handle(TicketRequest("etat-civil", "fr"))
        assert isinstance(drain(updates)[0], TicketIssued)
        controller.store.close()
