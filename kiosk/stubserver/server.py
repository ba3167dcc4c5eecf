"""The stub queue server: protocol v1 over :class:`http.server.ThreadingHTTPServer`.

Built on the standard library rather than a web framework so it has no dependency at all:
it ships inside the kiosk package and runs anywhere the kiosk does (``kiosk demo``).

Routes (contract, section 4, plus development extensions):

- ``POST /api/v1/events``, ``GET /api/v1/kiosks/{kiosk_id}/state``, ``POST /api/v1/enrol``;
- ``POST /api/v1/dev/call`` (an agent calls the next number), ``GET|POST /api/v1/dev/faults``,
  ``GET /api/v1/dev/events?kiosk_id=``, and ``GET /`` (a page with "call next" buttons).
"""

from __future__ import annotations

import collections
import json
import logging
import socket
import ssl
import struct
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kiosk.stubserver.db import DB_NAME, StubDatabase
from kiosk.stubserver.faults import Faults
from kiosk.stubserver.page import render_page
from kiosk.stubserver.validate import BodyError, validate_events_body, validate_kiosk_id

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
IDLE_CONNECTION_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RecordedRequest:
    """A request as received, for tests (the stub is a development server: it keeps the
    Authorization header as sent)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class _HttpServer(ThreadingHTTPServer):
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection carries a whole backlog
    server_version = "kiosk-stub/1"
    timeout = IDLE_CONNECTION_TIMEOUT_S
    # Headers and body leave in two writes; with Nagle on, the client's delayed ACK costs
    # 40 ms per answer on a keep-alive connection.
    disable_nagle_algorithm = True
    server: _HttpServer

    # ---- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.stub._track(self.connection, is_open=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.stub._track(self.connection, is_open=False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _send(self, code: int, body: Any, *, headers: dict[str, str] | None = None) -> None:
        if isinstance(body, bytes):
            payload, kind = body, "application/octet-stream"
        elif isinstance(body, str):
            payload, kind = body.encode("utf-8"), "text/html; charset=utf-8"
        else:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            kind = "application/json; charset=utf-8"
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, code: int, message: str, **extra: Any) -> None:
        headers = {}
        retry_after = extra.pop("retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        self._send(code, {"error": message, **extra}, headers=headers)

    def _drop(self) -> None:
        """Close the connection with a reset and no answer, like a crashed proxy."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def _read_body(self) -> tuple[bytes | None, str | None]:
        """(raw body, None) or (None, error already answered)."""
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            self.close_connection = True
            self._error(411, "Content-Length is required")
            return None, "length"
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._error(413, f"body of {length} bytes is over {MAX_BODY_BYTES}")
            return None, "size"
        return self.rfile.read(length), None

    def _json_body(self, raw: bytes) -> Any:
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise BodyError("$", f"not UTF-8 JSON ({err})") from None

    # ---- routing ------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        stub = self.server.stub
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        raw = b""
        if method == "POST":
            body_bytes, problem = self._read_body()
            if problem:
                return
            raw = body_bytes or b""
        stub._record(method, path, dict(self.headers.items()), raw)
        try:
            if path == "/" and method == "GET":
                return self._send(200, render_page(stub._queues_for_page()))
            if path.startswith("/api/v1/dev/"):
                return self._dev(method, path, split.query, raw)
            if not path.startswith("/api/v1/"):
                return self._error(404, f"no such page {path}")
            if self._play_faults():
                return
            if path == "/api/v1/events" and method == "POST":
                return self._events(raw)
            if path == "/api/v1/enrol" and method == "POST":
                return self._enrol(raw)
            parts = path.split("/")
            if method == "GET" and len(parts) == 6 and parts[3] == "kiosks" and parts[5] == "state":
                return self._state(urllib.parse.unquote(parts[4]))
            return self._error(404, f"no route {method} {path}")
        except BodyError as err:
            return self._error(400, str(err), field=err.field, event_id=err.event_id)
        except (ConnectionError, TimeoutError) as err:  # the client gave up (its read timeout)
            logger.info("client went away during %s %s: %s", method, path, err)
            self.close_connection = True
            return None
        except Exception:  # a stub bug must answer 500, not kill the connection silently
            logger.exception("stub server failed on %s %s", method, path)
            return self._error(500, "internal error (see the stub server's log)")

    def _play_faults(self) -> bool:
        """Apply the fault switches; True when the request was answered (or dropped)."""
        stub = self.server.stub
        f = stub.faults.snapshot()
        if f.slow_s > 0 and stub._stopping.wait(f.slow_s):
            self._drop()
            return True
        if f.drop_connections:
            self._drop()
            return True
        if f.outage:
            self._error(503, "outage (fault switch)", retry_after=f.retry_after)
            return True
        if f.status_code is not None:
            self._error(f.status_code, "forced status (fault switch)", retry_after=f.retry_after)
            return True
        if stub.faults.roll(f.error_rate):
            self._error(500, "random error (fault switch)")
            return True
        if f.garbage:
            self._send(200, b"<html>this is not JSON")
            return True
        return False

    def _authorized_kiosk(self) -> tuple[bool, str | None]:
        """(is_authorized, kiosk an enrolled token is bound to)."""
        stub = self.server.stub
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False, None
        bound = stub.db.token_kiosk(token)
        if bound is not None:
            return True, bound
        return (stub.token is None or token == stub.token), None

    def _check_auth(self, kiosk_id: str) -> bool:
        is_ok, bound = self._authorized_kiosk()
        if not is_ok:
            self._error(401, "missing or wrong bearer token")
            return False
        if bound is not None and bound != kiosk_id:
            self._error(403, f"this token belongs to kiosk {bound}, not {kiosk_id}")
            return False
        return True

    # ---- protocol v1 --------------------------------------------------------------------------

    def _events(self, raw: bytes) -> None:
        stub = self.server.stub
        body = self._json_body(raw)
        kiosk_id = body.get("kiosk_id") if isinstance(body, dict) else None
        if isinstance(kiosk_id, str) and not self._check_auth(kiosk_id):
            return
        f = stub.faults.snapshot()
        if isinstance(body, dict) and isinstance(body.get("events"), list):
            count = len(body["events"])
            if f.max_batch is not None and count > f.max_batch:
                return self._error(413, f"{count} events is over this server's {f.max_batch}")
        kiosk_id, events = validate_events_body(body)
        for i, e in enumerate(events):
            if e.id in f.reject_event_ids:
                raise BodyError(f"events[{i}]", "rejected (fault switch)", event_id=e.id)
        if f.partial_ack:
            events = events[: max(1, len(events) // 2)]
        accepted = stub.db.store_events(kiosk_id, events)
        stub._notify_stored()
        if f.lose_answers:
            self._drop()
            return
        self._send(200, {"accepted": accepted})

    def _state(self, kiosk_id: str) -> None:
        validate_kiosk_id(kiosk_id, "kiosk_id (in the path)")
        if not self._check_auth(kiosk_id):
            return
        stub = self.server.stub
        categories = {
            cat: {
                "waiting": f.waiting,
                "estimated_wait_s": f.estimated_wait_s,
                "now_serving": f.now_serving,
            }
            for cat, f in stub.db.queue_figures(kiosk_id).items()
        }
        self._send(200, {"categories": categories, "message": stub.message})

    def _enrol(self, raw: bytes) -> None:
        body = self._json_body(raw)
        if not isinstance(body, dict):
            raise BodyError("$", "expected a JSON object with kiosk_id and code")
        kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
        code = body.get("code")
        if not isinstance(code, str) or not code:
            raise BodyError("code", f"expected the one-time enrolment code, got {code!r}")
        token = self.server.stub.db.enrol(kiosk_id, code)
        if token is None:
            return self._error(403, "unknown or already used enrolment code: ask for a new one")
        self._send(200, {"token": token})

    # ---- development extensions ---------------------------------------------------------------

    def _dev(self, method: str, path: str, query: str, raw: bytes) -> None:
        stub = self.server.stub
        if path == "/api/v1/dev/events" and method == "GET":
            kiosk = urllib.parse.parse_qs(query).get("kiosk_id", [None])[0]
            return self._send(200, {"events": stub.db.events(kiosk)})
        if path == "/api/v1/dev/faults":
            if method == "POST":
                body = self._json_body(raw)
                if not isinstance(body, dict):
                    raise BodyError("$", "expected a JSON object of fault switches")
                try:
                    if body.pop("reset", False):
                        stub.faults.reset()
                    stub.faults.update(body)
                except ValueError as err:
                    return self._error(400, str(err))
            return self._send(200, stub.faults.snapshot().to_json())
        if path == "/api/v1/dev/call" and method == "POST":
            is_form = self.headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"
            )
            if is_form:
                form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
                body = {k: v[0] for k, v in form.items()}
            else:
                body = self._json_body(raw)
            if not isinstance(body, dict):
                raise BodyError("$", "expected kiosk_id and category")
            kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
            category = body.get("category")
            if not isinstance(category, str) or not category:
                raise BodyError("category", f"expected a category id, got {category!r}")
            number = stub.db.call_next(kiosk_id, category)
            if is_form:
                return self._send(303, b"", headers={"Location": "/"})
            if number is None:
                return self._error(404, f"nobody is waiting in {category} at kiosk {kiosk_id}")
            return self._send(200, {"kiosk_id": kiosk_id, "category": category, "number": number})
        return self._error(404, f"no route {method} {path}")


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
    ):
        self.host = host
        self.requested_port = port
        self.data_dir = Path(data_dir)
        self.token = token
        self.ssl_context = ssl_context
        self.faults = Faults(seed=seed)
        self.message: dict[str, str] | None = None  # the banner sent with the queue state
        self.db = StubDatabase(self.data_dir / DB_NAME)
        self._httpd: _HttpServer | None = None
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
        httpd = _HttpServer((self.host, self.requested_port), _Handler)
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
        except (UnicodeDecodeError, json.JSONDecodeError):
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
        return {k: self.db.queue_figures(k) for k in self.db.kiosks()}
