"""The durable store: one SQLite file holding counters, tickets and the event outbox.

A ticket's number, its row and its ``ticket.issued`` event are committed in ONE transaction
(WAL journal, ``synchronous=FULL``, so a commit survives a power cut) before any byte goes
to the printer; ``ticket.printed`` or ``ticket.voided`` follows in a second one. A unique
index on (service day, number) makes a duplicate printed number impossible even if the code
above were wrong. Events get their ``seq`` from an AUTOINCREMENT key, which SQLite never
reuses, even after rows are pruned.

By idea: :mod:`.schema` (tables, migrations), :mod:`.issuing` (numbers, ticket ends, a
service day moved back), :mod:`.outbox`, :mod:`.meta`, :mod:`.retention`, :mod:`.recovery`
(a corrupted file moved aside, what it held salvaged), :mod:`.outcomes` (the journal of
ticket ends a locked database could not take), :mod:`.writer` (:class:`Store`, which only the
running kiosk opens) and :mod:`.reader` (:class:`StoreReader`, read-only, for ``status``,
``selftest`` and the nightly maintenance).
"""

from kiosk.store.issuing import CapReached, NumberingSuspended
from kiosk.store.outcomes import Outcome
from kiosk.store.reader import (
    DB_NAME,
    OutboxEvent,
    RejectedEvent,
    StoreReader,
    Ticket,
    sqlite_uri,
)
from kiosk.store.schema import BUSY_TIMEOUT_MS, SCHEMA_VERSION
from kiosk.store.writer import Store

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "SCHEMA_VERSION",
    "CapReached",
    "NumberingSuspended",
    "OutboxEvent",
    "Outcome",
    "RejectedEvent",
    "Store",
    "StoreReader",
    "Ticket",
    "sqlite_uri",
]
