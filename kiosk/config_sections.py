"""The flat sections of the configuration: [kiosk], [printer], [server], [display],
[technician], [appointments] and [survey].

Their keys are described in kiosk/config_keys.py and read with :func:`~kiosk.config_keys.read`;
here are only the checks a description cannot say: a time zone that exists, the languages
the screens are translated to, a printer URL, a QR code template, the footer's lines, plain
HTTP only to this machine, a CA bundle that exists, a PIN hash's rounds, a scanner's device.
"""

from __future__ import annotations

import ipaddress
import re
import string
import zoneinfo
from pathlib import Path

from kiosk.config_keys import (
    APPOINTMENTS,
    DISPLAY,
    KIOSK,
    PRINTER,
    SCANNER_FORMS,
    SERVER,
    SERVER_URL_RE,
    SURVEY,
    TECHNICIAN,
    TIMEZONE_RE,
    check,
    fetch,
    read,
)
from kiosk.config_reader import TableReader, show
from kiosk.core.errors import PrinterUrlError
from kiosk.core.settings import (
    PIN_MAX_ITERATIONS,
    PIN_MIN_ITERATIONS,
    AppointmentsSection,
    DisplaySection,
    KioskSection,
    PrinterSection,
    ServerSection,
    SurveySection,
    TechnicianSection,
)
from kiosk.core.text import clean_text

# Patterns are matched with re.fullmatch: ``$`` alone would also match before a final "\n".
LANG_RE = re.compile(r"[a-z]{2,3}")
FOOTER_LINE_MAX_CHARS = 96  # two lines of the paper's 48 columns
FOOTER_MAX_LINES = 6
QR_URL_MAX_CHARS = 256  # a QR code still readable at the ticket's module size
QR_URL_FIELDS = ("kiosk", "number", "category", "ticket_id", "day", "lang")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def parse_kiosk(r: TableReader) -> KioskSection:
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


def parse_printer(r: TableReader, kiosk: KioskSection) -> PrinterSection:
    from printer.connections import VALID_FORMS, parse_printer_url  # the parser run uses too

    forms = "one of " + ", ".join(VALID_FORMS)
    url = r.get("url", str, forms)
    try:
        # Relative file:// and virtual:// paths are relative to the configuration's folder.
        url = parse_printer_url(url, base_dir=r.path.parent).url
    except PrinterUrlError as err:
        raise PrinterUrlError(
            f"{r.path}: [printer] url = {show(url)}: {err.problem}; expected {forms}",
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


def parse_server(r: TableReader) -> ServerSection:
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


def parse_display(r: TableReader) -> DisplaySection:
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


def parse_technician(r: TableReader) -> TechnicianSection:
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


def parse_appointments(r: TableReader) -> AppointmentsSection:
    early = read(r, APPOINTMENTS["early_min"])
    late = read(r, APPOINTMENTS["late_min"])
    scanner = read(r, APPOINTMENTS["scanner"])
    if scanner is not None and not (
        scanner.removeprefix("serial://").startswith("/") and len(scanner) > 9
    ):
        r.fail("scanner", scanner, SCANNER_FORMS)
    layout = read(r, APPOINTMENTS["scanner_layout"])
    r.finish()
    return AppointmentsSection(
        early_min=early, late_min=late, scanner=scanner, scanner_layout=layout
    )


def parse_survey(r: TableReader) -> SurveySection:
    enabled = read(r, SURVEY["enabled"])
    r.finish()
    return SurveySection(enabled=enabled)
