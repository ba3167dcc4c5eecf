"""Every request has a total deadline and every answer a size cap (issue 10, item 9): real
loopback servers that trickle their answer or send an endless body, on each route."""

from __future__ import annotations

import socket
import threading

import pytest

from kiosk.core.errors import SyncError
from kiosk.store import Store
from kiosk.sync.client import ServerClient

from .conftest import KIOSK, append
from .misbehaving import misbehaving_server

ROUTES = ["events", "state", "enrol"]


def _call(client: ServerClient, route: str, store: Store) -> object:
    if route == "events":
        return client.post_events(store.pending_events())
    if route == "state":
        return client.get_state(fetched_at_mono_s=0.0)
    return client.enrol("CODE")


def _body_for(route: str) -> bytes:
    return {
        "events": b'{"accepted": []',
        "state": b'{"categories": {}',
        "enrol": b'{"token": "t"',
    }[route]


def trickle(route: str, stop: threading.Event):
    """Headers at once, then a valid answer one byte every 50 ms (10 s in all): each read
    comes well within the read timeout, so only a total deadline ends it."""

    def play(sock: socket.socket, request: bytes) -> None:
        body = _body_for(route) + b" " * 200 + b"}"
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        for byte in body:
            if stop.wait(0.05):
                return
            sock.sendall(bytes([byte]))

    return play


def endless(route: str):
    """A valid answer padded to 8 MiB without Content-Length (chunked), sent as fast as it
    goes: without a cap the client would hold all of it (forever, were it endless)."""

    def play(sock: socket.socket, request: bytes) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        head = _body_for(route) + b', "pad": "'

        def chunk(data: bytes) -> bytes:
            return f"{len(data):x}\r\n".encode() + data + b"\r\n"

        sock.sendall(chunk(head))
        block = b"x" * 65536
        for _ in range(128):
            sock.sendall(chunk(block))
        sock.sendall(chunk(b'"}') + b"0\r\n\r\n")

    return play


@pytest.fixture
def events_store(store: Store) -> Store:
    append(store, 2)
    return store


@pytest.mark.parametrize("route", ROUTES)
def test_a_trickled_answer_ends_at_the_total_deadline(route, events_store):
    stop = threading.Event()
    with misbehaving_server(trickle(route, stop)) as url:
        client = ServerClient(
            url, token="t", kiosk_id=KIOSK, connect_timeout_s=0.5, read_timeout_s=0.5
        )
        try:
            with pytest.raises(SyncError, match="did not finish its answer within 1 s") as info:
                _call(client, route, events_store)
        finally:
            stop.set()
            client.close()
    assert info.value.is_retryable


@pytest.mark.parametrize("route", ROUTES)
def test_an_endless_answer_is_cut_at_the_size_cap(route, events_store):
    with (
        misbehaving_server(endless(route)) as url,
        ServerClient(url, token="t", kiosk_id=KIOSK, read_timeout_s=5.0) as client,
        pytest.raises(SyncError, match=r"more than 1048576 bytes") as info,
    ):
        _call(client, route, events_store)
    assert info.value.is_retryable


def test_an_announced_oversized_answer_is_refused_before_reading_it(events_store):
    def play(sock: socket.socket, request: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n{")

    with (
        misbehaving_server(play) as url,
        ServerClient(url, token="t", kiosk_id=KIOSK) as client,
        pytest.raises(SyncError, match="announced an answer of 999999999 bytes"),
    ):
        client.post_events(events_store.pending_events())
