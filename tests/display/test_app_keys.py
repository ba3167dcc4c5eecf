"""The real app loop driven by keys (pygame key events and press_key from another thread),
with a speaker on the tone engine: every key silences the output first, the focus ring is
drawn only once keys are used, and the idle home ends speech mode and resets the volume."""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pygame

from display.app import DisplayApp
from display.focus import focus_colour, ring_rect
from display.theme import theme_for
from display.view import Action
from kiosk.core.clock import FakeClock
from kiosk.core.messages import KioskSnapshot, Latest
from kiosk.core.settings import SpeechSection
from kiosk.speech import FileOutput, Speaker, ToneEngine
from kiosk.trace import Trace


def make_app(config: Any, fake_controller: Any, tmp_path: Any) -> tuple[DisplayApp, Any, FakeClock]:
    config = dataclasses.replace(
        config, speech=SpeechSection(output="none", engine="tone", volume=0.5)
    )
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    clock = FakeClock()
    controller = fake_controller(intents, updates, Trace())
    events: list[dict] = []
    speaker = Speaker(
        ToneEngine(),
        FileOutput(tmp_path / "wav"),
        volume=0.5,
        emit=lambda e, **f: events.append({"event": e, **f}),
    ).open()
    app = DisplayApp(
        config,
        intents=intents,
        updates=updates,
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=clock,
        headless=True,
        speaker=speaker,
    )
    app.idle_poll_s = 0.002
    app.spoken = events  # type: ignore[attr-defined]
    return app, controller, clock


def drive(app: DisplayApp, clock: FakeClock, script: Iterator[None], step_s: float = 0.02) -> int:
    def on_frame() -> None:
        clock.advance(step_s)
        if next(script, "end") == "end":
            app.request_quit(0)

    app.on_frame = on_frame
    try:
        return app.run()
    finally:
        app.speaker.close()


def press(app: DisplayApp, name: str) -> Iterator[None]:
    app.press_key(name)
    yield
    yield
    while app.is_speaking():
        yield


def test_keys_cut_speech_and_show_the_focus(config_factory, fake_controller, tmp_path):
    app, _, clock = make_app(config_factory(), fake_controller, tmp_path)
    seen: dict[str, Any] = {}

    def script() -> Iterator[None]:
        yield from range(2)
        ring, _ = ring_rect(app.frame.button_for(Action("start")), app.layout)
        seen["before"] = app._surface.get_at((ring.x, ring.centery))[:3]
        yield from press(app, "help")
        seen["after"] = app._surface.get_at((ring.x, ring.centery))[:3]
        stops = app.speaker.output.stops
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN))
        yield from range(3)
        while app.is_speaking():
            yield
        seen["stops"] = app.speaker.output.stops - stops
        threading.Thread(target=app.press_key, args=("select",)).start()
        yield from range(5)
        while app.is_speaking():
            yield

    assert drive(app, clock, script()) == 0
    colour = focus_colour(theme_for("default"))
    assert seen["before"] != colour and seen["after"] == colour  # ring only once keys are used
    assert seen["stops"] >= 1  # the down key silenced "help" before anything else
    texts = [e["text"] for e in app.spoken]
    assert texts[0].startswith("Hôtel de ville de Miramas Bienvenue. Prendre un ticket, 1 sur 5")
    assert texts[1] == "Grand texte, 2 sur 5"
    assert app.flow.language == "fr" and app.flow.screen == "home"


def test_the_idle_home_resets_volume_and_ends_speech_mode(
    config_factory, fake_controller, tmp_path
):
    app, _, clock = make_app(config_factory(idle_timeout_s=5), fake_controller, tmp_path)
    seen: dict[str, Any] = {}

    def script() -> Iterator[None]:
        yield from range(2)
        yield from press(app, "help")
        yield from press(app, "volume_up")
        yield from press(app, "volume_up")
        yield from press(app, "select")  # the categories
        seen["volume"] = app.speaker.volume
        seen["screen"] = app.flow.screen
        for _ in range(200):  # 20 s: past the plain idle timeout, within speech mode's
            clock.advance(0.1)
            yield
        seen["still"] = app.flow.screen
        while app.flow.screen != "home":
            clock.advance(1.0)
            yield
        yield from range(2)

    assert drive(app, clock, script()) == 0
    assert seen["volume"] == 0.7 and seen["screen"] == "categories"
    assert seen["still"] == "categories"  # a slow visitor is given ten times longer
    assert app.speaker.volume == 0.5
    assert not app.flow.is_speech_mode


def test_the_visitor_view_switch_is_reached_by_keys_and_reset_when_idle(
    config_factory, fake_controller, tmp_path
):
    app, _, clock = make_app(config_factory(idle_timeout_s=5), fake_controller, tmp_path)
    seen: dict[str, Any] = {}

    def script() -> Iterator[None]:
        yield from range(2)
        yield from press(app, "help")
        yield from press(app, "down")  # the view switch, under the start control
        yield from press(app, "select")
        seen["theme"] = app.renderer.theme.name
        seen["text_px"] = app.layout.min_text_px
        seen["said"] = app.spoken[-1]["text"]
        while app.flow.is_large_view:
            clock.advance(1.0)
            yield
        yield from range(2)

    assert drive(app, clock, script()) == 0
    assert seen["theme"] == "high-contrast"
    assert seen["text_px"] > 24
    assert seen["said"] == "Grand texte, activé, 2 sur 5"  # a toggle says its state
    assert app.renderer.theme.name == "default" and app.flow.screen == "home"
