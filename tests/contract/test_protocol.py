"""Contract section 4, queue-server protocol v1, between the real kiosk process and the stub
queue server on loopback (and the stub alone for enrolment)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from printer.fake import FakeTcpPrinter
from stubserver import StubServer

from .conftest import TOKEN, KioskCli, events_named, wait_until, write_config

STATUSES = {"ok", "paper_near_end", "paper_out", "cover_open", "offline", "unknown"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
KIOSK_ID = "proto-1"


@dataclass
class Session:
    """What the server saw of one kiosk over two runs (three tickets, a heartbeat, a
    restart, one more ticket)."""

    events: list[dict[str, Any]]
    posts: list[Any]  # recorded POST /api/v1/events requests of this kiosk
    gets: list[Any]  # recorded GET .../state requests of this kiosk


def _heartbeat_arrived(stub: StubServer) -> bool:
    return any(e["type"] == "kiosk.heartbeat" for e in stub.events(KIOSK_ID))


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, stub: StubServer) -> Iterator[Session]:
    folder = tmp_path_factory.mktemp("protocol")
    cli = KioskCli(folder)
    with FakeTcpPrinter() as printer:
        config = write_config(
            folder,
            kiosk_id=KIOSK_ID,
            printer_url=printer.url,
            server_url=stub.url,
            server_extra="heartbeat_s = 5",
        )
        try:
            first = cli.start(config, "ticket etat-civil\nticket fs-caf\nticket etat-civil\n")
            first.wait_for_trace(lambda t: len(events_named(t, "printed")) == 3, "3 printed")
            # heartbeat_s = 5 (the contract's 60 s is too slow to wait for)
            wait_until(lambda: _heartbeat_arrived(stub), 30, "a kiosk.heartbeat event")
            assert first.terminate() == 0, first.stderr[-2000:]
            count = len(stub.events(KIOSK_ID))
            second = cli.start(config, "ticket etat-civil\n")
            second.wait_for_trace(lambda t: events_named(t, "printed"), "printed after restart")
            # kiosk.started, ticket.issued, ticket.printed at least
            assert stub.wait_for_events(count + 3, kiosk_id=KIOSK_ID, timeout_s=30)
            wait_until(
                lambda: any(e["type"] == "ticket.printed" for e in stub.events(KIOSK_ID)[count:]),
                30,
                "the ticket.printed of the second run",
            )
            assert second.terminate() == 0, second.stderr[-2000:]
        finally:
            cli.close()
    requests_seen = stub.recorded_requests()
    yield Session(
        events=stub.events(KIOSK_ID),
        posts=[
            r
            for r in requests_seen
            if r.method == "POST"
            and r.path == "/api/v1/events"
            and isinstance(r.body, dict)
            and r.body.get("kiosk_id") == KIOSK_ID
        ],
        gets=[
            r
            for r in requests_seen
            if r.method == "GET" and r.path == f"/api/v1/kiosks/{KIOSK_ID}/state"
        ],
    )


def header(request: Any, name: str) -> str | None:
    for key, value in request.headers.items():
        if key.lower() == name.lower():
            return value
    return None


def test_every_request_carries_the_bearer_token(session):
    """ "Every request carries `Authorization: Bearer TOKEN` (the token file's content,
    stripped)" (the token file ends with a newline)"""
    assert session.posts and session.gets
    for request in session.posts + session.gets:
        assert header(request, "Authorization") == f"Bearer {TOKEN}", request.headers


def test_every_request_names_the_software_and_version(session, kiosk_version):
    """ "... and a `User-Agent` naming the kiosk software and version." """
    for request in session.posts + session.gets:
        agent = header(request, "User-Agent") or ""
        assert "kiosk" in agent.lower() and kiosk_version in agent, agent


def test_events_body_shape(session):
    """ "Body: `{"kiosk_id": "hdv-1", "events": [EVENT, ...]}` with 1 to 100 events. EVENT:
    `{"id": "<UUID>", "seq": <int>, "type": "<type>", "at": "<RFC 3339 timestamp with its
    UTC offset>", "data": {...}}`." """
    for request in session.posts:
        body = request.body
        assert set(body) >= {"kiosk_id", "events"}
        assert body["kiosk_id"] == KIOSK_ID
        assert 1 <= len(body["events"]) <= 100
        for event in body["events"]:
            assert set(event) == {"id", "seq", "type", "at", "data"}, event
            assert str(uuid.UUID(event["id"])) == event["id"].lower()
            assert isinstance(event["seq"], int) and not isinstance(event["seq"], bool)
            assert isinstance(event["type"], str) and isinstance(event["data"], dict)
            assert RFC3339.match(event["at"]), event["at"]
            assert dt.datetime.fromisoformat(event["at"]).utcoffset() is not None


