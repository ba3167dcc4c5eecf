"""Where an event leaves the building: the outbox is sent to the central queue server.

- :mod:`kiosk.sync.client`: one HTTP session speaking protocol v1 (contract, section 4);
- :mod:`kiosk.sync.service`: the worker thread that drains the outbox, sends heartbeats and
  polls the queue state, so the screen never waits for the network;
- :mod:`kiosk.sync.backoff_state`: the worker's backoff and last success, kept in the store so
  they survive restarts (and ``kiosk status`` reads them while the kiosk is stopped);
- :mod:`kiosk.sync.backoff` and :mod:`kiosk.sync.state`: the pure parts (retry delays, the
  server's queue state).
"""

from kiosk.sync.backoff import BackoffPolicy, parse_retry_after
from kiosk.sync.backoff_state import sync_status_from_store
from kiosk.sync.client import PostResult, ServerBusyError, ServerClient, read_token, write_token
from kiosk.sync.service import SyncService, SyncStatus
from kiosk.sync.state import QueueState, parse_state

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
