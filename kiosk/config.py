"""The kiosk's configuration: a TOML file read once at start-up, validated strictly.

Unknown keys are errors, because a typo must never fall back silently to a default. Each
error is one line naming the file, the section and key, the bad value and what is expected.
Relative paths are relative to the configuration file's folder.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError
from kiosk.hours import WEEKDAYS, WeeklyHours

ID_RE = re.compile(r"^[a-z0-9-]{1,32}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,2}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
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


@dataclass(frozen=True)
class CategoryConfig:
    """One need a visitor can pick, with its own ticket prefix and numbering."""

    id: str
    prefix: str
    label: Mapping[str, str]
    cap: int | None = None
    pictogram: str | None = None
    parent: str | None = None

    def label_for(self, language: str, default_language: str) -> str:
        """The label in ``language``, falling back to the default language."""
        return self.label.get(language) or self.label[default_language]


@dataclass(frozen=True)
class KioskSection:
    id: str
    site: str
    timezone: str
    languages: tuple[str, ...]
    data_dir: Path
    retention_days: int = 90
    report_retention_days: int = 400
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

    @property
    def ticket_categories(self) -> tuple[CategoryConfig, ...]:
        """Categories that give a ticket (those without sub-categories)."""
        parents = {c.parent for c in self.categories if c.parent}
        return tuple(c for c in self.categories if c.id not in parents)


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
        where = f"[{self.section}]" + (f" {key}" if key else "")
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
                hint = f' (found "{near[0]}": a typo?)' if near else ""
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

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            key = unknown[0]
            known = ", ".join(sorted(self.used))
            raise ConfigError(
                f"{self.path}: [{self.section}] {key} = {_show(self.table[key])}: "
                f"unknown key (known keys: {known}); check its spelling",
                path=str(self.path),
                key=f"[{self.section}] {key}",
            )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def resolve_path(config_path: Path, value: str) -> Path:
    """A path from the configuration; relative ones are relative to the file's folder."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else (config_path.parent / p).resolve()


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise ConfigError with a one-line message."""
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
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path}: byte {err.start} is not UTF-8: save the file as UTF-8", path=str(path)
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: TOML syntax error: {err}", path=str(path)) from None
    return parse_config(data, path.resolve())


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate already-parsed TOML data (``path`` is used for messages and relative paths)."""
    top = _Reader(path, "top level", dict(data))
    kiosk = _parse_kiosk(_Reader(path, "kiosk", top.get("kiosk", dict, "a [kiosk] table")))
    printer = _parse_printer(
        _Reader(path, "printer", top.get("printer", dict, "a [printer] table")), kiosk
    )
    server_table = top.get("server", dict, "a [server] table", None)
    server = _parse_server(_Reader(path, "server", server_table)) if server_table else None
    hours_table = top.get("hours", dict, "an [hours] table", {})
    hours, hours_text = _parse_hours(_Reader(path, "hours", hours_table))
    cats = top.get("categories", list, "one [[categories]] table or more", None)
    if not cats:
        top.fail("categories", cats or [], "at least one [[categories]] table")
    categories = _parse_categories(path, cats, kiosk)
    display = _parse_display(_Reader(path, "display", top.get("display", dict, "a table", {})))
    technician = _parse_technician(
        _Reader(path, "technician", top.get("technician", dict, "a table", {}))
    )
    gpio = _parse_gpio(_Reader(path, "gpio", top.get("gpio", dict, "a table", {})), categories)
    top.finish()
    return Config(
        path=path,
        kiosk=kiosk,
        printer=printer,
        server=server,
        hours=hours,
        hours_text=hours_text,
        categories=categories,
        display=display,
        technician=technician,
        gpio=gpio,
    )


def _parse_kiosk(r: _Reader) -> KioskSection:
    kid = r.get("id", str, '1-32 characters of a-z 0-9 - (for example "hdv-1")')
    if not ID_RE.match(kid):
        r.fail("id", kid, '1-32 characters of a-z 0-9 - (for example "hdv-1")')
    site = r.get("site", str, 'the site name shown to visitors (for example "Hôtel de ville")')
    if not site.strip():
        r.fail("site", site, "a non-empty site name")
    tz = r.get("timezone", str, 'an IANA time zone name such as "Europe/Paris"', "Europe/Paris")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        r.fail("timezone", tz, 'an IANA time zone name such as "Europe/Paris"')
    langs = r.get(
        "languages", list, 'a list of language codes, default first: ["fr", "en"]', ["fr"]
    )
    if (
        not langs
        or not all(isinstance(x, str) and LANG_RE.match(x) for x in langs)
        or len(set(langs)) != len(langs)
    ):
        r.fail("languages", langs, 'a non-empty list of distinct language codes like ["fr", "en"]')
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
        site=site.strip(),
        timezone=tz,
        languages=tuple(langs),
        data_dir=data_dir,
        retention_days=int(retention),
        report_retention_days=int(report_days),
        last_ticket_before_close_min=margin,
    )


