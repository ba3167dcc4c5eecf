"""Clean, bounded text: what may reach the screen or the paper.

Every text that comes from outside the code (the configuration's site name, labels and
footer, the server's banner message) goes through :func:`clean_text` where it enters the
kiosk. Control characters are removed: a NUL makes pygame refuse to render (the kiosk then
crashed at every start), an ESC is a printer command, a right-to-left override turns a label
around. Line breaks and tabs become spaces, so words stay apart. The length is bounded, so
that no text can make fitting or printing slow.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

# Format characters that are part of spelling, not control: the zero-width non-joiner
# (Persian, Indic scripts) and the zero-width joiner (Indic conjuncts, emoji sequences).
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
# Characters that separate words or lines: each becomes one space.
_SPACES = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# Cc: C0/C1 controls; Cf: format characters (bidi embeddings, overrides, isolates, marks,
# the BOM, the soft hyphen); Cs: lone surrogates, which cannot even be encoded.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# How many characters are read per character kept, at most: the work is bounded by
# ``max_chars`` whatever the length of the text.
_WINDOW_FACTOR = 4
_RUN_OF_SPACES = re.compile(" {2,}")


def clean_text(text: str, max_chars: int) -> str:
    """``text`` without control or format characters, its spaces collapsed and stripped, at
    most ``max_chars`` characters long (a longer text ends with an ellipsis).

    Only the first ``4 * max_chars`` characters are read, so cleaning a huge text costs no
    more than cleaning a short one.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars {max_chars}: expected 1 or more")
    window = text[: _WINDOW_FACTOR * max_chars + 1]
    kept: list[str] = []
    for ch in window:
        if ch in _SPACES:
            kept.append(" ")
        elif ch in _KEPT_FORMAT or unicodedata.category(ch) not in _REMOVED_CATEGORIES:
            kept.append(ch)
    cleaned = _RUN_OF_SPACES.sub(" ", "".join(kept)).strip(" ")
    is_cut = len(window) < len(text)
    if len(cleaned) > max_chars or (is_cut and len(cleaned) == max_chars):
        return cleaned[: max_chars - 1].rstrip() + ELLIPSIS
    return cleaned
