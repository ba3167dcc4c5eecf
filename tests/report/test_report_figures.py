"""`kiosk report` figures against an independent tally of two synthetic weeks (the real
Store, real SQLite files, the clock injected)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import Counter

import pytest

from kiosk.core.clock import FakeClock
from kiosk.report.command import Period, prepare_out, write_report

from .conftest import CATEGORIES, DAYS, FIRST_DAY, load, local, open_store, read_csv, simulate

LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two weeks simulated once per module (a few seconds of real commits)."""
    folder = tmp_path_factory.mktemp("activity")
    config = load(folder)
    clock = FakeClock(local(FIRST_DAY, 7).astimezone(dt.UTC))
    with open_store(config.kiosk.data_dir, clock) as store:
        tally = simulate(config, store, clock)
    return folder, tally, clock.now_utc()


@pytest.fixture
def activity(built, tmp_path):
    """A private copy of the two weeks' store, for tests that prune it."""
    folder, tally, now = built
    shutil.copytree(folder / "data", tmp_path / "data")
    return load(tmp_path), tally, FakeClock(now)


def run_report(config, out, first=FIRST_DAY, last=LAST_DAY, *, with_charts=False):
    return write_report(
        config,
        Period(first, last),
        prepare_out(str(out)),
        now=dt.datetime(2026, 11, 16, tzinfo=dt.UTC),
        with_charts=with_charts,
    )


def advance_service_day(store) -> str:
    """One ticket at the store's clock: the last service day recorded moves to that day.
    Returns its ``at`` (the events before it are the old days')."""
    category = next(iter(CATEGORIES))
    store.issue_ticket(category=category, prefix=CATEGORIES[category], language="fr")
    return store.pending_events(100_000)[-1].at


def test_tickets_csv_equals_the_tally(activity, tmp_path):
    config, tally, _ = activity
    run_report(config, tmp_path / "out")
    rows = read_csv(tmp_path / "out" / "tickets.csv")
    got = Counter()
    for r in rows:
        for outcome in ("issued", "printed", "voided", "refused"):
            if int(r[outcome]):
                got[r["service_day"], r["category"], outcome] = int(r[outcome])
    assert got == +tally.tickets
    # One row per day and category with any activity, nothing else.
    assert {(r["service_day"], r["category"]) for r in rows} == {
        (d, c) for d, c, _ in tally.tickets
    }
    assert sum(tally.tickets[k] for k in tally.tickets if k[2] == "voided") > 0
    assert sum(tally.tickets[k] for k in tally.tickets if k[2] == "refused") > 0


def test_survey_csv_counts_each_answer_once(activity, tmp_path):
    config, tally, _ = activity
    run_report(config, tmp_path / "out")
    rows = read_csv(tmp_path / "out" / "survey.csv")
    assert {(r["service_day"], int(r["score"])): int(r["answers"]) for r in rows} == dict(
        tally.survey
    )
    reasons = read_csv(tmp_path / "out" / "survey_reasons.csv")
    assert {(r["reason"], int(r["score"])): int(r["answers"]) for r in reasons} == dict(
        tally.survey_reasons
    )
    days = read_csv(tmp_path / "out" / "satisfaction.csv")
    for row in days:
        scores = {s: n for (d, s), n in tally.survey.items() if d == row["service_day"]}
        total = sum(scores.values())
        assert int(row["answers"]) == total
        assert float(row["mean_score"]) == pytest.approx(
            sum(s * n for s, n in scores.items()) / total, abs=0.005
        )


def test_arrivals_and_refusals_equal_the_tally(activity, tmp_path):
    config, tally, _ = activity
    run_report(config, tmp_path / "out")
    arrivals = read_csv(tmp_path / "out" / "arrivals.csv")
    assert {(int(r["weekday"]), int(r["hour"])): int(r["arrivals"]) for r in arrivals} == dict(
        tally.arrivals
    )
    closed = {
        (int(r["weekday"]), int(r["hour"])): int(r["while_closed"])
        for r in arrivals
        if int(r["while_closed"])
    }
    assert closed == dict(tally.arrivals_closed)
    assert closed, "the synthetic weeks include visitors at a closed door"
    refusals = Counter()
    for r in read_csv(tmp_path / "out" / "refusals.csv"):
        refusals[r["reason"], r["service_day"]] += int(r["refused"])
    assert refusals == tally.refusals
    voided = read_csv(tmp_path / "out" / "voided.csv")
    assert voided == [
        {
            "reason": "printer",
            "voided": str(sum(n for k, n in tally.tickets.items() if k[2] == "voided")),
        }
    ]