def _parse_printer(r: _Reader, kiosk: KioskSection) -> PrinterSection:
    forms = "usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200, tcp://HOST:PORT, file:///path or virtual:///path/to/dir"
    url = r.get("url", str, forms)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in PRINTER_SCHEMES or not url.split("://", 1)[1]:
        r.fail("url", url, forms)
    if scheme in ("file", "virtual"):
        # Relative file:// and virtual:// paths are relative to the configuration's folder.
        rest = url.split("://", 1)[1]
        url = f"{scheme}://{resolve_path(r.path, rest)}"
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
    if qr_url is not None:
        try:
            qr_url.format(kiosk="k", number="A001", category="c", ticket_id="t", day="d")
        except (KeyError, IndexError, ValueError):
            r.fail(
                "qr_url",
                qr_url,
                "a URL using only {kiosk}, {number}, {category}, {ticket_id}, {day}",
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
        footer[lang] = tuple(lines)
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
    if not re.match(r"^https?://[^/\s]+", url):
        r.fail("url", url, 'an http:// or https:// URL such as "https://file.example.org"')
    token_file = r.path_value("token_file", "the path of the file holding the kiosk's token")
    ca_bundle = r.path_value(
        "ca_bundle", "a PEM file of the certificate authorities to trust", None
    )
    connect = r.number("connect_timeout_s", "seconds from 0.1 to 60", 3.05, 0.1, 60)
    read = r.number("read_timeout_s", "seconds from 0.1 to 120", 10.0, 0.1, 120)
    state_poll = r.number("state_poll_s", "seconds from 1 to 600", 15.0, 1, 600)
    heartbeat = r.number("heartbeat_s", "seconds from 5 to 3600", 60.0, 5, 3600)
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
    )


def _parse_hours(r: _Reader) -> tuple[WeeklyHours, dict[str, tuple[str, ...]]]:
    text: dict[str, tuple[str, ...]] = {}
    lists: dict[str, list[str]] = {}
    for day in WEEKDAYS:
        ranges = r.get(day, list, 'a list of "HH:MM-HH:MM" ranges', [])
        if not all(isinstance(x, str) for x in ranges):
            r.fail(day, ranges, 'a list of "HH:MM-HH:MM" ranges')
        try:
            WeeklyHours.from_mapping({day: ranges})
        except ValueError as err:
            r.fail(day, ranges, f'"HH:MM-HH:MM" ranges that do not overlap ({err})')
        text[day] = tuple(ranges)
        lists[day] = list(ranges)
    r.finish()
    return WeeklyHours.from_mapping(lists), text


def _parse_categories(
    path: Path, tables: list[Any], kiosk: KioskSection
) -> tuple[CategoryConfig, ...]:
    out: list[CategoryConfig] = []
    ids: set[str] = set()
    prefixes: set[str] = set()
    for i, table in enumerate(tables, start=1):
        r = _Reader(path, f"categories #{i}", table)
        cid = r.get("id", str, '1-32 characters of a-z 0-9 - (for example "etat-civil")')
        if not ID_RE.match(cid):
            r.fail("id", cid, '1-32 characters of a-z 0-9 - (for example "etat-civil")')
        if cid in ids:
            r.fail("id", cid, "an id not used by another category")
        parent = r.get("parent", str, "the id of a category listed before this one", None)
        if parent is not None and parent not in ids:
            r.fail("parent", parent, "the id of a category listed before this one")
        # A parent only groups its children; it gives no ticket, so needs no prefix.
        prefix = r.get("prefix", str, '1-2 capital letters such as "A"', None)
        if prefix is not None:
            if not PREFIX_RE.match(prefix):
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
        cap = r.get("cap", int, "a daily number of tickets from 1 to 9999", None)
        if cap is not None and not 1 <= cap <= 9999:
            r.fail("cap", cap, "a daily number of tickets from 1 to 9999")
        pictogram = r.get("pictogram", str, "a pictogram name", None)
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
            )
        )
    parents = {c.parent for c in out if c.parent}
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


def _parse_technician(r: _Reader) -> TechnicianSection:
    pin_hash = r.get(
        "pin_hash",
        str,
        'a hash made by "kiosk hash-pin" (pbkdf2_sha256$ITERATIONS$SALT$HASH)',
        None,
    )
    if pin_hash is not None and not re.match(
        r"^pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]+$", pin_hash
    ):
        r.fail("pin_hash", pin_hash, 'a hash made by "kiosk hash-pin"')
    r.finish()
    return TechnicianSection(pin_hash=pin_hash)


def _parse_gpio(r: _Reader, categories: tuple[CategoryConfig, ...]) -> GpioSection:
    pin_expected = 'a GPIO pin name such as "GPIO17" or "BOARD11"'

    def pin(key: str) -> str | None:
        value = r.get(key, str, pin_expected, None)
        if value is not None and not re.match(r"^(GPIO|BCM|BOARD|J8:)?\d{1,2}$", value):
            r.fail(key, value, pin_expected)
        return value

    section = GpioSection(
        ticket_button_pin=pin("ticket_button_pin"),
        ticket_button_category=r.get("ticket_button_category", str, "a category id", None),
        status_led_pin=pin("status_led_pin"),
        technician_button_pin=pin("technician_button_pin"),
    )
    ticket_ids = {c.id for c in categories if c.prefix}
    if section.ticket_button_pin and section.ticket_button_category not in ticket_ids:
        r.fail(
            "ticket_button_category",
            section.ticket_button_category,
            f"the id of a ticket category ({', '.join(sorted(ticket_ids))})",
        )
    pins = [
        p
        for p in (section.ticket_button_pin, section.status_led_pin, section.technician_button_pin)
        if p
    ]
    if len(set(pins)) != len(pins):
        r.fail("status_led_pin", pins, "three different pins")
    r.finish()
    return section
