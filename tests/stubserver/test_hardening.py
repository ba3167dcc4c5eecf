"""The development server against hostile requests (issue 10, item 18), over real HTTP."""

from __future__ import annotations

import socket

import pytest
import requests

from .conftest import KIOSK, event, ticket_events


def post(http, stub, events, kiosk_id=KIOSK):
    return http.post(
        f"{stub.url}/api/v1/events", json={"kiosk_id": kiosk_id, "events": events}, timeout=5
    )


def test_a_seq_beyond_64_bits_is_a_400_not_a_500(stub, http):
    for seq in (2**63, 2**64 + 5):
        r = post(http, stub, [event(seq)])
        assert r.status_code == 400, r.text
        assert r.json()["field"] == "events[0].seq"
    assert post(http, stub, [event(2**63 - 1)]).status_code == 200


def test_deeply_nested_json_is_a_400_and_the_connection_survives(stub, http):
    deep = b'{"kiosk_id": "hdv-1", "events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    r = http.post(
        f"{stub.url}/api/v1/events",
        data=deep,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert r.status_code == 400 and "nested" in r.json()["error"]
    nested: dict = {}
    inner = nested
    for _ in range(100):
        inner["x"] = {}
        inner = inner["x"]
    r = post(http, stub, [event(1, data_deep=nested)])
    assert r.status_code == 400 and r.json()["field"] == "events[0].data"
    assert post(http, stub, [event(1)]).status_code == 200  # same session, still served


@pytest.mark.parametrize(
    "value", ["30\r\nSet-Cookie: session=evil", "9\nX: y", "x" * 200, "soon", "-5"]
)
def test_fault_headers_cannot_be_injected(stub, http, value):
    url = f"{stub.url}/api/v1/dev/faults"
    r = requests.post(url, json={"outage": True, "retry_after": value}, timeout=5)
    assert r.status_code == 400 and "retry_after" in r.json()["error"]
    r = post(http, stub, [event(1)])
    assert r.status_code == 200 and "Set-Cookie" not in r.headers


def test_fault_status_codes_are_error_codes(stub):
    url = f"{stub.url}/api/v1/dev/faults"
    for code in (99, 200, 204, 600, 1000):
        r = requests.post(url, json={"status_code": code}, timeout=5)
        assert r.status_code == 400, code
    r = requests.post(url, json={"retry_after": "Wed, 21 Oct 2026 07:28:00 GMT"}, timeout=5)
    assert r.status_code == 200


def test_a_bogus_service_day_never_blanks_the_real_figures(stub, http):
    assert post(http, stub, ticket_events(1, "A001")).status_code == 200
    bad = ticket_events(3, "A002")
    bad[0]["data"]["service_day"] = "zzzz"
    r = post(http, stub, bad)
    assert r.status_code == 400 and r.json()["field"] == "events[0].data.service_day"
    far = ticket_events(3, "A002")
    far[0]["data"]["service_day"] = "9999-12-31"  # a valid date, but not the kiosk's day
    assert post(http, stub, far).status_code == 200
    assert post(http, stub, ticket_events(5, "A003")).status_code == 200
    r = http.get(f"{stub.url}/api/v1/kiosks/{KIOSK}/state", timeout=5)
    assert r.json()["categories"]["etat-civil"]["waiting"] == 2  # A001 and A003, today


@pytest.mark.parametrize("kiosk_id", ["atk\n", "hdv-1\n", "A", "", "x" * 33])
def test_kiosk_ids_are_matched_whole(stub, http, kiosk_id):
    assert post(http, stub, [event(1)], kiosk_id=kiosk_id).status_code == 400
    r = http.post(f"{stub.url}/api/v1/enrol", json={"kiosk_id": kiosk_id, "code": "c"}, timeout=5)
    assert r.status_code == 400
    quoted = requests.utils.quote(kiosk_id, safe="")
    r = http.get(f"{stub.url}/api/v1/kiosks/{quoted}/state", timeout=5)
    assert r.status_code in (400, 404) and "error" in r.json()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_a_json_405_with_allow(stub, http, method):
    r = http.request(method, f"{stub.url}/api/v1/events", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    assert "error" in r.json()
    r = http.request(method, f"{stub.url}/api/v1/kiosks/{KIOSK}/state", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "GET"
    r = http.get(f"{stub.url}/api/v1/events", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = http.request(method, f"{stub.url}/api/v1/dev/faults", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "GET, POST"


def test_head_is_a_405_without_a_body(stub):
    with socket.create_connection(("127.0.0.1", stub.port), timeout=5) as sock:
        sock.sendall(b"HEAD /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405") and b"Allow: POST" in head and body == b""
