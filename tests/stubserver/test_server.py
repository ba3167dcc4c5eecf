"""The stub server's endpoints over real HTTP on 127.0.0.1."""

from __future__ import annotations

import requests

from stubserver import StubServer
from stubserver.db import estimate_wait_s

from .conftest import KIOSK, event, ticket_events


def post(http, stub, events, kiosk_id=KIOSK):
    return http.post(
        f"{stub.url}/api/v1/events", json={"kiosk_id": kiosk_id, "events": events}, timeout=5
    )


def state(http, stub, kiosk_id=KIOSK):
    r = http.get(f"{stub.url}/api/v1/kiosks/{kiosk_id}/state", timeout=5)
    assert r.status_code == 200
    return r.json()


def test_events_are_idempotent_by_id(stub, http):
    batch = [event(1), event(2)]
    for _ in range(2):
        r = post(http, stub, batch)
        assert r.status_code == 200
        assert r.json() == {"accepted": [e["id"] for e in batch]}
        assert "Date" in r.headers
    assert [e["seq"] for e in stub.events(KIOSK)] == [1, 2]
    r = http.get(f"{stub.url}/api/v1/dev/events", params={"kiosk_id": KIOSK}, timeout=5)
    assert [e["id"] for e in r.json()["events"]] == [e["id"] for e in batch]


def test_malformed_batch_is_a_400_naming_the_field(stub, http):
    bad = event(2)
    bad["at"] = "2026-11-26T10:00:00"
    r = post(http, stub, [event(1), bad])
    assert r.status_code == 400
    assert r.json()["field"] == "events[1].at" and r.json()["event_id"] == bad["id"]
    assert stub.events(KIOSK) == []  # nothing of a malformed batch is stored
    r = http.post(f"{stub.url}/api/v1/events", data=b"{not json", timeout=5)
    assert r.status_code == 400 and "JSON" in r.json()["error"]


def test_too_many_events(stub, http):
    assert post(http, stub, [event(i) for i in range(1, 102)]).status_code == 400
    stub.faults.set(max_batch=5)
    assert post(http, stub, [event(i) for i in range(1, 7)]).status_code == 413


def test_token_required_with_token_option(tmp_path):
    with StubServer(data_dir=tmp_path / "s", token="right") as stub:
        url = f"{stub.url}/api/v1/kiosks/{KIOSK}/state"
        assert requests.get(url, timeout=5).status_code == 401
        assert (
            requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5).status_code
            == 401
        )
        assert (
            requests.get(url, headers={"Authorization": "Bearer right"}, timeout=5).status_code
            == 200
        )


def test_without_token_option_any_non_empty_bearer(stub):
    url = f"{stub.url}/api/v1/kiosks/{KIOSK}/state"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer "}, timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer x"}, timeout=5).status_code == 200


def test_enrolled_tokens_work_and_are_bound_to_their_kiosk(tmp_path):
    with StubServer(data_dir=tmp_path / "s", token="admin") as stub:
        stub.add_enrol_code("CODE-1")
        r = requests.post(
            f"{stub.url}/api/v1/enrol", json={"kiosk_id": KIOSK, "code": "CODE-1"}, timeout=5
        )
        assert r.status_code == 200
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        assert (
            requests.get(
                f"{stub.url}/api/v1/kiosks/{KIOSK}/state", headers=auth, timeout=5
            ).status_code
            == 200
        )
        assert (
            requests.get(
                f"{stub.url}/api/v1/kiosks/other/state", headers=auth, timeout=5
            ).status_code
            == 403
        )
        again = requests.post(
            f"{stub.url}/api/v1/enrol", json={"kiosk_id": KIOSK, "code": "CODE-1"}, timeout=5
        )
        assert again.status_code == 403


def test_queue_state_waiting_now_serving_and_estimate(stub, http):
    events = ticket_events(1, "A001") + ticket_events(3, "A002")
    issued_only = ticket_events(5, "A003")[:1]  # not printed yet: nobody holds it
    assert post(http, stub, events + issued_only).status_code == 200
    s = state(http, stub)
    assert s["categories"]["etat-civil"] == {
        "waiting": 2,
        "estimated_wait_s": 600,
        "now_serving": None,
    }
    assert s["message"] is None
    r = http.post(
        f"{stub.url}/api/v1/dev/call", json={"kiosk_id": KIOSK, "category": "etat-civil"}, timeout=5
    )
    assert r.json()["number"] == "A001"
    s = state(http, stub)
    assert s["categories"]["etat-civil"]["waiting"] == 1
    assert s["categories"]["etat-civil"]["now_serving"] == "A001"
    http.post(
        f"{stub.url}/api/v1/dev/call", json={"kiosk_id": KIOSK, "category": "etat-civil"}, timeout=5
    )
    r = http.post(
        f"{stub.url}/api/v1/dev/call", json={"kiosk_id": KIOSK, "category": "etat-civil"}, timeout=5
    )
    assert r.status_code == 404
    stub.message = {"fr": "Fermeture à 16 h"}
    assert state(http, stub)["message"] == {"fr": "Fermeture à 16 h"}


def test_estimate_uses_the_recent_call_rate():
    assert estimate_wait_s(3, [], 1000.0) == 900  # default 5 min a ticket
    assert estimate_wait_s(3, [0.0, 120.0, 240.0], 300.0) == 360
    assert estimate_wait_s(2, [0.0, 1.0], 10.0) == 60  # at least 30 s a ticket
    assert estimate_wait_s(0, [0.0, 120.0], 200.0) == 0
    assert estimate_wait_s(1, [0.0, 100.0], 100_000.0) == 300  # old calls are forgotten


def test_page_and_form_call(stub, http):
    post(http, stub, ticket_events(1, "B001", category="social"))
    page = requests.get(stub.url + "/", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "Call next" in page.text and "social" in page.text and "refresh" in page.text
    r = requests.post(
        f"{stub.url}/api/v1/dev/call",
        data={"kiosk_id": KIOSK, "category": "social"},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 303 and r.headers["Location"] == "/"
    assert state(http, stub)["categories"]["social"]["now_serving"] == "B001"


def test_fault_switches_over_http(stub, http):
    url = f"{stub.url}/api/v1/dev/faults"
    r = requests.post(url, json={"outage": True, "retry_after": "9"}, timeout=5)
    assert r.json()["outage"] is True
    r = post(http, stub, [event(1)])
    assert r.status_code == 503 and r.headers["Retry-After"] == "9"
    assert requests.get(url, timeout=5).json()["outage"] is True  # dev routes never fault
    assert requests.post(url, json={"outage": "yes"}, timeout=5).status_code == 400
    assert requests.post(url, json={"nonsense": 1}, timeout=5).status_code == 400
    requests.post(url, json={"reset": True}, timeout=5)
    assert post(http, stub, [event(1)]).status_code == 200


def test_unknown_routes(stub, http):
    assert http.get(f"{stub.url}/api/v1/nope", timeout=5).status_code == 404
    assert http.get(f"{stub.url}/elsewhere", timeout=5).status_code == 404


def test_stop_is_prompt_with_idle_keep_alive_and_slow_requests(tmp_path, http):
    stub = StubServer(data_dir=tmp_path / "s").start()
    assert state(http, stub)["categories"] == {}  # leaves an idle keep-alive connection
    stub.stop()
    stub.stop()  # idempotent
