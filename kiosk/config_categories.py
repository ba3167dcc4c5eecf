"""The ``[[categories]]`` records and the ``[priority]`` section that names some of them.

Each record's keys are described in kiosk/config_keys.py (``CATEGORY``); here are the rules
between records that a description cannot say: ids and prefixes used once, a parent listed
before its children and never itself a child, a prefix for every category that gives a
ticket, and at most :data:`MAX_CATEGORIES_PER_SCREEN` buttons on one screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.config_calendar import parse_weekly
from kiosk.config_keys import CATEGORY, LABEL_MAX_CHARS, PREFIX_EXPECTED, PRIORITY, fetch, read
from kiosk.config_reader import TableReader
from kiosk.core.calendar import WeeklyHours
from kiosk.core.errors import ConfigError
from kiosk.core.settings import CategoryConfig, KioskSection, PrioritySection

# More buttons than this on one screen make touch targets smaller than 15 mm on the 7"
# 800x480 panel (measured: 19 top-level categories do; the limit leaves room for a banner).
MAX_CATEGORIES_PER_SCREEN = 16


def parse_categories(
    path: Path, tables: list[Any], kiosk: KioskSection
) -> tuple[CategoryConfig, ...]:
    """Every ``[[categories]]`` table, in the file's order, then the rules across them."""
    out: list[CategoryConfig] = []
    for i, table in enumerate(tables, start=1):
        out.append(_parse_category(TableReader(path, f"categories #{i}", table), kiosk, out))
    _check_screens(path, out)
    return tuple(out)


def _parse_category(
    r: TableReader, kiosk: KioskSection, before: list[CategoryConfig]
) -> CategoryConfig:
    """One record; ``before`` are the categories listed before it."""
    cid = read(r, CATEGORY["id"])
    if any(c.id == cid for c in before):
        r.fail("id", cid, "an id not used by another category")
    parent = fetch(r, CATEGORY["parent"])
    if parent is not None and not any(c.id == parent for c in before):
        r.fail("parent", parent, CATEGORY["parent"].expected)
    if parent is not None and any(c.id == parent and c.parent for c in before):
        r.fail(
            "parent",
            parent,
            "the id of a top-level category (a sub-category cannot have sub-categories)",
        )
    prefix = read(r, CATEGORY["prefix"])
    if prefix is not None and any(c.prefix == prefix for c in before):
        r.fail("prefix", prefix, "a prefix not used by another category")
    default = kiosk.default_language
    label = fetch(r, CATEGORY["label"], lang=default)
    if default not in label:
        r.fail("label", label, f'a label in the default language "{default}"')
    for lang, text in label.items():
        if not isinstance(text, str) or not text.strip():
            r.fail(f"label.{lang}", text, "a non-empty string")
        label[lang] = r.check_text(f"label.{lang}", text, LABEL_MAX_CHARS)
    cap = read(r, CATEGORY["cap"])
    pictogram = fetch(r, CATEGORY["pictogram"])
    hours_table = fetch(r, CATEGORY["hours"])
    cat_hours: WeeklyHours | None = None
    cat_hours_text: dict[str, tuple[str, ...]] = {}
    if hours_table is not None:
        hr = TableReader(r.path, f"{r.section} hours", hours_table)
        cat_hours, cat_hours_text = parse_weekly(hr)
        hr.finish()
    discreet = fetch(r, CATEGORY["discreet"])
    spoken = fetch(r, CATEGORY["spoken_label"])
    for lang, text in spoken.items():
        if lang not in kiosk.languages or not isinstance(text, str) or not text.strip():
            r.fail(f"spoken_label.{lang}", text, "a non-empty string for a configured language")
    subtitle = fetch(r, CATEGORY["subtitle"])
    for lang, text in subtitle.items():
        if lang not in kiosk.languages or not isinstance(text, str) or not text.strip():
            r.fail(f"subtitle.{lang}", text, "a non-empty string for a configured language")
        subtitle[lang] = r.check_text(f"subtitle.{lang}", text, LABEL_MAX_CHARS)
    r.finish()
    return CategoryConfig(
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


def _check_screens(path: Path, categories: list[CategoryConfig]) -> None:
    """At most :data:`MAX_CATEGORIES_PER_SCREEN` on each screen; a prefix for each category
    that gives a ticket (a parent only groups its children, so needs none)."""
    parents = {c.parent for c in categories if c.parent}
    for group in (None, *sorted(parents)):
        shown = [c.id for c in categories if c.parent == group]
        if len(shown) > MAX_CATEGORIES_PER_SCREEN:
            where = "top-level categories" if group is None else f"sub-categories of {group}"
            raise ConfigError(
                f"{path}: [[categories]]: {len(shown)} {where}: expected at most "
                f"{MAX_CATEGORIES_PER_SCREEN} on one screen (more make buttons smaller than "
                "15 mm); group some under a parent category",
                path=str(path),
                key="[[categories]]",
            )
    for i, c in enumerate(categories, start=1):
        if c.id not in parents and not c.prefix:
            raise ConfigError(
                f"{path}: [categories #{i}] prefix is missing: expected {PREFIX_EXPECTED}",
                path=str(path),
                key=f"[categories #{i}] prefix",
            )


def parse_priority(r: TableReader, categories: tuple[CategoryConfig, ...]) -> PrioritySection:
    """``[priority] categories``: ticket category ids that offer a priority ticket, or
    ``["*"]`` for all of them."""
    parents = {c.parent for c in categories if c.parent}
    ticket_ids = [c.id for c in categories if c.id not in parents]
    key = PRIORITY["categories"]
    expected = key.expected.format(ids=", ".join(ticket_ids))
    ids = fetch(r, key, ids=", ".join(ticket_ids))
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
