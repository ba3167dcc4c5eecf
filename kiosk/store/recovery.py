"""Recovering what a corrupted store still holds, so that no number is ever issued twice.

When the database file is corrupted (an SD card failing, a write torn by a power cut on a
card that lies about flushes), the store moves it aside and starts a new one. A new store
alone would restart today's numbering at 001 and the event seq at 1, repeating numbers the
visitors already hold. So every row still readable, of every table of the schema
(:func:`kiosk.store.schema.table_names`: tickets, events, counters, the report's figures, the
day's appointments and check-ins, events set aside), is copied into the new store, and the
day's counters are rebuilt from whichever of counters, tickets and events survived. When
they cannot be rebuilt, numbering is suspended until the next service day: an out-of-order
screen for a day is better than two visitors holding the same number.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.numbering import parse_number
from kiosk.core.service_day import local_now
from kiosk.store.schema import table_names
from kiosk.store.transactions import WriterBase

logger = logging.getLogger(__name__)


@dataclass
class Salvage:
    """Rows read back from a corrupted database, table by table."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    max_seq: int = 0
    failed_tables: list[str] = field(default_factory=list)

    @property
    def has_counters(self) -> bool:
        return not {"counters", "prefix_counters", "meta"} & set(self.failed_tables)

    def prefix_counters(self) -> dict[tuple[str, str], int]:
        """The highest number per (service day, prefix) any surviving table shows: what keeps
        a printed number from coming twice, whatever category held it."""
        best: dict[tuple[str, str], int] = {}

        def see(day: str, number: str) -> None:
            try:
                prefix, n = parse_number(number)
            except (ValueError, TypeError):
                return
            best[(day, prefix)] = max(best.get((day, prefix), 0), n)

        for day, prefix, n in self._select("prefix_counters", ("service_day", "prefix", "last_n")):
            best[(day, prefix)] = max(best.get((day, prefix), 0), int(n))
        for day, number in self._select("tickets", ("service_day", "number")):
            see(day, number)
        for type_, data in self._select("events", ("type", "data")):
            if type_ != "ticket.issued":
                continue
            try:
                d = json.loads(data)
                see(d["service_day"], d["number"])
            except (ValueError, KeyError, TypeError):
                continue
        return best

    def counters(self) -> dict[tuple[str, str], int]:
        """The highest counter per (service day, category) any surviving table shows."""
        best: dict[tuple[str, str], int] = {}

        def see(day: str, category: str, n: int) -> None:
            key = (day, category)
            best[key] = max(best.get(key, 0), int(n))

        for day, category, n in self._select("counters", ("service_day", "category", "last_n")):
            see(day, category, n)
        for day, category, n in self._select("tickets", ("service_day", "category", "n")):
            see(day, category, n)
        for type_, data in self._select("events", ("type", "data")):
            if type_ != "ticket.issued":
                continue
            try:
                d = json.loads(data)
                digits = "".join(ch for ch in d["number"] if ch.isdigit())
                see(d["service_day"], d["category"], int(digits))
            except (ValueError, KeyError, TypeError):
                continue
        return best

    def _select(self, table: str, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        cols = self.columns.get(table)
        if not cols or not all(n in cols for n in names):
            return []
        idx = [cols.index(n) for n in names]
        return [tuple(row[i] for i in idx) for row in self.rows.get(table, [])]


def read_salvage(path: Path) -> Salvage:
    """Read every row that can still be read from the database at ``path`` (read-only)."""
    salvage = Salvage()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error as err:
        logger.error("salvage %s: cannot open (%s)", path, err)
        salvage.failed_tables = list(table_names())
        return salvage
    try:
        for table in table_names():
            rows: list[tuple[Any, ...]] = []
            try:
                cur = conn.execute(f"SELECT * FROM {table}")
                salvage.columns[table] = [d[0] for d in cur.description]
                # Row by row: a damaged page ends the scan, the rows before it are kept.
                while True:
                    row = cur.fetchone()
                    if row is None:
                        break
                    rows.append(row)
            except sqlite3.Error as err:
                if not rows and "no such table" in str(err):
                    continue  # written by an older version that had no such table
                logger.error(
                    "salvage %s: table %s read %d rows, then: %s", path, table, len(rows), err
                )
                salvage.failed_tables.append(table)
            salvage.rows[table] = rows
        try:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
            salvage.max_seq = int(row[0]) if row else 0
        except sqlite3.Error:
            pass
        seqs = salvage._select("events", ("seq",))
        if seqs:
            salvage.max_seq = max(salvage.max_seq, max(int(s[0]) for s in seqs))
    finally:
        conn.close()
    return salvage


def restore(conn: sqlite3.Connection, salvage: Salvage) -> None:
    """Copy the salvaged rows into a new, empty store (inside the caller's transaction)."""
    for table in table_names():
        cols = salvage.columns.get(table)
        if not cols:
            continue
        target = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        keep = [i for i, c in enumerate(cols) if c in target]
        names = ", ".join(cols[i] for i in keep)
        marks = ", ".join("?" for _ in keep)
        for row in salvage.rows.get(table, []):
            conn.execute(
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})",
                tuple(row[i] for i in keep),
            )
    for (day, category), n in salvage.counters().items():
        conn.execute(
            "INSERT INTO counters (service_day, category, last_n) VALUES (?, ?, ?) "
            "ON CONFLICT (service_day, category) DO UPDATE SET last_n = max(last_n, excluded.last_n)",
            (day, category, n),
        )
    for (day, prefix), n in salvage.prefix_counters().items():
        conn.execute(
            "INSERT INTO prefix_counters (service_day, prefix, last_n) VALUES (?, ?, ?) "
            "ON CONFLICT (service_day, prefix) DO UPDATE SET last_n = max(last_n, excluded.last_n)",
            (day, prefix, n),
        )
    if salvage.max_seq:
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'events'")
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)", (salvage.max_seq,)
        )


class Recovery(WriterBase):
    """Moving a corrupted file aside and starting anew from what it held (part of
    :class:`kiosk.store.Store`; only the running kiosk does this)."""

    def _connect(self, *, may_create: bool = True) -> None:
        raise NotImplementedError  # the writer's

    def close(self) -> None:
        raise NotImplementedError  # the writer's

    def _recover_from(self, aside: Path) -> None:
        """Start a new store holding every row still readable in ``aside``; when today's
        counters cannot be trusted, suspend numbering until the next service day."""
        salvage = read_salvage(aside)
        self._connect()
        with self._tx() as conn:
            restore(conn, salvage)
            self._set_meta(conn, "recovered_from", str(aside))
            if not salvage.has_counters:
                today = local_now(self.clock.now_utc(), self.timezone).date().isoformat()
                last = self._meta(conn, "last_service_day") or today
                suspended = max(today, last)
                self._set_meta(conn, "numbering_suspended_day", suspended)
                self._set_meta(conn, "last_service_day", suspended)
                logger.critical(
                    "store %s: counters lost with the corrupted file; numbering suspended for "
                    "service day %s so that no number is issued twice",
                    self.path,
                    suspended,
                )
        counts = sum(len(v) for v in salvage.rows.values())
        logger.error(
            "store %s: recovered %d rows from %s (unreadable: %s)",
            self.path,
            counts,
            aside,
            ", ".join(salvage.failed_tables) or "none",
        )
        self.close()

    def _move_aside(self) -> Path:
        stamp = self.clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(aside) + suffix))
        logger.error("store %s: corrupted database moved aside to %s", self.path, aside)
        return aside
