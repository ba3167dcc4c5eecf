"""The key descriptions (kiosk/config_keys.py), the loader and docs/configuration.md agree:
every key the loader accepts in every section, and in each record of [[categories]] and
[[hours.exceptions]], is described once and documented, and every documented key exists."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import parse_config
from kiosk.config_keys import SECTIONS
from kiosk.core.calendar import WEEKDAYS
from kiosk.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "configuration.md"
MINIMAL: dict[str, Any] = {
    "kiosk": {"id": "k-1", "site": "Mairie"},
    "printer": {"url": "virtual:///tmp/kiosk-doc-test"},
    "server": {"url": "http://127.0.0.1:8080", "token_file": "token"},
    "hours": {"exceptions": [{"from": "2026-12-24", "ranges": []}]},
    "categories": [
        {"id": "a", "prefix": "A", "label": {"fr": "A"}, "hours": {"monday": ["09:00-10:00"]}}
    ],
    "priority": {"categories": ["a"]},
}
# Where each described table is: its place in the configuration (a section, or a record of
# an array of tables), and its table in the documentation (the heading, the n-th table under
# it). A category's own hours are documented by the weekday row of [hours].
PLACES: dict[str, tuple[tuple[str | int, ...], str, int]] = {
    "kiosk": (("kiosk",), "[kiosk]", 0),
    "printer": (("printer",), "[printer]", 0),
    "server": (("server",), "[server]", 0),
    "hours": (("hours",), "[hours]", 0),
    "hours.exceptions": (("hours", "exceptions", 0), "[hours]", 1),
    "categories": (("categories", 0), "[[categories]]", 0),
    "categories.hours": (("categories", 0, "hours"), "[hours]", 0),
    "priority": (("priority",), "[priority]", 0),
    "display": (("display",), "[display]", 0),
    "survey": (("survey",), "[survey]", 0),
    "technician": (("technician",), "[technician]", 0),
    "gpio": (("gpio",), "[gpio]", 0),
    "speech": (("speech",), "[speech]", 0),
    "keypad": (("keypad",), "[keypad]", 0),
    "appointments": (("appointments",), "[appointments]", 0),
}


def documented_keys(heading: str, table: int) -> set[str]:
    """The keys named in the first column of the heading's n-th table in the documentation
    (`monday` … `sunday` stands for the seven days, `[[hours.exceptions]]` for the key
    `exceptions`)."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## `{re.escape(heading)}`.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/configuration.md has no ## `{heading}` section"
    tables: list[set[str]] = []
    in_table = False
    for line in match[1].splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        if not in_table:
            tables.append(set())
            in_table = True
        if line.startswith("| `"):
            cell = line.split("|")[1]
            if re.search(r"`monday` … `sunday`", cell):
                tables[-1].update(WEEKDAYS)
            tables[-1].update(re.findall(r"`\[\[[a-z_]+\.([a-z_]+)\]\]`", cell))
            tables[-1].update(re.findall(r"`([a-z0-9_]+)`", cell))
    assert len(tables) > table, f"docs/configuration.md: ## `{heading}` has no table {table}"
    return tables[table]


def loader_keys(place: tuple[str | int, ...], tmp_path: Path) -> set[str]:
    """The keys the loader reads at ``place``, from its unknown-key message."""
    data = copy.deepcopy(MINIMAL)
    node: Any = data
    for step in place[:-1]:
        node = node[step]
    last = place[-1]
    if isinstance(node, dict):
        node.setdefault(last, {})
    node[last]["zz_not_a_key"] = 1
    with pytest.raises(ConfigError) as err:
        parse_config(data, tmp_path / "kiosk.toml")
    assert "zz_not_a_key" in str(err.value), str(err.value)
    known = re.search(r"\(known keys: ([^)]*)\)", str(err.value))
    assert known, str(err.value)
    return set(known[1].split(", "))


def test_every_described_table_has_a_place() -> None:
    assert set(PLACES) == set(SECTIONS)


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_key_is_described_and_documented(section: str, tmp_path: Path) -> None:
    place, heading, table = PLACES[section]
    described = set(SECTIONS[section])
    read = loader_keys(place, tmp_path)
    documented = documented_keys(heading, table)
    if section == "categories.hours":
        documented &= set(WEEKDAYS)
    assert read == described, (
        f"[{section}]: the loader reads {sorted(read - described)} without a description in "
        f"kiosk/config_keys.py, or describes {sorted(described - read)} it never reads"
    )
    assert described <= documented, (
        f"[{section}] {sorted(described - documented)}: not in docs/configuration.md"
    )
    assert documented <= read, (
        f"[{section}] {sorted(documented - read)}: documented but unknown to the loader"
    )


def test_every_description_has_its_name() -> None:
    for keys in SECTIONS.values():
        for name, key in keys.items():
            assert key.name == name
            assert key.expected
