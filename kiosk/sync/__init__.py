"""Where an event leaves the building: the outbox is sent to the central queue server.

- :mod:`kiosk.sync.protocol`: protocol v1's schema and validation, pure and standard library
  only; the development queue server (the top-level :mod:`stubserver` package) shares it;
- :mod:`kiosk.sync.client`: one HTTP session speaking protocol v1 (contract, section 4);
- :mod:`kiosk.sync.service`: the worker thread that drains the outbox, sends heartbeats and
  polls the queue state, so the screen never waits for the network;
- :mod:`kiosk.sync.backoff_state`: the worker's backoff and last success, kept in the store so
  they survive restarts (and ``kiosk status`` reads them while the kiosk is stopped);
- :mod:`kiosk.sync.backoff` and :mod:`kiosk.sync.state`: the pure parts (retry delays, the
  server's queue state).

The names below are imported on first use, so ``import kiosk.sync.protocol`` (what the stub
server does) loads neither requests nor the kiosk's configuration.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.sync.backoff import BackoffPolicy, parse_retry_after
    from kiosk.sync.backoff_state import sync_status_from_store
    from kiosk.sync.client import (
        PostResult,
        ServerBusyError,
        ServerClient,
        read_token,
        write_token,
    )
    from kiosk.sync.service import SyncService, SyncStatus
    from kiosk.sync.state import QueueState, parse_state

_WHERE = {
    "BackoffPolicy": "backoff",
    "parse_retry_after": "backoff",
    "sync_status_from_store": "backoff_state",
    "PostResult": "client",
    "ServerBusyError": "client",
    "ServerClient": "client",
    "read_token": "client",
    "write_token": "client",
    "SyncService": "service",
    "SyncStatus": "service",
    "QueueState": "state",
    "parse_state": "state",
}

__all__ = [
    "BackoffPolicy",
    "PostResult",
    "QueueState",
    "ServerBusyError",
    "ServerClient",
    "SyncService",
    "SyncStatus",
    "parse_retry_after",
    "parse_state",
    "read_token",
    "sync_status_from_store",
    "write_token",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk.sync' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.sync.{module}"), name)
