"""Text fitting benchmark: the time to fit long texts into a banner and a button.

    .venv/bin/python bench/bench_text_fit.py [--repeat 3]

Runs headless (SDL dummy driver) and prints a Markdown table of the time of one fit (cold
cache: a new TextCache each time) and the number of line measurements, for unbroken texts
and texts of words of several lengths. Before the bounded fitting (issue 10, item 8), 6,400
unbroken characters took about 39 s and 20,000 hung the UI loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygame

from display.text import TextCache


class CountingCache(TextCache):
    measured = 0

    def width(self, line: str, px: int, bold: bool = False, is_rtl: bool = False) -> int:
        self.measured += 1
        return super().width(line, px, bold, is_rtl)


BOXES = {"banner 760x60": (760, 60), "button 240x120": (240, 120)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    print("| text | box | one fit, median | line measurements |")
    print("|---|---|---|---|")
    for n in (80, 1_000, 6_400, 20_000):
        for kind, text in (("unbroken", "A" * n), ("words", ("mot " * n)[:n])):
            for box_name, (w, h) in BOXES.items():
                times, counts = [], []
                for _ in range(args.repeat):
                    texts = CountingCache()
                    start = time.perf_counter()
                    texts.fit(text, w, h, max_px=40, min_px=18)
                    times.append(time.perf_counter() - start)
                    counts.append(texts.measured)
                median_ms = statistics.median(times) * 1000
                print(f"| {n:,} chars {kind} | {box_name} | {median_ms:.1f} ms | {counts[0]} |")


if __name__ == "__main__":
    main()
