"""The daily figures kept by the store, and the ``ticket.refused`` event the controller now
commits."""

from __future__ import annotations

import datetime as dt
import sqlite3

from kiosk.core import events as ev
from kiosk.core.clock import FakeClock
from kiosk.core.messages import TicketRefused, TicketRequest
from kiosk.store.aggregates import short_reason
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter

from .conftest import load, local, open_store

MONDAY = dt.date(2026, 11, 2)


def rows(store, sql):
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_refusal_is_an_outbox_event_and_a_figure(tmp_path, make_controller):
    config = load(tmp_path)
    clock = FakeClock(local(MONDAY, 12, 30).astimezone(dt.UTC))  # lunch: closed
    with FakeTcpPrinter() as fake, open_store(config.kiosk.data_dir, clock) as store:
        printer = TicketPrinter(fake.url, timeout_s=1.0)
        printer.open()
        try:
            controller, updates, _ = make_controller(config, clock, store, printer)
            controller.handle(TicketRequest("ccas", "fr"))
        finally:
            printer.close()
        assert isinstance(updates.get_nowait(), TicketRefused)
        [event] = [e for e in store.pending_events() if e.type == ev.TICKET_REFUSED]
        assert event.data == {"category": "ccas", "reason": "closed"}
        assert rows(
            store, "SELECT service_day, category, hour, outcome, reason, n FROM report_tickets"
        ) == [("2026-11-02", "ccas", 12, "refused", "closed", 1)]


def test_printed_and_voided_count_in_the_hour_the_ticket_was_issued(tmp_path):
    clock = FakeClock(local(MONDAY, 9, 59, 59).astimezone(dt.UTC))
    with open_store(tmp_path, clock) as store:
        a, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        b, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        clock.advance(5)  # 10:00:04 now
        store.mark_printed(a.id)
        store.mark_voided(b.id, "printer: cover open (status 0x04)")
        store.mark_printed(a.id)  # already ended: no event, no figure
        got = rows(store, "SELECT hour, outcome, reason, n FROM report_tickets ORDER BY outcome")
    assert got == [(9, "issued", "", 2), (9, "printed", "", 1), (9, "voided", "printer", 1)]


def test_interrupted_tickets_count_as_voided(tmp_path):
    clock = FakeClock(local(MONDAY, 9).astimezone(dt.UTC))
    with open_store(tmp_path, clock) as store:
        store.issue_ticket(category="ccas", prefix="C", language="fr")
    clock.advance(3600)
    with open_store(tmp_path, clock) as store:
        store.void_interrupted()
        got = rows(store, "SELECT outcome, reason, n FROM report_tickets WHERE outcome = 'voided'")
    assert got == [("voided", "interrupted", 1)]


def test_a_paper_out_left_open_by_a_stop_ends_at_the_last_sign_of_life(tmp_path):
    clock = FakeClock(local(MONDAY, 10).astimezone(dt.UTC))
    with open_store(tmp_path, clock) as store:
        store.append_event(ev.PRINTER_STATUS, ev.printer_status("paper_out"))
        clock.advance(600)
        store.append_event(ev.KIOSK_HEARTBEAT, {"uptime_s": 600, "printer": "paper_out"})
    clock.advance(14 * 3600)  # off all night
    with open_store(tmp_path, clock) as store:
        store.append_event(ev.KIOSK_STARTED, ev.started("test"))
        got = rows(store, "SELECT started_utc, status, ended_utc FROM report_printer")
    start = local(MONDAY, 10).astimezone(dt.UTC)
    assert [
        (dt.datetime.fromisoformat(s), st, dt.datetime.fromisoformat(e)) for s, st, e in got
    ] == [(start, "paper_out", start + dt.timedelta(seconds=600))]


def test_a_status_change_between_blocking_statuses_starts_a_new_stretch(tmp_path):
    clock = FakeClock(local(MONDAY, 10).astimezone(dt.UTC))
    with open_store(tmp_path, clock) as store:
        for status in ("paper_out", "cover_open", "paper_near_end", "ok", "offline"):
            store.append_event(ev.PRINTER_STATUS, ev.printer_status(status))
            clock.advance(60)
        got = rows(
            store, "SELECT status, ended_utc IS NULL FROM report_printer ORDER BY started_utc"
        )
    assert got == [("paper_out", 0), ("cover_open", 0), ("offline", 1)]


def test_short_reason():
    assert short_reason("printer: paper out") == "printer"
    assert short_reason(None) == ""
    assert len(short_reason("x" * 500)) == 40


def test_an_event_the_figures_cannot_use_still_commits(tmp_path):
    clock = FakeClock(local(MONDAY, 9).astimezone(dt.UTC))
    with open_store(tmp_path, clock) as store:
        store.append_event(ev.SURVEY_ANSWERED, {"score": "great"})
        store.append_event(ev.TICKET_ISSUED, {"number": "A001"})
        store.append_event(ev.PRINTER_STATUS, {"n": 3})
        assert [e.type for e in store.pending_events()] == [
            ev.SURVEY_ANSWERED, ev.TICKET_ISSUED, ev.PRINTER_STATUS
        ]  # fmt: skip
        assert rows(store, "SELECT count(*) FROM report_survey") == [(0,)]
