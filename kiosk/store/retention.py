"""Retention: old delivered events and ended tickets go; nothing that keeps a number from
repeating (a counter, today's rows), nor anything unsent, ever does."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from kiosk.store import aggregates
from kiosk.store.transactions import WriterBase

logger = logging.getLogger(__name__)


class Retention(WriterBase):
    """Pruning (part of :class:`kiosk.store.Store`)."""

    def prune(
        self, *, retention_days: int, report_retention_days: int | None = None
    ) -> tuple[int, int]:
        """Delete delivered events and ended tickets more than ``retention_days`` before the
        last service day recorded; returns (tickets, events) deleted.

        The cut-off never comes from the clock, which may be months ahead after a bad
        start: the current service day and later ones are never touched, no counter is ever
        removed (they are what keeps a number from being issued twice), and neither is an
        unsent event nor a ticket whose events are unsent. The report's daily figures are
        kept ``report_retention_days`` (counted the same way), when given.
        """
        with self._tx() as conn:
            last = self._meta(conn, "last_service_day")
            if last is None:
                return 0, 0
            cutoff_day = dt.date.fromisoformat(last) - dt.timedelta(days=retention_days)
            cutoff_utc = dt.datetime.combine(
                cutoff_day, dt.time(), tzinfo=zoneinfo.ZoneInfo(self.timezone)
            ).astimezone(dt.UTC)
            t = conn.execute(
                "DELETE FROM tickets WHERE state != 'issued' AND service_day < ? "
                "AND id NOT IN (SELECT json_extract(data, '$.ticket_id') FROM events "
                "WHERE sent_at IS NULL AND json_extract(data, '$.ticket_id') IS NOT NULL)",
                (cutoff_day.isoformat(),),
            ).rowcount
            e = conn.execute(
                "DELETE FROM events WHERE sent_at IS NOT NULL AND created_utc < ?",
                (cutoff_utc.isoformat(),),
            ).rowcount
            if report_retention_days is not None:
                report_cutoff = dt.date.fromisoformat(last) - dt.timedelta(
                    days=report_retention_days
                )
                aggregates.prune(conn, before_day=report_cutoff)
        if t or e:
            logger.info("pruned %d tickets and %d delivered events before %s", t, e, cutoff_day)
        return t, e
