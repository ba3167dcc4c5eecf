"""The configuration's model: what a validated configuration holds, section by section.

Plain frozen dataclasses, read by every room (the screens, the printer's layout, the rules):
they never read a file. :mod:`kiosk.config` builds them from TOML and checks every key;
nothing else constructs them, except tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.calendar import Calendar, WeeklyHours


@dataclass(frozen=True)
class CategoryConfig:
    """One need a visitor can pick, with its own ticket prefix and numbering."""

    id: str
    prefix: str
    label: Mapping[str, str]
    cap: int | None = None
    pictogram: str | None = None
    parent: str | None = None
    hours: WeeklyHours | None = None  # offered only in these ranges (within the site's)
    hours_text: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    is_discreet: bool = False  # `discreet = true`: never spoken aloud without a headset
    spoken_label: Mapping[str, str] = field(default_factory=dict)  # what speech says instead
    # `subtitle = { fr = "Recevoir son courrier au CCAS" }`: a plain-language line under
    # the label, for a name that is jargon to a visitor (optional)
    subtitle: Mapping[str, str] = field(default_factory=dict)

    def label_for(self, language: str, default_language: str) -> str:
        """The label in ``language``, falling back to the default language."""
        return self.label.get(language) or self.label[default_language]

    def subtitle_for(self, language: str, default_language: str) -> str | None:
        """The plain-language subtitle in ``language`` (else the default's), or None."""
        return self.subtitle.get(language) or self.subtitle.get(default_language)

    def spoken_for(self, language: str, default_language: str) -> str:
        """What speech says for this category (``spoken_label``: Arabic with its vowel
        marks, an acronym spelt out), else its label."""
        return self.spoken_label.get(language) or self.label_for(language, default_language)


@dataclass(frozen=True)
class KioskSection:
    id: str
    site: str
    timezone: str
    languages: tuple[str, ...]
    data_dir: Path
    retention_days: int = 90
    report_retention_days: int = 400  # the report's daily figures (kiosk/report/)
    last_ticket_before_close_min: int | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class PrinterSection:
    url: str
    profile: str = "TM-T20II"
    codepage: str = "WPC1252"
    timeout_s: float = 5.0
    qr_url: str | None = None
    logo: Path | None = None
    footer: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    status_poll_s: float = 30.0


@dataclass(frozen=True)
class ServerSection:
    url: str
    token_file: Path
    ca_bundle: Path | None = None
    connect_timeout_s: float = 3.05
    read_timeout_s: float = 10.0
    state_poll_s: float = 15.0
    heartbeat_s: float = 60.0
    config_poll_s: float = 300.0  # how often the server's configuration is asked for


@dataclass(frozen=True)
class DisplaySection:
    width: int = 800
    height: int = 480
    rotation: int = 0
    theme: str = "default"
    fullscreen: bool = True
    idle_timeout_s: float = 30.0
    ticket_screen_s: float = 8.0
    panel_width_mm: float = 154.0
    backlight: str = "auto"  # "auto" follows the opening hours; "always-on" never darkens
    backlight_path: Path | None = None  # a bl_power file; None: the first device found
    backlight_wake_s: float = 60.0


# The PBKDF2 iteration counts a technician PIN's hash may use: fewer is too weak, more makes
# each check too slow on a Pi (and an absurd count a denial of service).
PIN_MIN_ITERATIONS = 10_000
PIN_MAX_ITERATIONS = 1_000_000


@dataclass(frozen=True)
class TechnicianSection:
    pin_hash: str | None = None


@dataclass(frozen=True)
class GpioSection:
    ticket_button_pin: str | None = None
    ticket_button_category: str | None = None
    status_led_pin: str | None = None
    technician_button_pin: str | None = None


@dataclass(frozen=True)
class SpeechSection:
    """``[speech]``: the voice for visitors who cannot see the screen."""

    output: str = "alsa://default"  # alsa://DEVICE | file:///dir | none
    volume: float = 0.6
    volume_step: float = 0.1
    engine: str = "espeak-ng"  # espeak-ng | tone (a tone per utterance: tests, no espeak-ng)
    headset: bool = False  # true: speech is private, discreet categories are named
    rate_wpm: int = 160
    voices: Mapping[str, str] = field(default_factory=dict)  # language -> espeak-ng voice


@dataclass(frozen=True)
class SurveySection:
    """``[survey]``: the satisfaction vote offered on the home screen (contract 5.5)."""

    enabled: bool = False


KEY_NAMES = (
    "up",
    "down",
    "left",
    "right",
    "select",
    "back",
    "help",
    "volume_up",
    "volume_down",
)
DEFAULT_EVDEV_KEYS = {
    # A numeric keypad laid out like the EZ Access keys: arrows on 8 4 6 2, select on 5
    # (the key with the tactile dot), back on the minus key, help on the plus key.
    "KEY_KP8": "up",
    "KEY_KP2": "down",
    "KEY_KP4": "left",
    "KEY_KP6": "right",
    "KEY_KP5": "select",
    "KEY_KPENTER": "select",
    "KEY_KPMINUS": "back",
    "KEY_KPPLUS": "help",
    "KEY_KPASTERISK": "volume_up",
    "KEY_KPSLASH": "volume_down",
    "KEY_UP": "up",
    "KEY_DOWN": "down",
    "KEY_LEFT": "left",
    "KEY_RIGHT": "right",
    "KEY_ENTER": "select",
    "KEY_BACKSPACE": "back",
    "KEY_ESC": "back",
    "KEY_HELP": "help",
    "KEY_F1": "help",
    "KEY_VOLUMEUP": "volume_up",
    "KEY_VOLUMEDOWN": "volume_down",
}


@dataclass(frozen=True)
class KeypadSection:
    """``[keypad]``: GPIO buttons and a USB keypad, each key mapped to a contract key name."""

    gpio: Mapping[str, str] = field(default_factory=dict)  # key name -> pin
    evdev: Path | None = None
    evdev_keys: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_EVDEV_KEYS))

    @property
    def is_configured(self) -> bool:
        return bool(self.gpio) or self.evdev is not None


