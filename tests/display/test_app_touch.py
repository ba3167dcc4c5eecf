"""Real app loop, real pygame events: one tap gives one ticket even when SDL also
synthesises mouse events, a double tap on the ticket screen issues nothing, the technician
corner hold, request_quit from another thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import pygame

from display.app import DisplayApp
from display.touch import finger_events
from display.view import Action
from kiosk.core.clock import FakeClock
from kiosk.core.messages import KioskSnapshot, Latest, TicketRequest
from kiosk.trace import Trace


def tap(app: DisplayApp, pos: tuple[int, int], *, with_mouse: bool = True) -> Iterator[None]:
    """One finger tap over two frames, plus the mouse events SDL would synthesise."""
    down, up = finger_events(pos, app._window)
    pygame.event.post(down)
    if with_mouse:
        pygame.event.post(
            pygame.event.Event(
                pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=True, which=0xFFFFFFFF
            )
        )
    yield
    pygame.event.post(up)
    if with_mouse:
        pygame.event.post(
            pygame.event.Event(
                pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=True, which=0xFFFFFFFF
            )
        )
    yield


def frames(n: int) -> Iterator[None]:
    for _ in range(n):
        yield


def make_app(config: Any, fake_controller: Any, tmp_path: Any) -> tuple[DisplayApp, Any, FakeClock]:
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    clock = FakeClock()
    controller = fake_controller(intents, updates, Trace())
    app = DisplayApp(
        config,
        intents=intents,
        updates=updates,
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=clock,
        headless=True,
    )
    app.idle_poll_s = 0.002  # the fake clock moves per frame: no need to idle for real
    return app, controller, clock


def drive(app: DisplayApp, clock: FakeClock, script: Iterator[None]) -> int:
    def on_frame() -> None:
        clock.advance(0.02)
        if next(script, "end") == "end":
            app.request_quit(0)

    app.on_frame = on_frame
    return app.run()


def test_one_tap_one_ticket_and_double_tap_on_ticket_screen_issues_nothing(
    config_factory, fake_controller, tmp_path
):
    app, controller, clock = make_app(config_factory(), fake_controller, tmp_path)
    controller.start()

    def script() -> Iterator[None]:
        yield from frames(2)
        yield from tap(app, app.button_center(Action("start")))
        yield from frames(20)  # > debounce
        yield from tap(app, app.button_center(Action("category", "etat-civil")))
        while app.flow.flows_ended < 1:
            yield
        yield from frames(20)
        yield from tap(app, (400, 240))  # a double tap on the ticket screen: home ...
        yield from frames(2)
        yield from tap(app, (400, 240))  # ... and the second half is debounced
        yield from frames(20)

    try:
        assert drive(app, clock, script()) == 0
    finally:
        controller.stop()
    assert [r for r in controller.requests if isinstance(r, TicketRequest)] == [
        TicketRequest("etat-civil", "fr")
    ]
    assert app.flow.screen == "home"


def test_corner_hold_opens_the_pin_pad(config_factory, fake_controller, tmp_path):
    app, _, clock = make_app(config_factory(), fake_controller, tmp_path)

    def script() -> Iterator[None]:
        yield from frames(2)
        down, up = finger_events((5, 5), app._window)
        pygame.event.post(down)
        yield from frames(260)  # 5.2 s at 20 ms a frame
        pygame.event.post(up)
        yield from frames(2)

    assert drive(app, clock, script()) == 0
    assert app.flow.screen == "tech_pin"


def test_request_quit_from_another_thread(config_factory, fake_controller, tmp_path):
    app, _, _ = make_app(config_factory(), fake_controller, tmp_path)
    started = threading.Event()
    app.on_frame = started.set
    stopper = threading.Thread(target=lambda: (started.wait(5), app.request_quit(3)))
    stopper.start()
    assert app.run() == 3
    stopper.join(5)
