"""The sync worker's memory across restarts, kept in the store's meta table.

The attempt count, the next attempt time, the last success, the last error and whether the
token was refused are saved as text under ``sync.*`` keys, so a restarted kiosk neither
hammers a struggling server (the backoff goes on where it was) nor forgets it was failing
(technicians still see the error). ``kiosk status`` reads the same keys while the kiosk is
stopped. Times are saved as ISO 8601 wall-clock times because monotonic time does not
survive a reboot; :class:`kiosk.sync.service.SyncService` turns them back into its own
monotonic schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

META_ATTEMPTS = "sync.attempts"
META_NEXT_ATTEMPT_AT = "sync.next_attempt_at"
META_LAST_SUCCESS_AT = "sync.last_success_at"
META_LAST_ERROR = "sync.last_error"
META_AUTH_FAILED = "sync.is_auth_failed"


class MetaStore(Protocol):
    """The key/value part of :class:`kiosk.store.Store`; both raise StoreError on failure."""

    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str | None) -> None: ...


class StatusStore(MetaStore, Protocol):
    """What ``kiosk status`` reads of the store to describe sync."""

    def rejected_events(self) -> list[Any]: ...
    def outbox_depth(self) -> int: ...
    def oldest_pending_created_at(self) -> dt.datetime | None: ...


@dataclass(frozen=True)
class SavedBackoff:
    """The sync state as last saved; defaults mean "nothing saved" (a fresh kiosk)."""

    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    last_error: str | None = None
    is_auth_failed: bool = False


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def load_backoff(store: MetaStore) -> SavedBackoff:
    """The saved state; unreadable values count as absent. Store errors propagate."""
    attempts = store.get_meta(META_ATTEMPTS)
    next_at = _parse_time(store.get_meta(META_NEXT_ATTEMPT_AT))
    last_ok = _parse_time(store.get_meta(META_LAST_SUCCESS_AT))
    last_error = store.get_meta(META_LAST_ERROR)
    is_auth_failed = store.get_meta(META_AUTH_FAILED) == "1"
    return SavedBackoff(
        attempts=int(attempts) if attempts and attempts.isdigit() else 0,
        next_attempt_at=next_at,
        last_success_at=last_ok,
        last_error=last_error,
        is_auth_failed=is_auth_failed,
    )


def failure_values(
    *, attempts: int, next_attempt_at: dt.datetime, error: str, is_auth_failed: bool
) -> dict[str, str | None]:
    """The keys to save after a failed step (None removes a key)."""
    return {
        META_ATTEMPTS: str(attempts),
        META_NEXT_ATTEMPT_AT: next_attempt_at.isoformat(),
        META_LAST_ERROR: error,
        META_AUTH_FAILED: "1" if is_auth_failed else None,
    }


def success_values(*, last_success_at: dt.datetime, was_failing: bool) -> dict[str, str | None]:
    """The keys to save after a successful step; the failure keys go once it was failing."""
    values: dict[str, str | None] = {META_LAST_SUCCESS_AT: last_success_at.isoformat()}
    if was_failing:
        values.update(
            {
                META_ATTEMPTS: None,
                META_NEXT_ATTEMPT_AT: None,
                META_LAST_ERROR: None,
                META_AUTH_FAILED: None,
            }
        )
    return values


def save_values(store: MetaStore, values: dict[str, str | None]) -> None:
    """Write ``values`` to the meta table. Store errors propagate."""
    for key, value in values.items():
        store.set_meta(key, value)


def sync_status_from_store(store: StatusStore, *, now_utc: dt.datetime | None = None) -> dict:
    """What ``kiosk status`` prints about sync, read from the store alone (the kiosk may be
    stopped): outbox depth, age of the oldest unsent event, last success, last error,
    rejected count, and the next attempt time while backing off."""
    now = now_utc or dt.datetime.now(dt.UTC)
    oldest = store.oldest_pending_created_at()
    return {
        "outbox_depth": store.outbox_depth(),
        "oldest_pending_at": oldest.isoformat() if oldest else None,
        "oldest_pending_age_s": round((now - oldest).total_seconds()) if oldest else None,
        "last_success_at": store.get_meta(META_LAST_SUCCESS_AT),
        "last_error": store.get_meta(META_LAST_ERROR),
        "is_auth_failed": store.get_meta(META_AUTH_FAILED) == "1",
        "next_attempt_at": store.get_meta(META_NEXT_ATTEMPT_AT),
        "rejected_count": len(store.rejected_events()),
    }
