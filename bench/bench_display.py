"""Display benchmark: frame times, idle CPU and memory over many ticket flows.

    .venv/bin/python bench/bench_display.py [--seconds 60] [--flows 1000]

Runs headless (SDL dummy driver) at 800x480 and prints a Markdown table:
- full redraw: build the home frame, draw it, flip (text caches warm), p50/p99;
- press highlight: redraw one button pressed and update its rectangle, p50/p99;
- idle CPU: the real UI loop with nothing to do for --seconds, CPU time / wall time;
- memory: ru_maxrss after a warm-up of 100 flows and after --flows replayed ticket flows
  (touch home, touch category, ticket printed by a stand-in controller, dismissed).
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygame

from display.app import DisplayApp
from display.flow import ScreenFlow
from display.layout import Layout
from display.render import Renderer
from display.screens import ScreenContext, build_visitor
from display.text import TextCache
from display.theme import theme_for
from kiosk.config import parse_config
from kiosk.core.clock import FakeClock, SystemClock
from kiosk.core.messages import (
    KioskSnapshot,
    Latest,
    TicketIssued,
    TicketPrinted,
    TicketRequest,
)
from kiosk.core.replay import parse_replay
from kiosk.core.settings import Config
from kiosk.trace import Trace


def bench_config(folder: Path) -> Config:
    cats = [
        {
            "id": "etat-civil",
            "prefix": "A",
            "label": {"fr": "État civil", "en": "Civil status"},
            "pictogram": "family",
        },
        {
            "id": "passeports",
            "prefix": "P",
            "label": {"fr": "Passeports et cartes d'identité", "en": "Passports and ID cards"},
            "pictogram": "id-card",
        },
        {
            "id": "urbanisme",
            "prefix": "U",
            "label": {"fr": "Urbanisme", "en": "Planning"},
            "pictogram": "house",
        },
        {
            "id": "ccas",
            "prefix": "C",
            "label": {"fr": "Aides sociales", "en": "Social assistance"},
            "pictogram": "money",
        },
    ]
    data = {
        "kiosk": {
            "id": "bench",
            "site": "Hôtel de ville",
            "languages": ["fr", "en"],
            "data_dir": str(folder),
        },
        "printer": {"url": f"virtual://{folder}"},
        "hours": {
            d: ["00:00-24:00"]
            for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        },
        "categories": cats,
        "display": {"width": 800, "height": 480, "fullscreen": False},
    }
    return parse_config(data, folder / "bench.toml")


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def bench_frames(config: Config, runs: int = 500) -> dict[str, tuple[float, float]]:
    pygame.display.init()
    pygame.font.init()
    try:
        screen = pygame.display.set_mode((800, 480))
        layout = Layout.for_size((800, 480), 800, config.display.panel_width_mm)
        renderer = Renderer(theme_for("default"), TextCache(), layout.scale)
        flow = ScreenFlow(config, post=lambda _: None, emit=lambda *a, **k: None, now_s=0)
        snap = KioskSnapshot()
        clock = SystemClock()
        full, press = [], []
        for screen_name in ("home", "categories"):
            flow.screen = screen_name
            for _ in range(runs):
                t0 = time.perf_counter()
                frame = build_visitor(
                    ScreenContext(config, layout, "fr", snap, clock.now_utc()), flow, screen_name
                )
                renderer.draw(screen, frame)
                pygame.display.flip()
                full.append(time.perf_counter() - t0)
            button = frame.buttons[0]
            for i in range(runs):
                t0 = time.perf_counter()
                rect = renderer.draw_button(screen, button, is_pressed=i % 2 == 0)
                pygame.display.update(rect)
                press.append(time.perf_counter() - t0)
        return {
            "full redraw (home, categories)": percentiles(full),
            "press highlight": percentiles(press),
        }
    finally:
        pygame.font.quit()
        pygame.display.quit()


def bench_idle(config: Config, seconds: float) -> float:
    app = DisplayApp(
        config,
        intents=queue.Queue(),
        updates=queue.Queue(),
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=SystemClock(),
        headless=True,
    )
    ready = threading.Event()
    app.on_frame = ready.set
    measured: dict[str, float] = {}

    def stop_later() -> None:
        ready.wait(10)
        time.sleep(1.0)  # let start-up finish before measuring
        cpu0, wall0 = time.process_time(), time.monotonic()
        time.sleep(seconds)  # a benchmark's measuring window, not synchronisation
        measured["cpu"], measured["wall"] = time.process_time() - cpu0, time.monotonic() - wall0
        app.request_quit(0)

    stopper = threading.Thread(target=stop_later)
    stopper.start()
    app.run()
    stopper.join()
    return 100 * measured["cpu"] / measured["wall"]


class Controller(threading.Thread):
    """Answers each TicketRequest with issued then printed, like the real controller."""

    def __init__(self, intents: queue.Queue[Any], updates: queue.Queue[Any]):
        super().__init__(daemon=True)
        self.intents, self.updates, self.n = intents, updates, 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                intent = self.intents.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(intent, TicketRequest):
                self.n += 1
                tid = f"t{self.n}"
                self.updates.put(
                    TicketIssued(
                        tid, f"A{self.n:03d}", intent.category_id, intent.language, people_ahead=2
                    )
                )
                self.updates.put(TicketPrinted(tid))


def bench_memory(config: Config, flows: int) -> tuple[int, int, float]:
    intents: queue.Queue[Any] = queue.Queue()
    updates: queue.Queue[Any] = queue.Queue()
    ids = [c.id for c in config.ticket_categories]
    script = "\n".join(f"ticket {ids[i % len(ids)]}" for i in range(flows)) + "\nquit\n"
    clock = FakeClock()
    app = DisplayApp(
        config,
        intents=intents,
        updates=updates,
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=clock,
        headless=True,
        replay=parse_replay(script, source="bench"),
    )
    controller = Controller(intents, updates)
    controller.start()
    marks: dict[str, int] = {}

    def on_frame() -> None:
        clock.advance(0.05)
        if app.flow is not None and app.flow.flows_ended >= 100 and "warm" not in marks:
            marks["warm"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    app.on_frame = on_frame
    t0 = time.monotonic()
    app.run()
    elapsed = time.monotonic() - t0
    controller.stop_event.set()
    controller.join(5)
    end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert app.flow is not None and app.flow.flows_ended == flows, app.flow
    return marks["warm"], end, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="idle measurement window")
    parser.add_argument("--flows", type=int, default=1000, help="ticket flows for the memory run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(Path(tmp))
        frames = bench_frames(config)
        idle = bench_idle(config, args.seconds)
        warm_kb, end_kb, elapsed = bench_memory(config, args.flows)
    print("| measure (800x480, SDL dummy driver) | value |")
    print("|---|---|")
    for name, (p50, p99) in frames.items():
        print(f"| {name}: p50 / p99 | {p50:.2f} ms / {p99:.2f} ms |")
    print(f"| idle CPU over {args.seconds:.0f} s | {idle:.2f} % of one core |")
    print(f"| ru_maxrss after 100 flows (warm-up) | {warm_kb / 1024:.1f} MiB |")
    print(
        f"| ru_maxrss after {args.flows} flows | {end_kb / 1024:.1f} MiB (growth {(end_kb - warm_kb) / 1024:.1f} MiB) |"
    )
    print(f"| {args.flows} replayed flows, wall time | {elapsed:.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
