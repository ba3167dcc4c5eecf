"""What each key of the configuration accepts, described once: its TOML type, its default,
its range or choices and the words of its error message ("expected ..."). :func:`read` is the
one reader that checks a value against its description; the section parsers (kiosk/config.py
and its kiosk/config_<topic>.py) call it and add only the checks a table cannot say: a time
zone that exists, a printer URL, a loopback address, and the rules between keys or records
(unique category ids and prefixes, parent and child levels, the buttons on one screen, pins
used once). docs/configuration.md documents every key described here, and a test
(tests/core/test_config_keys.py) keeps the two in step.

A record of an array of tables ([[categories]], [[hours.exceptions]]) is described like a
section: :data:`SECTIONS` names it ``categories``, ``hours.exceptions``. An ``expected`` with
``{placeholders}`` is completed by its parser (the category ids of this configuration, its
default language), see :func:`fetch`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.calendar import WEEKDAYS
from kiosk.core.settings import KEY_NAMES

# Patterns are matched with re.fullmatch: ``$`` alone would also match before a final "\n".
ID_RE = re.compile(r"[a-z0-9-]{1,32}")
TIMEZONE_RE = re.compile(r"[A-Za-z0-9_+-]{1,32}(/[A-Za-z0-9_+-]{1,32}){0,2}")
SERVER_URL_RE = re.compile(r"(https?)://([^/\s?#]{1,253})[^\s]{0,1024}")
PIN_HASH_RE = re.compile(r"pbkdf2_sha256\$[0-9]{1,12}\$[0-9a-f]{1,256}\$[0-9a-f]{1,256}")
SITE_MAX_CHARS = 80
CODEPAGES = ("WPC1252", "CP858")
THEMES = ("default", "high-contrast")
ROTATIONS = (0, 90, 180, 270)
BACKLIGHT_MODES = ("auto", "always-on")

REQUIRED: Any = ...  # a key without a default must be present
NUMBER = (int, float)


@dataclass(frozen=True)
class Key:
    """One key: ``kind`` is the TOML type (``NUMBER`` for an integer or a decimal),
    ``expected`` what the error message says is expected. The checks run in this order:
    type, ``choices``, ``lo``..``hi`` (message ``range_expected`` when it differs), a whole
    number (``is_whole``), ``pattern`` (message ``pattern_expected`` when it differs). A
    ``max_chars`` key is a text shown to visitors; an ``is_path`` key a path relative to
    the configuration's folder."""

    name: str
    kind: type | tuple[type, ...]
    expected: str
    default: Any = REQUIRED
    choices: tuple[Any, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    range_expected: str | None = None
    is_whole: bool = False
    pattern: re.Pattern[str] | None = None
    pattern_expected: str | None = None
    max_chars: int | None = None
    is_path: bool = False


class KeyReader(Protocol):
    """What :func:`read` needs of kiosk.config's reader of one table."""

    table: dict[str, Any]

    def fail(self, key: str | None, value: Any, expected: str) -> None: ...
    def get(
        self, key: str, kind: type | tuple[type, ...], expected: str, default: Any = ...
    ) -> Any: ...
    def path_value(self, key: str, expected: str, default: Any = ...) -> Path | None: ...
    def check_text(self, key: str, value: str, max_chars: int) -> str: ...


def fetch(r: KeyReader, key: Key, **fields: str) -> Any:
    """The value of ``key`` (its default when absent), of the right type, not yet checked
    further: :func:`check` does the rest (two steps when a section reads all its values
    before checking them). ``fields`` complete an ``expected`` with placeholders."""
    expected = key.expected.format(**fields) if fields else key.expected
    if key.is_path:
        return r.path_value(key.name, expected, key.default)
    return r.get(key.name, key.kind, expected, key.default)


def check(r: KeyReader, key: Key, value: Any) -> Any:
    """``value`` checked against ``key``'s choices, range, pattern and length."""
    if value is None or key.is_path:
        return value
    if key.choices is not None and value not in key.choices:
        r.fail(key.name, value, key.expected)
    if key.lo is not None and key.hi is not None and not key.lo <= value <= key.hi:
        r.fail(key.name, value, key.range_expected or key.expected)
    if key.is_whole and not isinstance(value, int):
        r.fail(key.name, value, key.expected)
    if key.pattern is not None and not key.pattern.fullmatch(value):
        r.fail(key.name, value, key.pattern_expected or key.expected)
    if key.max_chars is not None:
        return r.check_text(key.name, value, key.max_chars)
    return value


def read(r: KeyReader, key: Key) -> Any:
    """The checked value of ``key`` in ``r``'s table, or its default."""
    return check(r, key, fetch(r, key))


def resolve_path(config_path: Path, value: str) -> Path:
    """A path from the configuration; relative ones are relative to the file's folder."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else (config_path.parent / p).resolve()


def _keys(*keys: Key) -> dict[str, Key]:
    return {key.name: key for key in keys}


def _one_of(name: str, choices: tuple[str, ...], default: str) -> Key:
    """A text key that takes one of ``choices``, quoted in its message: ``"a" or "b"``."""
    return Key(name, str, " or ".join(f'"{c}"' for c in choices), default, choices=choices)


_DAYS = "a whole number of days from 1 to 3650"
_ID_EXPECTED = '1-32 characters of a-z 0-9 - (for example "hdv-1")'
_TIMEZONE_EXPECTED = 'an IANA time zone name such as "Europe/Paris"'
_SERVER_URL_EXPECTED = 'an http:// or https:// URL such as "https://file.example.org"'
_BACKLIGHT_PATH_EXPECTED = (
    'a backlight\'s bl_power file such as "/sys/class/backlight/rpi_backlight/bl_power"'
)

KIOSK = _keys(
    Key("id", str, _ID_EXPECTED, pattern=ID_RE),
    Key(
        "site",
        str,
        'the site name shown to visitors (for example "Hôtel de ville")',
        max_chars=SITE_MAX_CHARS,
    ),
    Key("timezone", str, _TIMEZONE_EXPECTED, "Europe/Paris"),
    Key("languages", list, 'a list of language codes, default first: ["fr", "en"]', ["fr"]),
    Key("data_dir", str, "a folder for the durable store", "/var/lib/kiosk", is_path=True),
    Key("retention_days", NUMBER, _DAYS, 90, lo=1, hi=3650, is_whole=True),
    Key("report_retention_days", NUMBER, _DAYS, 400, lo=1, hi=3650, is_whole=True),
    Key(
        "last_ticket_before_close_min",
        int,
        "minutes before closing when issuing stops, 0 to 240",
        None,
        lo=0,
        hi=240,
        range_expected="minutes from 0 to 240",
    ),
)

PRINTER = _keys(
    Key("url", str, "one of the printer URL forms (printer.connections.VALID_FORMS)"),
    Key("profile", str, 'a python-escpos capability profile such as "TM-T20II"', "TM-T20II"),
    Key("codepage", str, " or ".join(CODEPAGES), "WPC1252", choices=CODEPAGES),
    Key("timeout_s", NUMBER, "seconds from 0.5 to 60", 5.0, lo=0.5, hi=60),
    Key(
        "qr_url",
        str,
        'a URL template such as "https://file.example.org/t/{kiosk}/{number}"',
        None,
    ),
    Key("logo", str, "a PNG file for the top of the ticket", None, is_path=True),
    Key("footer", dict, 'a table of lines per language: { fr = ["..."] }', {}),
    Key("status_poll_s", NUMBER, "seconds from 1 to 3600", 30.0, lo=1, hi=3600),
)

SERVER = _keys(
    Key("url", str, _SERVER_URL_EXPECTED, pattern=SERVER_URL_RE),
    Key("allow_insecure_http", bool, "true or false", False),
    Key("token_file", str, "the path of the file holding the kiosk's token", is_path=True),
    Key(
        "ca_bundle",
        str,
        "a PEM file of the certificate authorities to trust",
        None,
        is_path=True,
    ),
    Key("connect_timeout_s", NUMBER, "seconds from 0.1 to 60", 3.05, lo=0.1, hi=60),
    Key("read_timeout_s", NUMBER, "seconds from 0.1 to 120", 10.0, lo=0.1, hi=120),
    Key("state_poll_s", NUMBER, "seconds from 1 to 600", 15.0, lo=1, hi=600),
    Key("heartbeat_s", NUMBER, "seconds from 5 to 3600", 60.0, lo=5, hi=3600),
    Key("config_poll_s", NUMBER, "seconds from 1 to 86400", 300.0, lo=1, hi=86400),
)

DISPLAY = _keys(
    Key("width", int, "a width in pixels from 320 to 7680", 800, lo=320, hi=7680),
    Key("height", int, "a height in pixels from 240 to 7680", 480, lo=240, hi=7680),
    Key("rotation", int, "0, 90, 180 or 270", 0, choices=ROTATIONS),
    Key("theme", str, " or ".join(THEMES), "default", choices=THEMES),
    Key("fullscreen", bool, "true or false", True),
    Key("idle_timeout_s", NUMBER, "seconds from 5 to 600", 30.0, lo=5, hi=600),
    Key("ticket_screen_s", NUMBER, "seconds from 2 to 60", 8.0, lo=2, hi=60),
    Key(
        "panel_width_mm",
        NUMBER,
        "the panel's visible width in mm, 50 to 2000",
        154.0,
        lo=50,
        hi=2000,
    ),
    _one_of("backlight", BACKLIGHT_MODES, "auto"),
    Key("backlight_path", str, _BACKLIGHT_PATH_EXPECTED, None, is_path=True),
    Key("backlight_wake_s", NUMBER, "seconds from 5 to 3600", 60.0, lo=5, hi=3600),
)

TECHNICIAN = _keys(
    Key(
        "pin_hash",
        str,
        'a hash made by "kiosk hash-pin" (pbkdf2_sha256$ITERATIONS$SALT$HASH)',
        None,
        pattern=PIN_HASH_RE,
        pattern_expected='a hash made by "kiosk hash-pin"',
    ),
)

RANGES_EXPECTED = 'a list of "HH:MM-HH:MM" ranges'
DATE_EXPECTED = 'a date written "YYYY-MM-DD", such as "2026-12-24"'

# The seven weekday keys of [hours] and of a category's hours (a missing day: closed).
WEEKLY = _keys(*(Key(day, list, RANGES_EXPECTED, []) for day in WEEKDAYS))

HOURS = {
    **WEEKLY,
    **_keys(
        Key(
            "public_holidays",
            str,
            'an ISO 3166 country code, optionally with its subdivision: "FR", "FR-57"',
            None,
        ),
        Key("exceptions", list, "a list of [[hours.exceptions]] tables", []),
    ),
}

HOURS_EXCEPTION = _keys(
    Key("from", (str, dt.date), DATE_EXPECTED),
    Key("to", (str, dt.date), DATE_EXPECTED, None),
    Key("ranges", list, f"{RANGES_EXPECTED}; [] for closed all day"),
    Key("label", dict, 'labels per language: { fr = "...", en = "..." }', {}),
)

CATEGORY_ID_EXPECTED = '1-32 characters of a-z 0-9 - (for example "etat-civil")'
PREFIX_EXPECTED = '1-2 capital letters such as "A"'
PREFIX_RE = re.compile(r"[A-Z]{1,2}")
LABEL_MAX_CHARS = 80

CATEGORY = _keys(
    Key("id", str, CATEGORY_ID_EXPECTED, pattern=ID_RE),
    Key("parent", str, "the id of a category listed before this one", None),
    # A parent only groups its children; it gives no ticket, so needs no prefix.
    Key("prefix", str, PREFIX_EXPECTED, None, pattern=PREFIX_RE),
    Key(
        "label",
        dict,
        'labels per language, at least {lang}: {{ {lang} = "..." }}',
    ),
    Key("cap", int, "a daily number of tickets from 1 to 9999", None, lo=1, hi=9999),
    Key("pictogram", str, "a pictogram name", None),
    Key("hours", dict, 'weekday ranges: { tuesday = ["14:00-18:00"] }', None),
    Key("discreet", bool, "true or false", False),
    Key("spoken_label", dict, 'what speech says, per language: { ar = "..." }', {}),
    Key("subtitle", dict, 'a plain-language line per language: { fr = "..." }', {}),
)

PRIORITY = _keys(
    Key(
        "categories",
        list,
        'a list of ticket category ids ({ids}), or ["*"] for all of them',
    ),
)

PIN_EXPECTED = (
    'a GPIO pin such as "GPIO17" (also "BCM17", "17", or the header pin "BOARD11", '
    '"J8:11"): GPIO0 to GPIO27'
)

GPIO = _keys(
    Key("ticket_button_pin", str, PIN_EXPECTED, None),
    Key("ticket_button_category", str, "a category id", None),
    Key("status_led_pin", str, PIN_EXPECTED, None),
    Key("technician_button_pin", str, PIN_EXPECTED, None),
)

SPEECH_ENGINES = ("espeak-ng", "tone")

SPEECH = _keys(
    # {forms} is kiosk.speech.output.OUTPUT_FORMS, imported only when [speech] is read.
    Key("output", str, "{forms}", "alsa://default"),
    Key("volume", NUMBER, "a level from 0 to 1", 0.6, lo=0, hi=1),
    Key("volume_step", NUMBER, "a step from 0.01 to 0.5", 0.1, lo=0.01, hi=0.5),
    _one_of("engine", SPEECH_ENGINES, "espeak-ng"),
    Key("headset", bool, "true or false", False),
    Key("rate_wpm", int, "words a minute from 80 to 400", 160, lo=80, hi=400),
    Key("voices", dict, 'espeak-ng voices per language: { en = "en-gb" }', {}),
)

KEY_NAMES_TEXT = ", ".join(KEY_NAMES)

KEYPAD = _keys(
    Key("gpio", dict, f'pins per key: {{ help = "GPIO5" }} (keys: {KEY_NAMES_TEXT})', {}),
    Key(
        "evdev",
        str,
        'a USB keypad\'s event device such as "/dev/input/by-id/...-event-kbd"',
        None,
        is_path=True,
    ),
    Key("evdev_keys", dict, 'evdev key codes to key names: { KEY_KP8 = "up" }', None),
)

SCANNER_FORMS = (
    'a HID scanner\'s "/dev/input/by-id/...-event-kbd" or "serial:///dev/ttyACM0?baudrate=9600"'
)
SCANNER_LAYOUTS = ("us", "azerty")

APPOINTMENTS = _keys(
    Key("early_min", int, "minutes from 0 to 240", 30, lo=0, hi=240),
    Key("late_min", int, "minutes from 0 to 240", 15, lo=0, hi=240),
    Key("scanner", str, SCANNER_FORMS, None),
    _one_of("scanner_layout", SCANNER_LAYOUTS, "us"),
)

SURVEY = _keys(Key("enabled", bool, "true or false", False))

# Section (or record) name -> its keys, for the documentation's test.
SECTIONS = {
    "kiosk": KIOSK,
    "printer": PRINTER,
    "server": SERVER,
    "hours": HOURS,
    "hours.exceptions": HOURS_EXCEPTION,
    "categories": CATEGORY,
    "categories.hours": WEEKLY,
    "priority": PRIORITY,
    "display": DISPLAY,
    "survey": SURVEY,
    "technician": TECHNICIAN,
    "gpio": GPIO,
    "speech": SPEECH,
    "keypad": KEYPAD,
    "appointments": APPOINTMENTS,
}
