"""The controller's ticket flow, run synchronously in the test thread with a real store, the
real ticket layout and a fake ESC/POS printer on a loopback TCP socket."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import queue

import pytest

from kiosk.config import load_config
from kiosk.controller import Controller
from kiosk.core.messages import (
    KioskSnapshot,
    Latest,
    PauseRequest,
    ReprintRequest,
    TicketIssued,
    TicketPrinted,
    TicketRefused,
    TicketRequest,
    TicketVoided,
)
from kiosk.core.tickets import ticket_content
from kiosk.store import Store
from kiosk.trace import Trace
from printer.decoder import decode
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter
from printer.ticket import TicketLayout


class Rig:
    def __init__(self, config, clock, tmp_path, fake, make_content=ticket_content):
        self.config = config
        self.clock = clock
        self.fake = fake
        self.store = Store.open(
            config.kiosk.data_dir,
            kiosk_id=config.kiosk.id,
            clock=clock,
            timezone=config.kiosk.timezone,
        )
        self.printer = TicketPrinter(fake.url, timeout_s=1.0)
        self.printer.open()
        self.updates: queue.Queue = queue.Queue()
        self.snapshot: Latest[KioskSnapshot] = Latest(KioskSnapshot())
        self.trace_path = tmp_path / "trace.jsonl"
        self.trace = Trace(self.trace_path).open()
        self.controller = Controller(
            config,
            store=self.store,
            printer=self.printer,
            layout=TicketLayout.from_config(config.printer),
            make_content=make_content,
            intents=queue.Queue(),
            updates=self.updates,
            snapshot=self.snapshot,
            trace=self.trace,
            clock=clock,
        )
        self.controller.poll_printer(force=True)  # as Controller.start() does

    def ticket(self, category="etat-civil", language="fr"):
        self.controller.handle(TicketRequest(category, language))
        out = []
        while not self.updates.empty():
            out.append(self.updates.get_nowait())
        return out

    def trace_events(self):
        return [json.loads(x) for x in self.trace_path.read_text().splitlines()]

    def close(self):
        self.trace.close()
        self.printer.close()
        self.store.close()


@pytest.fixture
def rig(config, clock, tmp_path):
    with FakeTcpPrinter() as fake:
        r = Rig(config, clock, tmp_path, fake)
        yield r
        r.close()


def test_issue_then_print(rig):
    updates = rig.ticket()
    assert [type(u) for u in updates] == [TicketIssued, TicketPrinted]
    assert updates[0].number == "A001"
    assert [e["event"] for e in rig.trace_events()] == ["issued", "printed"]
    doc = decode(rig.fake.jobs[0])
    assert doc.line_with("A001").style.width >= 2
    assert doc.line_with("jeudi 26 novembre 2026, 10 h") is not None  # issue 13: one hour style
    types = [e.type for e in rig.store.pending_events()]
    assert types == ["printer.status", "ticket.issued", "ticket.printed"]


def test_english_visitor_gets_an_english_ticket(rig):
    rig.ticket(language="en")
    doc = decode(rig.fake.jobs[0])
    assert doc.line_with("Civil status") is not None
    assert doc.line_with("Thursday 26 November 2026, 10:00") is not None


def test_closed_outside_opening_hours_with_next_opening(rig, clock):
    clock.set_wall(dt.datetime(2026, 11, 26, 11, 30, tzinfo=dt.UTC))  # 12:30 in Paris: lunch
    [refused] = rig.ticket()
    assert isinstance(refused, TicketRefused) and refused.reason == "closed"
    assert refused.next_opening.isoformat() == "2026-11-26T13:30:00+01:00"
    assert rig.fake.jobs == [] and rig.store.last_ticket() is None


def test_last_ticket_margin_before_closing(config, clock, tmp_path):
    margin_config = dataclasses.replace(
        config, kiosk=dataclasses.replace(config.kiosk, last_ticket_before_close_min=15)
    )
    clock.set_wall(dt.datetime(2026, 11, 26, 10, 50, tzinfo=dt.UTC))  # 11:50, closes at 12:00
    with FakeTcpPrinter() as fake:
        rig = Rig(margin_config, clock, tmp_path, fake)
        try:
            [refused] = rig.ticket()
            assert refused.reason == "closed"
        finally:
            rig.close()


def test_cap_refuses_and_marks_category_unavailable(rig):
    rig.ticket("urbanisme")
    rig.ticket("urbanisme")
    [refused] = rig.ticket("urbanisme")
    assert refused.reason == "cap"
    rig.controller.publish_snapshot(force=True)
    assert rig.snapshot.value.unavailable == {"urbanisme": "cap"}
    assert rig.snapshot.value.counts_today == {"urbanisme": 2}


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline"])
def test_blocking_printer_refuses_before_taking_a_number(rig, state):
    rig.fake.state = state
    [refused] = rig.ticket()
    assert refused.reason == "printer"
    assert rig.store.last_ticket() is None
    rig.controller.publish_snapshot(force=True)
    assert rig.snapshot.value.out_of_order_reason == "printer"
    assert rig.snapshot.value.printer_status == state
    # It recovers by itself when the printer is fixed.
    rig.fake.state = "ok"
    assert [type(u) for u in rig.ticket()] == [TicketIssued, TicketPrinted]
    assert rig.snapshot.value.out_of_order_reason is None
    statuses = [e.data["status"] for e in rig.store.pending_events() if e.type == "printer.status"]
    assert statuses == ["ok", state, "ok"]


def test_paper_near_end_still_prints(rig):
    rig.fake.state = "paper_near_end"
    assert [type(u) for u in rig.ticket()] == [TicketIssued, TicketPrinted]


def test_paper_running_out_between_check_and_print_voids_the_ticket(config, clock, tmp_path):
    """The worst moment: the status was fine when the number was taken, then the paper ran
    out before the bytes went. The ticket is voided, never left open."""
    with FakeTcpPrinter() as fake:

        def content_then_paper_out(*args, **kwargs):
            fake.state = "paper_out"
            return ticket_content(*args, **kwargs)

        rig = Rig(config, clock, tmp_path, fake, make_content=content_then_paper_out)
        try:
            updates = rig.ticket()
            assert [type(u) for u in updates] == [TicketIssued, TicketVoided]
            ticket = rig.store.last_ticket()
            assert ticket.state == "voided" and ticket.void_reason.startswith("printer")
            assert [e["event"] for e in rig.trace_events()] == ["issued", "voided"]
            assert fake.jobs == []
            rig.controller.publish_snapshot(force=True)
            assert rig.snapshot.value.out_of_order_reason == "printer"
        finally:
            rig.close()


def test_silent_printer_is_refused(rig):
    rig.fake.state = "silent"
    [refused] = rig.ticket()
    assert refused.reason == "printer"


def test_pause_refuses_and_resume(rig):
    rig.controller.handle(PauseRequest(True))
    [refused] = rig.ticket()
    assert refused.reason == "paused"
    assert rig.snapshot.value.out_of_order_reason == "paused"
    rig.controller.handle(PauseRequest(False))
    assert [type(u) for u in rig.ticket()][-1] is TicketPrinted


def test_reprint_is_a_duplicate_with_the_same_number(rig):
    rig.ticket()
    rig.controller.handle(ReprintRequest())
    assert len(rig.fake.jobs) == 2
    doc = decode(rig.fake.jobs[1])
    assert doc.line_with("A001") is not None
    assert "DUPLICATA" in doc.text.upper()
    assert rig.store.counts_for_day(dt.date(2026, 11, 26)) == {"etat-civil": 1}


def test_unknown_category_is_refused(rig):
    [refused] = rig.ticket("nope")
    assert refused.reason == "unknown"


def test_config_fixture_is_the_test_config(config_path):
    assert load_config(config_path).kiosk.id == "test-1"


def test_retention_runs_periodically(rig, clock):
    rig.ticket()
    old = rig.store.last_ticket()
    rig.store.mark_accepted(e.id for e in rig.store.pending_events())
    clock.advance(91 * 86400)  # the kiosk ran for three months without a restart
    rig.ticket()  # and kept issuing: the cut-off counts from the last service day (issue 10)
    rig.controller._prune_when_due()
    assert rig.store.ticket(old.id) is None
    # Counters are never pruned: they keep a number from being issued twice.
    assert rig.store.counts_for_day(dt.date(2026, 11, 26)) == {"etat-civil": 1}
