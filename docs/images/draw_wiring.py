"""Draws docs/images/wiring.png: the ticket button, status LED and technician button on the
Raspberry Pi's 40-pin header. Run: .venv/bin/python docs/images/draw_wiring.py

Drawn with Pillow rather than a schematic tool so anyone can regenerate it from the repo.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
OUT = Path(__file__).resolve().parent / "wiring.png"
W, H = 1400, 900
INK, GREY, RED, GREEN, BLUE, ORANGE = "#111", "#777", "#c62828", "#2e7d32", "#1565c0", "#e65100"

# physical pin -> label: all on the even (outer) column, so no wire crosses another
USED = {
    14: ("GND", INK),
    16: ("GPIO23", BLUE),
    18: ("GPIO24", ORANGE),
    20: ("GND", INK),
    22: ("GPIO25", GREEN),
    30: ("GND", INK),
}


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def pin_xy(pin: int) -> tuple[int, int]:
    """Centre of a header pin: odd pins in the left column, even in the right."""
    row = (pin - 1) // 2
    return (190 if pin % 2 else 240), 120 + row * 34


def main() -> None:
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text(
        (40, 20),
        "Câblage du bouton ticket, du voyant et du bouton technicien",
        fill=INK,
        font=font(30, True),
    )
    d.text(
        (40, 58),
        "Wiring: ticket button, status LED, technician button (Raspberry Pi 40-pin header)",
        fill=GREY,
        font=font(20),
    )

    # the header
    d.rounded_rectangle((150, 97, 280, 120 + 19 * 34 + 25), radius=10, fill="#2b2b2b")
    for pin in range(1, 41):
        x, y = pin_xy(pin)
        used = USED.get(pin)
        d.ellipse(
            (x - 11, y - 11, x + 11, y + 11), fill=used[1] if used else "#d9b44a", outline="white"
        )
    for pin in (1, 2):
        x, y = pin_xy(pin)
        d.text((128 if pin == 1 else 290, y - 10), str(pin), fill=INK, font=font(16, True))
    d.text(
        (300, 120 + 18 * 34),
        "broche 1 : côté carte SD\npin 1: SD card end",
        fill=GREY,
        font=font(17),
    )

    def wire(points: list[tuple[int, int]], color: str) -> None:
        d.line(points, fill=color, width=6, joint="curve")

    def y_of(pin: int) -> int:
        return pin_xy(pin)[1]

    # ticket button: GPIO23 (pin 16) and GND (pin 14)
    bx, by = 820, 220
    wire([pin_xy(14), (600, y_of(14)), (600, by - 20), (bx - 58, by - 20)], INK)
    wire([pin_xy(16), (640, y_of(16)), (640, by + 20), (bx - 58, by + 20)], BLUE)
    d.ellipse((bx - 60, by - 60, bx + 60, by + 60), outline=BLUE, width=6)
    d.ellipse((bx - 35, by - 35, bx + 35, by + 35), fill="#90caf9")
    d.text((bx + 85, by - 50), "Bouton ticket (contact NO)", fill=BLUE, font=font(24, True))
    d.text((bx + 85, by - 15), "Ticket button: GPIO23 ↔ GND, no resistor", fill=INK, font=font(20))
    d.text((bx + 85, by + 15), "(pull-up inside the Pi; pressed = low)", fill=GREY, font=font(18))

    # status LED: GPIO24 (pin 18) -> 330 ohm -> LED -> GND (pin 20)
    ly = y_of(18)
    wire([pin_xy(18), (640, ly)], ORANGE)
    d.rectangle((640, ly - 16, 760, ly + 16), outline=ORANGE, width=5, fill="#ffe0b2")
    d.text((662, ly - 12), "330 Ω", fill=INK, font=font(20, True))
    wire([(760, ly), (820, ly)], ORANGE)
    d.polygon([(820, ly - 26), (820, ly + 26), (866, ly)], fill=RED)  # the LED, anode left
    d.line([(868, ly - 26), (868, ly + 26)], fill=RED, width=6)
    d.text((770, ly - 58), "+ patte longue / long leg", fill=RED, font=font(16))
    wire([(870, ly), (920, ly), (920, y_of(20)), pin_xy(20)], INK)
    d.text((960, ly - 30), "Voyant d'état (LED)", fill=ORANGE, font=font(24, True))
    d.text((960, ly + 5), "Status LED: GPIO24 → 330 Ω → LED → GND", fill=INK, font=font(20))

    # technician button: GPIO25 (pin 22) and GND (pin 30)
    ty = 580
    wire([pin_xy(22), (700, y_of(22)), (700, ty - 20), (760, ty - 20)], GREEN)
    wire([pin_xy(30), (760, y_of(30))], INK)
    d.rectangle((760, ty - 50, 860, ty + 50), outline=GREEN, width=6)
    d.rectangle((790, ty - 20, 830, ty + 20), fill="#a5d6a7")
    d.text((890, ty - 45), "Bouton technicien (caché)", fill=GREEN, font=font(24, True))
    d.text((890, ty - 10), "Technician button: GPIO25 ↔ GND", fill=INK, font=font(20))
    d.text((890, ty + 20), "hold 5 s → technician menu (PIN asked)", fill=GREY, font=font(18))

    # pin tags drawn over the wires, next to their pins
    tag_font = font(18, True)
    for pin, (label, color) in USED.items():
        x, y = pin_xy(pin)
        text = f"{pin} {label}"
        width = d.textlength(text, font=tag_font)
        d.rounded_rectangle(
            (x + 20, y - 13, x + 32 + width, y + 13), radius=6, fill="white", outline=color, width=2
        )
        d.text((x + 26, y - 11), text, fill=color, font=tag_font)

    d.text(
        (40, H - 50),
        '[gpio]  ticket_button_pin = "GPIO23"  status_led_pin = "GPIO24"  technician_button_pin = "GPIO25"',
        fill=INK,
        font=ImageFont.truetype(str(FONT_DIR / "DejaVuSansMono.ttf"), 20),
    )
    img.save(OUT, optimize=True)


if __name__ == "__main__":
    main()
