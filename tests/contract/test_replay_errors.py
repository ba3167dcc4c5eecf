"""Usage mistakes in ``--replay`` and ``--trace`` (issue 10, item 13): one line on stderr,
``kiosk: usage error: `` naming the file, exit code 2, never a traceback."""

from __future__ import annotations

import pytest

from .conftest import write_config


def assert_one_usage_error_line(out, *fragments):
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    lines = out.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kiosk: usage error: "), lines[0]
    assert len(lines[0]) < 500, "a long line is echoed truncated"
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize(
    ("replay", "fragment"),
    [
        ("touch ² 3\n", "touch takes two whole pixel coordinates"),
        ("wait 1e308\n", "wait takes one decimal number"),
        ("ticket nope\n", "unknown category"),
        ("tiket " + "x" * 2_000_000 + "\n", "unknown command"),
    ],
    ids=["superscript", "huge-wait", "unknown-category", "2-MB-line"],
)
def test_replay_mistakes_name_the_file_and_line(kiosk, tmp_path, replay, fragment):
    config = write_config(tmp_path)
    path = tmp_path / "soak.replay"
    path.write_text(replay, encoding="utf-8")
    out = kiosk.run("run", "--config", str(config), "--headless", "--replay", str(path))
    assert_one_usage_error_line(out, f"{path}:1: ", fragment)


def test_trace_naming_a_folder_is_a_usage_error(kiosk, tmp_path):
    config = write_config(tmp_path)
    folder = tmp_path / "traces"
    folder.mkdir()
    out = kiosk.run("run", "--config", str(config), "--headless", "--trace", str(folder))
    assert_one_usage_error_line(out, "--trace", str(folder))


def test_trace_in_a_missing_folder_is_a_usage_error(kiosk, tmp_path):
    config = write_config(tmp_path)
    path = tmp_path / "nowhere" / "trace.jsonl"
    out = kiosk.run("run", "--config", str(config), "--headless", "--trace", str(path))
    assert_one_usage_error_line(out, "--trace", str(path))
