"""The UI loop sleeps while a replay waits (issue 18): a ``wait`` line or a flow under way
is slept through like an idle kiosk, woken by the deadline or the controller's update, not
polled every 5 ms; and a replay begins only once the kiosk has started."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

from display.app import DisplayApp
from kiosk.core.clock import SystemClock
from kiosk.core.messages import (
    KioskSnapshot,
    Latest,
    TicketIssued,
    TicketPrinted,
    TicketRequest,
)
from kiosk.core.replay import parse_replay
from kiosk.trace import Trace

# Before: one loop iteration every 5 ms while a replay had lines left (120 in 0.6 s).
MAX_FRAMES = 40


class SlowController(threading.Thread):
    """Issues and prints each request ``delay_s`` after it arrives."""

    def __init__(self, intents: queue.Queue[Any], updates: queue.Queue[Any], delay_s: float):
        super().__init__(daemon=True)
        self.intents, self.updates, self.delay_s = intents, updates, delay_s
        self.requests: list[Any] = []

    def run(self) -> None:
        while True:
            intent = self.intents.get()
            if intent is None:
                return
            self.requests.append(intent)
            if isinstance(intent, TicketRequest):
                time.sleep(self.delay_s)
                self.updates.put(TicketIssued("t-1", "A001", intent.category_id, "fr"))
                self.updates.put(TicketPrinted("t-1"))


def run_app(
    config: Any,
    script: str,
    tmp_path: Path,
    *,
    snapshot: Latest[KioskSnapshot] | None = None,
    delay_s: float = 0.0,
    on_frame: Any = None,
) -> tuple[int, int, SlowController]:
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    controller = SlowController(intents, updates, delay_s)
    controller.start()
    counted = [0]

    def frame() -> None:
        counted[0] += 1
        if on_frame is not None:
            on_frame(counted[0], controller)

    with Trace(tmp_path / "trace.jsonl") as trace:
        app = DisplayApp(
            config,
            intents=intents,
            updates=updates,
            snapshot=snapshot or Latest(KioskSnapshot()),
            trace=trace,
            clock=SystemClock(),
            headless=True,
            replay=parse_replay(script, source="test.replay"),
            on_frame=frame,
        )
        try:
            code = app.run()
        finally:
            intents.put(None)  # type: ignore[arg-type]
            controller.join(5)
    return code, counted[0], controller


def test_a_wait_line_is_slept_through(config_factory, tmp_path):
    code, frames, _ = run_app(config_factory(), "wait 0.6\nquit\n", tmp_path)
    assert code == 0
    assert frames < MAX_FRAMES


def test_a_flow_under_way_is_slept_through_until_its_update(config_factory, tmp_path):
    code, frames, controller = run_app(
        config_factory(), "ticket etat-civil\nquit\n", tmp_path, delay_s=0.6
    )
    assert code == 0
    assert [r.category_id for r in controller.requests if isinstance(r, TicketRequest)] == [
        "etat-civil"
    ]
    assert frames < MAX_FRAMES


def test_a_replay_begins_once_the_kiosk_has_started(config_factory, tmp_path):
    snapshot = Latest(KioskSnapshot(is_starting=True))
    seen: list[int] = []
    begun_s = time.monotonic()

    def on_frame(n: int, controller: SlowController) -> None:
        # A second into the start-up (a replay that did not wait would have asked for its
        # ticket by then), the controller publishes its first snapshot.
        if not seen and time.monotonic() - begun_s > 1.0:
            seen.append(len(controller.requests))
            snapshot.set(KioskSnapshot())

    code, _, controller = run_app(
        config_factory(),
        "ticket etat-civil\nquit\n",
        tmp_path,
        snapshot=snapshot,
        on_frame=on_frame,
    )
    assert code == 0
    assert seen == [0]
    assert len([r for r in controller.requests if isinstance(r, TicketRequest)]) == 1
