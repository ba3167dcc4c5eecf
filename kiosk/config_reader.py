"""The reader of one table of the configuration, and the style of its messages.

Every section parser (kiosk/config.py and its kiosk/config_<topic>.py) reads through a
:class:`TableReader`: it records which keys were read, so that :meth:`TableReader.finish`
reports an unknown key (a typo must never fall back silently to a default), and each error is
one line naming the file, the section and key, the bad value as TOML writes it (:func:`show`)
and what is expected.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from kiosk.config_keys import resolve_path
from kiosk.core.errors import ConfigError
from kiosk.core.text import clean_text

SHOWN_MAX_CHARS = 60  # of a bad value in an error message


class TableReader:
    """Reads one TOML table, recording which keys were used, to report unknown ones."""

    def __init__(self, path: Path, section: str, table: Any):
        self.path = path
        self.section = section
        if not isinstance(table, dict):
            self.fail(None, table, "a table")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def fail(self, key: str | None, value: Any, expected: str) -> None:
        where = f"[{self.section}]" + (f" {show_key(key)}" if key else "")
        shown = show(value)
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
                hint = f" (found {show(near[0])}: a typo?)" if near else ""
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

    def path_value(self, key: str, expected: str, default: Any = ...) -> Path | None:
        value = self.get(key, str, expected, default)
        if value is None:
            return None
        if not value:
            self.fail(key, value, expected)
        return resolve_path(self.path, value)

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
                f"{self.path}: [{self.section}] {show_key(key)} = {show(self.table[key])}: "
                f"unknown key (known keys: {known}); check its spelling",
                path=str(self.path),
                key=f"[{self.section}] {key}",
            )


def show(value: Any, depth: int = 0) -> str:
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
        items = [f"{show_key(k)} = {show(v, depth + 1)}" for k, v in list(value.items())[:8]]
        return "{" + ", ".join(items) + (", …" if len(value) > 8 else "") + "}"
    if isinstance(value, list):
        items = [show(v, depth + 1) for v in value[:8]]
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


def show_key(key: str) -> str:
    """A key as written in the file: bare when it can be, else quoted and escaped."""
    return key if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) else show(key)
