"""The store's tables, and the migrations that bring an older file up to date.

Version 1: counters per (service day, category), tickets unique per (service day, category,
n). Version 2: a printed number is unique per service day whatever the configuration does
(a category renamed, two prefixes swapped mid-day): per-prefix counters, and a unique index
on (service day, number); the old per-category uniqueness is dropped by a table rebuild.
Existing data is kept, duplicates the old bug made are flagged, never deleted. Version 3: a
ticket row says whether it is a priority ticket (``is_priority``, 0 for older rows).
Version 4: the day's appointments and their check-ins.

:func:`create_tables` is the one place that lists every script of the store (this module's,
the report's figures, the appointments): the writer runs it, and :func:`table_names` derives
from it the tables a salvage after corruption copies, so a table added here is salvaged too.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from pathlib import Path

from kiosk.core.numbering import parse_number

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4
BUSY_TIMEOUT_MS = 5000

# The number is unique per service day (an index below), whatever category held it.
TICKETS_COLUMNS = """
    id TEXT PRIMARY KEY,
    service_day TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL,
    number TEXT NOT NULL, language TEXT NOT NULL,
    issued_at TEXT NOT NULL, is_clock_unsure INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('issued', 'printed', 'voided')),
    void_reason TEXT, ended_at TEXT, is_duplicate_number INTEGER NOT NULL DEFAULT 0,
    is_priority INTEGER NOT NULL DEFAULT 0
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS tickets ({TICKETS_COLUMNS});
CREATE TABLE IF NOT EXISTS counters (
    service_day TEXT NOT NULL, category TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, category));
CREATE INDEX IF NOT EXISTS tickets_state ON tickets (state);
CREATE TABLE IF NOT EXISTS prefix_counters (
    service_day TEXT NOT NULL, prefix TEXT NOT NULL, last_n INTEGER NOT NULL,
    PRIMARY KEY (service_day, prefix));
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL,
    created_utc TEXT NOT NULL, boot_id TEXT, mono_ns INTEGER,
    sent_at TEXT, is_rejected INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS events_pending ON events (sent_at, is_rejected, seq);
CREATE TABLE IF NOT EXISTS rejected_events (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL,
    status_code INTEGER NOT NULL, answer TEXT NOT NULL, rejected_at TEXT NOT NULL);
"""

# After the migration (the column it indexes is added there for an older store).
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS tickets_day_number ON tickets (service_day, number)
    WHERE is_duplicate_number = 0;
"""


def schema_scripts() -> tuple[str, ...]:
    """Every ``CREATE ... IF NOT EXISTS`` script of the store, in the order they run."""
    # Imported here: kiosk.store.appointments imports the writer's base, which imports this.
    from kiosk.store import aggregates, appointments

    return (SCHEMA, aggregates.SCHEMA, appointments.SCHEMA)


def create_tables(conn: sqlite3.Connection) -> None:
    """Create whatever table or index of the store is missing (an idempotent script)."""
    for script in schema_scripts():
        conn.executescript(script)


@functools.cache
def table_names() -> tuple[str, ...]:
    """The name of every table the store holds, in creation order: read from the scripts
    themselves, run on an in-memory database, so no list can forget one."""
    conn = sqlite3.connect(":memory:")
    try:
        create_tables(conn)
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    return tuple(r[0] for r in rows)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring a store written by an earlier version to :data:`SCHEMA_VERSION`, keeping its
    data. Version 2: per-prefix counters and a unique index on (service day, number)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else SCHEMA_VERSION
    if row is None:  # a new store
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
    if version < 2:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Version 1 had UNIQUE (service_day, category, n): a renamed category or swapped
            # prefixes need n free of the category. SQLite drops a constraint by a rebuild.
            old = [r[1] for r in conn.execute("PRAGMA table_info(tickets)")]
            names = ", ".join(c for c in old if c not in ("is_duplicate_number", "is_priority"))
            conn.execute(f"CREATE TABLE tickets_v2 ({TICKETS_COLUMNS})")
            conn.execute(f"INSERT INTO tickets_v2 ({names}) SELECT {names} FROM tickets")
            conn.execute("DROP TABLE tickets")
            conn.execute("ALTER TABLE tickets_v2 RENAME TO tickets")
            conn.execute("CREATE INDEX IF NOT EXISTS tickets_state ON tickets (state)")
            # The bug this version fixes may have left the same number twice on a day: keep
            # both rows, flag the later ones, and let the index cover every new ticket.
            dup = conn.execute(
                "UPDATE tickets SET is_duplicate_number = 1 WHERE rowid NOT IN "
                "(SELECT min(rowid) FROM tickets GROUP BY service_day, number)"
            ).rowcount
            best: dict[tuple[str, str], int] = {}
            for day, number in conn.execute("SELECT service_day, number FROM tickets"):
                try:
                    prefix, n = parse_number(number)
                except ValueError:
                    continue
                best[(day, prefix)] = max(best.get((day, prefix), 0), n)
            for (day, prefix), n in best.items():
                conn.execute(
                    "INSERT INTO prefix_counters (service_day, prefix, last_n) VALUES (?, ?, ?) "
                    "ON CONFLICT (service_day, prefix) DO UPDATE SET "
                    "last_n = max(last_n, excluded.last_n)",
                    (day, prefix, n),
                )
            conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        logger.warning(
            "store %s: migrated from schema %d to 2 (%d duplicate number(s) found and kept)",
            path,
            version,
            dup,
        )
        version = 2
    if version < 3:
        _add_priority_column(conn, path)
        version = 3
    if version < 4:
        # Version 4: the day's appointments and their check-ins (kiosk.store.appointments),
        # created by the writer's schema script before this runs; only the version moves.
        from kiosk.store.appointments import SCHEMA as APPOINTMENTS_SCHEMA

        conn.executescript(APPOINTMENTS_SCHEMA)
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        logger.info("store %s: schema %d -> 4 (appointments)", path, version)
    conn.executescript(INDEXES)


def _add_priority_column(conn: sqlite3.Connection, path: Path) -> None:
    """Version 3: the ``is_priority`` column (older tickets were all normal ones). The
    column is looked for rather than trusted from the version number: a rebuild in the
    step before already made it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(tickets)")}
        if "is_priority" not in columns:
            conn.execute("ALTER TABLE tickets ADD COLUMN is_priority INTEGER NOT NULL DEFAULT 0")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    logger.warning("store %s: migrated to schema 3 (priority tickets)", path)
