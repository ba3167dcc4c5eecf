"""The configuration file ``kiosk provision`` writes: a site template with this kiosk filled in.

The site templates (``config/*.toml``) are commented for technicians, so the few keys that
make a kiosk itself (id, site, printer, server) are edited line by line in the template's
text rather than by loading and dumping TOML, which would drop every comment. The result is
validated exactly as ``kiosk run`` will read it before anything is written.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import parse_config
from kiosk.core.errors import ConfigError
from kiosk.core.settings import Config

CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")
TOKEN_PATH = Path("/etc/kiosk/token")


@dataclass(frozen=True)
class Answers:
    """What makes this kiosk itself; the rest comes from the site template."""

    template: Path
    kiosk_id: str
    site: str
    printer_url: str
    server_url: str | None
    enrol_code: str | None
    pin_hash: str | None = None  # [technician] pin_hash; None keeps the template's (if any)


_TABLE_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_ARRAY_TABLE_RE = re.compile(r"^\s*\[\[")


def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes (\\" \\\\ \\n \\uXXXX) are all valid TOML ones."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def set_table_values(text: str, table: str, values: Mapping[str, str | None]) -> str:
    """``text`` with single-line ``key = value`` lines of ``[table]`` set (or added after the
    header); a None value removes the key. The table is appended when missing.

    Hand-written because tomllib only reads and tomli-w would drop the template's comments,
    which are the technician's documentation of each key.
    """
    lines = text.splitlines()
    out: list[str] = []
    current: str | None = None
    pending = dict(values)
    header_at: int | None = None
    for line in lines:
        match = _TABLE_RE.match(line)
        if match or _ARRAY_TABLE_RE.match(line):
            current = match.group(1) if match else None
            out.append(line)
            if current == table:
                header_at = len(out)
            continue
        if current == table:
            key = line.split("=", 1)[0].strip() if "=" in line else None
            if key in pending:
                value = pending.pop(key)
                if value is not None:
                    out.append(f"{key} = {value}")
                continue
        out.append(line)
    new_lines = [f"{k} = {v}" for k, v in pending.items() if v is not None]
    if header_at is not None:
        out[header_at:header_at] = new_lines
    elif new_lines:
        out += ["", f"[{table}]", *new_lines]
    return "\n".join(out) + "\n"


def remove_table(text: str, table: str) -> str:
    """``text`` without ``[table]`` and its keys (for a kiosk without a server)."""
    out: list[str] = []
    is_inside = False
    for line in text.splitlines():
        match = _TABLE_RE.match(line)
        if match or _ARRAY_TABLE_RE.match(line):
            is_inside = match is not None and match.group(1) == table
        if not is_inside:
            out.append(line)
    return "\n".join(out) + "\n"


def render_config(template_text: str, answers: Answers, token_file: Path = TOKEN_PATH) -> str:
    """The template with this kiosk's id, site, printer and server filled in."""
    text = set_table_values(
        template_text,
        "kiosk",
        {"id": toml_string(answers.kiosk_id), "site": toml_string(answers.site)},
    )
    text = set_table_values(text, "printer", {"url": toml_string(answers.printer_url)})
    if answers.pin_hash:
        text = set_table_values(text, "technician", {"pin_hash": toml_string(answers.pin_hash)})
    if answers.server_url:
        server = {
            "url": toml_string(answers.server_url),
            "token_file": toml_string(str(token_file)),
        }
        return set_table_values(text, "server", server)
    return remove_table(text, "server")


def validate(text: str, path: Path) -> Config:
    """Validate as ``kiosk run`` will; raises ConfigError naming ``path``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: TOML syntax error: {err}", path=str(path)) from None
    return parse_config(data, path)
