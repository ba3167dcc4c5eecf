"""Printed, and recorded as printed, even when the database is locked at that moment: a
second process holds ``BEGIN IMMEDIATE`` on the real file. The screen shows printed at once;
the outcome is kept (in memory and in a journal beside the database) and committed as soon as
the store takes writes, also after a crash in between."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.app import prepare_store
from kiosk.core.messages import TicketIssued, TicketPrinted, TicketRequest
from kiosk.store import Store
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


class Locker:
    """A second process holding a write lock on the database until ``release()``."""

    def __init__(self, db_path):
        self.db_path = db_path
        self.proc: subprocess.Popen | None = None

    def lock(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(self.db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


class LockingPrinter:
    """The real printer; once the ticket is on paper, another process locks the database."""

    def __init__(self, printer: TicketPrinter, locker: Locker):
        self.printer = printer
        self.locker = locker
        self.url = printer.url

    def status(self):
        return self.printer.status()

    def print_job(self, data: bytes, *, job_name: str):
        status = self.printer.print_job(data, job_name=job_name)
        self.locker.lock()
        return status


@pytest.fixture
def locked_rig(config, clock, make_controller):
    store = Store.open(
        config.kiosk.data_dir, kiosk_id="test-1", clock=clock, timezone=config.kiosk.timezone
    )
    locker = Locker(store.path)
    with FakeTcpPrinter() as fake:
        real = TicketPrinter(fake.url, timeout_s=1.0)
        real.open()
        controller, updates, _ = make_controller(config, clock, store, LockingPrinter(real, locker))
        controller.poll_printer(force=True)
        try:
            yield store, controller, updates, locker
        finally:
            locker.release()
            real.close()
            store.close()


def drain(updates):
    out = []
    while not updates.empty():
        out.append(updates.get_nowait())
    return out


def test_printed_outcome_is_kept_while_the_database_is_locked(locked_rig):
    store, controller, updates, locker = locked_rig
    controller.handle(TicketRequest("etat-civil", "fr"))
    got = drain(updates)
    assert [type(u) for u in got] == [TicketIssued, TicketPrinted]  # the screen says printed
    ticket_id = got[0].ticket_id
    assert store.ticket(ticket_id).state == "issued"  # not committed yet: the file is locked
    controller.flush_outcomes()  # still locked: kept for later
    assert store.ticket(ticket_id).state == "issued"
    locker.release()
    controller.flush_outcomes()
    assert store.ticket(ticket_id).state == "printed"
    types = [e.type for e in store.pending_events()]
    assert "ticket.printed" in types and "ticket.voided" not in types
    assert not store.outcome_journal_path.exists()


def test_printed_outcome_survives_a_crash_while_locked(locked_rig, config, clock):
    store, controller, updates, locker = locked_rig
    controller.handle(TicketRequest("etat-civil", "fr"))
    ticket_id = drain(updates)[0].ticket_id
    store.close()  # the kiosk dies before the lock is released
    locker.release()
    with Store.open(
        config.kiosk.data_dir, kiosk_id="test-1", clock=clock, timezone=config.kiosk.timezone
    ) as again:
        prepare_store(again, config)  # the next start
        assert again.ticket(ticket_id).state == "printed"
        types = [e.type for e in again.pending_events()]
        assert types.count("ticket.printed") == 1 and "ticket.voided" not in types
