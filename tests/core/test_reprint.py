"""The technician's "reprint the last ticket": a voided number is never reprinted (the
server was told it is void); the menu says why."""

from __future__ import annotations

from kiosk.messages import ReprintRequest
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
