"""The satisfaction vote (contract 5.5) on the real ``kiosk run --headless --replay`` process:
``survey N`` touches the centre of the real buttons (home, "Give your opinion", the face,
the reason or skip), the controller commits ``survey.answered`` through the debounce and
rate limit, the store and the stub server hold the answer and nothing else, and a visitor
who cannot see the screen gives an answer with keys alone, spoken in Arabic."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.i18n import translator

SURVEY = "\n[survey]\nenabled = true\n"


def by_event(trace: list[dict], name: str) -> list[dict]:
    return [t for t in trace if t["event"] == name]


def stored_answers(root: Path) -> list[dict]:
    [db] = (root / "data").glob("*.sqlite3")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE type = 'survey.answered' ORDER BY seq"
        ).fetchall()
    return [json.loads(r[0]) for r in rows]


def served_answers(bench, count: int, timeout_s: float = 15.0) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        found = [e for e in bench.server.events("e2e-1") if e["type"] == "survey.answered"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def survey_bench(bench):
    with bench.config.open("a", encoding="utf-8") as f:
        f.write(SURVEY)
    return bench


def test_each_score_from_the_ticket_screen_reaches_the_store_and_the_server(
    survey_bench, monkeypatch
):
    monkeypatch.setenv("KIOSK_TRACE_SCREENS", "1")
    proc, trace = survey_bench.run(
        """
        ticket etat-civil
        survey 4
        survey 3 attente
        survey 2
        survey 1 demarche
        quit
        """
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    expected = [
        {"score": 4, "reason": None},
        {"score": 3, "reason": "attente"},
        {"score": 2, "reason": None},
        {"score": 1, "reason": "demarche"},
    ]
    answers = by_event(trace, "survey")
    assert [{"score": a["score"], "reason": a["reason"]} for a in answers] == expected
    assert all(a["counted"] for a in answers)
    # the ticket screen was dismissed by a touch first, as the next visitor would
    names = [t["event"] for t in trace]
    assert names.index("printed") < names.index("survey")
    assert len(by_event(trace, "issued")) == 1  # the vote never takes a ticket
    screens = [s["name"] for s in by_event(trace, "screen")]
    assert {"survey", "survey_reason", "survey_thanks"} <= set(screens)
    faces = next(s for s in by_event(trace, "screen") if s["name"] == "survey")
    assert "Comment s'est passé votre accueil aujourd'hui ?" in faces["texts"]
    assert {"Très satisfait", "Plutôt satisfait", "Plutôt mécontent", "Très mécontent"} <= set(
        faces["texts"]
    )
    # The store and the server hold the answers, with nothing that identifies a visitor.
    assert stored_answers(survey_bench.root) == expected
    served = served_answers(survey_bench, 4)
    assert [e["data"] for e in served] == expected
    assert all(set(e["data"]) == {"score", "reason"} for e in served)


def test_debounce_and_rate_limit_through_the_real_flow(survey_bench):
    # The same answer again at once counts once; then at most 10 answers in a minute.
    scores = [1, 2, 3] * 3 + [1]
    replay = "survey 4\nsurvey 4\n" + "".join(f"survey {s}\n" for s in scores) + "quit\n"
    proc, trace = survey_bench.run(replay, timeout_s=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    answers = by_event(trace, "survey")
    assert len(answers) == 12  # every line waited for its answer to be dealt with
    assert answers[-1]["ts"] - answers[0]["ts"] < 60, "the rate limit window is a minute"
    assert [a["counted"] for a in answers] == [True, False] + [True] * 9 + [False]
    stored = stored_answers(survey_bench.root)
    assert [a["score"] for a in stored] == [4, *scores[:9]]


def test_a_survey_line_without_the_survey_is_one_line_exit_2(bench):
    proc, _ = bench.run("survey 4\nquit\n")
    assert proc.returncode == 2
    lines = [x for x in proc.stderr.splitlines() if x.startswith("kiosk:")]
    assert len(lines) == 1 and "[survey] enabled = true" in lines[0]
    assert "Traceback" not in proc.stderr


def keys(*names: str) -> str:
    return "".join(f"key {n}\n" for n in names)


def test_keys_alone_in_arabic_with_speech(tmp_path, bench_config):
    from printer.fake import FakeTcpPrinter

    with FakeTcpPrinter() as printer:
        config = bench_config(tmp_path, printer.url, "http://127.0.0.1:9")
        text = config.read_text(encoding="utf-8")
        text = text.replace('languages = ["fr", "en"]', 'languages = ["fr", "en", "ar"]')
        text = text.replace('en = "Civil status" }', 'en = "Civil status", ar = "الحالة المدنية" }')
        text = text.replace('en = "Planning" }', 'en = "Planning", ar = "التعمير" }')
        config.write_text(
            text + SURVEY + '\n[speech]\noutput = "file://wav"\nengine = "tone"\n',
            encoding="utf-8",
        )
        from tests.e2e.conftest import Bench

        run = Bench(root=tmp_path, printer=printer, server=None, config=config).run  # type: ignore[arg-type]
        # home in reading order: start, "Give your opinion", the view switch, fr, en, ar
        replay = (
            keys("help")
            + keys(*["down"] * 5, "select")  # Arabic
            + keys(*["up"] * 4, "select")  # "Give your opinion"
            + keys("down", "select")  # the second face: satisfied
            + keys("down", "select")  # the second reason: waiting time
            + "wait 0.5\nquit\n"
        )
        proc, trace = run(replay)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [(a["score"], a["reason"]) for a in by_event(trace, "survey")] == [(3, "attente")]
    assert stored_answers(tmp_path) == [{"score": 3, "reason": "attente"}]
    spoken = [s["text"] for s in by_event(trace, "spoken") if s["language"] == "ar"]
    tr = translator("ar", "screens")
    for message in (
        "Give your opinion",
        "How was your visit today?",
        "Satisfied",
        "Waiting time",
        "Thank you for your answer",
    ):
        word = tr.gettext(message)
        assert word != message
        assert any(word in s for s in spoken), (word, spoken)


def test_a_visitor_leaving_after_closing_votes_on_the_closed_screen(
    tmp_path, bench_config, monkeypatch
):
    from printer.fake import FakeTcpPrinter
    from tests.e2e.conftest import Bench

    monkeypatch.setenv("KIOSK_TRACE_SCREENS", "1")
    with FakeTcpPrinter() as printer:
        config = bench_config(
            tmp_path, printer.url, "http://127.0.0.1:9", hours='monday = ["00:00-00:01"]'
        )
        config.write_text(config.read_text(encoding="utf-8") + SURVEY, encoding="utf-8")
        run = Bench(root=tmp_path, printer=printer, server=None, config=config).run  # type: ignore[arg-type]
        proc, trace = run("survey 2 attente\nticket etat-civil\nquit\n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The first screen after start-up may be "out of order" for the moment the first printer
    # status takes on a loaded machine; the visitor then meets the closed screen, and votes.
    screens = [s for s in by_event(trace, "screen") if s["name"] != "out_of_order"]
    assert screens[0]["name"] == "closed" and "Donnez votre avis" in screens[0]["texts"]
    assert [s["name"] for s in screens[1:4]] == ["survey", "survey_reason", "survey_thanks"]
    assert stored_answers(tmp_path) == [{"score": 2, "reason": "attente"}]
    assert [r["reason"] for r in by_event(trace, "refused")] == ["closed"]
