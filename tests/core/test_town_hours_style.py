"""Issue 13: hours are written one way, the way the code writes them (kiosk.i18n): French
"8 h 30 – 12 h" with no-break spaces, English "8:30–12:00". Every time of day in the texts of
the bundled configurations (ticket footers, labels, subtitles, exception labels) follows it,
so a town's own words never wrap "8 h | 30" or read differently from the screen."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import format_clock, format_range

ROOT = Path(__file__).resolve().parents[2]
SPACE = "[ \u00a0\u202f]?"
FR_CLOCK = re.compile(rf"\b(\d{{1,2}}){SPACE}h(?:{SPACE}(\d\d))?\b")
FR_RANGE = re.compile(
    rf"(\d{{1,2}}{SPACE}h(?:{SPACE}\d\d)?)\s*[–-]\s*(\d{{1,2}}{SPACE}h(?:{SPACE}\d\d)?)"
)
EN_RANGE = re.compile(r"(\d{1,2}:\d\d)\s*[–-]\s*(\d{1,2}:\d\d)")


def _texts(node: object, language: str | None = None) -> Iterator[tuple[str, str]]:
    """(language, text) for every per-language text of a configuration."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, key if key in ("fr", "en", "ar") else language)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, language)
    elif isinstance(node, str) and language is not None:
        yield language, node


def _clock(text: str) -> str:
    match = FR_CLOCK.fullmatch(text)
    assert match
    return format_clock(int(match.group(1)), int(match.group(2) or 0), "fr")


@pytest.mark.parametrize("town", ["hdv", "meje", "ccas", "demo"])
def test_town_texts_write_hours_as_the_kiosk_does(town):
    config = tomllib.loads((ROOT / "config" / f"{town}.toml").read_text(encoding="utf-8"))
    problems = []
    for language, text in _texts(config):
        if language == "fr":
            for match in FR_CLOCK.finditer(text):
                if match.group(0) != _clock(match.group(0)):
                    problems.append(f"{match.group(0)!r} in {text!r}")
            for match in FR_RANGE.finditer(text):
                first, last = (_clock(g) for g in match.groups())
                expected = f"{first}\u00a0\u2013 {last}"
                if match.group(0) != expected:
                    problems.append(f"{match.group(0)!r} (not {expected!r}) in {text!r}")
        elif language == "en":
            for match in EN_RANGE.finditer(text):
                start, end = match.groups()
                if match.group(0) != format_range(start, end, "en"):
                    problems.append(f"{match.group(0)!r} in {text!r}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_the_old_plain_spaces():
    assert FR_CLOCK.search("8 h 30").group(0) != _clock("8 h 30")  # type: ignore[union-attr]