def test_seq_starts_at_1_and_grows_by_one_across_restarts(session):
    """ "`seq` starts at 1 for a kiosk, grows by one per event in creation order, and is never
    reused, also across restarts and crashes." """
    seqs = [e["seq"] for e in session.events]
    assert sorted(seqs) == list(range(1, len(seqs) + 1)), seqs
    assert [e["type"] for e in session.events].count("kiosk.started") == 2
    ids = [e["id"] for e in session.events]
    assert len(set(ids)) == len(ids)


def test_batches_are_in_seq_order(session):
    """ "A batch holds events in `seq` order, and an event is sent only once every lower
    `seq` has been accepted" """
    highest_sent = 0
    for request in session.posts:
        seqs = [e["seq"] for e in request.body["events"]]
        assert seqs == sorted(seqs), seqs
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"a gap in a batch: {seqs}"
        assert seqs[0] <= highest_sent + 1, f"seq {seqs[0]} sent before {highest_sent + 1}"
        highest_sent = max(highest_sent, seqs[-1])


def test_event_types_and_data(session, kiosk_version):
    """The table of event types and their `data` (kiosk.started, kiosk.heartbeat,
    ticket.issued, ticket.printed, printer.status)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in session.events:
        by_type.setdefault(e["type"], []).append(e["data"])
    for data in by_type["kiosk.started"]:
        assert data == {"version": kiosk_version}
    issued = by_type["ticket.issued"]
    assert [d["number"] for d in issued] == ["A001", "FC001", "A002", "A003"]
    assert [d["category"] for d in issued] == ["etat-civil", "fs-caf", "etat-civil", "etat-civil"]
    for data in issued:
        assert set(data) >= {"ticket_id", "number", "category", "service_day", "language"}
        dt.date.fromisoformat(data["service_day"])
        assert data["language"] == "fr"
    for data in by_type["ticket.printed"]:
        assert set(data) >= {"ticket_id"}
    for data in by_type.get("printer.status", []):
        assert data["status"] in STATUSES
    assert by_type.get("printer.status"), "no printer.status event at the first status read"
    (heartbeat, *_) = by_type["kiosk.heartbeat"]
    assert isinstance(heartbeat["uptime_s"], int) and heartbeat["uptime_s"] >= 0
    assert heartbeat["printer"] in STATUSES
    assert isinstance(heartbeat["outbox_depth"], int) and heartbeat["outbox_depth"] >= 0


def test_every_issued_ticket_ends_once(session):
    """ "Every issued ticket ends with exactly one `ticket.printed` or `ticket.voided`." """
    issued = [e["data"]["ticket_id"] for e in session.events if e["type"] == "ticket.issued"]
    ends = [
        e["data"]["ticket_id"]
        for e in session.events
        if e["type"] in ("ticket.printed", "ticket.voided")
    ]
    assert sorted(issued) == sorted(ends)


def test_the_queue_state_is_asked_for(session):
    """ "Queue state: `GET {server.url}/api/v1/kiosks/{kiosk_id}/state`" """
    assert session.gets, "the kiosk never asked for its queue state"


# ---- crash while printing -------------------------------------------------------------------


def test_a_crash_while_printing_voids_the_ticket_as_interrupted(kiosk, tmp_path, stub):
    """ "`ticket.voided` ... printing failed, or was interrupted by a crash or power loss
    (found at the next start, reason `interrupted`; such a ticket is never printed
    again)" """
    kiosk_id = "crash-1"
    with FakeTcpPrinter() as printer:
        printer.print_time_s = 2.0  # a wide window between the bytes and the status read
        config = write_config(
            tmp_path, kiosk_id=kiosk_id, printer_url=printer.url, server_url=stub.url
        )
        first = kiosk.start(config, "ticket etat-civil\n")
        (issued,) = first.wait_for_trace(lambda t: events_named(t, "issued"), "issued")
        first.kill_hard()
        assert events_named(first.trace(), "printed") == []
        printer.print_time_s = 0.0
        second = kiosk.start(config, "")
        second.wait_for_trace(lambda t: events_named(t, "ready"), "ready after the crash")

        def voided() -> list[dict[str, Any]]:
            return [e for e in stub.events(kiosk_id) if e["type"] == "ticket.voided"]

        (event,) = wait_until(voided, 30, "ticket.voided at the next start")
        jobs_after_restart = len(printer.jobs)
        assert second.terminate() == 0, second.stderr[-2000:]
    assert event["data"] == {"ticket_id": issued["ticket_id"], "reason": "interrupted"}
    assert events_named(second.trace(), "printed") == []
    assert jobs_after_restart <= 1, "the interrupted ticket was printed again"
    events = stub.events(kiosk_id)
    assert sorted(e["seq"] for e in events) == list(range(1, len(events) + 1))


