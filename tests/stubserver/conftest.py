from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

KIOSK = "hdv-1"


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer any-token"
    yield session
    session.close()


def event(seq: int, type_: str = "printer.status", **data: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "type": type_,
        "at": "2026-11-26T10:00:00.000+01:00",
        "data": data or {"status": "ok"},
    }


def ticket_events(first_seq: int, number: str, category: str = "etat-civil") -> list[dict]:
    ticket_id = str(uuid.uuid4())
    return [
        event(
            first_seq,
            "ticket.issued",
            ticket_id=ticket_id,
            number=number,
            category=category,
            service_day="2026-11-26",
            language="fr",
        ),
        event(first_seq + 1, "ticket.printed", ticket_id=ticket_id),
    ]
