"""Colour themes, and the WCAG contrast ratio that a test checks for every text pair.

Two themes: ``default`` (dark blue on white, calm) and ``high-contrast`` (white and yellow
on black). Nothing in the kiosk relies on colour alone: disabled buttons also carry an icon
and their reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    name: str
    background: RGB
    text: RGB
    header_bg: RGB
    header_text: RGB
    button_bg: RGB
    button_text: RGB
    button_border: RGB
    pressed_bg: RGB
    pressed_text: RGB
    disabled_bg: RGB
    disabled_text: RGB
    banner_bg: RGB
    banner_text: RGB
    alert_bg: RGB
    alert_text: RGB
    number_text: RGB
    # a category's plain-language subtitle under its label: secondary, still AA on the tile
    button_secondary_text: RGB
    border_px_at_480: int = 3

    def text_pairs(self) -> dict[str, tuple[RGB, RGB]]:
        """Every (foreground, background) pair text is drawn with, by role."""
        return {
            "body": (self.text, self.background),
            "header": (self.header_text, self.header_bg),
            "button": (self.button_text, self.button_bg),
            "button-secondary": (self.button_secondary_text, self.button_bg),
            "pressed": (self.pressed_text, self.pressed_bg),
            "disabled": (self.disabled_text, self.disabled_bg),
            "banner": (self.banner_text, self.banner_bg),
            "alert": (self.alert_text, self.alert_bg),
            "number": (self.number_text, self.background),
        }


DEFAULT = Theme(
    name="default",
    background=(255, 255, 255),
    text=(20, 33, 61),
    header_bg=(0, 51, 102),
    header_text=(255, 255, 255),
    button_bg=(230, 240, 250),
    button_text=(0, 40, 85),
    button_border=(0, 51, 102),
    pressed_bg=(0, 51, 102),
    pressed_text=(255, 255, 255),
    disabled_bg=(236, 236, 236),
    disabled_text=(80, 80, 80),
    banner_bg=(255, 236, 179),
    banner_text=(51, 34, 0),
    alert_bg=(153, 0, 0),
    alert_text=(255, 255, 255),
    number_text=(0, 51, 102),
    button_secondary_text=(62, 78, 104),
)

HIGH_CONTRAST = Theme(
    name="high-contrast",
    background=(0, 0, 0),
    text=(255, 255, 255),
    header_bg=(0, 0, 0),
    header_text=(255, 255, 0),
    button_bg=(0, 0, 0),
    button_text=(255, 255, 0),
    button_border=(255, 255, 0),
    pressed_bg=(255, 255, 0),
    pressed_text=(0, 0, 0),
    disabled_bg=(0, 0, 0),
    disabled_text=(200, 200, 200),
    banner_bg=(255, 255, 255),
    banner_text=(0, 0, 0),
    alert_bg=(0, 0, 0),
    alert_text=(255, 255, 255),
    number_text=(255, 255, 0),
    button_secondary_text=(255, 255, 255),
    border_px_at_480=4,
)

THEMES = {t.name: t for t in (DEFAULT, HIGH_CONTRAST)}


def theme_for(name: str) -> Theme:
    """The theme called ``name`` (config.display.theme); the default for an unknown name."""
    return THEMES.get(name, DEFAULT)


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21 (4.5 is the AA minimum for body text)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
