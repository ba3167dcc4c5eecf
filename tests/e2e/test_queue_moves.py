"""The queue a visitor sees moves when an agent calls the next number: tickets go to the
stub server, `POST /api/v1/dev/call` calls one, and the kiosk's snapshot (what the screens
draw) and the next ticket's "people ahead" follow. Real store, controller, sync service,
fake TCP printer and stub server; the sync worker is stepped, not timed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import requests

from kiosk.config import load_config
from kiosk.core.clock import FakeClock
from kiosk.core.messages import TicketIssued, TicketRequest
from kiosk.core.settings import ServerSection
from kiosk.store import Store
from kiosk.sync.service import SyncService
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter


def test_called_numbers_move_the_queue_on_the_kiosk(
    tmp_path, stub_with_token, bench_config, make_controller
):
    server = stub_with_token
    with FakeTcpPrinter() as fake:
        config = load_config(bench_config(tmp_path, fake.url, server.url))
        config = dataclasses.replace(
            config, server=dataclasses.replace(config.server, state_poll_s=1.0)
        )
        assert isinstance(config.server, ServerSection)
        clock = FakeClock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
        store = Store.open(
            config.kiosk.data_dir,
            kiosk_id=config.kiosk.id,
            clock=clock,
            timezone=config.kiosk.timezone,
        )
        sync = SyncService(server=config.server, kiosk_id=config.kiosk.id, store=store, clock=clock)
        with TicketPrinter(fake.url, timeout_s=2) as printer:
            controller, updates, snapshot = make_controller(
                config, clock, store, printer, sync=sync
            )
            controller.poll_printer(force=True)
            for _ in range(3):
                controller.handle(TicketRequest("etat-civil", "fr"))
            sync.run_once()  # deliver the events, then fetch the state right away
            controller.publish_snapshot(force=True)
            q = snapshot.value.queues["etat-civil"]
            assert q.waiting == 3 and q.now_serving is None

            answer = requests.post(
                f"{server.url}/api/v1/dev/call",
                json={"kiosk_id": config.kiosk.id, "category": "etat-civil"},
                timeout=5,
            )
            assert answer.status_code == 200, answer.text
            clock.advance(2)  # the next state poll is due
            sync.run_once()
            controller.publish_snapshot(force=True)
            q = snapshot.value.queues["etat-civil"]
            assert (q.waiting, q.now_serving) == (2, "A001")

            while not updates.empty():
                updates.get_nowait()
            controller.handle(TicketRequest("etat-civil", "fr"))
            issued = updates.get_nowait()
            assert isinstance(issued, TicketIssued) and issued.number == "A004"
            assert issued.people_ahead == 2  # printed on the ticket too
        sync.stop()
        store.close()
