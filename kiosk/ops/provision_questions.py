"""The questions ``kiosk provision`` asks: flags first, a terminal for what is missing.

A technician on site answers on the terminal (with the site template's values offered as
defaults); a script passes every answer as a flag and never blocks on a question.
"""

from __future__ import annotations

import argparse
import getpass
import tomllib
from collections.abc import Callable
from pathlib import Path

from kiosk.config import ID_RE, bundled_config_dir
from kiosk.core.errors import UsageError
from kiosk.ops.provision_config import Answers


def template_names() -> list[str]:
    return sorted(p.stem for p in bundled_config_dir().glob("*.toml"))


def find_template(name: str) -> Path:
    """A template by name ("hdv"), file name ("hdv.toml") or path."""
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = bundled_config_dir() / f"{path.stem}.toml"
    if candidate.is_file():
        return candidate
    raise UsageError(
        f'--config-template "{name}": no such template: expected one of '
        f"{', '.join(template_names()) or '(none installed)'} or a .toml file"
    )


def _template_value(template: Path, table: str, key: str) -> str | None:
    try:
        value = tomllib.loads(template.read_text(encoding="utf-8")).get(table, {}).get(key)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) else None


def ask(question: str, default: str | None) -> str:
    """Ask on the terminal; an empty answer takes ``default``. UsageError without a terminal."""
    shown = f" [{default}]" if default else ""
    try:
        answer = input(f"{question}{shown}: ").strip()
    except EOFError:
        raise UsageError(f"no answer to {question!r}: pass it as a flag (see --help)") from None
    return answer or (default or "")


def gather_answers(args: argparse.Namespace, is_interactive: bool) -> Answers:
    """The answers from flags, asking on a terminal for the missing ones."""

    def need(value: str | None, flag: str, question: str, default: str | None) -> str:
        if value:
            return value
        if is_interactive:
            return ask(question, default)
        if default:
            return default
        raise UsageError(f"{flag} is missing: pass it, or run on a terminal to be asked")

    name = args.config_template or (
        None if not is_interactive else ask(f"Site template ({', '.join(template_names())})", "hdv")
    )
    if not name:
        raise UsageError(f"--config-template is missing: one of {', '.join(template_names())}")
    template = find_template(name)
    kiosk_id = need(args.kiosk_id, "--kiosk-id", "Kiosk id (a-z 0-9 -)", None)
    if not ID_RE.match(kiosk_id):
        raise UsageError(
            f'--kiosk-id "{kiosk_id}": expected 1-32 characters of a-z 0-9 - such as "hdv-1"'
        )
    site = need(args.site, "--site", "Site name", _template_value(template, "kiosk", "site"))
    printer = need(
        args.printer, "--printer", "Printer URL", _template_value(template, "printer", "url")
    )
    server = args.server
    if server is None and is_interactive:
        server = ask(
            "Queue server URL (empty: offline)", _template_value(template, "server", "url")
        )
    server = server or None
    code = args.enrol_code
    if server and not code and is_interactive:
        code = ask("One-time enrolment code (empty: keep the current token)", None) or None
    pin_hash = args.pin_hash or (ask_pin() if is_interactive else None)
    return Answers(template, kiosk_id, site, printer, server, code, pin_hash)


def ask_pin(read: Callable[[str], str] = getpass.getpass) -> str | None:
    """Ask twice for a technician PIN, without echo; its hash, or None (empty: no
    technician menu on this kiosk). UsageError for a PIN that is not 4-12 digits or two
    answers that differ."""
    from display.pin import hash_pin

    try:
        pin = read("Technician PIN, 4 to 12 digits (empty: no technician menu): ").strip()
    except EOFError:
        return None
    if not pin:
        return None
    if read("The same PIN again: ").strip() != pin:
        raise UsageError("the two PINs differ: run kiosk provision again")
    try:
        return hash_pin(pin)
    except ValueError as err:
        raise UsageError(f"{err}: run kiosk provision again") from None
