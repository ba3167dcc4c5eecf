"""Protocol v1's schema and validation (contract, section 4), shared by kiosk and stub server.

Pure, standard library only: the development queue server (:mod:`stubserver`) imports this
module and nothing else of the kiosk, so a vendor reads here what a valid request is, and the
kiosk reads here what a protocol error answer is.

- :func:`validate_events_body` checks a ``POST /api/v1/events`` body strictly; each problem
  is a :class:`BodyError` with the JSON path of the bad field (a kiosk that passes against
  the stub sends what the contract says);
- :func:`error_answer` and :func:`parse_error_answer` are the two sides of a protocol 400:
  ``{"error": "<one line>", "field": "<JSON path>"?, "event_id": "<UUID>"?}``. Only such an
  answer tells a kiosk that its batch is malformed; a 400 or 413 page from a proxy is not
  one, and the kiosk then retries instead of setting events aside.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

KIOSK_ID_RE = re.compile(r"[a-z0-9-]{1,32}")  # matched whole (re.fullmatch): no "hdv-1\n"
RFC3339_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_EVENTS = 100
MAX_SEQ = 2**63 - 1  # SQLite's INTEGER, where both sides keep seq
MAX_DATA_DEPTH = 16  # nesting of an event's data; protocol v1 events nest one or two levels


class BodyError(ValueError):
    """The body breaks the protocol; ``field`` is the JSON path ("events[3].at")."""

    def __init__(self, field: str, message: str, *, event_id: str | None = None):
        self.field = field
        self.event_id = event_id
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ErrorAnswer:
    """A protocol error answer: ``error`` is one line, ``field`` the JSON path of the bad
    field and ``event_id`` the event it belongs to, when the server knows them."""

    error: str
    field: str | None = None
    event_id: str | None = None


def error_answer(message: str, *, field: str | None = None, event_id: str | None = None) -> dict:
    """The JSON body of a protocol error answer (what the stub server sends)."""
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body["field"] = field
    if event_id is not None:
        body["event_id"] = event_id
    return body


def parse_error_answer(content: bytes) -> ErrorAnswer | None:
    """The protocol error in an answer's body, or None when it is not one (an HTML page or
    plain text from a proxy, JSON of another shape): only a protocol error means the batch
    itself is malformed."""
    try:
        body = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    error, field, event_id = body.get("error"), body.get("field"), body.get("event_id")
    if not isinstance(error, str) or not error.strip():
        return None
    if not isinstance(field, str | None) or not isinstance(event_id, str | None):
        return None
    return ErrorAnswer(error=error, field=field, event_id=event_id)


@dataclass(frozen=True)
class WireEvent:
    id: str
    seq: int
    type: str
    at: str
    data: dict[str, Any]


def parse_rfc3339(text: str) -> dt.datetime | None:
    """An aware datetime from an RFC 3339 timestamp with its offset, or None."""
    if not RFC3339_RE.fullmatch(text):
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def validate_kiosk_id(value: Any, field: str = "kiosk_id") -> str:
    if not isinstance(value, str) or not KIOSK_ID_RE.fullmatch(value):
        raise BodyError(field, f"expected 1-32 characters of a-z 0-9 -, got {value!r}")
    return value


def validate_text(value: Any, field: str, expected: str) -> str:
    """``value`` when it is a non-empty string, else BodyError naming ``field``."""
    if not isinstance(value, str) or not value:
        raise BodyError(field, f"expected {expected}, got {value!r}")
    return value


def validate_events_body(body: Any, *, max_events: int = MAX_EVENTS) -> tuple[str, list[WireEvent]]:
    """(kiosk_id, events) from a decoded body, or BodyError naming the first bad field."""
    if not isinstance(body, dict):
        raise BodyError("$", "expected a JSON object with kiosk_id and events")
    kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
    raw = body.get("events")
    if not isinstance(raw, list) or not 1 <= len(raw) <= max_events:
        shown = f"{len(raw)} events" if isinstance(raw, list) else repr(raw)[:40]
        raise BodyError("events", f"expected a list of 1 to {max_events} events, got {shown}")
    events: list[WireEvent] = []
    for i, item in enumerate(raw):
        where = f"events[{i}]"
        if not isinstance(item, dict):
            raise BodyError(where, "expected an object")
        event_id = item.get("id")
        if not isinstance(event_id, str) or not _is_uuid(event_id):
            raise BodyError(f"{where}.id", f"expected a UUID string, got {event_id!r}")
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
            shown = repr(seq) if len(repr(seq)) <= 40 else repr(seq)[:40] + "…"
            raise BodyError(
                f"{where}.seq",
                f"expected a whole number from 1 to 2**63 - 1, got {shown}",
                event_id=event_id,
            )
        if events and seq <= events[-1].seq:
            raise BodyError(
                f"{where}.seq",
                f"expected events in seq order, got {seq} after {events[-1].seq}",
                event_id=event_id,
            )
        kind = item.get("type")
        if not isinstance(kind, str) or not kind or len(kind) > 64:
            raise BodyError(
                f"{where}.type", f"expected an event type, got {kind!r}", event_id=event_id
            )
        at = item.get("at")
        if not isinstance(at, str) or parse_rfc3339(at) is None:
            raise BodyError(
                f"{where}.at",
                f"expected an RFC 3339 timestamp with its UTC offset, got {at!r}",
                event_id=event_id,
            )
        data = item.get("data")
        if not isinstance(data, dict):
            raise BodyError(
                f"{where}.data", f"expected an object, got {data!r}"[:120], event_id=event_id
            )
        if _depth(data) > MAX_DATA_DEPTH:
            raise BodyError(
                f"{where}.data",
                f"nested more than {MAX_DATA_DEPTH} levels deep",
                event_id=event_id,
            )
        day = data.get("service_day")
        if kind == "ticket.issued" and day is not None and not _is_date(day):
            raise BodyError(
                f"{where}.data.service_day",
                f"expected a date YYYY-MM-DD, got {day!r}"[:120],
                event_id=event_id,
            )
        events.append(WireEvent(id=event_id, seq=seq, type=kind, at=at, data=data))
    return kiosk_id, events


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (iterative: no recursion to exhaust)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DATA_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_uuid(text: str) -> bool:
    if len(text) != 36:
        return False
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# ---- appointments (contract 5.3) ---------------------------------------------------------

SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
MAX_APPOINTMENTS = 5000  # a day's list at one kiosk; more is a fault


@dataclass(frozen=True)
class WireAppointment:
    """One appointment of ``GET /api/v1/kiosks/{kiosk_id}/appointments?day=``."""

    id: str
    code_sha256: str
    category: str
    start: dt.datetime
    end: dt.datetime

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code_sha256": self.code_sha256,
            "category": self.category,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def validate_appointments_body(body: Any, *, day: dt.date) -> list[WireAppointment]:
    """The appointments of an answer for ``day``, or BodyError naming the first bad field
    (a list for another day is one). Unknown keys are ignored."""
    if not isinstance(body, dict):
        raise BodyError("$", "expected a JSON object with day and appointments")
    if body.get("day") != day.isoformat():
        raise BodyError("day", f"expected {day.isoformat()!r}, got {body.get('day')!r}"[:120])
    raw = body.get("appointments")
    if not isinstance(raw, list) or len(raw) > MAX_APPOINTMENTS:
        shown = f"{len(raw)} items" if isinstance(raw, list) else repr(raw)[:40]
        raise BodyError("appointments", f"expected a list of up to {MAX_APPOINTMENTS}, got {shown}")
    out: list[WireAppointment] = []
    for i, item in enumerate(raw):
        where = f"appointments[{i}]"
        if not isinstance(item, dict):
            raise BodyError(where, "expected an object")
        ident = validate_text(item.get("id"), f"{where}.id", "an appointment id")
        if len(ident) > 128:
            raise BodyError(f"{where}.id", "expected at most 128 characters")
        digest = item.get("code_sha256")
        if not isinstance(digest, str) or not SHA256_RE.fullmatch(digest):
            raise BodyError(f"{where}.code_sha256", f"expected 64 hex digits, got {digest!r}"[:120])
        category = item.get("category")
        if not isinstance(category, str) or not KIOSK_ID_RE.fullmatch(category):
            raise BodyError(f"{where}.category", f"expected a category id, got {category!r}"[:120])
        times = []
        for key in ("start", "end"):
            text = item.get(key)
            when = parse_rfc3339(text) if isinstance(text, str) else None
            if when is None:
                raise BodyError(
                    f"{where}.{key}",
                    f"expected an RFC 3339 timestamp with its UTC offset, got {text!r}"[:120],
                )
            times.append(when)
        if times[1] < times[0]:
            raise BodyError(f"{where}.end", "expected an end at or after the start")
        out.append(WireAppointment(ident, digest.lower(), category, times[0], times[1]))
    return out


# ---- remote configuration (contract 5.7) ------------------------------------------------

# The sections a server may set, in the JSON form of their TOML; the local file keeps the
# rest (printer, data_dir, the server's own URL and token, GPIO pins, the technician PIN).
CONFIG_SECTIONS = ("hours", "categories", "priority", "appointments", "survey", "display")
MAX_CONFIG_VERSION = 2**63 - 1


def parse_config_answer(body: Any) -> tuple[int, dict[str, Any]]:
    """(version, config) of a ``200`` answer to ``GET /api/v1/kiosks/{id}/config``, or
    BodyError naming the bad field. Only the shape is checked here; what the sections
    hold is the kiosk's configuration validator's business."""
    if not isinstance(body, dict):
        raise BodyError("$", "expected a JSON object with version and config")
    version = body.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= MAX_CONFIG_VERSION
    ):
        shown = repr(version) if len(repr(version)) <= 40 else repr(version)[:40] + "…"
        raise BodyError("version", f"expected a whole number from 1 to 2**63 - 1, got {shown}")
    config = body.get("config")
    if not isinstance(config, dict):
        raise BodyError("config", f"expected an object of sections, got {config!r}"[:120])
    if _depth(config) > MAX_DATA_DEPTH:
        raise BodyError("config", f"nested more than {MAX_DATA_DEPTH} levels deep")
    return version, config
