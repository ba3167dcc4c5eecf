"""Where a ticket's bytes are made: the layout, rendered with python-escpos's Dummy printer.

Every ticket is self-contained: it starts with ``ESC @`` and sets its code page, so a
printer that was power-cycled, or an earlier ticket cut short, cannot garble the next one.
Text is normalised to what the code page can print before it reaches python-escpos, whose
automatic code page switching is disabled (it is fragile on clones, and its cache goes
stale after ``ESC @``; see docs/printing.md).
"""

from __future__ import annotations

import logging
import pathlib
import textwrap
import unicodedata
from typing import Any

from kiosk.core.errors import ConfigError
from kiosk.core.queue_info import wait_words
from kiosk.core.settings import PrinterSection
from kiosk.core.tickets import TicketContent
from kiosk.fonts import BOLD
from kiosk.i18n import RTL_LANGUAGES, format_long_datetime, format_short_time, translator
from printer.profile import CODEPAGES, PrinterProfile, load_profile, new_dummy

logger = logging.getLogger(__name__)

MAX_LOGO_WIDTH_DOTS = 384
LABEL_PICTURE_FONT = BOLD
LABEL_PICTURE_PX = (32, 28, 24, 20)  # tried in turn until the label fits the paper
MAX_NUMBER_MAGNIFICATION = 6  # 6 x 6 is 18 mm high: readable at arm's length, fits "A1000"
FRENCH_LETTERS = "àâæçéèêëîïôœùûüÿ"

# Always replaced: typographic spaces that cheap printers render badly or not at all. The
# typographic apostrophe stays where the code page has it (WPC1252), else becomes "'".
_ALWAYS = {"\u202f": " ", "\u00a0": " ", "\u2009": " "}
# Replaced only when the code page lacks them.
_FALLBACKS = {
    "œ": "oe",
    "Œ": "OE",
    "Ÿ": "Y",
    "€": "EUR",
    "…": "...",
    "–": "-",
    "—": "-",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "°": "o",
    "’": "'",
    "‘": "'",
}


def printable_text(text: str, codec: str) -> str:
    """``text`` with every character the printer's code page ``codec`` can print.

    Typographic spaces become plain ones, and apostrophes too where the code page lacks
    them (CP858); a missing letter becomes its
    usual spelling (``œ`` -> ``oe`` in CP858) or loses its accent; anything else is ``?``.
    Control characters (ESC, GS, LF...) become spaces, so no text can smuggle in a command.
    """
    out: list[str] = []
    for char in text:
        char = _ALWAYS.get(char, char)
        if unicodedata.category(char).startswith("C"):
            out.append(" ")  # control characters would be printer commands
        elif _encodes(char, codec):
            out.append(char)
        elif char in _FALLBACKS:
            out.append(_FALLBACKS[char])
        else:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base if base and _encodes(base, codec) else "?")
    return "".join(out)


