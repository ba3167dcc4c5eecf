"""The paper ticket of a visitor who chose Arabic: the code page has no Arabic letters, so
the ticket is in the kiosk's default language (French), with the visitor's category label
as a small picture shaped by Pillow's raqm layout when it is available."""

from __future__ import annotations

import pytest
from PIL import features

from printer.decoder import decode
from printer.preview import render_image
from printer.ticket import TicketLayout
from tests.printer.conftest import sample_content

ARABIC = {
    "language": "ar",
    "category_label": "المساعدة الاجتماعية",
    "fallback_language": "fr",
    "fallback_label": "Aide sociale",
    "footer_lines": ("احتفظ بهذه التذكرة",),
}


def test_arabic_ticket_is_printed_in_french_with_no_question_marks(layout: TicketLayout):
    data = layout.render(sample_content(**ARABIC))
    document = decode(data)
    text = document.text
    assert "?" not in text
    assert "A042" in text
    assert document.line_with("Aide sociale") is not None
    assert document.line_with("jeudi 26 novembre 2026, 9 h 41") is not None
    assert document.line_with("Conservez ce ticket") is not None  # the default footer
    assert len(data) < 8 * 1024


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without raqm (libfribidi)")
def test_arabic_label_is_a_shaped_picture_under_the_french_one(layout: TicketLayout, tmp_path):
    data = layout.render(sample_content(**ARABIC))
    document = decode(data)
    assert len(document.images) == 1
    label = document.images[0]
    assert label.width_dots <= layout.paper_width_dots
    assert label.align == "center"
    render_image(document, paper_width_dots=layout.paper_width_dots).save(
        tmp_path / "ticket-ar.png"
    )
    plain = layout.render(sample_content())
    assert len(decode(plain).images) == 0  # a French visitor's ticket has no picture


def test_without_fallback_label_the_number_still_prints(layout: TicketLayout):
    content = sample_content(**{**ARABIC, "fallback_label": None})
    document = decode(layout.render(content))
    assert "?" not in document.text
    assert "A042" in document.text


def test_french_and_english_tickets_are_unchanged(layout: TicketLayout):
    fr = layout.render(sample_content())
    assert fr == layout.render(sample_content(fallback_label="ignored"))
    en = decode(layout.render(sample_content(language="en", category_label="Civil status")))
    assert en.line_with("Civil status") is not None
