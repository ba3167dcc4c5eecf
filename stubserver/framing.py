"""Answering over HTTP/1.1 with the standard library: JSON in and out, keep-alive, resets.

:class:`http.server.BaseHTTPRequestHandler` parses requests but leaves the answer's framing
(Content-Type, Content-Length, keep-alive) to each handler; this base class does it once, so
the stub's routes (:mod:`stubserver.handler`) only say what to answer. It also refuses
bodies without a length or over 1 MiB, and can drop a connection with a TCP reset, the way a
crashed proxy does, for the fault switches.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
from http.server import BaseHTTPRequestHandler
from typing import Any

from kiosk.sync.protocol import BodyError, error_answer

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
IDLE_CONNECTION_TIMEOUT_S = 30.0


class JsonRequestHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 with JSON answers; subclasses implement ``_dispatch(method)``."""

    protocol_version = "HTTP/1.1"  # keep-alive: one connection carries a whole backlog
    timeout = IDLE_CONNECTION_TIMEOUT_S
    # Headers and body leave in two writes; with Nagle on, the client's delayed ACK costs
    # 40 ms per answer on a keep-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def __getattr__(self, name: str) -> Any:
        """Any other method (PUT, DELETE, QUERY...) reaches ``_dispatch`` too, so a route
        that does not take it answers a JSON 405 with Allow, not the standard library's
        501 HTML page."""
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return lambda: self._dispatch(name[3:])
        raise AttributeError(name)

    def _dispatch(self, method: str) -> None:
        raise NotImplementedError

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
        if self.command != "HEAD":  # a HEAD answer has the headers of the body, not the body
            self.wfile.write(payload)

    def _send_empty(self, code: int, *, headers: dict[str, str] | None = None) -> None:
        """A bodiless answer (204, 304): headers only, no Content-Length, no Content-Type."""
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _error(
        self,
        code: int,
        message: str,
        *,
        field: str | None = None,
        event_id: str | None = None,
        retry_after: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A protocol error answer (:func:`kiosk.sync.protocol.error_answer`)."""
        headers = dict(headers or {})
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        self._send(code, error_answer(message, field=field, event_id=event_id), headers=headers)

    def _drop(self) -> None:
        """Close the connection with a reset and no answer, like a crashed proxy."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def _read_body(self, *, is_required: bool = True) -> tuple[bytes | None, str | None]:
        """(raw body, None) or (None, error already answered); without ``is_required``, a
        request with no Content-Length has an empty body."""
        length_text = self.headers.get("Content-Length")
        if length_text is None and not is_required and "Transfer-Encoding" not in self.headers:
            return b"", None
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
        except RecursionError:  # json's decoder recurses: 100,000 "[" exhaust the stack
            raise BodyError("$", "JSON nested too deeply") from None
