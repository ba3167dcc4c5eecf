"""Speech benchmark: key press to the first audio sample, key press to silence, start-up.

    .venv/bin/python bench/bench_speech.py [--presses 200]

Runs the real UI loop headless (SDL dummy driver, 800x480, demo categories in fr/en/ar) with
the real espeak-ng and an output that records when each utterance's samples are handed to
the player (what ``aplay`` would start playing). Prints a Markdown table:
- key press to first sample, cached: ``down``/``up`` on the category screen after the
  start-up prompt cache is warm, p50/p99 (target p99 < 150 ms);
- key press to first sample, synthesised: an utterance with a number espeak-ng has never
  said (the ticket screen's number), p50/p99 (target p99 < 400 ms);
- key press to silence: ``stop()`` on a playing ``aplay``-like child process until the
  process is gone (its sound card buffer goes with it), p50/p99 (target < 50 ms);
- start-up: time to the first frame with and without ``[speech]`` (the cache must not
  delay it), and how long the prompt cache takes to fill, in a worker thread.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import queue
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

from display.app import DisplayApp
from kiosk.config import load_config
from kiosk.core.clock import SystemClock
from kiosk.core.messages import KioskSnapshot, Latest
from kiosk.core.settings import SpeechSection
from kiosk.speech import EspeakEngine, Part, Speaker, Utterance
from kiosk.speech.output import AplayOutput
from kiosk.speech.wav import Pcm, tone
from kiosk.trace import Trace

ROOT = Path(__file__).resolve().parent.parent


class TimingOutput:
    """Records the moment each utterance's samples reach the player."""

    def __init__(self) -> None:
        self.played: queue.Queue[float] = queue.Queue()

    def open(self) -> None:
        pass

    def play(self, pcm: Pcm, *, language: str) -> None:
        self.played.put(time.perf_counter())

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms / {pct(values, 0.99) * 1000:.2f} ms"


def make_app(with_speech: bool, tmp: Path) -> tuple[DisplayApp, Speaker | None, TimingOutput]:
    config = load_config(ROOT / "config" / "demo.toml")
    config = dataclasses.replace(
        config,
        kiosk=dataclasses.replace(config.kiosk, data_dir=tmp / "data"),
        display=dataclasses.replace(config.display, idle_timeout_s=600),
        speech=SpeechSection(output="none") if with_speech else None,
    )
    output = TimingOutput()
    speaker = Speaker(EspeakEngine(), output, volume=0.6).open() if with_speech else None
    app = DisplayApp(
        config,
        intents=queue.Queue(),
        updates=queue.Queue(),
        snapshot=Latest(KioskSnapshot()),
        trace=Trace(),
        clock=SystemClock(),
        headless=True,
        speaker=speaker,
    )
    return app, speaker, output


def first_frame_s(with_speech: bool, tmp: Path) -> tuple[float, float]:
    """Seconds from run() to the first frame, and to a warm prompt cache (0 without)."""
    app, speaker, _ = make_app(with_speech, tmp)
    start = time.perf_counter()
    seen: dict[str, float] = {}

    def on_frame() -> None:
        if app._is_ready and "ready" not in seen:
            seen["ready"] = time.perf_counter() - start
            app.request_quit(0)

    app.on_frame = on_frame
    app.run()
    warm = 0.0
    if speaker is not None:
        speaker.wait_warm(120)
        warm = time.perf_counter() - start
        speaker.close()
    return seen["ready"], warm


def key_latencies(presses: int, tmp: Path) -> tuple[list[float], int, float]:
    app, speaker, output = make_app(True, tmp)
    assert speaker is not None
    samples: list[float] = []
    info: dict[str, Any] = {}

    def presser() -> None:
        while not getattr(app, "_is_ready", False):
            time.sleep(0.01)
        info["warm_s"] = time.perf_counter()
        speaker.wait_warm(120)
        info["warm_s"] = time.perf_counter() - info["warm_s"]
        for name in ("help", "select"):  # speech mode, then the category screen
            app.press_key(name)
            time.sleep(0.3)
        while not output.played.empty():
            output.played.get()
        for i in range(presses):
            t0 = time.perf_counter()
            app.press_key("down" if i % 2 == 0 else "up")
            samples.append(output.played.get(timeout=10) - t0)
            time.sleep(0.02)
        app.request_quit(0)

    def guarded() -> None:
        try:
            presser()
        finally:
            app.request_quit(0)

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    app.run()
    thread.join(30)
    speaker.close()
    return samples, len(speaker._cache), info.get("warm_s", 0.0)


def synthesised(presses: int) -> list[float]:
    """say() of a ticket announcement whose number was never said: the number is
    synthesised, the fixed parts are cached."""
    output = TimingOutput()
    with Speaker(EspeakEngine(), output) as speaker:
        fixed = ["Votre numéro de ticket est", "Votre ticket sort dans le bac, en dessous."]
        speaker.warm([("fr", t) for t in fixed])
        speaker.wait_warm(60)
        samples = []
        for i in range(presses):
            number = ", ".join(f"A{i + 100:03d}")
            t0 = time.perf_counter()
            speaker.say(Utterance.of("fr", fixed[0], Part(number, is_fixed=False), fixed[1]))
            samples.append(output.played.get(timeout=10) - t0)
    return samples


def silence(presses: int, tmp: Path) -> list[float]:
    """stop() on a playing child process until it is gone."""
    player = tmp / "fake-aplay"
    player.write_text("#!/bin/sh\nexec cat > /dev/null\n")  # reads the WAV like aplay would
    player.chmod(0o755)
    output = AplayOutput("null", executable=str(player))
    long = tone(20.0)  # far more than a pipe holds: the player is busy until killed
    samples = []
    for _ in range(presses):
        output.play(long, language="fr")
        proc = output._proc
        assert proc is not None
        time.sleep(0.02)
        t0 = time.perf_counter()
        output.stop()
        proc.wait(5)
        samples.append(time.perf_counter() - t0)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    if not EspeakEngine.is_available():
        print("bench_speech: needs espeak-ng (apt install espeak-ng)")
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        without = [first_frame_s(False, tmp)[0] for _ in range(3)]
        with_speech = [first_frame_s(True, tmp) for _ in range(3)]
        cached, n_prompts, warm_s = key_latencies(args.presses, tmp)
        numbers = synthesised(max(20, args.presses // 4))
        quiet = silence(max(20, args.presses // 4), tmp)
    print("| measure (800x480, SDL dummy driver, espeak-ng, demo fr/en/ar) | value |")
    print("|---|---|")
    print(
        f"| key press to first sample, cached prompt: p50 / p99 ({len(cached)} presses) | {ms(cached)} |"
    )
    print(
        f"| key press to first sample, number synthesised: p50 / p99 ({len(numbers)}) | {ms(numbers)} |"
    )
    print(f"| key press to silence (player killed): p50 / p99 ({len(quiet)}) | {ms(quiet)} |")
    print(
        f"| first frame without [speech] / with (median of 3) | "
        f"{statistics.median(without) * 1000:.0f} ms / "
        f"{statistics.median(r[0] for r in with_speech) * 1000:.0f} ms |"
    )
    print(
        f"| prompt cache filled after start (worker thread) | {n_prompts} prompts in "
        f"{warm_s:.1f} s |"
    )


if __name__ == "__main__":
    main()
