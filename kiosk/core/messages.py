"""What the screen and the controller say to each other, through queues.

The display posts *intents* (a visitor wants a ticket of a category); the controller, in its
worker thread, answers with *updates* (issued, printed, voided, refused) and publishes a
:class:`KioskSnapshot` of everything the screens draw. Neither side waits for the other.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kiosk.core.calendar import Closure
from kiosk.core.settings import Config
from kiosk.core.vocabulary import PrinterStatus

# ---- intents: display -> controller -------------------------------------------------


@dataclass(frozen=True)
class TicketRequest:
    """A visitor touched a category's button (or pressed the physical ticket button)."""

    category_id: str
    language: str
    source: str = "touch"  # "touch" | "button" | "replay"
    is_priority: bool = False  # a priority ticket (contract 5.2): the card is shown to the agent


@dataclass(frozen=True)
class AppointmentRequest:
    """A visitor typed a booking code on the keypad (``source`` "keypad") or showed it to
    the scanner ("scanner"); ``code`` is as typed or read (a URL's last segment is the
    code). The controller checks it in (contract 5.3)."""

    code: str
    language: str
    source: str = "keypad"  # "keypad" | "scanner" | "replay"


@dataclass(frozen=True)
class ReprintRequest:
    """A technician asked to reprint the last ticket (same number, marked as a duplicate)."""


@dataclass(frozen=True)
class PrintTestRequest:
    """A technician asked for a test ticket."""


@dataclass(frozen=True)
class PauseRequest:
    """A technician paused (True) or resumed (False) issuing."""

    is_paused: bool


@dataclass(frozen=True)
class ServiceDayRequest:
    """A technician, having checked the clock, asked to bring back a service day a wrong
    clock left ahead (numbers continue above those already issued)."""


@dataclass(frozen=True)
class QuitRequest:
    """Shut down cleanly (replay ``quit``, SIGTERM, technician restart)."""

    exit_code: int = 0


@dataclass(frozen=True)
class SurveyAnswer:
    """A visitor's satisfaction answer (contract 5.5): a face, 1 to 4 (4 the best), and the
    optional reason. Nothing about the visitor. ``pressed_s`` is the monotonic time of the
    face's touch: the debounce and the rate limit count from it."""

    score: int
    reason: str | None
    pressed_s: float
    source: str = "touch"  # "touch" | "key" | "replay"


@dataclass(frozen=True)
class ConfigChange:
    """A validated configuration to put in force between visitors (remote configuration,
    contract 5.7): the screen takes it at its idle home, then posts it to the controller,
    so every ticket asked for before is issued under the old one, every later one under
    the new. ``version`` 0 is the local file alone; ``source`` is "file" or "server v7"."""

    config: Config
    version: int
    source: str


Intent = (
    TicketRequest
    | AppointmentRequest
    | SurveyAnswer
    | ConfigChange
    | ReprintRequest
    | PrintTestRequest
    | PauseRequest
    | ServiceDayRequest
    | QuitRequest
)

# ---- updates: controller -> display ---------------------------------------------------


@dataclass(frozen=True)
class TicketIssued:
    """The number is durably committed; printing starts now."""

    ticket_id: str
    number: str
    category_id: str
    language: str
    people_ahead: int | None = None
    wait_range_s: tuple[int, int] | None = None
    is_priority: bool = False
    appointment_start: dt.datetime | None = None  # a check-in: the appointment's time
    is_duplicate: bool = False  # the same appointment checked in again: its number again


@dataclass(frozen=True)
class TicketPrinted:
    ticket_id: str


@dataclass(frozen=True)
class TicketVoided:
    """The ticket could not be printed; the visitor is sent to the desk."""

    ticket_id: str
    reason: str


@dataclass(frozen=True)
class TicketRefused:
    """No ticket was issued. ``reason`` is closed, printer, cap, paused, store or unknown."""

    category_id: str
    reason: str
    next_opening: dt.datetime | None = None
    why: str | None = None  # closed: "last_ticket" (the cut-off), "category" (its own hours)
    # appointment_early: ``next_opening`` is when its check-in opens; appointment_late and
    # appointment_unknown have none. ``category_id`` is the appointment's ("" if unknown).


@dataclass(frozen=True)
class SurveyRecorded:
    """The controller has dealt with a :class:`SurveyAnswer`: committed (``is_counted``), or
    left out by the debounce or the rate limit, or lost to a store fault (``error``)."""

    score: int
    reason: str | None
    is_counted: bool
    error: str | None = None


Update = TicketIssued | TicketPrinted | TicketVoided | TicketRefused | SurveyRecorded


@dataclass(frozen=True)
class CategoryQueue:
    """The server's view of one category's queue, when fresh."""

    waiting: int | None = None
    estimated_wait_s: int | None = None
    now_serving: str | None = None
    priority: PriorityQueue | None = (
        None  # the priority tickets' figures, when the server gives them
    )


@dataclass(frozen=True)
class PriorityQueue:
    """The server's figures for a new priority ticket of one category: the people ahead of
    it (priority tickets are called by the server's own policy) and its estimated wait."""

    waiting: int | None = None
    estimated_wait_s: int | None = None


@dataclass(frozen=True)
class KioskSnapshot:
    """Everything the screens draw, published by the controller after each change."""

    is_open: bool = True
    next_opening: dt.datetime | None = None
    closure: Closure | None = None  # why closed (holiday, exception, weekday), from the calendar
    last_ticket_at: dt.datetime | None = None  # set during the cut-off before closing
    printer_status: str = PrinterStatus.UNKNOWN
    out_of_order_reason: str | None = None  # None when issuing works; else printer/store/paused
    is_paused: bool = False
    unavailable: Mapping[str, str] = field(default_factory=dict)  # category id -> reason
    queues: Mapping[str, CategoryQueue] = field(default_factory=dict)  # only when fresh
    message: Mapping[str, str] | None = None  # server banner per language
    sync_text: str = ""  # for technicians only ("sync: authentication failed", ...)
    # The same, as parts the technician screen words in its own language and local time:
    # off | auth_failed | retrying | ok | waiting ("" when unknown).
    sync_state: str = ""
    sync_error: str | None = None
    sync_last_success_at: dt.datetime | None = None  # aware UTC
    outbox_depth: int = 0
    counts_today: Mapping[str, int] = field(default_factory=dict)
    last_ticket_number: str | None = None
    technician_message: str | None = (
        None  # what failed and where (store, printer): never for visitors
    )
    config_source: str = "file"  # the configuration in force: "file" or "server v7"
    # The kiosk is still opening its store and printer (kiosk.wiring.startup): requests wait
    # for the controller, a replay script waits to begin. The controller's snapshots say False.
    is_starting: bool = False


T = TypeVar("T")


class Latest(Generic[T]):
    """A thread-safe box holding the latest value and a version that grows on each change,
    so a reader can redraw only when something changed."""

    def __init__(self, value: T):
        self._lock = threading.Lock()
        self._value = value
        self._version = 0

    def set(self, value: T) -> None:
        with self._lock:
            if value != self._value:
                self._value = value
                self._version += 1

    def get(self) -> tuple[int, T]:
        with self._lock:
            return self._version, self._value

    @property
    def value(self) -> T:
        with self._lock:
            return self._value

    def __repr__(self) -> str:
        return f"<Latest version={self._version} value={self._value!r}>"