def test_voided_event_when_the_paper_runs_out_while_printing(kiosk, tmp_path, stub):
    """ "`ticket.voided` | `{"ticket_id": str, "reason": str}` | printing failed" and
    "`printer.status` | `{"status": STATUS}` | each change" """
    kiosk_id = "void-1"
    with FakeTcpPrinter() as printer:
        printer.print_time_s = 1.0
        config = write_config(
            tmp_path, kiosk_id=kiosk_id, printer_url=printer.url, server_url=stub.url
        )
        process = kiosk.start(config, "ticket etat-civil\n")
        process.wait_for_trace(lambda t: events_named(t, "issued"), "issued")
        printer.state = "paper_out"
        process.wait_for_trace(lambda t: events_named(t, "voided"), "voided")

        def arrived() -> list[dict[str, Any]]:
            events = stub.events(kiosk_id)
            statuses = [e["data"]["status"] for e in events if e["type"] == "printer.status"]
            is_voided = any(e["type"] == "ticket.voided" for e in events)
            return events if is_voided and "paper_out" in statuses else []

        events = wait_until(arrived, 30, "ticket.voided and printer.status paper_out")
        assert process.terminate() == 0, process.stderr[-2000:]
    (voided,) = [e["data"] for e in events if e["type"] == "ticket.voided"]
    (issued,) = [e["data"] for e in events if e["type"] == "ticket.issued"]
    assert voided["ticket_id"] == issued["ticket_id"]
    assert isinstance(voided["reason"], str) and voided["reason"]
    statuses = [e["data"]["status"] for e in events if e["type"] == "printer.status"]
    assert all(a != b for a, b in itertools.pairwise(statuses)), (
        f"printer.status is sent on each change, not repeated: {statuses}"
    )


# ---- 401 ------------------------------------------------------------------------------------


def test_401_keeps_every_event(kiosk, tmp_path):
    """ "`401` or `403`: keep every event, back off, and show "sync: authentication failed" to
    technicians (never to visitors)." """
    kiosk_id = "auth-1"
    with (
        FakeTcpPrinter() as printer,
        StubServer(data_dir=tmp_path / "server", token="not-the-kiosk-token") as server,
    ):
        config = write_config(
            tmp_path, kiosk_id=kiosk_id, printer_url=printer.url, server_url=server.url
        )
        process = kiosk.start(config, "ticket etat-civil\nticket etat-civil\n")
        process.wait_for_trace(lambda t: len(events_named(t, "printed")) == 2, "2 printed")

        def refused_post() -> bool:
            return any(r.path == "/api/v1/events" for r in server.recorded_requests())

        wait_until(refused_post, 30, "a POST /api/v1/events answered 401")
        assert server.events(kiosk_id) == []
        status = kiosk.run("status", "--config", str(config), "--json")
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["outbox"]["depth"] >= 5
        # Technicians see the authentication failure (`kiosk status` is theirs).
        wait_until(
            lambda: "auth" in kiosk.run("status", "--config", str(config)).stdout.lower(),
            10,
            "kiosk status mentioning the authentication failure",
        )
        server.token = TOKEN  # the server side is fixed
        # started, 2 issued, 2 printed, printer.status
        assert server.wait_for_events(6, kiosk_id=kiosk_id, timeout_s=60), server.events(kiosk_id)
        assert process.terminate() == 0, process.stderr[-2000:]
        events = server.events(kiosk_id)
    seqs = sorted(e["seq"] for e in events)
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    types = [e["type"] for e in events]
    assert types.count("ticket.issued") == 2 and types.count("ticket.printed") == 2
    assert "kiosk.started" in types


# ---- enrolment ------------------------------------------------------------------------------


def test_enrolment_on_the_stub_server(tmp_path):
    """ "Enrolment: `POST {server.url}/api/v1/enrol` Body `{"kiosk_id": "hdv-1", "code":
    "<one-time code>"}`, no Authorization header. `200 {"token": "<token>"}`; `403` for an
    unknown or already used code." """
    server = StubServer(data_dir=tmp_path / "server", token=TOKEN)
    server.add_enrol_code("ONE-TIME-42")
    with server:
        url = f"{server.url}/api/v1/enrol"
        r = requests.post(url, json={"kiosk_id": "hdv-1", "code": "ONE-TIME-42"}, timeout=5)
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        assert isinstance(token, str) and token
        again = requests.post(url, json={"kiosk_id": "hdv-1", "code": "ONE-TIME-42"}, timeout=5)
        assert again.status_code == 403
        unknown = requests.post(url, json={"kiosk_id": "hdv-1", "code": "NOPE"}, timeout=5)
        assert unknown.status_code == 403
        # The token it gave works for that kiosk.
        state = requests.get(
            f"{server.url}/api/v1/kiosks/hdv-1/state",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert state.status_code == 200
        (enrol,) = [r for r in server.recorded_requests() if r.path == "/api/v1/enrol"][:1]
        assert header(enrol, "Authorization") is None
