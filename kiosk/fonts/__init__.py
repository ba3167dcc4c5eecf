"""The fonts the kiosk draws with, shipped in the package so that the screens and the ticket
pictures look the same on every machine (a bare Raspberry Pi OS Lite may have other fonts).
One copy serves the screen (:mod:`display.text`) and the ticket preview (:mod:`printer`).
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
