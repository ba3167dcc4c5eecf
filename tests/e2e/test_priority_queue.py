"""Priority tickets between the kiosk and the stub server: the flag travels in
``ticket.issued``, the stub orders its calls by its policy, and the next priority ticket's
"people ahead" and wait come from the state's priority figures (printed on the paper too).
Real store, controller, sync service, fake TCP printer and stub server; the sync worker is
stepped, not timed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import requests

from kiosk.config import load_config
from kiosk.core.clock import FakeClock
from kiosk.core.messages import TicketIssued, TicketRequest
from kiosk.store import Store
from kiosk.sync.service import SyncService
from printer.decoder import decode
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter

PRIORITY = '\n[priority]\ncategories = ["etat-civil"]\n'


def _issue(controller, updates, *, is_priority: bool) -> TicketIssued:
    while not updates.empty():
        updates.get_nowait()
    controller.handle(TicketRequest("etat-civil", "fr", is_priority=is_priority))
    issued = updates.get_nowait()
    assert isinstance(issued, TicketIssued)
    return issued


@pytest.mark.parametrize(("policy", "ahead"), [("strict", 1), ("every:2", 3)])
def test_priority_figures_follow_the_servers_policy(
    tmp_path, stub_with_token, bench_config, make_controller, policy, ahead
):
    server = stub_with_token
    answer = requests.post(
        f"{server.url}/api/v1/dev/priority-policy", json={"policy": policy}, timeout=5
    )
    assert answer.status_code == 200
    with FakeTcpPrinter() as fake:
        config = load_config(
            bench_config(tmp_path, fake.url, server.url, extra_categories=PRIORITY)
        )
        assert config.server is not None
        config = dataclasses.replace(
            config, server=dataclasses.replace(config.server, state_poll_s=1.0)
        )
        clock = FakeClock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
        store = Store.open(
            config.kiosk.data_dir,
            kiosk_id=config.kiosk.id,
            clock=clock,
            timezone=config.kiosk.timezone,
        )
        sync = SyncService(server=config.server, kiosk_id=config.kiosk.id, store=store, clock=clock)
        with TicketPrinter(fake.url, timeout_s=2) as printer:
            controller, updates, _ = make_controller(config, clock, store, printer, sync=sync)
            controller.poll_printer(force=True)
            first = _issue(controller, updates, is_priority=True)
            assert first.people_ahead is None  # no state yet: no figure
            for _ in range(2):
                _issue(controller, updates, is_priority=False)
            sync.run_once()  # deliver the events, then fetch the state
            received = [e["data"] for e in server.events(config.kiosk.id)]
            issued = [d for d in received if "number" in d]
            assert [d.get("priority") for d in issued] == [True, None, None]

            # Waiting: A001 (priority), A002, A003. strict: a new priority ticket comes
            # after A001 alone; every:2: after A002 and A003 too (two normal calls first).
            second = _issue(controller, updates, is_priority=True)
            assert second.number == "A004" and second.is_priority
            assert second.people_ahead == ahead
            paper = " ".join(line.text.strip() for line in decode(fake.jobs[-1]).lines)
            assert "PRIORITAIRE" in paper
            assert f"{ahead} personne" in paper
            normal = _issue(controller, updates, is_priority=False)
            assert normal.people_ahead == 3  # the category's own figure: everyone waiting
        sync.stop()
        store.close()
