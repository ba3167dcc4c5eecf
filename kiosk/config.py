"""The kiosk's configuration: a TOML file read once at start-up, validated strictly.

Unknown keys are errors, because a typo must never fall back silently to a default. Each
error is one line naming the file, the section and key, the bad value and what is expected.
Relative paths are relative to the configuration file's folder.

Over 400 lines on purpose: the loader and the parsers of its sections share one reader and
one message style. The scalar keys are described in kiosk/config_keys.py, [hours] is read in
kiosk/config_calendar.py, [gpio], [speech] and [keypad] in kiosk/config_devices.py; a new
section with structure goes to a kiosk/config_<topic>.py of its own.
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
from kiosk.config_devices import parse_gpio, parse_keypad, parse_speech
from kiosk.config_keys import (
    DISPLAY,
    ID_RE,
    KIOSK,
    PRINTER,
    SERVER,
    SERVER_URL_RE,
    TECHNICIAN,
    TIMEZONE_RE,
    check,
    fetch,
    read,
    resolve_path,
)
from kiosk.core.calendar import WeeklyHours
from kiosk.core.errors import ConfigError, PrinterUrlError
from kiosk.core.settings import (
    PIN_MAX_ITERATIONS,
    PIN_MIN_ITERATIONS,
    AppointmentsSection,
    CategoryConfig,
    Config,
    DisplaySection,
    KioskSection,
    PrinterSection,
    PrioritySection,
    ServerSection,
    SurveySection,
    TechnicianSection,
)
from kiosk.core.text import clean_text

# Patterns are matched with re.fullmatch: ``$`` alone would also match before a final "\n".
PREFIX_RE = re.compile(r"[A-Z]{1,2}")
LANG_RE = re.compile(r"[a-z]{2,3}")
LABEL_MAX_CHARS = 80
FOOTER_LINE_MAX_CHARS = 96  # two lines of the paper's 48 columns
FOOTER_MAX_LINES = 6
QR_URL_MAX_CHARS = 256  # a QR code still readable at the ticket's module size
QR_URL_FIELDS = ("kiosk", "number", "category", "ticket_id", "day", "lang")
# More buttons than this on one screen make touch targets smaller than 15 mm on the 7"
# 800x480 panel (measured: 19 top-level categories do; the limit leaves room for a banner).
MAX_CATEGORIES_PER_SCREEN = 16
SHOWN_MAX_CHARS = 60  # of a bad value in an error message
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PRINTER_SCHEMES = ("usb", "serial", "tcp", "file", "virtual")
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
    gpio = parse_gpio(_Reader(path, "gpio", top.get("gpio", dict, "a table", {})), categories)
    speech_table = top.get("speech", dict, "a [speech] table", None)
    speech = parse_speech(_Reader(path, "speech", speech_table), kiosk) if speech_table else None
    keypad = parse_keypad(_Reader(path, "keypad", top.get("keypad", dict, "a table", {})), gpio)
    priority_table = top.get("priority", dict, "a [priority] table", None)
    priority = (
        _parse_priority(_Reader(path, "priority", priority_table), categories)
        if priority_table is not None
        else None
    )
    appointments_table = top.get("appointments", dict, "an [appointments] table", None)
    appointments = (
        _parse_appointments(_Reader(path, "appointments", appointments_table))
        if appointments_table is not None
        else None
    )
    survey = _parse_survey(_Reader(path, "survey", top.get("survey", dict, "a table", {})))
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
        priority=priority,
        appointments=appointments,
        survey=survey,
    )


def _parse_kiosk(r: _Reader) -> KioskSection:
    kid = read(r, KIOSK["id"])
    site = read(r, KIOSK["site"])
    tz = read(r, KIOSK["timezone"])
    try:
        if not TIMEZONE_RE.fullmatch(tz):
            raise ValueError(tz)
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder
        r.fail("timezone", tz, KIOSK["timezone"].expected)
    langs = read(r, KIOSK["languages"])
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
    data_dir = read(r, KIOSK["data_dir"])
    retention = read(r, KIOSK["retention_days"])
    report_days = read(r, KIOSK["report_retention_days"])
    margin = read(r, KIOSK["last_ticket_before_close_min"])
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
    profile = read(r, PRINTER["profile"])
    codepage = read(r, PRINTER["codepage"])
    timeout_s = read(r, PRINTER["timeout_s"])
    qr_url = read(r, PRINTER["qr_url"])
    if qr_url is not None and not _is_qr_template(qr_url):
        r.fail(
            "qr_url",
            qr_url,
            f"a URL of at most {QR_URL_MAX_CHARS} characters using only the placeholders "
            + ", ".join(f"{{{name}}}" for name in QR_URL_FIELDS)
            + " (no format spec, conversion, attribute or index)",
        )
    logo = read(r, PRINTER["logo"])
    footer_raw = read(r, PRINTER["footer"])
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
    poll = read(r, PRINTER["status_poll_s"])
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
    url = read(r, SERVER["url"])
    match = SERVER_URL_RE.fullmatch(url)
    is_insecure_ok = read(r, SERVER["allow_insecure_http"])
    if match and match[1] == "http" and not is_insecure_ok and not _is_loopback(match[2]):
        r.fail(
            "url",
            url,
            "an https:// URL (over http:// the token travels in clear; for a test server "
            "set [server] allow_insecure_http = true)",
        )
    token_file = read(r, SERVER["token_file"])
    ca_bundle = read(r, SERVER["ca_bundle"])
    if ca_bundle is not None and not ca_bundle.is_file():
        r.fail(
            "ca_bundle",
            r.table["ca_bundle"],
            f"{SERVER['ca_bundle'].expected} ({ca_bundle} not found)",
        )
    connect = read(r, SERVER["connect_timeout_s"])
    read_s = read(r, SERVER["read_timeout_s"])
    state_poll = read(r, SERVER["state_poll_s"])
    heartbeat = read(r, SERVER["heartbeat_s"])
    config_poll = read(r, SERVER["config_poll_s"])
    r.finish()
    assert token_file is not None
    return ServerSection(
        url=url.rstrip("/"),
        token_file=token_file,
        ca_bundle=ca_bundle,
        connect_timeout_s=float(connect),
        read_timeout_s=float(read_s),
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
        subtitle = r.get("subtitle", dict, 'a plain-language line per language: { fr = "..." }', {})
        for lang, text in subtitle.items():
            if lang not in kiosk.languages or not isinstance(text, str) or not text.strip():
                r.fail(f"subtitle.{lang}", text, "a non-empty string for a configured language")
            subtitle[lang] = r.check_text(f"subtitle.{lang}", text, LABEL_MAX_CHARS)
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
                subtitle=dict(subtitle),
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
    # Both sizes are read before either is checked (the order of the messages).
    width = fetch(r, DISPLAY["width"])
    height = fetch(r, DISPLAY["height"])
    check(r, DISPLAY["width"], width)
    check(r, DISPLAY["height"], height)
    rotation = read(r, DISPLAY["rotation"])
    theme = read(r, DISPLAY["theme"])
    fullscreen = read(r, DISPLAY["fullscreen"])
    idle = read(r, DISPLAY["idle_timeout_s"])
    ticket_s = read(r, DISPLAY["ticket_screen_s"])
    panel = read(r, DISPLAY["panel_width_mm"])
    backlight = read(r, DISPLAY["backlight"])
    backlight_path = read(r, DISPLAY["backlight_path"])
    wake_s = read(r, DISPLAY["backlight_wake_s"])
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
    pin_hash = read(r, TECHNICIAN["pin_hash"])
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


def _parse_priority(r: _Reader, categories: tuple[CategoryConfig, ...]) -> PrioritySection:
    """``[priority] categories``: ticket category ids that offer a priority ticket, or
    ``["*"]`` for all of them."""
    parents = {c.parent for c in categories if c.parent}
    ticket_ids = [c.id for c in categories if c.id not in parents]
    expected = f'a list of ticket category ids ({", ".join(ticket_ids)}), or ["*"] for all of them'
    ids = r.get("categories", list, expected)
    if not ids or not all(isinstance(i, str) for i in ids):
        r.fail("categories", ids, expected)
    if "*" in ids and len(ids) > 1:
        r.fail("categories", ids, '["*"] alone (it already means every category)')
    for cid in ids:
        if cid != "*" and cid not in ticket_ids:
            r.fail("categories", cid, expected)
    if len(set(ids)) != len(ids):
        r.fail("categories", ids, "each category id once")
    r.finish()
    return PrioritySection(categories=tuple(ids))


SCANNER_FORMS = (
    'a HID scanner\'s "/dev/input/by-id/...-event-kbd" or "serial:///dev/ttyACM0?baudrate=9600"'
)


def _parse_appointments(r: _Reader) -> AppointmentsSection:
    early = r.get("early_min", int, "minutes from 0 to 240", 30)
    if not 0 <= early <= 240:
        r.fail("early_min", early, "minutes from 0 to 240")
    late = r.get("late_min", int, "minutes from 0 to 240", 15)
    if not 0 <= late <= 240:
        r.fail("late_min", late, "minutes from 0 to 240")
    scanner = r.get("scanner", str, SCANNER_FORMS, None)
    if scanner is not None and not (
        scanner.removeprefix("serial://").startswith("/") and len(scanner) > 9
    ):
        r.fail("scanner", scanner, SCANNER_FORMS)
    layout = r.get("scanner_layout", str, '"us" or "azerty"', "us")
    if layout not in ("us", "azerty"):
        r.fail("scanner_layout", layout, '"us" or "azerty"')
    r.finish()
    return AppointmentsSection(
        early_min=early, late_min=late, scanner=scanner, scanner_layout=layout
    )


def _parse_survey(r: _Reader) -> SurveySection:
    enabled = r.get("enabled", bool, "true or false", False)
    r.finish()
    return SurveySection(enabled=enabled)
