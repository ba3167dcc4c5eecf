"""The key descriptions (kiosk/config_keys.py), the loader and docs/configuration.md agree:
every key the loader accepts in [kiosk], [printer], [server], [display] and [technician] is
described once and documented, and every documented key exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.config import parse_config
from kiosk.config_keys import SECTIONS
from kiosk.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "configuration.md"
MINIMAL = {
    "kiosk": {"id": "k-1", "site": "Mairie"},
    "printer": {"url": "virtual:///tmp/kiosk-doc-test"},
    "server": {"url": "http://127.0.0.1:8080", "token_file": "token"},
    "categories": [{"id": "a", "prefix": "A", "label": {"fr": "A"}}],
}


def documented_keys(section: str) -> set[str]:
    """The keys named in the first column of the section's table in the documentation."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## `\[{section}\]`.*?$(.*?)(?=^## )", text, re.M | re.S)
    assert match, f"docs/configuration.md has no ## `[{section}]` section"
    keys: set[str] = set()
    for line in match[1].splitlines():
        if line.startswith("| `"):
            keys.update(re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]))
    return keys


def loader_keys(section: str, tmp_path: Path) -> set[str]:
    """The keys the loader reads in ``section``, from its unknown-key message."""
    data = {name: (dict(v) if isinstance(v, dict) else v) for name, v in MINIMAL.items()}
    data.setdefault(section, {})["zz_not_a_key"] = 1
    with pytest.raises(ConfigError) as err:
        parse_config(data, tmp_path / "kiosk.toml")
    known = re.search(r"\(known keys: ([^)]*)\)", str(err.value))
    assert known, str(err.value)
    return set(known[1].split(", "))


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_key_is_described_and_documented(section: str, tmp_path: Path) -> None:
    described = set(SECTIONS[section])
    read = loader_keys(section, tmp_path)
    documented = documented_keys(section)
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
