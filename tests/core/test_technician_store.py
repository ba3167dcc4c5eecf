"""The technician menu's store actions: "reprint the last ticket" never reprints a voided
number (the server was told it is void) and says why; "service day back to today" brings
back a day a wrong clock left ahead, numbers continuing above."""

from __future__ import annotations

import datetime as dt

from display.flow import ScreenFlow
from display.view import Action
from kiosk.core.clock import FakeClock
from kiosk.core.messages import KioskSnapshot, ReprintRequest, ServiceDayRequest
from kiosk.store import Store
from printer.decoder import decode
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter


def test_a_voided_ticket_is_not_reprinted_and_the_menu_says_why(config, clock, make_controller):
    with (
        Store.open(config.kiosk.data_dir, kiosk_id="test-1", clock=clock) as store,
        FakeTcpPrinter() as fake,
    ):
        printer = TicketPrinter(fake.url, timeout_s=1.0)
        printer.open()
        try:
            controller, _, snapshot = make_controller(config, clock, store, printer)
            controller.poll_printer(force=True)
            t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
            store.mark_voided(t.id, "printer: paper_out")
            depth = store.outbox_depth()
            controller.handle(ReprintRequest())
            assert fake.jobs == []  # no DUPLICATA of a number the server holds as void
            message = snapshot.value.technician_message or ""
            assert "A001" in message and "voided" in message and "not reprinted" in message
            assert store.outbox_depth() == depth  # and nothing recorded
            # A printed last ticket is reprinted as before.
            t2, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
            store.mark_printed(t2.id)
            controller.handle(ReprintRequest())
            assert len(fake.jobs) == 1 and decode(fake.jobs[0]).line_with("A002") is not None
        finally:
            printer.close()


def test_the_menu_moves_a_frozen_service_day_back(config, make_controller):
    clock = FakeClock(dt.datetime(2036, 3, 5, 9, 0, tzinfo=dt.UTC))  # a Wednesday, open
    with (
        Store.open(
            config.kiosk.data_dir, kiosk_id="test-1", clock=clock, timezone="Europe/Paris"
        ) as store,
        FakeTcpPrinter() as fake,
    ):
        printer = TicketPrinter(fake.url, timeout_s=1.0)
        printer.open()
        try:
            controller, _, snapshot = make_controller(config, clock, store, printer)
            store.issue_ticket(category="etat-civil", prefix="A", language="fr")
            clock.set_wall(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))  # right again
            controller.handle(ServiceDayRequest())
            message = snapshot.value.technician_message or ""
            assert "moved back from 2036-03-05 to 2026-11-26" in message
            t, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
            assert (t.service_day, t.number) == (dt.date(2026, 11, 26), "A002")
            controller.handle(ServiceDayRequest())
            assert "nothing to do" in (snapshot.value.technician_message or "")
        finally:
            printer.close()


def test_the_menu_button_posts_the_request(config):
    posted = []
    flow = ScreenFlow(config, post=posted.append, emit=lambda *a, **k: None, now_s=0.0)
    flow.on_action(Action("tech_service_day"), 1.0, KioskSnapshot())
    assert posted == [ServiceDayRequest()]
