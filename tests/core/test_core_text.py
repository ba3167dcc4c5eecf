"""kiosk.core.text: every text that reaches the screen or the paper is cleaned and bounded."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from kiosk.core.text import ELLIPSIS, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("État civil", "État civil"),
        ("a\x00b", "ab"),  # NUL: pygame refuses to render it
        ("a\x1b[2Jb", "a[2Jb"),  # ESC: a printer command or a terminal escape
        ("line\none", "line one"),  # a line break is a space, words stay apart
        ("tab\there\r\n", "tab here"),
        ("  spaces   inside  ", "spaces inside"),
        ("abc\u202edef", "abcdef"),  # right-to-left override
        ("\u2066x\u2069", "x"),  # isolates
        ("\u200eA\u200f", "A"),  # LRM, RLM
        ("a\ufeffb", "ab"),  # BOM / zero-width no-break space
        ("a\u00adb", "ab"),  # soft hyphen (Cf)
        ("\x85a\u2028b\u2029", "a b"),  # NEL and Unicode line/paragraph separators
        ("\ud800x", "x"),  # a lone surrogate (JSON allows "\ud800"): cannot be encoded
        ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ is part of Persian spelling: kept
        ("👩\u200d💻", "👩\u200d💻"),  # ZWJ joins an emoji sequence: kept
        ("توصيل الوجبات", "توصيل الوجبات"),  # Arabic letters are text
        ("\x00\x01", ""),
        ("16\u00a0h\u202f:", "16\u00a0h\u202f:"),  # no-break spaces of French typography: kept
    ],
)
def test_clean_text_removes_controls_and_keeps_text(raw, clean):
    assert clean_text(raw, 100) == clean


def test_clean_text_truncates_with_an_ellipsis():
    assert clean_text("abcdef", 6) == "abcdef"
    assert clean_text("abcdefg", 6) == "abcde" + ELLIPSIS
    assert len(clean_text("x" * 20_000, 80)) == 80
    assert clean_text("word " * 100, 11) == "word word" + ELLIPSIS  # no space before the dots


def test_clean_text_work_is_bounded_by_max_chars():
    """A 2 MB text is not walked character by character: only a window of it is read."""
    huge = "\x00" * 2_000_000 + "tail"
    assert clean_text(huge, 10) == ""
    assert clean_text("a" * 2_000_000, 10) == "a" * 9 + ELLIPSIS


def test_clean_text_refuses_a_nonsense_limit():
    with pytest.raises(ValueError):
        clean_text("a", 0)


def test_core_imports_nothing_of_the_project_outside_itself():
    code = (
        "import sys\n"
        "import kiosk.core, kiosk.core.text\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kiosk', 'display', 'printer')"
        " and m != 'kiosk' and not m.startswith('kiosk.core'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ---- at the sources -------------------------------------------------------------------------


def test_the_server_message_is_cleaned_and_bounded(caplog):
    from kiosk.sync.state import MESSAGE_MAX_CHARS, parse_state

    caplog.set_level(logging.INFO, logger="kiosk.sync.state")
    state = parse_state(
        {"message": {"fr": "Fermé\x00 à 16 h" + "A" * 20_000, "en": "\x00\u202e", "ar": "مغلق"}},
        fetched_at_mono_s=0.0,
    )
    assert state.message is not None
    assert state.message["fr"].startswith("Fermé à 16 hAAA")
    assert state.message["fr"].endswith(ELLIPSIS) and len(state.message["fr"]) == MESSAGE_MAX_CHARS
    assert "en" not in state.message  # nothing left to show
    assert state.message["ar"] == "مغلق"
    assert "cut to" in caplog.text


def test_the_now_serving_number_is_cleaned():
    from kiosk.sync.state import parse_state

    state = parse_state(
        {"categories": {"a": {"now_serving": "A0\x0042"}, "b": {"now_serving": "\x00"}}},
        fetched_at_mono_s=0.0,
    )
    assert state.categories["a"].now_serving == "A042"
    assert state.categories["b"].now_serving is None
