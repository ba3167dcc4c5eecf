"""Loopback HTTP servers that misbehave for real: a raw socket server whose answer is played
by a function (trickled bytes, endless bodies, a proxy's HTML error pages)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Play = Callable[[socket.socket, bytes], None]


def read_request(sock: socket.socket) -> bytes:
    """The request's head and body (by Content-Length), as received."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(30)
        request = read_request(self.request)
        try:
            self.server.play(self.request, request)  # type: ignore[attr-defined]
        except OSError:  # the client gave up: that is what these servers test
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


@contextmanager
def misbehaving_server(play: Play) -> Iterator[str]:
    """A server on 127.0.0.1 port 0 answering each connection with ``play``; yields its URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.play = play  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def answer(status: str, body: bytes, *, content_type: str = "text/html", extra: str = "") -> Play:
    """A well-formed answer (a proxy's error page, say), connection closed after it."""

    def play(sock: socket.socket, request: bytes) -> None:
        sock.sendall(
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n".encode()
            + body
        )

    return play
