"""Replay ``survey SCORE [REASON]`` (contract 5.5): parsed strictly, one line per mistake,
and refused at start-up on a kiosk without ``[survey] enabled = true``."""

from __future__ import annotations

import pytest

from kiosk.core.errors import UsageError
from kiosk.core.replay import parse_replay, validate_survey


def test_scores_and_reasons():
    commands = parse_replay("survey 4\nsurvey 1 attente  # a comment\n", source="r.txt")
    assert [(c.kind, c.score, c.reason) for c in commands] == [
        ("survey", 4, None),
        ("survey", 1, "attente"),
    ]
    validate_survey(commands[:0], is_enabled=False)  # nothing to refuse
    validate_survey(commands, is_enabled=True)


@pytest.mark.parametrize(
    "line",
    ["survey", "survey 0", "survey 5", "survey ٣", "survey 4.0", "survey 4 nope", "survey 4 a b"],
)
def test_bad_lines_are_one_line_naming_the_file_and_line(line):
    with pytest.raises(UsageError) as err:
        parse_replay(f"wait 1\n{line}\n", source="r.txt")
    message = str(err.value)
    assert message.startswith("r.txt:2: ") and "\n" not in message
    assert "survey SCORE [REASON]" in message


def test_a_survey_line_needs_the_survey():
    commands = parse_replay("survey 3\n", source="r.txt")
    with pytest.raises(UsageError, match=r"r.txt:1: .*\[survey\] enabled = true"):
        validate_survey(commands, is_enabled=False)
