"""The outcome journal: a ticket's end (printed or voided) that the database could not take.

When the printer has accepted a ticket but SQLite refuses the write at that moment (another
process holds the lock past the short wait, a disk hiccup), dropping the outcome would void
a ticket the visitor holds at the next start, and tell the server its number is void. So the
controller keeps the outcome in memory and retries it, and also appends it to this small
file beside the database (one JSON object a line, fsync'd), which the next start replays
before voiding what a crash interrupted. Lines are idempotent: a ticket ends only once.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.errors import StoreError

logger = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".outcomes"


@dataclass(frozen=True)
class Outcome:
    """How a ticket ended: ``state`` printed or voided (then ``reason``), at ``at_utc``."""

    ticket_id: str
    state: str
    reason: str | None
    at_utc: str


class OutcomeJournal:
    """Append-only lines at ``path``; :meth:`read` skips a torn last line."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"<OutcomeJournal {self.path} {'present' if self.path.exists() else 'empty'}>"

    def append(self, outcome: Outcome) -> None:
        """Durably add one outcome. Raises StoreError when the disk refuses it."""
        line = json.dumps(outcome.__dict__, ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as err:
            raise StoreError(f"outcome journal {self.path}: {err.strerror}") from None

    def read(self) -> list[Outcome]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as err:
            raise StoreError(f"outcome journal {self.path}: {err.strerror}") from None
        outcomes = []
        for line in text.splitlines():
            try:
                d = json.loads(line)
                outcomes.append(Outcome(d["ticket_id"], d["state"], d.get("reason"), d["at_utc"]))
            except (ValueError, KeyError, TypeError):
                logger.warning("outcome journal %s: unreadable line skipped: %r", self.path, line)
        return outcomes

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as err:
            raise StoreError(f"outcome journal {self.path}: {err.strerror}") from None
