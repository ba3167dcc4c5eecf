"""The controller's side of the satisfaction vote: a SurveyAnswer is committed through the
debounce and rate limit (kiosk/report/survey.py) with a real store, the screen is told either
way, a store fault loses only that answer (one log line, the worker carries on), and an
answer still queued at shutdown is committed."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kiosk.core.messages import SurveyAnswer, SurveyRecorded, TicketRequest
from kiosk.store import Store
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter


def drain(updates):
    out = []
    while not updates.empty():
        out.append(updates.get_nowait())
    return out


def answers_in(store):
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE type = 'survey.answered' ORDER BY seq"
        ).fetchall()
    return [json.loads(r[0]) for r in rows]


@pytest.fixture
def printer():
    with FakeTcpPrinter() as fake:
        p = TicketPrinter(fake.url, timeout_s=1.0)
        p.open()
        yield p
        p.close()


@pytest.fixture
def store(config, clock):
    s = Store.open(
        config.kiosk.data_dir, kiosk_id=config.kiosk.id, clock=clock, timezone=config.kiosk.timezone
    )
    yield s
    s.close()


def test_answers_are_committed_through_the_filter(config, clock, store, printer, make_controller):
    controller, updates, _ = make_controller(config, clock, store, printer)
    controller.handle(SurveyAnswer(4, None, 100.0))
    controller.handle(SurveyAnswer(4, None, 102.0))  # the same again within 5 s
    controller.handle(SurveyAnswer(2, "attente", 103.0))
    told = [u for u in drain(updates) if isinstance(u, SurveyRecorded)]
    assert [(u.score, u.reason, u.is_counted) for u in told] == [
        (4, None, True),
        (4, None, False),
        (2, "attente", True),
    ]
    assert answers_in(store) == [{"score": 4, "reason": None}, {"score": 2, "reason": "attente"}]


def test_a_store_fault_loses_that_answer_only(config, clock, printer, make_controller):
    controller, updates, _ = make_controller(
        config, clock, None, printer, store_error="store: disk full"
    )
    controller.handle(SurveyAnswer(3, None, 1.0))
    [told] = [u for u in drain(updates) if isinstance(u, SurveyRecorded)]
    assert not told.is_counted and "disk full" in (told.error or "")
    controller.handle(TicketRequest("etat-civil", "fr"))  # the worker carries on
    assert drain(updates)


def test_an_answer_queued_at_shutdown_is_committed(config, clock, store, printer, make_controller):
    controller, updates, _ = make_controller(config, clock, store, printer)
    controller.intents.put(TicketRequest("etat-civil", "fr"))  # nobody would take it
    controller.intents.put(SurveyAnswer(1, "locaux", 5.0))
    controller._record_last_answers()  # what _run does after its loop
    assert answers_in(store) == [{"score": 1, "reason": "locaux"}]
    assert not any(type(u).__name__ == "TicketIssued" for u in drain(updates))


def test_the_report_names_the_reasons_in_words():
    from kiosk.core.events import SURVEY_REASONS
    from kiosk.report.page import SURVEY_REASON_LABELS

    assert tuple(SURVEY_REASON_LABELS) == SURVEY_REASONS
