"""The kiosk's configuration: a TOML file read once at start-up, validated strictly.

Unknown keys are errors, because a typo must never fall back silently to a default. Each
error is one line naming the file, the section and key, the bad value and what is expected.
Relative paths are relative to the configuration file's folder.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import string
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config_calendar import parse_hours, parse_weekly
from kiosk.core.calendar import WeeklyHours
from kiosk.core.errors import ConfigError, PrinterUrlError
from kiosk.core.settings import (
    DEFAULT_EVDEV_KEYS,
    KEY_NAMES,
    PIN_MAX_ITERATIONS,
    PIN_MIN_ITERATIONS,
    CategoryConfig,
    Config,
    DisplaySection,
    GpioSection,
    KeypadSection,
    KioskSection,
    PrinterSection,
    ServerSection,
    SpeechSection,
    TechnicianSection,
)
from kiosk.core.text import clean_text

# Patterns are matched with re.fullmatch: ``$`` alone would also match before a final "\n".
ID_RE = re.compile(r"[a-z0-9-]{1,32}")
PREFIX_RE = re.compile(r"[A-Z]{1,2}")
LANG_RE = re.compile(r"[a-z]{2,3}")
TIMEZONE_RE = re.compile(r"[A-Za-z0-9_+-]{1,32}(/[A-Za-z0-9_+-]{1,32}){0,2}")
SITE_MAX_CHARS = 80
LABEL_MAX_CHARS = 80
FOOTER_LINE_MAX_CHARS = 96  # two lines of the paper's 48 columns
FOOTER_MAX_LINES = 6
QR_URL_MAX_CHARS = 256  # a QR code still readable at the ticket's module size
QR_URL_FIELDS = ("kiosk", "number", "category", "ticket_id", "day")
# More buttons than this on one screen make touch targets smaller than 15 mm on the 7"
# 800x480 panel (measured: 19 top-level categories do; the limit leaves room for a banner).
MAX_CATEGORIES_PER_SCREEN = 16
SHOWN_MAX_CHARS = 60  # of a bad value in an error message
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PRINTER_SCHEMES = ("usb", "serial", "tcp", "file", "virtual")
CODEPAGES = ("WPC1252", "CP858")
THEMES = ("default", "high-contrast")
ROTATIONS = (0, 90, 180, 270)
BACKLIGHT_MODES = ("auto", "always-on")
DEFAULT_CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")


def default_config_path() -> Path:
    """Where ``run``, ``status`` and ``selftest`` look without ``--config``:
    ``$KIOSK_DEFAULT_CONFIG`` when set (tests and images point it elsewhere, so that a kiosk
    installed on the machine never changes what they see), else /etc/kiosk/kiosk.toml."""
    return Path(os.environ.get("KIOSK_DEFAULT_CONFIG") or DEFAULT_CONFIG_PATH)


def bundled_config_dir() -> Path:
    """The folder holding the bundled site configurations (``config/`` of the source tree,
    or ``share/kiosk/config`` of an installed prefix)."""
    here = Path(__file__).resolve().parent.parent / "config"
    if (here / "demo.toml").is_file():
        return here
    import sys

    return Path(sys.prefix) / "share" / "kiosk" / "config"


def demo_config_path() -> Path:
    return bundled_config_dir() / "demo.toml"


class _Reader:
    """Reads one TOML table, recording which keys were used, to report unknown ones."""

    def __init__(self, path: Path, section: str, table: Any):
        self.path = path
        self.section = section
        if not isinstance(table, dict):
            self.fail(None, table, "a table")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def fail(self, key: str | None, value: Any, expected: str) -> None:
        where = f"[{self.section}]" + (f" {_show_key(key)}" if key else "")
        shown = _show(value)
        raise ConfigError(
            f"{self.path}: {where} = {shown}: expected {expected}",
            path=str(self.path),
            key=where,
        )

    def get(
        self, key: str, kind: type | tuple[type, ...], expected: str, default: Any = ...
    ) -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                near = difflib.get_close_matches(key, [k for k in self.table if k != key], 1)
                hint = f" (found {_show(near[0])}: a typo?)" if near else ""
                raise ConfigError(
                    f"{self.path}: [{self.section}] {key} is missing{hint}: expected {expected}",
                    path=str(self.path),
                    key=f"[{self.section}] {key}",
                )
            return default
        value = self.table[key]
        if (
            isinstance(value, bool)
            and kind is not bool
            and not (isinstance(kind, tuple) and bool in kind)
        ):
            self.fail(key, value, expected)
        if not isinstance(value, kind):
            self.fail(key, value, expected)
        return value

    def number(self, key: str, expected: str, default: Any, lo: float, hi: float) -> float:
        value = self.get(key, (int, float), expected, default)
        if value is not None and not lo <= value <= hi:
            self.fail(key, value, expected)
        return value

    def path_value(self, key: str, expected: str, default: Any = ...) -> Path | None:
        value = self.get(key, str, expected, default)
        if value is None:
            return None
        if not value:
            self.fail(key, value, expected)
        return resolve_path(self.path, value)

    def text(self, key: str, expected: str, max_chars: int, default: Any = ...) -> Any:
        """A text shown to visitors or printed: control characters removed, at most
        ``max_chars`` characters (a longer one is refused), not empty."""
        value = self.get(key, str, expected, default)
        if not isinstance(value, str):
            return value
        return self.check_text(key, value, max_chars)

    def check_text(self, key: str, value: str, max_chars: int) -> str:
        cleaned = clean_text(value, max_chars + 1)
        if len(cleaned) > max_chars:
            self.fail(key, value, f"at most {max_chars} characters (it has {len(value)})")
        if not cleaned:
            self.fail(key, value, "a non-empty text (control characters do not count)")
        return cleaned

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            key = unknown[0]
            known = ", ".join(sorted(self.used))
            raise ConfigError(
                f"{self.path}: [{self.section}] {_show_key(key)} = {_show(self.table[key])}: "
                f"unknown key (known keys: {known}); check its spelling",
                path=str(self.path),
                key=f"[{self.section}] {key}",
            )


def _show(value: Any, depth: int = 0) -> str:
    """A value as TOML would write it, on one line (control characters escaped) and
    truncated when long."""
    if isinstance(value, str):
        shown = value[:SHOWN_MAX_CHARS]
        text = '"' + "".join(_escape(ch) for ch in shown) + '"'
        return text + ("… (truncated)" if len(value) > SHOWN_MAX_CHARS else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if depth > 3:
        return "…"
    if isinstance(value, dict):
        items = [f"{_show_key(k)} = {_show(v, depth + 1)}" for k, v in list(value.items())[:8]]
        return "{" + ", ".join(items) + (", …" if len(value) > 8 else "") + "}"
    if isinstance(value, list):
        items = [_show(v, depth + 1) for v in value[:8]]
        return "[" + ", ".join(items) + (", …" if len(value) > 8 else "") + "]"
    return repr(value)[:SHOWN_MAX_CHARS]


def _escape(ch: str) -> str:
    if ch in ('"', "\\"):
        return "\\" + ch
    if ch == "\n":
        return "\\n"
    if ch.isprintable():
        return ch
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _show_key(key: str) -> str:
    """A key as written in the file: bare when it can be, else quoted and escaped."""
    return key if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) else _show(key)


def resolve_path(config_path: Path, value: str) -> Path:
    """A path from the configuration; relative ones are relative to the file's folder."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else (config_path.parent / p).resolve()


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise ConfigError with a one-line message."""
    path = Path(path)
    return parse_config(load_config_data(path), path.resolve())


def load_config_data(path: str | Path) -> dict[str, Any]:
    """A configuration file's TOML, read and decoded but not validated (the remote
    configuration merges the server's sections into it, then validates the whole with
    :func:`parse_config`); raise ConfigError with a one-line message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found: expected a TOML configuration (see config/ for examples)",
            path=str(path),
        ) from None
    except OSError as err:
        raise ConfigError(
            f"{path}: cannot be read ({err.strerror}): check the file's permissions",
            path=str(path),
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path}: byte {err.start} is not UTF-8: save the file as UTF-8", path=str(path)
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: TOML syntax error: {err}", path=str(path)) from None
    except RecursionError:
        raise ConfigError(
            f"{path}: too deeply nested: expected tables and arrays a few levels deep",
            path=str(path),
        ) from None


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate already-parsed TOML data (``path`` is used for messages and relative paths)."""
    top = _Reader(path, "top level", dict(data))
    kiosk = _parse_kiosk(_Reader(path, "kiosk", top.get("kiosk", dict, "a [kiosk] table")))
    printer = _parse_printer(
        _Reader(path, "printer", top.get("printer", dict, "a [printer] table")), kiosk
    )
    server_table = top.get("server", dict, "a [server] table", None)
    server = (
        _parse_server(_Reader(path, "server", server_table)) if server_table is not None else None
    )
    hours_table = top.get("hours", dict, "an [hours] table", {})
    calendar, hours_text = parse_hours(
        _Reader(path, "hours", hours_table),
        languages=kiosk.languages,
        make_reader=lambda section, table: _Reader(path, section, table),
    )
    cats = top.get("categories", list, "one [[categories]] table or more", None)
    if not cats:
        top.fail("categories", cats or [], "at least one [[categories]] table")
    categories = _parse_categories(path, cats, kiosk)
    display = _parse_display(_Reader(path, "display", top.get("display", dict, "a table", {})))
    technician = _parse_technician(
        _Reader(path, "technician", top.get("technician", dict, "a table", {}))
    )
    gpio = _parse_gpio(_Reader(path, "gpio", top.get("gpio", dict, "a table", {})), categories)
    speech_table = top.get("speech", dict, "a [speech] table", None)
    speech = _parse_speech(_Reader(path, "speech", speech_table), kiosk) if speech_table else None
    keypad = _parse_keypad(_Reader(path, "keypad", top.get("keypad", dict, "a table", {})), gpio)
    top.finish()
    return Config(
        path=path,
        kiosk=kiosk,
        printer=printer,
        server=server,
        hours=calendar.weekly,
        hours_text=hours_text,
        categories=categories,
        display=display,
        technician=technician,
        gpio=gpio,
        calendar=calendar,
        speech=speech,
        keypad=keypad,
    )


def _parse_kiosk(r: _Reader) -> KioskSection:
    kid = r.get("id", str, '1-32 characters of a-z 0-9 - (for example "hdv-1")')
    if not ID_RE.fullmatch(kid):
        r.fail("id", kid, '1-32 characters of a-z 0-9 - (for example "hdv-1")')
    site = r.text(
        "site", 'the site name shown to visitors (for example "Hôtel de ville")', SITE_MAX_CHARS
    )
    tz = r.get("timezone", str, 'an IANA time zone name such as "Europe/Paris"', "Europe/Paris")
    try:
        if not TIMEZONE_RE.fullmatch(tz):
            raise ValueError(tz)
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder
        r.fail("timezone", tz, 'an IANA time zone name such as "Europe/Paris"')
    langs = r.get(
        "languages", list, 'a list of language codes, default first: ["fr", "en"]', ["fr"]
    )
    if (
        not langs
        or not all(isinstance(x, str) and LANG_RE.fullmatch(x) for x in langs)
        or len(set(langs)) != len(langs)
    ):
        r.fail("languages", langs, 'a non-empty list of distinct language codes like ["fr", "en"]')
    known = catalog_languages()
    for lang in langs:
        if lang not in known:
            r.fail(
                "languages",
                langs,
                f'languages the screens are translated to; "{lang}" is not one '
                f"(valid: {', '.join(known)})",
            )
    data_dir = r.path_value("data_dir", "a folder for the durable store", "/var/lib/kiosk")
    retention = r.number("retention_days", "a whole number of days from 1 to 3650", 90, 1, 3650)
    if not isinstance(retention, int):
        r.fail("retention_days", retention, "a whole number of days from 1 to 3650")
    report_days = r.number(
        "report_retention_days", "a whole number of days from 1 to 3650", 400, 1, 3650
    )
    if not isinstance(report_days, int):
        r.fail("report_retention_days", report_days, "a whole number of days from 1 to 3650")
    margin = r.get(
        "last_ticket_before_close_min",
        int,
        "minutes before closing when issuing stops, 0 to 240",
        None,
    )
    if margin is not None and not 0 <= margin <= 240:
        r.fail("last_ticket_before_close_min", margin, "minutes from 0 to 240")
    r.finish()
    assert data_dir is not None
    return KioskSection(
        id=kid,
        site=site,
        timezone=tz,
        languages=tuple(langs),
        data_dir=data_dir,
        retention_days=int(retention),
        report_retention_days=int(report_days),
        last_ticket_before_close_min=margin,
    )


def _parse_printer(r: _Reader, kiosk: KioskSection) -> PrinterSection:
    from printer.connections import VALID_FORMS, parse_printer_url  # the parser run uses too

    forms = "one of " + ", ".join(VALID_FORMS)
    url = r.get("url", str, forms)
    try:
        # Relative file:// and virtual:// paths are relative to the configuration's folder.
        url = parse_printer_url(url, base_dir=r.path.parent).url
    except PrinterUrlError as err:
        raise PrinterUrlError(
            f"{r.path}: [printer] url = {_show(url)}: {err.problem}; expected {forms}",
            path=str(r.path),
            key="[printer] url",
            url=url,
            problem=err.problem,
        ) from None
    profile = r.get(
        "profile", str, 'a python-escpos capability profile such as "TM-T20II"', "TM-T20II"
    )
    codepage = r.get("codepage", str, " or ".join(CODEPAGES), "WPC1252")
    if codepage not in CODEPAGES:
        r.fail("codepage", codepage, " or ".join(CODEPAGES))
    timeout_s = r.number("timeout_s", "seconds from 0.5 to 60", 5.0, 0.5, 60)
    qr_url = r.get(
        "qr_url", str, 'a URL template such as "https://file.example.org/t/{kiosk}/{number}"', None
    )
    if qr_url is not None and not _is_qr_template(qr_url):
        r.fail(
            "qr_url",
            qr_url,
            f"a URL of at most {QR_URL_MAX_CHARS} characters using only the placeholders "
            + ", ".join(f"{{{name}}}" for name in QR_URL_FIELDS)
            + " (no format spec, conversion, attribute or index)",
        )
    logo = r.path_value("logo", "a PNG file for the top of the ticket", None)
    footer_raw = r.get("footer", dict, 'a table of lines per language: { fr = ["..."] }', {})
    footer: dict[str, tuple[str, ...]] = {}
    for lang, lines in footer_raw.items():
        if (
            lang not in kiosk.languages
            or not isinstance(lines, list)
            or not all(isinstance(x, str) for x in lines)
        ):
            r.fail("footer", footer_raw, "lists of strings keyed by a configured language")
        if len(lines) > FOOTER_MAX_LINES:
            r.fail("footer", footer_raw, f"at most {FOOTER_MAX_LINES} lines per language")
        for line in lines:
            if len(clean_text(line, FOOTER_LINE_MAX_CHARS + 1)) > FOOTER_LINE_MAX_CHARS:
                r.fail("footer", line, f"lines of at most {FOOTER_LINE_MAX_CHARS} characters")
        footer[lang] = tuple(clean_text(line, FOOTER_LINE_MAX_CHARS) for line in lines)
    poll = r.number("status_poll_s", "seconds from 1 to 3600", 30.0, 1, 3600)
    r.finish()
    return PrinterSection(
        url=url,
        profile=profile,
        codepage=codepage,
        timeout_s=float(timeout_s),
        qr_url=qr_url,
        logo=logo,
        footer=footer,
        status_poll_s=float(poll),
    )


def _parse_server(r: _Reader) -> ServerSection:
    url = r.get("url", str, 'an http:// or https:// URL such as "https://file.example.org"')
    match = re.fullmatch(r"(https?)://([^/\s?#]{1,253})[^\s]{0,1024}", url)
    if match is None:
        r.fail("url", url, 'an http:// or https:// URL such as "https://file.example.org"')
    is_insecure_ok = r.get("allow_insecure_http", bool, "true or false", False)
    if match and match[1] == "http" and not is_insecure_ok and not _is_loopback(match[2]):
        r.fail(
            "url",
            url,
            "an https:// URL (over http:// the token travels in clear; for a test server "
            "set [server] allow_insecure_http = true)",
        )
    token_file = r.path_value("token_file", "the path of the file holding the kiosk's token")
    ca_bundle = r.path_value(
        "ca_bundle", "a PEM file of the certificate authorities to trust", None
    )
    if ca_bundle is not None and not ca_bundle.is_file():
        r.fail(
            "ca_bundle",
            r.table["ca_bundle"],
            f"a PEM file of the certificate authorities to trust ({ca_bundle} not found)",
        )
    connect = r.number("connect_timeout_s", "seconds from 0.1 to 60", 3.05, 0.1, 60)
    read = r.number("read_timeout_s", "seconds from 0.1 to 120", 10.0, 0.1, 120)
    state_poll = r.number("state_poll_s", "seconds from 1 to 600", 15.0, 1, 600)
    heartbeat = r.number("heartbeat_s", "seconds from 5 to 3600", 60.0, 5, 3600)
    config_poll = r.number("config_poll_s", "seconds from 1 to 86400", 300.0, 1, 86400)
    r.finish()
    assert token_file is not None
    return ServerSection(
        url=url.rstrip("/"),
        token_file=token_file,
        ca_bundle=ca_bundle,
        connect_timeout_s=float(connect),
        read_timeout_s=float(read),
        state_poll_s=float(state_poll),
        heartbeat_s=float(heartbeat),
        config_poll_s=float(config_poll),
    )


def _parse_categories(
    path: Path, tables: list[Any], kiosk: KioskSection
) -> tuple[CategoryConfig, ...]:
    out: list[CategoryConfig] = []
    ids: set[str] = set()
    prefixes: set[str] = set()
    for i, table in enumerate(tables, start=1):
        r = _Reader(path, f"categories #{i}", table)
        cid = r.get("id", str, '1-32 characters of a-z 0-9 - (for example "etat-civil")')
        if not ID_RE.fullmatch(cid):
            r.fail("id", cid, '1-32 characters of a-z 0-9 - (for example "etat-civil")')
        if cid in ids:
            r.fail("id", cid, "an id not used by another category")
        parent = r.get("parent", str, "the id of a category listed before this one", None)
        if parent is not None and parent not in ids:
            r.fail("parent", parent, "the id of a category listed before this one")
        if parent is not None and any(c.id == parent and c.parent for c in out):
            r.fail(
                "parent",
                parent,
                "the id of a top-level category (a sub-category cannot have sub-categories)",
            )
        # A parent only groups its children; it gives no ticket, so needs no prefix.
        prefix = r.get("prefix", str, '1-2 capital letters such as "A"', None)
        if prefix is not None:
            if not PREFIX_RE.fullmatch(prefix):
                r.fail("prefix", prefix, '1-2 capital letters such as "A"')
            if prefix in prefixes:
                r.fail("prefix", prefix, "a prefix not used by another category")
            prefixes.add(prefix)
        label = r.get(
            "label",
            dict,
            f"labels per language, at least {kiosk.default_language}: "
            f'{{ {kiosk.default_language} = "..." }}',
        )
        if kiosk.default_language not in label:
            r.fail("label", label, f'a label in the default language "{kiosk.default_language}"')
        for lang, text in label.items():
            if not isinstance(text, str) or not text.strip():
                r.fail(f"label.{lang}", text, "a non-empty string")
            label[lang] = r.check_text(f"label.{lang}", text, LABEL_MAX_CHARS)
        cap = r.get("cap", int, "a daily number of tickets from 1 to 9999", None)
        if cap is not None and not 1 <= cap <= 9999:
            r.fail("cap", cap, "a daily number of tickets from 1 to 9999")
        pictogram = r.get("pictogram", str, "a pictogram name", None)
        hours_table = r.get("hours", dict, 'weekday ranges: { tuesday = ["14:00-18:00"] }', None)
        cat_hours: WeeklyHours | None = None
        cat_hours_text: dict[str, tuple[str, ...]] = {}
        if hours_table is not None:
            hr = _Reader(path, f"categories #{i} hours", hours_table)
            cat_hours, cat_hours_text = parse_weekly(hr)
            hr.finish()

        discreet = r.get("discreet", bool, "true or false", False)
        spoken = r.get("spoken_label", dict, 'what speech says, per language: { ar = "..." }', {})
        for lang, text in spoken.items():
            if lang not in kiosk.languages or not isinstance(text, str) or not text.strip():
                r.fail(f"spoken_label.{lang}", text, "a non-empty string for a configured language")
        r.finish()
        ids.add(cid)
        out.append(
            CategoryConfig(
                id=cid,
                prefix=prefix or "",
                label=dict(label),
                cap=cap,
                pictogram=pictogram,
                parent=parent,
                hours=cat_hours,
                hours_text=cat_hours_text,
                is_discreet=discreet,
                spoken_label=dict(spoken),
            )
        )
    parents = {c.parent for c in out if c.parent}
    for group in (None, *sorted(parents)):
        shown = [c.id for c in out if c.parent == group]
        if len(shown) > MAX_CATEGORIES_PER_SCREEN:
            where = "top-level categories" if group is None else f"sub-categories of {group}"
            raise ConfigError(
                f"{path}: [[categories]]: {len(shown)} {where}: expected at most "
                f"{MAX_CATEGORIES_PER_SCREEN} on one screen (more make buttons smaller than "
                "15 mm); group some under a parent category",
                path=str(path),
                key="[[categories]]",
            )
    for i, c in enumerate(out, start=1):
        if c.id not in parents and not c.prefix:
            raise ConfigError(
                f'{path}: [categories #{i}] prefix is missing: expected 1-2 capital letters such as "A"',
                path=str(path),
                key=f"[categories #{i}] prefix",
            )
    return tuple(out)


def _parse_display(r: _Reader) -> DisplaySection:
    width = r.get("width", int, "a width in pixels from 320 to 7680", 800)
    height = r.get("height", int, "a height in pixels from 240 to 7680", 480)
    if not 320 <= width <= 7680:
        r.fail("width", width, "a width in pixels from 320 to 7680")
    if not 240 <= height <= 7680:
        r.fail("height", height, "a height in pixels from 240 to 7680")
    rotation = r.get("rotation", int, "0, 90, 180 or 270", 0)
    if rotation not in ROTATIONS:
        r.fail("rotation", rotation, "0, 90, 180 or 270")
    theme = r.get("theme", str, " or ".join(THEMES), "default")
    if theme not in THEMES:
        r.fail("theme", theme, " or ".join(THEMES))
    fullscreen = r.get("fullscreen", bool, "true or false", True)
    idle = r.number("idle_timeout_s", "seconds from 5 to 600", 30.0, 5, 600)
    ticket_s = r.number("ticket_screen_s", "seconds from 2 to 60", 8.0, 2, 60)
    panel = r.number(
        "panel_width_mm", "the panel's visible width in mm, 50 to 2000", 154.0, 50, 2000
    )
    backlight = r.get("backlight", str, " or ".join(f'"{m}"' for m in BACKLIGHT_MODES), "auto")
    if backlight not in BACKLIGHT_MODES:
        r.fail("backlight", backlight, " or ".join(f'"{m}"' for m in BACKLIGHT_MODES))
    backlight_path = r.path_value(
        "backlight_path",
        'a backlight\'s bl_power file such as "/sys/class/backlight/rpi_backlight/bl_power"',
        None,
    )
    wake_s = r.number("backlight_wake_s", "seconds from 5 to 3600", 60.0, 5, 3600)
    r.finish()
    return DisplaySection(
        width=width,
        height=height,
        rotation=rotation,
        theme=theme,
        fullscreen=fullscreen,
        idle_timeout_s=float(idle),
        ticket_screen_s=float(ticket_s),
        panel_width_mm=float(panel),
        backlight=backlight,
        backlight_path=backlight_path,
        backlight_wake_s=float(wake_s),
    )


# PBKDF2 rounds a pin_hash may ask for: fewer makes guessing cheap, more stalls each check.


def _parse_technician(r: _Reader) -> TechnicianSection:
    pin_hash = r.get(
        "pin_hash",
        str,
        'a hash made by "kiosk hash-pin" (pbkdf2_sha256$ITERATIONS$SALT$HASH)',
        None,
    )
    if pin_hash is not None and not re.fullmatch(
        r"pbkdf2_sha256\$[0-9]{1,12}\$[0-9a-f]{1,256}\$[0-9a-f]{1,256}", pin_hash
    ):
        r.fail("pin_hash", pin_hash, 'a hash made by "kiosk hash-pin"')
    if pin_hash is not None:
        iterations = int(pin_hash.split("$")[1])
        if not PIN_MIN_ITERATIONS <= iterations <= PIN_MAX_ITERATIONS:
            r.fail(
                "pin_hash",
                pin_hash,
                f"an iteration count from {PIN_MIN_ITERATIONS:,} to {PIN_MAX_ITERATIONS:,} "
                f"(this hash says {iterations:,}): make a new one with kiosk hash-pin",
            )
    r.finish()
    return TechnicianSection(pin_hash=pin_hash)


# The 40-pin header of every Raspberry Pi since the B+: physical pin -> its GPIO (BCM)
# number. The other physical pins are power and ground.
BOARD_TO_GPIO = {
    3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10,
    21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19,
    36: 16, 37: 26, 38: 20, 40: 21,
}  # fmt: skip
GPIO_PIN_RE = re.compile(r"(GPIO|BCM|BOARD|J8:)?([0-9]{1,2})")


def normalise_pin(value: str) -> str | None:
    """``"GPIO17"``, ``"BCM17"``, ``"BOARD11"``, ``"J8:11"`` and ``"17"`` all name GPIO17:
    the one form returned. None for anything else (a power pin, a number off the header)."""
    match = GPIO_PIN_RE.fullmatch(value)
    if match is None:
        return None
    kind, number = match[1], int(match[2])
    if kind in ("BOARD", "J8:"):
        gpio = BOARD_TO_GPIO.get(number)
        return None if gpio is None else f"GPIO{gpio}"
    return f"GPIO{number}" if 0 <= number <= 27 else None


def _parse_gpio(r: _Reader, categories: tuple[CategoryConfig, ...]) -> GpioSection:
    pin_expected = (
        'a GPIO pin such as "GPIO17" (also "BCM17", "17", or the header pin "BOARD11", '
        '"J8:11"): GPIO0 to GPIO27'
    )
    seen: dict[str, str] = {}  # normalised pin -> the key that uses it

    def pin(key: str) -> str | None:
        value = r.get(key, str, pin_expected, None)
        if value is None:
            return None
        normal = normalise_pin(value)
        if normal is None:
            r.fail(key, value, pin_expected)
        assert normal is not None
        if normal in seen:
            r.fail(key, value, f"a pin other than {normal}, already the {seen[normal]}")
        seen[normal] = key
        return normal

    section = GpioSection(
        ticket_button_pin=pin("ticket_button_pin"),
        ticket_button_category=r.get("ticket_button_category", str, "a category id", None),
        status_led_pin=pin("status_led_pin"),
        technician_button_pin=pin("technician_button_pin"),
    )
    parents = {c.parent for c in categories if c.parent}
    ticket_ids = sorted(c.id for c in categories if c.id not in parents)
    category = section.ticket_button_category
    if (section.ticket_button_pin or category is not None) and category not in ticket_ids:
        r.fail(
            "ticket_button_category",
            category,
            f"the id of a category that gives a ticket ({', '.join(ticket_ids)})",
        )
    r.finish()
    return section


def _is_loopback(host_port: str) -> bool:
    """True for this machine's own addresses: plain HTTP to them never leaves the host."""
    host = host_port.rsplit("@", 1)[-1]
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    else:
        host = host.split(":", 1)[0]
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_qr_template(template: str) -> bool:
    """Only the documented placeholders, plain (``{kiosk}``): a format spec can make the
    text huge (``{kiosk:>50000}``), an attribute or index fails or leaks at print time."""
    if len(template) > QR_URL_MAX_CHARS:
        return False
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:  # an unmatched brace
        return False
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in QR_URL_FIELDS or spec or conversion:
            return False
    return True


