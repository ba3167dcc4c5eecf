"""Replay-driven flows through the real app loop (dummy video driver), against a fake
controller thread; checks the trace lines the contract promises."""

from __future__ import annotations

import json
import queue
from pathlib import Path
from typing import Any

import pytest

from display.app import DisplayApp
from kiosk.core.clock import FakeClock
from kiosk.core.messages import KioskSnapshot, Latest, QuitRequest, TicketRequest
from kiosk.core.replay import parse_replay
from kiosk.trace import Trace


def run_app(
    config: Any,
    script: str,
    tmp_path: Path,
    *,
    snapshot: KioskSnapshot | None = None,
    refuse: dict[str, str] | None = None,
    void: set[str] | None = None,
    controller_cls: Any,
) -> tuple[int, list[dict[str, Any]], Any, DisplayApp]:
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    trace = Trace(tmp_path / "trace.jsonl").open()
    clock = FakeClock()
    controller = controller_cls(intents, updates, trace)
    controller.refuse = refuse or {}
    controller.void = void or set()
    controller.start()
    app = DisplayApp(
        config,
        intents=intents,
        updates=updates,
        snapshot=Latest(snapshot or KioskSnapshot()),
        trace=trace,
        clock=clock,
        headless=True,
        replay=parse_replay(script, source="test.replay"),
        on_frame=lambda: clock.advance(0.02),
    )
    try:
        code = app.run()
    finally:
        controller.stop()
        trace.close()
    lines = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text().splitlines()]
    return code, lines, controller, app


def events(lines: list[dict[str, Any]]) -> list[str]:
    return [x["event"] for x in lines]


def test_tickets_including_a_sub_category_end_in_printed(config_factory, tmp_path, fake_controller):
    config = config_factory()
    code, lines, controller, _ = run_app(
        config,
        "ticket etat-civil\nticket fs-caf\nticket etat-civil\nquit\n",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == ["ready"] + ["touch", "issued", "printed"] * 3
    assert [x["category"] for x in lines if x["event"] == "touch"] == [
        "etat-civil",
        "fs-caf",
        "etat-civil",
    ]
    tickets = [r for r in controller.requests if isinstance(r, TicketRequest)]
    assert [(t.category_id, t.source) for t in tickets] == [
        ("etat-civil", "touch"),
        ("fs-caf", "touch"),
        ("etat-civil", "touch"),
    ]
    assert isinstance(controller.requests[-1], QuitRequest)


def test_refused_and_voided_flows_end_and_the_next_line_runs(
    config_factory, tmp_path, fake_controller
):
    config = config_factory()
    snapshot = KioskSnapshot(unavailable={"elections": "cap"})
    code, lines, _, _ = run_app(
        config,
        "ticket elections\nticket urbanisme\nticket etat-civil\nquit",
        tmp_path,
        snapshot=snapshot,
        refuse={"elections": "cap"},
        void={"urbanisme"},
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == [
        "ready",
        "touch",
        "refused",
        "touch",
        "issued",
        "voided",
        "touch",
        "issued",
        "printed",
    ]


def test_on_the_closed_screen_the_request_goes_directly(config_factory, tmp_path, fake_controller):
    config = config_factory()
    code, lines, controller, _ = run_app(
        config,
        "ticket etat-civil\nquit",
        tmp_path,
        snapshot=KioskSnapshot(is_open=False),
        refuse={"etat-civil": "closed"},
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == ["ready", "refused"]
    assert controller.requests[0] == TicketRequest("etat-civil", "fr", source="replay")


def test_touch_and_wait_lines(config_factory, tmp_path, fake_controller):
    config = config_factory()
    # the home screen's start button, then the back button, then nothing: no ticket
    code, lines, _, app = run_app(
        config,
        "touch 400 200\nwait 0.5\ntouch 20 460\nwait 0.5\nquit",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == ["ready"]
    assert app.flow is not None and app.flow.screen == "home"


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_replay_under_rotation(config_factory, tmp_path, fake_controller, rotation):
    config = config_factory(rotation=rotation)
    code, lines, _, _ = run_app(
        config,
        "ticket fs-impots\nticket etat-civil\nquit",
        tmp_path,
        controller_cls=fake_controller,
    )
    assert code == 0
    assert events(lines) == ["ready"] + ["touch", "issued", "printed"] * 2
