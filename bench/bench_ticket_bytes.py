"""Bytes per ticket and their time on a serial wire: native text versus one raster picture.

Plain script: ``.venv/bin/python bench/bench_ticket_bytes.py``. Prints a Markdown table.
Wire time assumes 8N1 (10 bits a byte). The raster case draws the same ticket with the
preview renderer, dithers it and sends it as ``GS v 0``, as drivers that print "a picture of
the ticket" do; the ratio says how much the native layout saves.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer.decoder import decode
from printer.preview import render_image
from printer.profile import new_dummy
from printer.ticket import TicketContent, TicketLayout

BAUDS = (19200, 115200)
CONTENT = TicketContent(
    site="Hôtel de ville",
    number="A042",
    category_label="État civil",
    language="fr",
    issued_at=dt.datetime(2026, 11, 26, 9, 41, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
    people_ahead=3,
    wait_range_min=(10, 20),
    qr_payload="https://file.example.org/t/hdv-1/A042",
)


def make_logo(folder: Path) -> Path:
    picture = Image.new("L", (384, 128), 255)
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((2, 2, 381, 125), 20, outline=0, width=6)
    draw.ellipse((150, 20, 234, 108), fill=90)
    path = folder / "logo.png"
    picture.save(path)
    return path


def as_raster(data: bytes, profile: str, paper_width_dots: int) -> bytes:
    picture = render_image(decode(data), paper_width_dots=paper_width_dots)
    picture = picture.crop((16, 0, 16 + paper_width_dots, picture.height)).convert("1")
    printer = new_dummy(profile)
    printer.hw("INIT")
    printer.image(picture, impl="bitImageRaster", center=False)
    printer.cut()
    return bytes(printer.output)


def median_ms(function: object, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        logo = make_logo(Path(folder))
        for profile in ("TM-T20II", "POS-5890"):
            for has_logo in (False, True):
                layout = TicketLayout(profile=profile, logo=logo if has_logo else None)
                layout.load()
                data = layout.render(CONTENT)
                raster = as_raster(data, profile, layout.paper_width_dots)
                gen_ms = median_ms(lambda layout=layout: layout.render(CONTENT))
                rows.append((profile, has_logo, len(data), gen_ms, len(raster)))
    print(
        "| profile | logo 384 px | bytes | render ms (median) | 19200 baud | 115200 baud "
        "| one raster: bytes | raster 19200 | raster 115200 | raster / native |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for profile, has_logo, size, gen_ms, raster in rows:
        native_s = [f"{size * 10 / baud:.2f} s" for baud in BAUDS]
        raster_s = [f"{raster * 10 / baud:.2f} s" for baud in BAUDS]
        print(
            f"| {profile} | {'yes' if has_logo else 'no'} | {size:,} | {gen_ms:.2f} | "
            f"{' | '.join(native_s)} | {raster:,} | {' | '.join(raster_s)} | {raster / size:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
