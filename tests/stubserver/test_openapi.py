"""docs/openapi.yaml describes what the client really sends and the stub really answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.core.clock import FakeClock
from kiosk.store import Store
from kiosk.sync.client import ServerClient

from .conftest import KIOSK, event

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 'nullable' to JSON Schema."""
    if isinstance(node, dict):
        out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
        return out
    if isinstance(node, list):
        return [_json_schema(x) for x in node]
    return node


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def check(spec: dict, name: str, instance: Any) -> None:
    root = {"$ref": f"#/components/schemas/{name}", "components": _json_schema(spec["components"])}
    jsonschema.Draft202012Validator(root).validate(instance)


def test_spec_lists_every_route(spec):
    assert set(spec["paths"]) >= {
        "/api/v1/events",
        "/api/v1/kiosks/{kiosk_id}/state",
        "/api/v1/enrol",
        "/api/v1/dev/call",
        "/api/v1/dev/faults",
        "/api/v1/dev/events",
    }


def test_client_requests_and_stub_answers_conform(spec, stub, tmp_path):
    store = Store.open(tmp_path / "k", kiosk_id=KIOSK, clock=FakeClock())
    ticket, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
    store.mark_printed(ticket.id)
    store.append_event("kiosk.heartbeat", {"uptime_s": 1, "printer": "ok", "outbox_depth": 2})
    stub.add_enrol_code("C1")
    with ServerClient(stub.url, token="t", kiosk_id=KIOSK) as client:
        client.post_events(store.pending_events())
        client.get_state(fetched_at_mono_s=0.0)
        client.enrol("C1")
    store.close()
    sent = {r.path: r.body for r in stub.recorded_requests()}
    check(spec, "EventsRequest", sent["/api/v1/events"])
    check(spec, "EnrolRequest", sent["/api/v1/enrol"])

    auth = {"Authorization": "Bearer t"}
    r = requests.post(
        f"{stub.url}/api/v1/events", json=sent["/api/v1/events"], headers=auth, timeout=5
    )
    check(spec, "EventsAccepted", r.json())
    r = requests.get(f"{stub.url}/api/v1/kiosks/{KIOSK}/state", headers=auth, timeout=5)
    check(spec, "QueueState", r.json())
    bad = {"kiosk_id": KIOSK, "events": [{**event(1), "seq": "one"}]}
    r = requests.post(f"{stub.url}/api/v1/events", json=bad, headers=auth, timeout=5)
    assert r.status_code == 400
    check(spec, "Error", r.json())
    r = requests.post(f"{stub.url}/api/v1/enrol", json={"kiosk_id": KIOSK, "code": "C1"}, timeout=5)
    assert r.status_code == 403
    check(spec, "Error", r.json())
    stub.add_enrol_code("C2")
    r = requests.post(f"{stub.url}/api/v1/enrol", json={"kiosk_id": KIOSK, "code": "C2"}, timeout=5)
    check(spec, "EnrolAnswer", r.json())
    r = requests.post(
        f"{stub.url}/api/v1/dev/call", json={"kiosk_id": KIOSK, "category": "etat-civil"}, timeout=5
    )
    check(spec, "DevCallAnswer", r.json())
    check(spec, "Faults", requests.get(f"{stub.url}/api/v1/dev/faults", timeout=5).json())
    for e in requests.get(f"{stub.url}/api/v1/dev/events", timeout=5).json()["events"]:
        check(spec, "Event", e)


def test_the_schema_catches_a_bad_event(spec):
    with pytest.raises(jsonschema.ValidationError):
        check(spec, "EventsRequest", {"kiosk_id": KIOSK, "events": [{**event(1), "at": "noon"}]})
