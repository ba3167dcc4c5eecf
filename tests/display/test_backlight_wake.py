"""A touch on a dark screen only wakes it: it presses no button, and the next touch works."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any

from display.app import DisplayApp
from display.view import Action
from kiosk.core.clock import FakeClock
from kiosk.core.messages import KioskSnapshot, Latest, TicketRequest
from kiosk.trace import Trace
from tests.display.test_app_touch import drive, frames, tap


class Panel:
    """Stands in for the backlight follower: dark until told otherwise, counts touches."""

    def __init__(self) -> None:
        self.is_dark = False
        self.touches = 0

    def is_screen_dark(self) -> bool:
        return self.is_dark

    def touched(self) -> None:
        self.touches += 1


def test_wake_touch_is_swallowed_and_the_next_touch_works(
    config_factory: Any, fake_controller: Any
) -> None:
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    clock = FakeClock()
    panel = Panel()
    controller = fake_controller(intents, updates, Trace())
    app = DisplayApp(
        config_factory(),
        intents=intents,
        updates=updates,
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=clock,
        headless=True,
        is_screen_dark=panel.is_screen_dark,
        on_touch=panel.touched,
    )
    app.idle_poll_s = 0.002
    controller.start()
    category = Action("category", "etat-civil")

    def script() -> Iterator[None]:
        yield from frames(2)
        yield from tap(app, app.button_center(Action("start")))
        yield from frames(20)
        assert app.flow is not None and app.flow.screen == "categories"
        panel.is_dark = True  # the follower switched the panel off
        yield from tap(app, app.button_center(category))  # a blind touch on a button
        yield from frames(20)
        assert app.flow.screen == "categories" and app.flow.flows_started == 0
        panel.is_dark = False  # the follower lit it
        yield from tap(app, app.button_center(category))
        while app.flow.flows_ended < 1:
            yield
        yield from frames(2)

    try:
        assert drive(app, clock, script()) == 0
    finally:
        controller.stop()
    assert [r for r in controller.requests if isinstance(r, TicketRequest)] == [
        TicketRequest("etat-civil", "fr")
    ]
    assert app.wake_touches == 1
    assert panel.touches == 3  # every press is reported, the swallowed one included