@dataclass(frozen=True)
class PrioritySection:
    """``[priority]``: the ticket categories that offer a priority ticket (contract 5.2).

    The visitor shows their card (carte mobilité inclusion) to the agent, never to the
    machine: nothing is asked or kept but the ticket's flag."""

    categories: tuple[str, ...] = ()  # ticket category ids; ("*",) for all

    def offers(self, category_id: str) -> bool:
        return "*" in self.categories or category_id in self.categories


@dataclass(frozen=True)
class AppointmentsSection:
    """``[appointments]``: check-in with a booking code (contract 5.3)."""

    early_min: int = 30  # check-in opens this long before the appointment's start
    late_min: int = 15  # and closes this long after it
    scanner: str | None = None  # "/dev/input/by-id/...-event-kbd" or "serial:///dev/ttyACM0?..."
    scanner_layout: str = "us"  # the keyboard layout a HID scanner types in: "us" | "azerty"


@dataclass(frozen=True)
class Config:
    """A validated configuration. ``path`` is the file it came from."""

    path: Path
    kiosk: KioskSection
    printer: PrinterSection
    server: ServerSection | None
    hours: WeeklyHours
    hours_text: Mapping[str, tuple[str, ...]]
    categories: tuple[CategoryConfig, ...]
    display: DisplaySection = DisplaySection()
    technician: TechnicianSection = TechnicianSection()
    gpio: GpioSection = GpioSection()
    calendar: Calendar = None  # type: ignore[assignment]  # None: the weekly hours alone
    speech: SpeechSection | None = None
    keypad: KeypadSection = KeypadSection()
    priority: PrioritySection | None = None  # None: no priority tickets
    appointments: AppointmentsSection | None = None
    survey: SurveySection = SurveySection()

    def __post_init__(self) -> None:
        if self.calendar is None:
            object.__setattr__(self, "calendar", Calendar(self.hours))

    def category(self, category_id: str) -> CategoryConfig:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    @property
    def top_categories(self) -> tuple[CategoryConfig, ...]:
        """Categories shown on the first level of the grid (those without a parent)."""
        return tuple(c for c in self.categories if c.parent is None)

    def children_of(self, category_id: str) -> tuple[CategoryConfig, ...]:
        return tuple(c for c in self.categories if c.parent == category_id)

    def offers_priority(self, category_id: str) -> bool:
        """True when ``category_id`` gives a priority ticket as well as a normal one."""
        return self.priority is not None and self.priority.offers(category_id)

    @property
    def ticket_categories(self) -> tuple[CategoryConfig, ...]:
        """Categories that give a ticket (those without sub-categories)."""
        parents = {c.parent for c in self.categories if c.parent}
        return tuple(c for c in self.categories if c.id not in parents)
