"""Draw a decoded ticket as a PNG at paper width, as the printer would print it.

Used by the virtual printer and ``kiosk demo``. The fonts (DejaVu Sans, licence in
``kiosk/fonts/``) ship in the package so the picture is the same on every machine. Font A
of an 80 mm printer is 12 x 24 dots for 48 columns; the picture keeps that proportion.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from kiosk.fonts import FONT_DIR
from printer.decoder import Cut, Document, Feed, Line, QrCode, RasterImage

logger = logging.getLogger(__name__)


LINE_HEIGHT_DOTS = 30  # 24-dot characters plus the printer's default line spacing
MARGIN_DOTS = 16
CHAR_WIDTH_DOTS = 12  # font A


@functools.lru_cache(maxsize=32)
def _font(size_px: int, is_bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if is_bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size_px)


def _x_for(align: str, width: int, paper_width_dots: int) -> int:
    if align == "center":
        return (paper_width_dots - width) // 2
    if align == "right":
        return paper_width_dots - width
    return 0


def _draw_line(line: Line, paper_width_dots: int) -> Image.Image:
    style = line.style
    height = LINE_HEIGHT_DOTS * style.height
    font = _font(22 * style.height, style.is_bold)
    text = line.text.rstrip()
    text_width = max(1, int(font.getlength(text))) if text else 1
    strip = Image.new("L", (text_width, height), 255)
    ImageDraw.Draw(strip).text((0, height - 4), text, font=font, fill=0, anchor="ls")
    # A printer cell is 12 dots wide per unit of width: squeeze the proportional font into
    # the same room, so the picture shows what fits on the paper.
    cells_width = max(1, len(text) * CHAR_WIDTH_DOTS * style.width)
    if strip.width > cells_width or style.width != style.height:
        strip = strip.resize((cells_width, height))
    if strip.width > paper_width_dots:
        strip = strip.resize((paper_width_dots, height))
    row = Image.new("L", (paper_width_dots, height), 255)
    row.paste(strip, (_x_for(style.align, strip.width, paper_width_dots), 0))
    return row


def _draw_qr(qr: QrCode, paper_width_dots: int) -> Image.Image:
    import qrcode

    code = qrcode.QRCode(box_size=max(1, qr.module_size), border=0)
    code.add_data(qr.payload)
    picture = code.make_image().get_image().convert("L")
    row = Image.new("L", (paper_width_dots, picture.height + 8), 255)
    row.paste(picture, (_x_for(qr.align, picture.width, paper_width_dots), 4))
    return row


def _draw_image(image: RasterImage, paper_width_dots: int) -> Image.Image:
    bits = Image.frombytes("1", (image.width_dots, image.height_dots), image.bits)
    picture = ImageOps.invert(bits.convert("L"))  # ESC/POS: 1 is black; Pillow: 1 is white
    row = Image.new("L", (paper_width_dots, image.height_dots), 255)
    row.paste(picture, (_x_for(image.align, picture.width, paper_width_dots), 0))
    return row


def _draw_cut(paper_width_dots: int) -> Image.Image:
    row = Image.new("L", (paper_width_dots, 12), 255)
    draw = ImageDraw.Draw(row)
    for x in range(0, paper_width_dots, 16):
        draw.line((x, 6, x + 8, 6), fill=128, width=2)
    return row


def render_image(document: Document, *, paper_width_dots: int = 576) -> Image.Image:
    """The ticket as a greyscale picture, ``paper_width_dots`` wide plus small margins."""
    rows: list[Image.Image] = []
    for item in document.items:
        if isinstance(item, Line):
            rows.append(_draw_line(item, paper_width_dots))
        elif isinstance(item, Feed):
            rows.append(
                Image.new("L", (paper_width_dots, max(1, item.lines * LINE_HEIGHT_DOTS)), 255)
            )
        elif isinstance(item, QrCode):
            rows.append(_draw_qr(item, paper_width_dots))
        elif isinstance(item, RasterImage):
            rows.append(_draw_image(item, paper_width_dots))
        elif isinstance(item, Cut):
            rows.append(_draw_cut(paper_width_dots))
    height = sum(row.height for row in rows) + 2 * MARGIN_DOTS
    page = Image.new("L", (paper_width_dots + 2 * MARGIN_DOTS, height), 255)
    y = MARGIN_DOTS
    for row in rows:
        page.paste(row, (MARGIN_DOTS, y))
        y += row.height
    return page


def render_png(document: Document, path: Path, *, paper_width_dots: int = 576) -> None:
    """Write the ticket picture to ``path`` (PNG)."""
    render_image(document, paper_width_dots=paper_width_dots).save(
        path, format="PNG", optimize=True
    )
