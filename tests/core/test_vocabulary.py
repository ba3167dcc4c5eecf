"""The vocabulary (kiosk/core/vocabulary.py) speaks the contract's words: each member is the
very string the trace, the events and the file names carry."""

from __future__ import annotations

import json

from display.view import Action
from kiosk.core.vocabulary import ActionKind, PrinterStatus, RefusalReason, Screen
from kiosk.report.page import REFUSAL_LABELS
from printer import status as printer_status


def test_printer_statuses_are_the_contracts() -> None:
    # Contract section 4: STATUS is one of these.
    expected = {"ok", "paper_near_end", "paper_out", "cover_open", "offline", "unknown"}
    assert {s.value for s in PrinterStatus} == expected
    assert printer_status.PrinterStatus is PrinterStatus
    assert [s for s in PrinterStatus if s.is_blocking] == [
        PrinterStatus.PAPER_OUT,
        PrinterStatus.COVER_OPEN,
        PrinterStatus.OFFLINE,
    ]


def test_members_are_their_strings() -> None:
    assert RefusalReason.CLOSED == "closed"
    assert f"{RefusalReason.CAP}" == "cap" and str(PrinterStatus.OK) == "ok"
    assert json.dumps({"reason": RefusalReason.PRINTER, "screen": Screen.OUT_OF_ORDER}) == (
        '{"reason": "printer", "screen": "out_of_order"}'
    )
    assert Action(ActionKind.CATEGORY, "a") == Action("category", "a")
    assert f"{Screen.TECH_PIN}-fr-800x480.png" == "tech_pin-fr-800x480.png"


def test_every_refusal_reason_has_words_in_the_report() -> None:
    # The contract's examples (closed, printer, cap) and the appointment reasons of 5.3.
    assert {"closed", "printer", "cap", "appointment_unknown"} <= set(RefusalReason)
    assert set(RefusalReason) <= set(REFUSAL_LABELS)