def _has_rtl_letters(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


class TicketLayout:
    """Turns :class:`TicketContent` into ESC/POS bytes for one printer profile.

    Long-lived: :meth:`load` reads the profile and dithers the logo once; each
    :meth:`render` resets the printer and its code page, so the 1000th ticket is encoded
    exactly like the first.
    """

    def __init__(
        self,
        *,
        profile: str = "TM-T20II",
        codepage: str = "WPC1252",
        logo: pathlib.Path | None = None,
    ):
        if codepage not in CODEPAGES:
            raise ConfigError(
                f"[printer] codepage {codepage!r} is not supported; use " + " or ".join(CODEPAGES),
                key="codepage",
            )
        self.profile_name = profile
        self.codepage = codepage
        self.logo = logo
        self._profile: PrinterProfile | None = None
        self._logo_bytes = b""
        self._dummy: Any = None
        self._tickets_rendered = 0

    @classmethod
    def from_config(cls, section: PrinterSection) -> TicketLayout:
        return cls(profile=section.profile, codepage=section.codepage, logo=section.logo)

    def load(self) -> None:
        """Read the capability profile and prepare the logo; later calls do nothing."""
        if self._profile is not None:
            return
        profile = load_profile(self.profile_name)
        if CODEPAGES[self.codepage] not in profile.codepage_slots:
            raise ConfigError(
                f"[printer] codepage {self.codepage!r} is not offered by profile "
                f"{self.profile_name!r}; use another codepage or profile",
                key="codepage",
            )
        self._dummy = new_dummy(self.profile_name)
        self._logo_bytes = self._load_logo(profile) if self.logo is not None else b""
        self._profile = profile

    def _load_logo(self, profile: PrinterProfile) -> bytes:
        from PIL import Image, UnidentifiedImageError

        assert self.logo is not None
        try:
            with Image.open(self.logo) as source:
                picture = source.convert("L")
        except (OSError, UnidentifiedImageError) as err:
            raise ConfigError(
                f"[printer] logo {str(self.logo)!r} is not a readable picture ({err}); "
                "use a PNG file or remove the key",
                key="logo",
            ) from err
        max_width = min(MAX_LOGO_WIDTH_DOTS, profile.paper_width_dots)
        if picture.width > max_width:
            height = max(1, picture.height * max_width // picture.width)
            picture = picture.resize((max_width, height), Image.Resampling.LANCZOS)
        dithered = picture.convert("1")  # Floyd-Steinberg, once
        dummy = new_dummy(self.profile_name)
        # center=False: python-escpos would pad the picture to the full paper width
        # (6 KiB -> 9 KiB); the ticket centres it with ESC a 1 instead.
        dummy.image(dithered, impl="bitImageRaster", center=False)
        return bytes(dummy.output)

    @property
    def profile(self) -> PrinterProfile:
        self.load()
        assert self._profile is not None
        return self._profile

    @property
    def paper_width_dots(self) -> int:
        return self.profile.paper_width_dots

    @property
    def columns(self) -> int:
        return self.profile.columns

    @property
    def python_codec(self) -> str:
        return CODEPAGES[self.codepage].lower()

    def render(self, content: TicketContent) -> bytes:
        """The ESC/POS bytes of one ticket, from ``ESC @`` to the cut."""
        label_picture = b""
        label: str | None
        if self._is_printable(content):
            language, label = content.language, content.category_label
        else:
            language, label = content.fallback_language, content.fallback_label
            label_picture = self._label_picture(content.category_label)
        tr = translator(language, "ticket")
        p = self._begin()
        if self._logo_bytes:
            p._raw(self._logo_bytes)
            p.ln()
        self._line(p, content.site, is_bold=True)
        if content.is_duplicate:
            self._duplicate_mark(p, tr.gettext("DUPLICATE"))
        self._line(p, tr.gettext("Your number"))
        self._big(p, content.number, self._number_magnification(content.number))
        if label:
            p.ln()  # room between the number and what it is for
            self._line(p, label, is_bold=True)
        if label_picture:
            p._raw(label_picture)
        if content.is_priority:
            notice = tr.gettext("Show your card (carte mobilité inclusion) to the agent")
            self._priority_mark(p, tr.gettext("PRIORITY"), notice)
        if content.issued_at is not None:
            self._line(p, format_long_datetime(content.issued_at, language))
        if content.appointment_at is not None:
            when = format_short_time(content.appointment_at, language)
            self._line(p, tr.gettext("Appointment at %(time)s") % {"time": when}, is_bold=True)
        if content.people_ahead is not None:
            if content.people_ahead == 0:
                self._line(p, tr.gettext("You are next"))
            else:
                ahead = tr.ngettext(
                    "%(count)d person ahead of you",
                    "%(count)d people ahead of you",
                    content.people_ahead,
                )
                self._line(p, ahead % {"count": content.people_ahead})
        if content.wait_range_min is not None:
            low, high = content.wait_range_min
            words = wait_words((low * 60, high * 60))  # worded as the screen words it
            self._line(p, tr.ngettext(words.singular, words.plural, words.count) % words.values)
            if content.issued_at is not None:  # an estimate, and when it was made
                at = format_short_time(content.issued_at, language)
                self._line(p, tr.gettext("(an estimate at %(time)s)") % {"time": at})
        self._line(p, tr.gettext("Your number will show on the screen with your counter"))
        if content.qr_payload and self.profile.has_native_qr:
            p.ln()
            p.qr(content.qr_payload, size=self._qr_module_size(), native=True)
            self._line(p, tr.gettext("Follow the queue on your phone"))
        p.ln()
        footers = content.footer_lines
        if any(_has_rtl_letters(line) for line in footers):
            footers = ()  # the code page has no such letters: the default footer
        for footer in footers or (tr.gettext("Keep this ticket"),):
            self._line(p, footer)
        if content.is_duplicate:
            self._duplicate_mark(p, tr.gettext("DUPLICATE"))
        return self._finish(p)

    def render_test(self, *, site: str = "Test") -> bytes:
        """A test ticket: every French accented letter, the largest number size, a QR code, the cut."""
        p = self._begin()
        self._line(p, site, is_bold=True)
        self._line(p, "Test d'impression / Printer test")
        self._line(p, FRENCH_LETTERS)
        self._line(p, FRENCH_LETTERS.upper())
        self._line(p, "€ « » °  Numéro d'ordre")
        # "TEST", never a number a visitor could take for theirs
        self._big(p, "TEST", self._largest_magnification("TEST"))
        self._line(p, f"{self.profile_name}, {self.codepage}, {self.columns} col.")
        if self.profile.has_native_qr:
            p.qr("https://example.org/kiosk/print-test", size=self._qr_module_size(), native=True)
        return self._finish(p)

    # -- the visitor's language -------------------------------------------------------------

    def _is_printable(self, content: TicketContent) -> bool:
        """Whether the code page can print the visitor's language: never a right-to-left
        one (CP858 and WPC1252 have no Arabic letters; the printers' Arabic code pages
        hold unshaped letters, left to right)."""
        return content.language not in RTL_LANGUAGES and _encodes(
            content.category_label, self.python_codec
        )

    def _label_picture(self, label: str) -> bytes:
        """``label`` shaped and drawn right to left by Pillow's raqm layout (HarfBuzz and
        FriBiDi), as a raster picture; empty when raqm is missing (then only the
        ``fallback_label`` is printed) or the label does not fit the paper."""
        from PIL import Image, ImageDraw, ImageFont, features

        if not features.check("raqm"):
            logger.warning(
                "no raqm text layout in Pillow (libfribidi missing?): label %r not printed", label
            )
            return b""
        max_width = min(MAX_LOGO_WIDTH_DOTS, self.paper_width_dots)
        for px in LABEL_PICTURE_PX:
            font = ImageFont.truetype(
                str(LABEL_PICTURE_FONT), px, layout_engine=ImageFont.Layout.RAQM
            )
            left, top, right, bottom = (
                round(v) for v in font.getbbox(label, direction="rtl", language="ar")
            )
            if right - left <= max_width:
                break
        else:
            logger.warning("label %r is wider than the paper even at %d px: not printed", label, px)
            return b""
        picture = Image.new("1", (right - left, bottom - top + 4), 1)
        ImageDraw.Draw(picture).text(
            (-left, -top + 2), label, font=font, fill=0, direction="rtl", language="ar"
        )
        dummy = new_dummy(self.profile_name)
        dummy.image(picture, impl="bitImageRaster", center=False)
        return bytes(dummy.output)

    # -- pieces --------------------------------------------------------------------------

    def _begin(self) -> Any:
        self.load()
        p = self._dummy
        p.clear()
        p.hw("INIT")
        # ESC @ resets the printer's code page but python-escpos 3.1 keeps its cached one
        # (fixed in master by #729, unreleased): forget it so charcode() always sends ESC t.
        p.magic.encoding = None
        p.charcode(CODEPAGES[self.codepage])
        p.set(align="center")
        return p

    def _finish(self, p: Any) -> bytes:
        if self.profile.has_cut:
            p.cut()
        else:
            p.ln(4)
        self._tickets_rendered += 1
        data = bytes(p.output)
        p.clear()
        return data

    def _line(self, p: Any, text: str, *, is_bold: bool = False, width: int = 1) -> None:
        if is_bold:
            p.set(bold=True)
        # wrapped before the no-break spaces become plain ones: "8 h 30" stays on one line
        for piece in textwrap.wrap(text, self.columns // width) or [""]:
            p.textln(printable_text(piece, self.python_codec))
        if is_bold:
            p.set(bold=False)

    def _big(self, p: Any, text: str, magnification: int) -> None:
        p.set(bold=True, custom_size=True, width=magnification, height=magnification)
        p.textln(printable_text(text, self.python_codec))
        p.set(bold=False, custom_size=True, width=1, height=1)

    def _duplicate_mark(self, p: Any, text: str) -> None:
        p.set(bold=True, custom_size=True, width=2, height=2)
        p.textln(printable_text(text, self.python_codec))
        p.set(bold=False, custom_size=True, width=1, height=1)

    def _priority_mark(self, p: Any, word: str, notice: str) -> None:
        """The priority word framed by two rules, in double size as a fact of the ticket (not
        a warning: no inverse print), and what to do with the card, in plain size."""
        rule = "-" * min(self.columns, 32)
        p.textln(rule)
        p.set(bold=True, custom_size=True, width=2, height=2)
        p.textln(printable_text(word, self.python_codec))
        p.set(bold=False, custom_size=True, width=1, height=1)
        self._line(p, notice)
        p.textln(rule)

    def _number_magnification(self, number: str) -> int:
        return max(2, min(MAX_NUMBER_MAGNIFICATION, self.columns // max(len(number), 4)))

    def _largest_magnification(self, number: str) -> int:
        return max(2, min(8, self.columns // len(number)))

    def _qr_module_size(self) -> int:
        return 6 if self.paper_width_dots >= 512 else 5

    def __repr__(self) -> str:
        state = "loaded" if self._profile is not None else "not loaded"
        logo = f" logo={self.logo}" if self.logo else ""
        return (
            f"<TicketLayout {self.profile_name} {self.codepage}{logo} {state}, "
            f"{self._tickets_rendered} tickets rendered>"
        )
