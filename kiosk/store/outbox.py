"""The event outbox: events committed locally, then marked accepted or set aside as
rejected by the sync worker. ``seq`` comes from an AUTOINCREMENT key, which SQLite never
reuses, even after rows are pruned."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kiosk.store.reader import OutboxEvent
from kiosk.store.transactions import WriterBase

logger = logging.getLogger(__name__)


class Outbox(WriterBase):
    """Writing the outbox (part of :class:`kiosk.store.Store`; its reads are shared)."""

    def append_event(self, type: str, data: dict[str, Any]) -> OutboxEvent:
        """Commit one event (kiosk.started, heartbeat, printer.status...) in its own transaction."""
        with self._tx() as conn:
            return self._insert_event(conn, type, data)

    def mark_accepted(self, event_ids: Iterable[str]) -> int:
        ids = list(event_ids)
        if not ids:
            return 0
        now = self.clock.now_utc().isoformat()
        changed = 0
        with self._tx() as conn:
            for event_id in ids:
                cur = conn.execute(
                    "UPDATE events SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                    (now, event_id),
                )
                changed += cur.rowcount
        return changed

    def mark_rejected(self, event: OutboxEvent, *, status_code: int, answer: str) -> None:
        """Set an event the server refused as malformed aside, keeping it and the answer."""
        now = self.clock.now_utc().isoformat()
        with self._tx() as conn:
            conn.execute("UPDATE events SET is_rejected = 1 WHERE id = ?", (event.id,))
            conn.execute(
                "INSERT OR REPLACE INTO rejected_events (id, seq, type, status_code, answer, "
                "rejected_at) VALUES (?, ?, ?, ?, ?, ?)",
                (event.id, event.seq, event.type, status_code, answer[:4000], now),
            )
        logger.error(
            "event seq %d (%s, id %s) rejected by the server with %d: %s; set aside",
            event.seq,
            event.type,
            event.id,
            status_code,
            answer[:200],
        )

    def requeue_rejected(self) -> int:
        """Put every set-aside event back in the outbox (a technician's ``kiosk
        requeue-rejected``, after fixing the server or proxy); returns how many. They go
        first, in seq order; one refused again is set aside again."""
        with self._tx() as conn:
            count = conn.execute(
                "UPDATE events SET is_rejected = 0 WHERE is_rejected = 1 AND sent_at IS NULL"
            ).rowcount
            conn.execute("DELETE FROM rejected_events")
        if count:
            logger.warning("%d set-aside event(s) put back in the outbox", count)
        return count
