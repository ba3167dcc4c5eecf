"""Ticket bytes, read back with the decoder: sizes, accents (1st and 1000th), QR, cut, goldens.

Goldens live in tests/printer/golden/. After an intended layout change, regenerate them
with ``KIOSK_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/printer`` and review the PNGs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from kiosk.core.errors import ConfigError
from kiosk.core.settings import PrinterSection
from printer.decoder import decode
from printer.preview import render_png
from printer.ticket import FRENCH_LETTERS, TicketLayout, printable_text

from .conftest import sample_content

GOLDEN_DIR = Path(__file__).parent / "golden"
FRENCH_CAPITALS = FRENCH_LETTERS.upper()


def _logo(path: Path, width: int = 384, height: int = 128) -> Path:
    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), 20, outline=0, width=6)
    draw.ellipse((width // 2 - 40, 20, width // 2 + 40, height - 20), fill=90)
    picture.save(path)
    return path


def test_ticket_reads_back(layout: TicketLayout) -> None:
    document = decode(layout.render(sample_content()), codepages=layout.profile.decoder_codepages)
    assert document.unknown == []
    number = document.line_with("A042")
    assert number is not None and number.text == "A042"
    assert number.style.width >= 2 and number.style.height >= 2
    assert number.style.align == "center"
    assert document.line_with("Votre numéro") is not None
    category = document.line_with("État civil")
    assert category is not None and category.style.is_bold
    # one way to write hours, on paper as on screen (issue 13): "9 h 41"
    assert document.line_with("jeudi 26 novembre 2026, 9 h 41") is not None
    assert document.line_with("3 personnes avant vous") is not None
    assert document.line_with("Attente estimée : 10 à 20 minutes") is not None
    assert document.line_with("(estimation à 9 h 41)") is not None  # an estimate, made then
    words = " ".join(document.text.split())  # long lines wrap at the paper's width
    assert "Votre numéro s’affichera à l’écran avec le guichet" in words
    assert document.line_with("Suivez la file sur votre téléphone") is not None
    assert document.line_with("Conservez ce ticket") is not None
    assert [qr.payload for qr in document.qr_codes] == ["https://file.example.org/t/hdv-1/A042"]
    assert document.qr_codes[0].module_size >= 5
    assert len(document.cuts) == 1 and document.items[-1] == document.cuts[0]
    assert document.codepages_used == [16]


def test_optional_parts_are_left_out(layout: TicketLayout) -> None:
    content = sample_content(
        issued_at=None, people_ahead=None, wait_range_min=None, qr_payload=None, language="en"
    )
    document = decode(layout.render(content))
    assert document.unknown == []
    assert "2026" not in document.text and "ahead" not in document.text
    assert document.qr_codes == []
    assert document.line_with("Your number") is not None
    assert document.line_with("Keep this ticket") is not None


def test_people_ahead_plural_forms(layout: TicketLayout) -> None:
    def text(language: str, count: int) -> str:
        return decode(layout.render(sample_content(language=language, people_ahead=count))).text

    assert "Vous êtes le prochain" in text("fr", 0)
    assert "You are next" in text("en", 0)
    assert "1 personne avant vous" in text("fr", 1)
    assert "1 person ahead of you" in text("en", 1)
    assert "2 people ahead of you" in text("en", 2)


def test_footer_and_duplicate_mark(layout: TicketLayout) -> None:
    content = sample_content(footer_lines=("Bonne journée", "Mairie de Miramas"), is_duplicate=True)
    document = decode(layout.render(content))
    assert document.line_with("Bonne journée") is not None
    assert document.line_with("Conservez ce ticket") is None
    marks = [line for line in document.lines if line.text == "DUPLICATA"]
    assert marks and all(line.style.width >= 2 for line in marks)


def test_accents_survive_the_1000th_ticket_from_one_layout() -> None:
    layout = TicketLayout()  # long-lived, as in the kiosk
    content = sample_content(category_label=f"{FRENCH_LETTERS} {FRENCH_CAPITALS} € « » °")
    first = layout.render(content)
    for _ in range(998):
        layout.render(content)
    thousandth = layout.render(content)
    assert thousandth == first
    document = decode(thousandth)
    assert document.line_with(f"{FRENCH_LETTERS} {FRENCH_CAPITALS} € « » °") is not None
    assert "1000 tickets rendered" in repr(layout)


def test_test_ticket_has_everything(layout: TicketLayout) -> None:
    document = decode(layout.render_test(site="Hôtel de ville"))
    assert document.unknown == []
    assert document.line_with(FRENCH_LETTERS) is not None
    assert document.line_with(FRENCH_CAPITALS) is not None
    assert document.line_with("€ « » °") is not None
    # the big text is TEST, never a number a visitor could take for theirs (issue 13)
    big = [line for line in document.lines if line.style.width >= 2]
    assert [line.text for line in big] == ["TEST"]
    assert big[0].style.width == big[0].style.height == 8
    assert len(document.qr_codes) == 1 and len(document.cuts) == 1


def test_cp858_spells_out_what_it_lacks() -> None:
    layout = TicketLayout(codepage="CP858")
    document = decode(layout.render_test())
    assert document.codepages_used == [19]
    assert document.line_with("àâæçéèêëîïôoeùûüÿ") is not None
    assert document.line_with("€ « » °") is not None


def test_text_normalisation() -> None:
    # typographic apostrophes stay where the code page has them (issue 13), else "'"
    assert printable_text("l\u2019accueil\u202f: 9\u00a0h", "cp1252") == "l\u2019accueil : 9 h"
    assert printable_text("l\u2019accueil", "cp858") == "l'accueil"
    assert printable_text("cœur Œuvre Ÿ", "cp858") == "coeur OEuvre Y"
    assert printable_text("Łódź 東", "cp1252") == "?ódz ?"


@pytest.mark.parametrize(
    ("profile", "columns", "dots"), [("TM-T20II", 48, 576), ("POS-5890", 32, 384)]
)
def test_paper_width_comes_from_the_profile(profile: str, columns: int, dots: int) -> None:
    layout = TicketLayout(profile=profile)
    assert (layout.columns, layout.paper_width_dots) == (columns, dots)
    long_label = "Centre communal d'action sociale, permanence logement"
    document = decode(
        layout.render(sample_content(category_label=long_label)),
        codepages=layout.profile.decoder_codepages,
    )
    assert all(len(line.text) * line.style.width <= columns for line in document.lines)
    assert document.unknown == []


def test_profile_without_native_qr_prints_no_qr() -> None:
    layout = TicketLayout(profile="POS-5890")
    document = decode(layout.render(sample_content()), codepages=layout.profile.decoder_codepages)
    assert document.qr_codes == [] and document.line_with("État civil") is not None


def test_size_limits(tmp_path: Path) -> None:
    content = sample_content(footer_lines=("Merci de patienter, nous vous appelons.",))
    assert len(TicketLayout().render(content)) <= 1024
    with_logo = TicketLayout(logo=_logo(tmp_path / "logo.png"))
    data = with_logo.render(content)
    assert len(data) <= 8 * 1024
    images = decode(data).images
    assert [(image.width_dots, image.height_dots) for image in images] == [(384, 128)]
    assert images[0].align == "center"


def test_wide_logo_is_scaled_to_384_dots(tmp_path: Path) -> None:
    layout = TicketLayout(logo=_logo(tmp_path / "wide.png", width=800, height=200))
    assert [
        (i.width_dots, i.height_dots) for i in decode(layout.render(sample_content())).images
    ] == [(384, 96)]


def test_bad_settings_fail_with_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'TM-NOPE'.*TM-T20II"):
        TicketLayout(profile="TM-NOPE").load()
    with pytest.raises(ConfigError, match="codepage 'CP437'"):
        TicketLayout(codepage="CP437")
    (tmp_path / "logo.png").write_text("not a picture")
    broken = TicketLayout(logo=tmp_path / "logo.png")  # no I/O yet
    with pytest.raises(ConfigError, match="logo"):
        broken.load()


def test_from_config(tmp_path: Path) -> None:
    section = PrinterSection(url="virtual:///x", profile="POS-5890", codepage="CP858")
    layout = TicketLayout.from_config(section)
    assert (layout.profile_name, layout.codepage, layout.logo) == ("POS-5890", "CP858", None)


@pytest.mark.parametrize("profile", ["TM-T20II", "Sunmi-V2", "POS-5890"])
def test_golden_bytes(profile: str, tmp_path: Path) -> None:
    layout = TicketLayout(profile=profile)
    data = layout.render(sample_content(footer_lines=("Merci de votre visite",)))
    golden = GOLDEN_DIR / f"ticket-{profile}.bin"
    if os.environ.get("KIOSK_REGENERATE_GOLDEN"):
        GOLDEN_DIR.mkdir(exist_ok=True)
        golden.write_bytes(data)
        render_png(
            decode(data, codepages=layout.profile.decoder_codepages),
            golden.with_suffix(".png"),
            paper_width_dots=layout.paper_width_dots,
        )
    assert golden.exists(), f"no golden for {profile}: run with KIOSK_REGENERATE_GOLDEN=1"
    assert data == golden.read_bytes(), f"{profile} bytes changed: review, then regenerate"


def test_the_wait_reads_as_on_the_screen(layout: TicketLayout) -> None:
    """One formatter (kiosk.core.queue_info) for the screen and the paper: "under 10
    minutes", never "0 to 10"."""
    from display.screens import wait_text
    from kiosk.i18n import translator

    for minutes, words in [((0, 10), "moins de 10 minutes"), ((5, 5), "environ 5 minutes")]:
        document = decode(layout.render(sample_content(wait_range_min=minutes)))
        line = document.line_with("Attente estimée")
        assert line is not None and words in line.text
        screen = wait_text(translator("fr", "screens"), (minutes[0] * 60, minutes[1] * 60))
        assert screen == line.text


def test_hours_stay_whole_when_a_line_wraps(layout: TicketLayout) -> None:
    """ "8 h 30" is held by no-break spaces: the paper wraps around it, never inside."""
    lead = "L’accueil est ouvert du lundi au samedi dès"  # "8 h" fits on its line, "30" not
    assert len(lead) + len(" 8 h") <= layout.columns < len(lead) + len(" 8 h 30")
    footer = (f"{lead} 8\u00a0h\u00a030",)
    document = decode(layout.render(sample_content(footer_lines=footer)))
    assert any(line.text == "8 h 30" for line in document.lines)
