"""The stub queue server: protocol v1 over :class:`http.server.ThreadingHTTPServer`.

Built on the standard library rather than a web framework so it has no dependency at all:
it ships next to the kiosk package and runs anywhere the kiosk does (``kiosk demo``).

This module runs the server (open, start, stop, the connections to wake at shutdown) and
keeps what tests look at (stored events, recorded requests); the routes and each one's
answer are in :mod:`stubserver.handler`.
"""

from __future__ import annotations

import collections
import json
import logging
import socket
import ssl
import sys
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from stubserver.db import DB_NAME, StubDatabase
from stubserver.faults import Faults
from stubserver.handler import StubHandler
from stubserver.indicators import DEFAULT_TARGET_WAIT_MIN
from stubserver.policy import STRICT, PriorityPolicy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedRequest:
    """A request as received, for tests (the stub is a development server: it keeps the
    Authorization header as sent)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class StubHttpServer(ThreadingHTTPServer):
    """The socket server, with a link back to its :class:`StubServer`."""

    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive connections
    stub: StubServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished mid-request (a kiosk losing power) is routine: one log line,
        not the traceback socketserver prints by default."""
        err = sys.exc_info()[1]
        if isinstance(err, ConnectionError | TimeoutError):
            logger.info("client %s went away: %s", client_address, err)
            return
        logger.exception("stub server: error handling a request from %s", client_address)


class StubServer:
    """The development queue server. ``start()`` serves in a background thread,
    ``serve_forever()`` in the foreground; ``stop()`` is idempotent."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        data_dir: Path,
        token: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        seed: int | None = None,
        priority_policy: PriorityPolicy = STRICT,
        target_wait_min: float = DEFAULT_TARGET_WAIT_MIN,
    ):
        self.host = host
        self.requested_port = port
        self.data_dir = Path(data_dir)
        self.token = token
        self.target_wait_min = target_wait_min  # the wait the indicators are held against
        self.ssl_context = ssl_context
        self.faults = Faults(seed=seed)
        self.message: dict[str, str] | None = None  # the banner sent with the queue state
        self.priority_policy = priority_policy  # how /api/v1/dev/call orders each queue
        self.db = StubDatabase(self.data_dir / DB_NAME)
        self._httpd: StubHttpServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._recorded: collections.deque[RecordedRequest] = collections.deque(maxlen=2000)
        self._pending_codes: list[str] = []
        self._stored = threading.Condition()

    # ---- lifecycle -----------------------------------------------------------------------------

    def open(self) -> StubServer:
        """Open the database and bind the socket (idempotent)."""
        if self._httpd is not None:
            return self
        self.db.open()
        for code in self._pending_codes:
            self.db.add_enrol_code(code)
        httpd = StubHttpServer((self.host, self.requested_port), StubHandler)
        if self.ssl_context is not None:
            httpd.socket = self.ssl_context.wrap_socket(httpd.socket, server_side=True)
        httpd.stub = self
        self._httpd = httpd
        self._stopping.clear()
        logger.info("stub server listening on %s (data in %s)", self.url, self.data_dir)
        return self

    def start(self) -> StubServer:
        self.open()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="stub-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.open()
        assert self._httpd is not None
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        if self._thread is not None:
            httpd.shutdown()
            self._thread.join(5.0)
            self._thread = None
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wake handler threads blocked on idle keep-alive reads
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd = None
        self.db.close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the stub server is not open: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def __repr__(self) -> str:
        where = self.url if self._httpd is not None else "closed"
        return f"<StubServer {where} data={self.data_dir} token={'set' if self.token else 'any'} {self.faults!r}>"

    # ---- for tests and the CLI --------------------------------------------------------------------

    def add_enrol_code(self, code: str) -> None:
        """Accept ``code`` once at ``POST /api/v1/enrol``."""
        if self._httpd is None:
            self._pending_codes.append(code)
        else:
            self.db.add_enrol_code(code)

    def recorded_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._recorded)

    def events(self, kiosk_id: str | None = None) -> list[dict[str, Any]]:
        """Stored events in arrival order (what ``GET /api/v1/dev/events`` returns)."""
        return self.db.events(kiosk_id)

    def wait_for_events(
        self, count: int, *, kiosk_id: str | None = None, timeout_s: float = 5.0
    ) -> bool:
        """Wait until at least ``count`` events are stored; False after ``timeout_s``."""
        with self._stored:
            return self._stored.wait_for(
                lambda: len(self.db.events(kiosk_id)) >= count, timeout=timeout_s
            )

    def _notify_stored(self) -> None:
        with self._stored:
            self._stored.notify_all()

    def _record(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> None:
        try:
            body: Any = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            body = raw
        with self._lock:
            self._recorded.append(RecordedRequest(method, path, headers, body))

    def _track(self, conn: socket.socket, *, is_open: bool) -> None:
        with self._lock:
            if is_open:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _queues_for_page(self) -> dict[str, Any]:
        return {k: self.db.queue_figures(k, self.priority_policy) for k in self.db.kiosks()}

    def indicators(self, kiosk_id: str | None = None, day: str | None = None) -> dict[str, Any]:
        """What ``GET /api/v1/dev/indicators`` returns: per kiosk, the day's waits per
        category against the target, and its satisfaction answers."""
        kiosks = self.db.kiosks() if kiosk_id is None else [kiosk_id]
        out: dict[str, Any] = {}
        for k in kiosks:
            shown_day, waits, survey = self.db.indicators(
                k, target_wait_s=self.target_wait_min * 60, day=day
            )
            out[k] = {
                "day": shown_day,
                "waits": {cat: f.to_json() for cat, f in waits.items()},
                "survey": survey.to_json(),
            }
        return {"target_wait_min": self.target_wait_min, "kiosks": out}

    def _configs_for_page(self) -> list[tuple[str, int, Any, list[dict[str, Any]]]]:
        """(kiosk, version, config, its latest config.* reports) for every kiosk known."""
        rows = []
        for kiosk_id in sorted(set(self.db.kiosks()) | set(self.db.config_kiosks())):
            found = self.db.config(kiosk_id)
            version, config = found if found is not None else (0, None)
            rows.append((kiosk_id, version, config, self.db.config_reports(kiosk_id)))
        return rows

    def set_config(self, kiosk_id: str, config: dict[str, Any] | None) -> int:
        """Set a kiosk's configuration (a new version); None clears it (answers 204)."""
        return self.db.set_config(kiosk_id, config)