def catalog_languages() -> tuple[str, ...]:
    """The languages the screens are translated to: English (the message ids) and each
    ``kiosk/locale/LANG/LC_MESSAGES/screens.po``."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/screens.po")}
    return tuple(sorted(found | {"en"}))


def _parse_speech(r: _Reader, kiosk: KioskSection) -> SpeechSection:
    from kiosk.speech.output import OUTPUT_FORMS

    output = r.get("output", str, OUTPUT_FORMS, "alsa://default")
    scheme, sep, rest = output.partition("://")
    if output != "none" and not (sep and scheme in ("alsa", "file") and rest):
        r.fail("output", output, OUTPUT_FORMS)
    if scheme == "file":
        output = f"file://{resolve_path(r.path, rest)}"
    volume = r.number("volume", "a level from 0 to 1", 0.6, 0, 1)
    step = r.number("volume_step", "a step from 0.01 to 0.5", 0.1, 0.01, 0.5)
    engine = r.get("engine", str, '"espeak-ng" or "tone"', "espeak-ng")
    if engine not in ("espeak-ng", "tone"):
        r.fail("engine", engine, '"espeak-ng" or "tone"')
    headset = r.get("headset", bool, "true or false", False)
    rate = r.get("rate_wpm", int, "words a minute from 80 to 400", 160)
    if not 80 <= rate <= 400:
        r.fail("rate_wpm", rate, "words a minute from 80 to 400")
    voices = r.get("voices", dict, 'espeak-ng voices per language: { en = "en-gb" }', {})
    for lang, voice in voices.items():
        if lang not in kiosk.languages or not isinstance(voice, str) or not voice:
            r.fail("voices", voices, "espeak-ng voice names keyed by a configured language")
    r.finish()
    return SpeechSection(
        output=output,
        volume=float(volume),
        volume_step=float(step),
        engine=engine,
        headset=headset,
        rate_wpm=rate,
        voices=dict(voices),
    )


def _parse_keypad(r: _Reader, gpio: GpioSection) -> KeypadSection:
    names = ", ".join(KEY_NAMES)
    pin_re = r"^(GPIO|BCM|BOARD|J8:)?\d{1,2}$"
    pins = r.get("gpio", dict, f'pins per key: {{ help = "GPIO5" }} (keys: {names})', {})
    for key, pin in pins.items():
        if key not in KEY_NAMES:
            r.fail(f"gpio.{key}", pin, f"a key name among {names}")
        if not isinstance(pin, str) or not re.match(pin_re, pin):
            r.fail(f"gpio.{key}", pin, 'a GPIO pin name such as "GPIO5" or "BOARD29"')
    taken = {gpio.ticket_button_pin, gpio.status_led_pin, gpio.technician_button_pin} - {None}
    used = list(pins.values())
    if len(set(used)) != len(used) or taken & set(used):
        r.fail("gpio", pins, "a different pin for each key, not used in [gpio]")
    evdev = r.path_value(
        "evdev", 'a USB keypad\'s event device such as "/dev/input/by-id/...-event-kbd"', None
    )
    keys = r.get("evdev_keys", dict, 'evdev key codes to key names: { KEY_KP8 = "up" }', None)
    if keys is not None:
        for code, key in keys.items():
            if not re.match(r"^(KEY|BTN)_[A-Z0-9_]+$", code):
                r.fail(f"evdev_keys.{code}", key, 'an evdev key code such as "KEY_KP8"')
            if key not in KEY_NAMES:
                r.fail(f"evdev_keys.{code}", key, f"a key name among {names}")
    r.finish()
    return KeypadSection(
        gpio=dict(pins),
        evdev=evdev,
        evdev_keys=dict(keys) if keys is not None else dict(DEFAULT_EVDEV_KEYS),
    )
