"""The stub server's appointments (contract 5.3): a development booking book.

``POST /api/v1/dev/appointments`` (JSON, or the page's form) books one: a category, a
start time (RFC 3339, or ``YYYY-MM-DDTHH:MM`` read in ``timezone``, Europe/Paris unless
given), a duration; the server draws the booking code from the unambiguous alphabet and
answers it once. ``GET /api/v1/kiosks/{kiosk_id}/appointments?day=`` lists a day's
appointments with the code's hash only, as protocol v1 says. The stub keeps what the
protocol needs plus the plain code, for its page: it is a development server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import threading
import zoneinfo
from html import escape
from typing import Any

from kiosk.sync.protocol import BodyError, WireAppointment, validate_kiosk_id

# Same as kiosk.core.appointments.CODE_ALPHABET (the stub imports only kiosk.sync.protocol).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_DURATION_MIN = 15

SCHEMA = """
CREATE TABLE IF NOT EXISTS appointments (
    kiosk_id TEXT NOT NULL, id TEXT NOT NULL, day TEXT NOT NULL, code TEXT NOT NULL,
    code_sha256 TEXT NOT NULL, category TEXT NOT NULL, start_at TEXT NOT NULL,
    end_at TEXT NOT NULL, PRIMARY KEY (kiosk_id, id));
"""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


START_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?")
CATEGORY_RE = re.compile(r"[a-z0-9-]{1,32}")
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{1,12}}")


def parse_booking(body: Any, *, is_form: bool = False) -> dict[str, Any]:
    """A booking request's fields, or BodyError naming the bad one. A form's fields are
    all text: ``duration_min`` is then read from digits."""
    if not isinstance(body, dict):
        raise BodyError("$", "expected kiosk_id, category and start")
    kiosk_id = validate_kiosk_id(body.get("kiosk_id"))
    category = body.get("category")
    if not isinstance(category, str) or not CATEGORY_RE.fullmatch(category):
        raise BodyError("category", f"expected a category id, got {category!r}"[:80])
    tz_name = body.get("timezone", DEFAULT_TIMEZONE)
    if is_form and tz_name == "":
        tz_name = DEFAULT_TIMEZONE
    try:
        if not isinstance(tz_name, str) or not tz_name:
            raise ValueError(tz_name)
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise BodyError("timezone", f"expected an IANA name, got {tz_name!r}"[:80]) from None
    text = body.get("start")
    start = None
    if isinstance(text, str) and START_RE.fullmatch(text):
        try:
            start = dt.datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            start = None
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=tz)
    if start is None:
        raise BodyError("start", f"expected RFC 3339 or YYYY-MM-DDTHH:MM, got {text!r}"[:80])
    duration = body.get("duration_min", DEFAULT_DURATION_MIN)
    if is_form and isinstance(duration, str) and duration.isascii() and duration.isdigit():
        duration = int(duration)
    if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 480:
        raise BodyError("duration_min", f"expected 1 to 480 minutes, got {duration!r}"[:80])
    code = body.get("code")
    if is_form and code == "":
        code = None
    if code is None:
        code = new_code()
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        raise BodyError("code", f"expected 1 to 12 characters among {CODE_ALPHABET}")
    return {
        "kiosk_id": kiosk_id,
        "category": category,
        "start": start,
        "end": start + dt.timedelta(minutes=duration),
        "day": start.astimezone(tz).date(),
        "code": code,
    }


class AppointmentBook:
    """The appointments part of :class:`stubserver.db.StubDatabase`."""

    _lock: threading.Lock

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def book(self, booking: dict[str, Any]) -> dict[str, Any]:
        """Store one booking; returns it with its id and its code (the only time the code
        is answered)."""
        ident = secrets.token_hex(8)
        code = booking["code"]
        digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
        with self._lock:
            self._db().execute(
                "INSERT INTO appointments (kiosk_id, id, day, code, code_sha256, category, "
                "start_at, end_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    booking["kiosk_id"],
                    ident,
                    booking["day"].isoformat(),
                    code,
                    digest,
                    booking["category"],
                    booking["start"].isoformat(),
                    booking["end"].isoformat(),
                ),
            )
        return {
            "id": ident,
            "kiosk_id": booking["kiosk_id"],
            "code": code,
            "category": booking["category"],
            "day": booking["day"].isoformat(),
            "start": booking["start"].isoformat(),
            "end": booking["end"].isoformat(),
        }

    def appointments(self, kiosk_id: str, day: dt.date) -> list[WireAppointment]:
        with self._lock:
            rows = (
                self._db()
                .execute(
                    "SELECT id, code_sha256, category, start_at, end_at FROM appointments "
                    "WHERE kiosk_id = ? AND day = ? ORDER BY start_at, id",
                    (kiosk_id, day.isoformat()),
                )
                .fetchall()
            )
        return [
            WireAppointment(
                r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), dt.datetime.fromisoformat(r[4])
            )
            for r in rows
        ]

    def all_appointments(self) -> list[dict[str, Any]]:
        """For the page: every booking, without its code."""
        with self._lock:
            rows = (
                self._db()
                .execute(
                    "SELECT kiosk_id, id, category, start_at FROM appointments "
                    "ORDER BY start_at DESC LIMIT 50"
                )
                .fetchall()
            )
        return [{"kiosk_id": r[0], "id": r[1], "category": r[2], "start": r[3]} for r in rows]


def render_form(bookings: list[dict[str, Any]], booked: dict[str, Any] | None = None) -> str:
    """The page's appointments part: a form to book one, the code of the one just booked
    (shown this once), and the recent bookings without their codes."""
    parts = ["<h2>Appointments</h2>"]
    if booked is not None:
        parts.append(
            f"<p><strong>Booked {escape(booked['category'])} at {escape(booked['start'])} for "
            f"kiosk {escape(booked['kiosk_id'])}: code <code style='font-size:2em'>"
            f"{escape(booked['code'])}</code></strong> (shown once)</p>"
        )
    now = dt.datetime.now(zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m-%dT%H:%M")
    parts.append(
        "<form method='post' action='/api/v1/dev/appointments'>"
        "<label>Kiosk <input name='kiosk_id' value='demo-1' required></label> "
        "<label>Category <input name='category' required></label> "
        f"<label>Time <input type='datetime-local' name='start' value='{now}' required></label> "
        f"<label>Time zone <input name='timezone' value='{DEFAULT_TIMEZONE}'></label> "
        "<button type='submit'>Book</button></form>"
    )
    if bookings:
        parts.append("<table><tr><th>Kiosk</th><th>Category</th><th>Start</th><th>Id</th></tr>")
        for b in bookings:
            parts.append(
                f"<tr><td>{escape(b['kiosk_id'])}</td><td>{escape(b['category'])}</td>"
                f"<td>{escape(b['start'])}</td><td>{escape(b['id'])}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)