def test_printer_csv_counts_paper_outs_and_downtime(activity, tmp_path):
    config, tally, _ = activity
    run_report(config, tmp_path / "out")
    rows = read_csv(tmp_path / "out" / "printer.csv")
    assert {r["service_day"]: int(r["paper_outs"]) for r in rows} == dict(tally.paper_outs)
    for r in rows:
        assert float(r["downtime_min"]) == tally.downtime_s[r["service_day"]] / 60
        day = dt.date.fromisoformat(r["service_day"])
        # 10:15-10:40 is inside the morning range, but not on Tuesdays (12:00-18:00) nor
        # at the weekend (closed).
        expected_open = 25.0 if day.weekday() in (0, 2, 3, 4) else 0.0
        assert float(r["downtime_open_min"]) == expected_open


def test_figures_survive_pruning_tickets_and_delivered_events(activity, tmp_path):
    config, _, clock = activity
    run_report(config, tmp_path / "before")
    clock.set_wall(local(LAST_DAY + dt.timedelta(days=30), 9).astimezone(dt.UTC))
    with open_store(config.kiosk.data_dir, clock) as store:
        # Pruning counts from the last service day recorded, never from the clock: a visitor
        # a month later moves it on.
        later = advance_service_day(store)
        while batch := store.pending_events(100):
            store.mark_accepted(e.id for e in batch)
        tickets, events = store.prune(retention_days=7, report_retention_days=400)
    assert tickets > 0 and events > 0
    conn = sqlite3.connect(config.kiosk.data_dir / "kiosk.sqlite3")
    assert (
        conn.execute(
            "SELECT count(*) FROM tickets WHERE service_day <= ?", (LAST_DAY.isoformat(),)
        ).fetchone()[0]
        == 0
    )
    assert conn.execute("SELECT count(*) FROM events WHERE at < ?", (later,)).fetchone()[0] == 0
    conn.close()
    run_report(config, tmp_path / "after")
    for name in ("tickets.csv", "survey.csv", "arrivals.csv", "refusals.csv", "printer.csv"):
        assert (tmp_path / "after" / name).read_text() == (tmp_path / "before" / name).read_text()


def test_report_retention_prunes_old_figures_only(activity, tmp_path):
    config, _, clock = activity
    # 400 days after the first day but not the last: the first days' figures go.
    clock.set_wall(local(FIRST_DAY + dt.timedelta(days=403), 9).astimezone(dt.UTC))
    with open_store(config.kiosk.data_dir, clock) as store:
        advance_service_day(store)  # the cut-off counts from the last service day
        store.prune(retention_days=90, report_retention_days=400)
    run_report(config, tmp_path / "out")
    days = {r["service_day"] for r in read_csv(tmp_path / "out" / "tickets.csv")}
    cutoff = (FIRST_DAY + dt.timedelta(days=3)).isoformat()
    assert min(days) == cutoff and max(days) == LAST_DAY.isoformat()
    assert {r["service_day"] for r in read_csv(tmp_path / "out" / "survey.csv")} <= days


def test_a_subperiod_holds_only_its_days(activity, tmp_path):
    config, tally, _ = activity
    day = FIRST_DAY + dt.timedelta(days=3)
    run_report(config, tmp_path / "out", first=day, last=day)
    rows = read_csv(tmp_path / "out" / "tickets.csv")
    assert {r["service_day"] for r in rows} == {day.isoformat()}
    assert sum(int(r["issued"]) for r in rows) == sum(
        n for (d, _, o), n in tally.tickets.items() if d == day.isoformat() and o == "issued"
    )


def test_page_is_french_self_contained_and_names_the_site(activity, tmp_path):
    config, _, _ = activity
    written = run_report(config, tmp_path / "out", with_charts=True)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "Hôtel de ville de Miramas" in page
    assert "du 2 novembre 2026 au 15 novembre 2026" in page
    assert "venues porte close" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside
    if written.has_charts:
        assert page.count('src="data:image/png;base64,') == 4


def test_a_long_period_is_tabulated_by_week_and_the_csv_keeps_days(activity, tmp_path):
    config, tally, _ = activity
    run_report(config, tmp_path / "out", first=FIRST_DAY - dt.timedelta(days=90))
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "semaine du 2 novembre 2026" in page and "lundi 2 novembre 2026" not in page
    rows = read_csv(tmp_path / "out" / "tickets.csv")
    assert sum(int(r["issued"]) for r in rows) == sum(
        n for (_, _, o), n in tally.tickets.items() if o == "issued"
    )
