"""A priority ticket's paper (contract 5.2): the word PRIORITAIRE (PRIORITY in English),
framed under the number, and the notice to show the card to the agent; read back from the
bytes by the decoder, as a printer would print them."""

from __future__ import annotations

import pytest

from printer.decoder import decode
from printer.ticket import TicketLayout
from tests.printer.conftest import sample_content


def _lines(data: bytes) -> list[str]:
    return [line.text.strip() for line in decode(data).lines]


def test_french_priority_ticket_says_prioritaire_under_the_number(layout: TicketLayout):
    lines = _lines(layout.render(sample_content(is_priority=True)))
    number_at = lines.index("A042")
    word_at = lines.index("PRIORITAIRE")
    assert word_at > number_at
    assert lines[word_at - 1].startswith("----") and "----" in lines[word_at + 2]  # framed
    assert "Montrez votre carte mobilité inclusion à l'agent" in lines
    assert "?" not in "".join(lines)


def test_english_priority_ticket_says_priority(layout: TicketLayout):
    content = sample_content(
        is_priority=True, language="en", category_label="Civil status", fallback_language="fr"
    )
    text = " ".join(_lines(layout.render(content)))
    assert "PRIORITY" in text and "PRIORITAIRE" not in text
    assert "Show your card (carte mobilité inclusion) to the agent" in text


def test_arabic_priority_ticket_prints_the_french_mark(layout: TicketLayout):
    content = sample_content(
        is_priority=True,
        language="ar",
        category_label="الحالة المدنية",
        fallback_language="fr",
        fallback_label="État civil",
    )
    text = decode(layout.render(content)).text
    assert "PRIORITAIRE" in text and "?" not in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_normal_ticket_has_no_mark(layout: TicketLayout, language: str):
    text = decode(layout.render(sample_content(language=language))).text
    assert "PRIORIT" not in text and "carte mobilité" not in text
