"""Event records of protocol v1 (contract, section 4), built as plain data.

The store gives each event its ``seq`` when it commits it; here we only decide the type, the
time stamp format and the ``data`` of each event. Pure: the time and ids are passed in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

KIOSK_STARTED = "kiosk.started"
KIOSK_HEARTBEAT = "kiosk.heartbeat"
TICKET_ISSUED = "ticket.issued"
TICKET_PRINTED = "ticket.printed"
TICKET_VOIDED = "ticket.voided"
PRINTER_STATUS = "printer.status"
TICKET_REFUSED = "ticket.refused"
SURVEY_ANSWERED = "survey.answered"
APPOINTMENT_CHECKED_IN = "appointment.checked_in"
CONFIG_APPLIED = "config.applied"
CONFIG_REJECTED = "config.rejected"

TICKET_EVENTS = frozenset({TICKET_ISSUED, TICKET_PRINTED, TICKET_VOIDED})
SURVEY_SCORES = range(1, 5)  # 1 to 4, 4 the best
# The reasons a visitor may add to a survey answer (the kiosk's screens offer these five):
# welcome and courtesy, waiting time, clear information, comfort of the premises, the request
# dealt with. A server treats them as free text.
SURVEY_REASONS = ("accueil", "attente", "information", "locaux", "demarche")

# Void reasons (extensible; the server treats them as free text).
VOID_INTERRUPTED = "interrupted"


def rfc3339(when: dt.datetime) -> str:
    """An RFC 3339 time stamp with its UTC offset and milliseconds, e.g.
    ``2026-11-26T09:41:00.123+01:00``."""
    if when.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return when.isoformat(timespec="milliseconds")


def started(version: str) -> dict[str, Any]:
    return {"version": version}


def ticket_issued(
    *,
    ticket_id: str,
    number: str,
    category: str,
    service_day: dt.date,
    language: str,
    is_clock_unsure: bool,
    is_priority: bool = False,
    appointment_id: str | None = None,
) -> dict[str, Any]:
    """``"priority": true`` only on a priority ticket (contract 5.2: absent otherwise)."""
    data: dict[str, Any] = {
        "ticket_id": ticket_id,
        "number": number,
        "category": category,
        "service_day": service_day.isoformat(),
        "language": language,
    }
    if is_priority:
        data["priority"] = True
    if is_clock_unsure:
        data["clock_unsynced"] = True
    if appointment_id is not None:
        data["appointment_id"] = appointment_id
    return data


def ticket_printed(ticket_id: str) -> dict[str, Any]:
    return {"ticket_id": ticket_id}


def ticket_voided(ticket_id: str, reason: str) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "reason": reason}


def printer_status(status: str) -> dict[str, Any]:
    return {"status": status}


def ticket_refused(category: str, reason: str) -> dict[str, Any]:
    """No ticket was issued: ``closed``, ``cap``, ``printer``, ``store``, ``paused``..."""
    return {"category": category, "reason": reason}


def survey_answered(score: int, reason: str | None = None) -> dict[str, Any]:
    """A satisfaction answer (contract 5.5): nothing that identifies the visitor."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SURVEY_SCORES:
        raise ValueError(f"survey score {score!r}: expected a whole number from 1 to 4")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise ValueError(f"survey reason {reason!r}: expected a non-empty text or None")
    return {"score": score, "reason": reason}


def appointment_checked_in(appointment_id: str, ticket_id: str) -> dict[str, Any]:
    """A visitor checked in for an appointment and got ``ticket_id`` (contract 5.3)."""
    return {"appointment_id": appointment_id, "ticket_id": ticket_id}


def config_applied(version: int) -> dict[str, Any]:
    """A configuration came into force (contract 5.7): the server's ``version``, or 0 for
    the local file alone (the server has nothing set)."""
    return {"version": version}


def config_rejected(version: int, error: str) -> dict[str, Any]:
    """The server's ``version`` was refused; ``error`` is the one line a file would get.
    The configuration in force stays."""
    return {"version": version, "error": error}
