"""Right-to-left text: which runs of a line read which way, and in which order they appear.

pygame-ce's SDL_ttf 2.24 shapes text with HarfBuzz (joined Arabic letter forms, the lam-alef
ligature) once a font is told its script and direction, but it does not reorder a line that
mixes directions: rendered as one right-to-left run, "رقم A042" comes out as "240A".
python-bidi only returns a reordered string, which cannot be shaped afterwards (joining
depends on the logical order), and Pillow's raqm needs the system's libfribidi. So this
module resolves the Unicode Bidirectional Algorithm (UAX #9) levels itself, for the subset
the kiosk's texts use: one paragraph a line, no explicit embeddings or isolates; bracket
pairs (rule N0) take one direction, so "Hôtel de ville (démo)" in an Arabic line keeps its
closing bracket. Each run is then shaped by SDL_ttf in its own direction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_STRONG_RTL = frozenset({"R", "AL"})
_NUMBERS = frozenset({"EN", "AN"})
# Unicode's Bidi_Paired_Bracket pairs the kiosk's texts can hold (BidiBrackets.txt)
_OPENING = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u2329": "\u232a"}
_MAX_BRACKET_DEPTH = 63  # BD16


@dataclass(frozen=True)
class Run:
    """A stretch of a line drawn in one direction; ``text`` is in logical order."""

    text: str
    is_rtl: bool


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Arabic, Hebrew...)."""
    return any(unicodedata.bidirectional(c) in _STRONG_RTL for c in text)


def is_rtl_paragraph(text: str) -> bool:
    """Rules P2-P3: the first strong letter decides the paragraph's direction."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in _STRONG_RTL:
            return True
        if kind == "L":
            return False
    return False


def script_of(text: str) -> str:
    """The ISO 15924 code HarfBuzz needs to shape ``text``'s right-to-left letters."""
    for c in text:
        if unicodedata.bidirectional(c) in _STRONG_RTL:
            name = unicodedata.name(c, "")
            if name.startswith("HEBREW"):
                return "Hebr"
            if name.startswith("SYRIAC"):
                return "Syrc"
            return "Arab"
    return "Latn"


def visual_runs(line: str, *, is_rtl_base: bool | None = None) -> list[Run]:
    """The runs of one ``line``, left to right as they appear on screen.

    ``is_rtl_base`` None takes the paragraph's direction from its first strong letter.
    """
    if not line:
        return []
    base = is_rtl_paragraph(line) if is_rtl_base is None else is_rtl_base
    levels = _levels(line, 1 if base else 0)
    runs: list[tuple[int, str]] = []
    for char, level in zip(line, levels, strict=True):
        if runs and runs[-1][0] == level:
            runs[-1] = (level, runs[-1][1] + char)
        else:
            runs.append((level, char))
    # L2: from the highest level down to the lowest odd one, reverse every stretch of runs
    # at that level or above. A run's own characters are reversed by the shaper (odd
    # levels are shaped right to left), so only the run order changes here.
    order = list(range(len(runs)))
    top = max(level for level, _ in runs)
    lowest_odd = min((level for level, _ in runs if level % 2), default=top + 1)
    for floor in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if runs[order[i]][0] < floor:
                i += 1
                continue
            j = i
            while j < len(order) and runs[order[j]][0] >= floor:
                j += 1
            order[i:j] = reversed(order[i:j])
            i = j
    return [Run(runs[k][1], runs[k][0] % 2 == 1) for k in order]


def _levels(line: str, base: int) -> list[int]:
    """Resolved embedding levels (rules W1-W7, N1-N2, I1-I2, L1) of one line."""
    types = [unicodedata.bidirectional(c) or "ON" for c in line]
    sos = "R" if base else "L"
    # W1: a non-spacing mark takes the type of the character before it.
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = types[i - 1] if i else sos
    # W2: a European number after an Arabic letter is an Arabic number. W3: AL is R.
    strong = sos
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            strong = t
        elif t == "EN" and strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, len(types) - 1):
        t, before, after = types[i], types[i - 1], types[i + 1]
        if t == "ES" and before == after == "EN":
            types[i] = "EN"
        elif t == "CS" and before == after and before in _NUMBERS:
            types[i] = before
    # W5: terminators (%, $, #...) next to a European number are part of it.
    for i, t in enumerate(types):
        if t == "ET":
            j = i
            while j < len(types) and types[j] == "ET":
                j += 1
            is_by_number = (i > 0 and types[i - 1] == "EN") or (j < len(types) and types[j] == "EN")
            if is_by_number:
                for k in range(i, j):
                    types[k] = "EN"
    # W6: remaining separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: a European number after a left-to-right letter is left to right.
    strong = sos
    for i, t in enumerate(types):
        if t in ("L", "R"):
            strong = t
        elif t == "EN" and strong == "L":
            types[i] = "L"
    _pair_brackets(line, types, sos)
    # N1-N2: neutrals between two letters of one direction take it (numbers count as R),
    # others take the paragraph's direction.
    eos = sos
    direction = ["R" if t in _NUMBERS else t for t in types]
    i = 0
    while i < len(types):
        if direction[i] in ("L", "R"):
            i += 1
            continue
        j = i
        while j < len(types) and direction[j] not in ("L", "R"):
            j += 1
        before = direction[i - 1] if i else sos
        after = direction[j] if j < len(types) else eos
        resolved = before if before == after else sos
        for k in range(i, j):
            types[k] = resolved
        i = j
    # I1-I2: implicit levels.
    levels = []
    for t in types:
        if base == 0:
            levels.append({"R": 1, "AN": 2, "EN": 2}.get(t, 0))
        else:
            levels.append(base + (1 if t in ("L", "EN", "AN") else 0))
    # L1: trailing whitespace goes back to the paragraph level.
    k = len(line) - 1
    while k >= 0 and unicodedata.bidirectional(line[k]) in ("WS", "S", "B", "BN"):
        levels[k] = base
        k -= 1
    return levels


def _bracket_pairs(line: str, types: list[str]) -> list[tuple[int, int]]:
    """BD16: the bracket pairs of ``line`` (opening, closing), in order of their openings;
    only brackets still neutral (ON) pair."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, char in enumerate(line):
        if types[i] != "ON":
            continue
        if char in _OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                return sorted(pairs)
            stack.append((_OPENING[char], i))
        else:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _pair_brackets(line: str, types: list[str], sos: str) -> None:
    """N0: a bracket pair takes the embedding direction when a strong letter of it is
    inside, else the opposite one when a letter of that direction is inside and before the
    pair; numbers count as R. Both brackets change together, so "(démo)" never loses its
    closing bracket to the other side of the line."""
    embedding = sos

    def strong(t: str) -> str | None:
        return "R" if t in _NUMBERS or t == "R" else ("L" if t == "L" else None)

    for opening, closing in _bracket_pairs(line, types):
        inside = {strong(t) for t in types[opening + 1 : closing]} - {None}
        if not inside:
            continue
        if embedding in inside:
            direction = embedding
        else:  # only the opposite inside: it wins when the context before agrees
            direction = next((d for d in (strong(t) for t in reversed(types[:opening])) if d), sos)
        types[opening] = types[closing] = direction
