"""Appointments (contract 5.3): the booking code, its hash, and the check-in window. Pure.

A booking code is written in an unambiguous alphabet (no 0/O, 1/I/L): what a visitor reads
on a letter or a phone and types on the kiosk's keypad. The kiosk never keeps a code, only
the hex SHA-256 of the code in capitals (UTF-8), compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0 O 1 I L: nothing to mistake
CODE_LENGTH = 6  # what the stub server makes; the keypad takes up to CODE_MAX_CHARS
CODE_MAX_CHARS = 12

# Refusal reasons (contract 5.3), beside closed, printer, cap...
UNKNOWN = "appointment_unknown"
EARLY = "appointment_early"
LATE = "appointment_late"
REASONS = (UNKNOWN, EARLY, LATE)

# Ten wrong codes within a minute slow the keypad down: each further wrong code locks it
# for a growing delay (2 s, 4 s, 8 s ... capped at a minute), so a guesser gets a handful of
# tries a minute while a visitor who mistyped twice notices nothing.
WRONG_CODES_ALLOWED = 10
WRONG_CODES_WINDOW_S = 60.0
WRONG_CODE_DELAY_FIRST_S = 2.0
WRONG_CODE_DELAY_MAX_S = 60.0


@dataclass(frozen=True)
class Appointment:
    """One appointment of the day, as the kiosk keeps it: no name, no code, only its hash."""

    id: str
    code_sha256: str
    category: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware


def normalise_code(text: str) -> str:
    """What a visitor typed or a scanner read, as the code to hash: a URL's last path
    segment (a QR code holding a link), spaces and dashes dropped, in capitals."""
    text = text.strip()
    if "://" in text:
        path = urllib.parse.urlsplit(text).path.rstrip("/")
        text = urllib.parse.unquote(path.rsplit("/", 1)[-1])
    return "".join(c for c in text if c not in " -\t").upper()


def code_sha256(code: str) -> str:
    """The hex SHA-256 of ``code`` in capitals, UTF-8 (what the server lists)."""
    return hashlib.sha256(code.upper().encode("utf-8")).hexdigest()


def find_by_code(appointments: Iterable[Appointment], code: str) -> Appointment | None:
    """The appointment whose hash matches ``code``, comparing every hash in constant time
    (no early exit), so the time taken tells nothing of how close a guess was."""
    wanted = code_sha256(normalise_code(code)).encode("ascii")
    found = None
    for a in appointments:
        if hmac.compare_digest(wanted, a.code_sha256.lower().encode("ascii")) and found is None:
            found = a
    return found


def window_refusal(
    appointment: Appointment, now: dt.datetime, *, early_min: int, late_min: int
) -> tuple[str | None, dt.datetime]:
    """(None or ``appointment_early`` / ``appointment_late``, the time check-in opens)."""
    opens = appointment.start - dt.timedelta(minutes=early_min)
    closes = appointment.start + dt.timedelta(minutes=late_min)
    if now < opens:
        return EARLY, opens
    if now > closes:
        return LATE, opens
    return None, opens


def wrong_code_delay_s(wrong_at_s: list[float], now_s: float) -> float:
    """How long the keypad stays locked after the wrong codes at ``wrong_at_s`` (monotonic
    seconds, oldest first): none until ten within a minute, then doubling per extra one."""
    recent = [t for t in wrong_at_s if now_s - t <= WRONG_CODES_WINDOW_S]
    extra = len(recent) - WRONG_CODES_ALLOWED
    if extra < 0:
        return 0.0
    delay = min(WRONG_CODE_DELAY_MAX_S, WRONG_CODE_DELAY_FIRST_S * 2**extra)
    return max(0.0, recent[-1] + delay - now_s)
