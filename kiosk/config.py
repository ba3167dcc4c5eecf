"""The kiosk's configuration: a TOML file read once at start-up, validated strictly.

Unknown keys are errors, because a typo must never fall back silently to a default. Each
error is one line naming the file, the section and key, the bad value and what is expected.
Relative paths are relative to the configuration file's folder.

Here: where the file is, reading and decoding it, and putting its sections together. Every
key is described in kiosk/config_keys.py and read through kiosk/config_reader.py; the
sections are parsed in kiosk/config_sections.py (the flat ones), kiosk/config_calendar.py
([hours]), kiosk/config_categories.py ([[categories]], [priority]) and
kiosk/config_devices.py ([gpio], [speech], [keypad]).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config_calendar import parse_hours
from kiosk.config_categories import MAX_CATEGORIES_PER_SCREEN, parse_categories, parse_priority
from kiosk.config_devices import parse_gpio, parse_keypad, parse_speech
from kiosk.config_keys import ID_RE, LABEL_MAX_CHARS, PREFIX_RE
from kiosk.config_reader import TableReader
from kiosk.config_sections import (
    LANG_RE,
    catalog_languages,
    parse_appointments,
    parse_display,
    parse_kiosk,
    parse_printer,
    parse_server,
    parse_survey,
    parse_technician,
)
from kiosk.core.errors import ConfigError
from kiosk.core.settings import Config

# Names other modules and tests import from here.
__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ID_RE",
    "LABEL_MAX_CHARS",
    "LANG_RE",
    "MAX_CATEGORIES_PER_SCREEN",
    "PREFIX_RE",
    "bundled_config_dir",
    "catalog_languages",
    "default_config_path",
    "demo_config_path",
    "load_config",
    "load_config_data",
    "parse_config",
]

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
    top = TableReader(path, "top level", dict(data))
    kiosk = parse_kiosk(TableReader(path, "kiosk", top.get("kiosk", dict, "a [kiosk] table")))
    printer = parse_printer(
        TableReader(path, "printer", top.get("printer", dict, "a [printer] table")), kiosk
    )
    server_table = top.get("server", dict, "a [server] table", None)
    server = (
        parse_server(TableReader(path, "server", server_table))
        if server_table is not None
        else None
    )
    hours_table = top.get("hours", dict, "an [hours] table", {})
    calendar, hours_text = parse_hours(
        TableReader(path, "hours", hours_table),
        languages=kiosk.languages,
        make_reader=lambda section, table: TableReader(path, section, table),
    )
    cats = top.get("categories", list, "one [[categories]] table or more", None)
    if not cats:
        top.fail("categories", cats or [], "at least one [[categories]] table")
    categories = parse_categories(path, cats, kiosk)
    display = parse_display(TableReader(path, "display", top.get("display", dict, "a table", {})))
    technician = parse_technician(
        TableReader(path, "technician", top.get("technician", dict, "a table", {}))
    )
    gpio = parse_gpio(TableReader(path, "gpio", top.get("gpio", dict, "a table", {})), categories)
    speech_table = top.get("speech", dict, "a [speech] table", None)
    speech = (
        parse_speech(TableReader(path, "speech", speech_table), kiosk) if speech_table else None
    )
    keypad = parse_keypad(TableReader(path, "keypad", top.get("keypad", dict, "a table", {})), gpio)
    priority_table = top.get("priority", dict, "a [priority] table", None)
    priority = (
        parse_priority(TableReader(path, "priority", priority_table), categories)
        if priority_table is not None
        else None
    )
    appointments_table = top.get("appointments", dict, "an [appointments] table", None)
    appointments = (
        parse_appointments(TableReader(path, "appointments", appointments_table))
        if appointments_table is not None
        else None
    )
    survey = parse_survey(TableReader(path, "survey", top.get("survey", dict, "a table", {})))
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
