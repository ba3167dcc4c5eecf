"""Fitting text does bounded work whatever the text (issue 10, item 8): 6,400 unbroken
characters took 39 s (the work grew about cubically), 20,000 hung the UI loop.

No timed assertion: the work is counted (measurements of a line), with a budget that the old
algorithm overran by orders of magnitude; bench/bench_text_fit.py has the timings."""

from __future__ import annotations

import pytest

from display.text import MAX_FIT_CHARS, TextCache, candidate_sizes


class BudgetExceeded(AssertionError):
    pass


class CountingCache(TextCache):
    """Counts line measurements; fails fast past ``budget`` instead of hanging."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.measured = 0
        self.measured_chars = 0

    def width(self, line: str, px: int, bold: bool = False, is_rtl: bool = False) -> int:
        self.measured += 1
        self.measured_chars += len(line)
        if self.measured > self.budget:
            raise BudgetExceeded(f"more than {self.budget} measurements")
        return super().width(line, px, bold, is_rtl)


TEXTS = {
    "unbroken": "A" * 20_000,
    "words": "mot " * 5_000,
    "arabic": "مغلق " * 4_000,
    "one long word among short ones": "Fermeture " + "x" * 20_000 + " à 16 h",
}


@pytest.mark.parametrize("name", list(TEXTS))
@pytest.mark.parametrize("box", [(700, 60), (200, 300), (760, 400)], ids=str)
def test_fitting_20000_characters_does_bounded_work(pygame_display, name, box):
    texts = CountingCache(budget=3_000)
    fitted = texts.fit(TEXTS[name], box[0], box[1], max_px=40, min_px=18)
    assert fitted.is_truncated
    assert fitted.lines[-1].endswith("…")
    assert fitted.height <= max(box[1], fitted.line_height)
    assert all(texts.width(line, fitted.px) <= box[0] for line in fitted.lines)
    assert sum(len(line) for line in fitted.lines) <= MAX_FIT_CHARS
    assert texts.measured_chars < 2_000_000  # each measurement is of a line, not the text


def test_short_texts_fit_as_before(pygame_display):
    """Binary search over the sizes picks the size the step-by-step descent picked."""
    texts = TextCache()
    for text, box in [
        ("État civil", (300, 100)),
        ("Passeports et cartes d'identité", (240, 120)),
        ("Centre communal d'action sociale, permanence logement", (700, 60)),
        ("توصيل الوجبات والمساعدة عن بعد", (260, 130)),
    ]:
        fitted = texts.fit(text, box[0], box[1], max_px=44, min_px=18)
        assert not fitted.is_truncated
        descent = next(
            px
            for px in candidate_sizes(44)
            if texts._try(text, box[0], box[1], px, False, False) is not None
        )
        assert fitted.px == descent, text
