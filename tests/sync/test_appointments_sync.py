"""The day's appointments fetched into the store (contract 5.3): from the real stub server,
on a schedule, a new list at the day's change; a malformed list or one for another day
refused with one log line and the last good list kept; the same deadline and size cap as
every other request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading

import pytest

from kiosk.core.appointments import Appointment, code_sha256
from kiosk.core.errors import SyncError
from kiosk.sync.client import ServerClient
from kiosk.sync.service import APPOINTMENTS_POLL_S, SyncService
from stubserver.appointments import parse_booking

from .conftest import KIOSK, server_section
from .misbehaving import answer, misbehaving_server

DAY = dt.date(2026, 11, 26)  # FakeClock's default day


def _book(stub, hhmm: str, day: dt.date = DAY, code: str | None = None) -> dict:
    body = {"kiosk_id": KIOSK, "category": "social", "start": f"{day.isoformat()}T{hhmm}"}
    if code:
        body["code"] = code
    return stub.db.book(parse_booking(body))


def _service(url, store, clock, token_file, day_box) -> SyncService:
    return SyncService(
        server=server_section(url, token_file, state_poll_s=100_000.0),
        kiosk_id=KIOSK,
        store=store,
        clock=clock,
        appointments_day=lambda: day_box[0],
    )


def _gets(stub) -> list[str]:
    return [r.path for r in stub.recorded_requests() if r.path.endswith("/appointments")]


def test_the_days_list_is_fetched_into_the_store_with_hashes_only(stub, store, clock, token_file):
    booked = _book(stub, "10:30", code="K7P2QX")
    _book(stub, "10:30", day=DAY + dt.timedelta(days=1))  # tomorrow's: not today's list
    service = _service(stub.url, store, clock, token_file, [DAY])
    service.run_once()
    kept = store.appointments_for(DAY)
    assert [(a.id, a.code_sha256, a.category) for a in kept] == [
        (booked["id"], code_sha256("K7P2QX"), "social")
    ]
    assert kept[0].start == dt.datetime(
        2026, 11, 26, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    request = next(r for r in stub.recorded_requests() if r.path.endswith("/appointments"))
    assert request.headers.get("Authorization") == "Bearer kiosk-token"


def test_fetched_again_at_least_every_five_minutes_and_at_the_days_change(
    stub, store, clock, token_file
):
    day = [DAY]
    service = _service(stub.url, store, clock, token_file, day)
    service.run_once()
    assert len(_gets(stub)) == 1
    clock.advance(60)
    service.run_once()
    assert len(_gets(stub)) == 1
    clock.advance(APPOINTMENTS_POLL_S)
    assert APPOINTMENTS_POLL_S <= 300
    service.run_once()
    assert len(_gets(stub)) == 2
    friday = _book(stub, "09:00", day=DAY + dt.timedelta(days=1))
    day[0] = DAY + dt.timedelta(days=1)  # midnight in the kiosk's timezone
    service.run_once()
    assert len(_gets(stub)) == 3
    assert [a.id for a in store.appointments_for(day[0])] == [friday["id"]]
    assert store.appointments_for(DAY) == []  # yesterday's list is gone, never used


BAD_LISTS = {
    "bad hash": {
        "day": "2026-11-26",
        "appointments": [
            {
                "id": "x",
                "code_sha256": "abc",
                "category": "social",
                "start": "2026-11-26T10:00:00+01:00",
                "end": "2026-11-26T10:20:00+01:00",
            }
        ],
    },
    "no offset": {
        "day": "2026-11-26",
        "appointments": [
            {
                "id": "x",
                "code_sha256": "a" * 64,
                "category": "social",
                "start": "2026-11-26T10:00:00",
                "end": "2026-11-26T10:20:00+01:00",
            }
        ],
    },
    "another day": {"day": "2026-11-25", "appointments": []},
    "not a list": {"day": "2026-11-26", "appointments": {"x": 1}},
}


@pytest.mark.parametrize("name", sorted(BAD_LISTS))
def test_a_malformed_list_is_refused_and_the_last_good_list_kept(
    name, store, clock, token_file, caplog
):
    good = [
        Appointment(
            "rdv-1",
            code_sha256("K7P2QX"),
            "social",
            dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 26, 10, 50, tzinfo=dt.UTC),
        )
    ]
    store.replace_appointments(DAY, good)
    body = json.dumps(BAD_LISTS[name]).encode()
    with misbehaving_server(answer("200 OK", body, content_type="application/json")) as url:
        service = _service(url, store, clock, token_file, [DAY])
        with caplog.at_level(logging.WARNING, logger="kiosk.sync.service"):
            service.run_once()
    assert store.appointments_for(DAY) == good
    lines = [r for r in caplog.records if "appointments" in r.getMessage()]
    assert len(lines) == 1 and "malformed list refused" in lines[0].getMessage()
    assert "\n" not in lines[0].getMessage()


def test_the_client_refuses_a_list_for_another_day(store, clock, token_file):
    body = json.dumps({"day": "2026-11-27", "appointments": []}).encode()
    with misbehaving_server(answer("200 OK", body, content_type="application/json")) as url:
        client = ServerClient(
            url, kiosk_id=KIOSK, token="t", connect_timeout_s=0.5, read_timeout_s=1
        )
        with pytest.raises(SyncError, match="expected '2026-11-26'") as err:
            client.get_appointments(DAY)
        assert not err.value.is_retryable
        client.close()


def test_unknown_keys_are_ignored(store, clock, token_file):
    item = {
        "id": "x",
        "code_sha256": "A" * 64,
        "category": "social",
        "start": "2026-11-26T10:00:00+01:00",
        "end": "2026-11-26T10:20:00+01:00",
        "name": "never kept",
    }
    body = json.dumps({"day": "2026-11-26", "appointments": [item], "extra": 1}).encode()
    with misbehaving_server(answer("200 OK", body, content_type="application/json")) as url:
        client = ServerClient(
            url, kiosk_id=KIOSK, token="t", connect_timeout_s=0.5, read_timeout_s=1
        )
        [got] = client.get_appointments(DAY)
        client.close()
    assert got.code_sha256 == "a" * 64 and not hasattr(got, "name")


def test_the_same_deadline_and_size_cap_as_every_request():
    stop = threading.Event()

    def trickle(sock: socket.socket, request: bytes) -> None:
        body = b'{"day": "2026-11-26", "appointments": []' + b" " * 200 + b"}"
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        for byte in body:
            if stop.wait(0.05):
                return
            sock.sendall(bytes([byte]))

    with misbehaving_server(trickle) as url:
        client = ServerClient(
            url,
            kiosk_id=KIOSK,
            token="t",
            connect_timeout_s=0.5,
            read_timeout_s=1.0,
            total_timeout_s=1.0,
        )
        with pytest.raises(SyncError):
            client.get_appointments(DAY)
        stop.set()
        client.close()
    big = json.dumps({"day": "2026-11-26", "appointments": [], "pad": "x" * 2_000_000}).encode()
    with misbehaving_server(answer("200 OK", big, content_type="application/json")) as url:
        client = ServerClient(
            url, kiosk_id=KIOSK, token="t", connect_timeout_s=0.5, read_timeout_s=2
        )
        with pytest.raises(SyncError):
            client.get_appointments(DAY)
        client.close()
