"""The kiosk's words, named once: the printer's status, why a ticket was refused, the screens
and what a button does.

Each is an :class:`enum.StrEnum`, so a member *is* its string: ``Screen.HOME == "home"``, a
member written to the trace, an event or a file name is the contract's word, and code that
still compares with the bare string keeps working. New words are added here, not spelled
out where they are used.
"""

from __future__ import annotations

import enum


class PrinterStatus(enum.StrEnum):
    """The printer's state as the kiosk, its server and its technicians name it (contract
    section 4, ``STATUS``)."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"

    @property
    def is_blocking(self) -> bool:
        """True when a ticket cannot be printed now (paper out, cover open, offline).

        ``unknown`` is not blocking by itself: a write-only link never knows.
        """
        return self in BLOCKING_STATUSES


# These stop issuing before a number is taken.
BLOCKING_STATUSES = frozenset(
    {PrinterStatus.PAPER_OUT, PrinterStatus.COVER_OPEN, PrinterStatus.OFFLINE}
)


class RefusalReason(enum.StrEnum):
    """Why no ticket was issued: the ``reason`` of the ``refused`` trace event and of
    :class:`~kiosk.core.messages.TicketRefused`; also why a category is shown disabled
    (closed, cap) and why the kiosk is out of order (store, printer, paused). Not to be
    confused with :class:`kiosk.core.errors.Refusal`, the exception of an expected "no"."""

    CLOSED = "closed"  # outside the opening hours (the site's or the category's)
    CAP = "cap"  # the category's daily cap is reached
    PRINTER = "printer"  # the printer cannot print now
    STORE = "store"  # the durable store failed: no number can be committed
    PAUSED = "paused"  # a technician paused issuing
    UNKNOWN = "unknown"  # no such ticket category
    # A check-in by booking code (contract 5.3).
    APPOINTMENT_UNKNOWN = "appointment_unknown"
    APPOINTMENT_EARLY = "appointment_early"
    APPOINTMENT_LATE = "appointment_late"


class Screen(enum.StrEnum):
    """The screens' names: the ``screen`` trace event's name and the first part of each
    ``kiosk screenshots`` file name."""

    HOME = "home"
    CATEGORIES = "categories"
    TICKET = "ticket"
    REFUSED = "refused"
    CLOSED = "closed"
    OUT_OF_ORDER = "out_of_order"
    TECH_PIN = "tech_pin"
    TECH_MENU = "tech_menu"
    PRIORITY = "priority"  # the normal / priority ticket choice


class ActionKind(enum.StrEnum):
    """What releasing a button does (``display.view.Action.kind``)."""

    START = "start"  # the home screen's "take a ticket"
    LANGUAGE = "language"  # arg: the language code
    VIEW = "view"  # the larger-text switch
    PARENT = "parent"  # arg: the parent category whose sub-categories to show
    BACK = "back"
    PAGE = "page"  # the categories screen's next page (round to the first after the last)
    CATEGORY = "category"  # arg: the category id: asks for a ticket
    NORMAL = "normal"  # arg: the category id: an ordinary ticket, from the priority choice
    PRIORITY = "priority"  # arg: the category id: a priority ticket
    DISMISS = "dismiss"  # leaves the ticket or refused screen
    PIN_DIGIT = "pin_digit"  # arg: the digit
    PIN_CLEAR = "pin_clear"
    PIN_OK = "pin_ok"
    TECH_CLOSE = "tech_close"
    TECH_PRINT_TEST = "tech_print_test"
    TECH_REPRINT = "tech_reprint"
    TECH_SERVICE_DAY = "tech_service_day"
    TECH_PAUSE = "tech_pause"  # arg: "pause" or "resume"
    TECH_RESTART = "tech_restart"  # confirmed
    TECH_RESTART_ASK = "tech_restart_ask"  # the menu's button: asks to confirm first
    TECH_RESTART_CANCEL = "tech_restart_cancel"
