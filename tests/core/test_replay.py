"""Replay parsing is strict (issue 10, item 13): ASCII digits only, bounded waits, errors
naming the file and showing a long line truncated."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.errors import UsageError
from kiosk.core.replay import (
    MAX_WAIT_S,
    ReplayCommand,
    load_replay,
    parse_replay,
    validate_categories,
)


@pytest.mark.parametrize(
    "line",
    [
        "touch ² 3",  # str.isdigit() accepts superscripts; int() then fails
        "touch ١٢ 3",  # Arabic-Indic digits: int() accepts them, a replay should not
        "touch １２ 3",  # full-width digits
        "touch +1 2",
        "touch 1_000 2",
        "touch " + "9" * 5000 + " 1",  # int() refuses more than 4,300 digits
        "wait 1e308",
        "wait 86401",
        "wait 1_0",
        "wait ١",
        "wait inf",
        "wait .",
        "wait 0x10",
    ],
)
def test_bad_numbers_are_one_usage_error_line(line):
    with pytest.raises(UsageError) as info:
        parse_replay(f"{line}\n", source="soak.replay")
    message = str(info.value)
    assert message.startswith("soak.replay:1: ") and "\n" not in message
    assert "expected ticket CATEGORY_ID" in message
    assert len(message) < 400


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("touch 0 479", ReplayCommand("touch", x=0, y=479, line_no=1)),
        ("wait 86400", ReplayCommand("wait", seconds=86400.0, line_no=1)),
        ("wait 0.25", ReplayCommand("wait", seconds=0.25, line_no=1)),
        ("wait .5", ReplayCommand("wait", seconds=0.5, line_no=1)),
        ("wait 3.", ReplayCommand("wait", seconds=3.0, line_no=1)),
    ],
)
def test_good_numbers(line, command):
    assert parse_replay(line, source="r") == [command]
    assert MAX_WAIT_S == 86400


def test_a_2_mb_line_is_echoed_truncated():
    line = "tiket " + "x" * 2_000_000
    with pytest.raises(UsageError) as info:
        parse_replay(line, source="big.replay")
    message = str(info.value)
    assert message.startswith('big.replay:1: "tiket xxx') and "…" in message
    assert len(message) < 400


def test_control_characters_in_a_line_are_not_echoed_raw():
    with pytest.raises(UsageError) as info:
        parse_replay("tiket a\x1b[2J\x00", source="r")
    assert "\x1b" not in str(info.value) and "\x00" not in str(info.value)


def test_an_unknown_category_names_the_replay_file(tmp_path: Path):
    path = tmp_path / "soak.replay"
    path.write_text("wait 1\nticket nope\n", encoding="utf-8")
    commands = load_replay(path)
    with pytest.raises(UsageError, match=rf'^{path}:2: "ticket nope": unknown category'):
        validate_categories(commands, {"etat-civil"}, source=commands[0].source)
    assert all(c.source == str(path) for c in commands)


def test_line_numbers_count_newlines_only():
    """str.splitlines() also splits on \\x0b, \\x1c, U+2028...: line numbers then differ
    from the editor's."""
    with pytest.raises(UsageError, match=r'^r:2: "tiket": '):
        parse_replay("# a\u2028b\ntiket\n", source="r")


def test_a_trace_path_that_cannot_be_opened_is_a_usage_error(tmp_path: Path):
    from kiosk.trace import Trace, check_trace_path

    with pytest.raises(UsageError, match=r"--trace .*: is a folder: expected a file"):
        check_trace_path(tmp_path)
    with pytest.raises(UsageError, match=r"--trace .*: cannot be opened"):
        Trace(tmp_path).open()
    assert check_trace_path(tmp_path / "t.jsonl") == tmp_path / "t.jsonl"
