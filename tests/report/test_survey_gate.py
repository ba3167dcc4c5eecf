"""The survey's debounce and rate limit: pure logic, the monotonic time passed in."""

from __future__ import annotations

import pytest

from kiosk.core import events as ev
from kiosk.report.survey import MAX_PER_MINUTE, SurveyGate, record_answer


class Sink:
    def __init__(self):
        self.events = []

    def append_event(self, type, data):
        self.events.append((type, data))


def test_the_same_answer_repeated_within_the_window_counts_once():
    gate = SurveyGate(debounce_s=5.0)
    assert gate.admit(4, None, 100.0)
    assert not gate.admit(4, None, 101.0)
    assert not gate.admit(4, None, 105.5)  # the window slides with each repeat
    assert gate.admit(4, None, 111.0)


def test_a_different_answer_counts_at_once():
    gate = SurveyGate(debounce_s=5.0)
    assert gate.admit(4, None, 100.0)
    assert gate.admit(3, None, 100.5)
    assert gate.admit(3, "attente", 101.0)


def test_at_most_n_answers_a_minute():
    gate = SurveyGate(debounce_s=0.0, max_per_minute=3)
    counted = [gate.admit(1 + i % 4, None, 100.0 + i) for i in range(6)]
    assert counted == [True, True, True, False, False, False]
    assert gate.admit(2, None, 160.0)  # the first one left the 60-second window


def test_default_rate_limit():
    gate = SurveyGate(debounce_s=0.0)
    counted = sum(gate.admit(1 + i % 4, None, float(i)) for i in range(50))
    assert counted == MAX_PER_MINUTE


def test_record_answer_commits_one_event_per_counted_answer():
    sink, gate = Sink(), SurveyGate()
    assert record_answer(sink, gate, 4, "accueil", 10.0)
    assert not record_answer(sink, gate, 4, "accueil", 11.0)
    assert sink.events == [(ev.SURVEY_ANSWERED, {"score": 4, "reason": "accueil"})]


@pytest.mark.parametrize("score", [0, 5, "4", 2.5, True, None])
def test_a_bad_score_is_refused_and_nothing_recorded(score):
    sink = Sink()
    with pytest.raises(ValueError, match="expected a whole number from 1 to 4"):
        record_answer(sink, SurveyGate(), score, None, 1.0)
    assert sink.events == []


def test_bad_gate_settings():
    with pytest.raises(ValueError):
        SurveyGate(max_per_minute=0)
