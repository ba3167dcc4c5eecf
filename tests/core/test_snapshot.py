"""What the screens are told, as pure rules."""

import datetime as dt
from types import SimpleNamespace

import pytest

from kiosk.core.messages import CategoryQueue
from kiosk.core.snapshot import (
    Health,
    StoreFigures,
    build_snapshot,
    is_printer_blocking,
    queue_figures,
    sync_text,
)


@pytest.mark.parametrize(
    "status, is_bidirectional, expected",
    [
        ("ok", True, False),
        ("paper_near_end", True, False),
        ("paper_out", True, True),
        ("cover_open", False, True),
        ("offline", True, True),
        ("unknown", True, True),  # silence on a two-way link: a hung printer
        ("unknown", False, False),  # file://: nothing can be known, printing goes on
    ],
)
def test_printer_blocking(status, is_bidirectional, expected):
    assert is_printer_blocking(status, is_bidirectional=is_bidirectional) is expected


def test_out_of_order_precedence_and_technician_message():
    assert Health().out_of_order_reason is None
    assert Health(is_paused=True, is_printer_blocking=True).out_of_order_reason == "printer"
    h = Health(store_error="store /data: disk full", is_printer_blocking=True, is_paused=True)
    assert h.out_of_order_reason == "store" and h.technician_message == "store /data: disk full"
    near = Health(printer_status="paper_near_end", printer_url="usb://04b8:0e28")
    assert near.out_of_order_reason is None
    assert near.technician_message == "printer usb://04b8:0e28: paper_near_end"


def test_queue_figures():
    queues = {"etat-civil": CategoryQueue(waiting=3, estimated_wait_s=720)}
    assert queue_figures(queues, "etat-civil") == (3, (300, 900))
    # issue 13: a fresh state that leaves a category out has nobody waiting in it
    assert queue_figures(queues, "urbanisme") == (0, None)
    assert queue_figures({}, "urbanisme") == (0, None)
    assert queue_figures(None, "etat-civil") == (None, None)


def test_sync_text_uses_the_contract_words():
    assert sync_text(None, has_server=False) == "sync: off (no [server] configured)"
    assert (
        sync_text(SimpleNamespace(is_auth_failed=True), has_server=True)
        == "sync: authentication failed"
    )
    retrying = SimpleNamespace(is_auth_failed=False, last_error="timeout", last_success_at=None)
    assert sync_text(retrying, has_server=True) == "sync: retrying (timeout)"


def test_build_snapshot(config):
    local = dt.datetime(2026, 11, 26, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    state = SimpleNamespace(
        categories={"etat-civil": CategoryQueue(waiting=2)}, message={"fr": "Bonjour"}
    )
    snap = build_snapshot(
        config,
        local,
        health=Health(printer_status="ok"),
        figures=StoreFigures({"urbanisme": 2}, 5, "U002"),
        queue_state=state,
        sync_status=None,
        has_server=True,
    )
    assert not snap.is_open and snap.next_opening.hour == 13 and snap.next_opening.minute == 30
    assert snap.unavailable == {"urbanisme": "cap"}
    assert snap.queues["etat-civil"].waiting == 2 and snap.message == {"fr": "Bonjour"}
    assert (snap.outbox_depth, snap.last_ticket_number) == (5, "U002")
