"""The stub server's queue order between normal and priority tickets (contract 5.2): a
deterministic simulation of both policies, then the same over real HTTP (the call order,
the state's priority figures, the dev route, the page, the command-line option)."""

from __future__ import annotations

import argparse
import random

import pytest

from stubserver import StubServer
from stubserver.cli import register
from stubserver.policy import (
    STRICT,
    PriorityPolicy,
    ahead_of_new_priority,
    call_order,
    parse_policy,
)

from .conftest import KIOSK, event


def priority_events(seq: int, number: str, *, is_priority: bool) -> list[dict]:
    import uuid

    ticket_id = str(uuid.uuid4())
    data = {
        "ticket_id": ticket_id,
        "number": number,
        "category": "etat-civil",
        "service_day": "2026-11-26",
        "language": "fr",
    }
    if is_priority:
        data["priority"] = True
    return [
        event(seq, "ticket.issued", **data),
        event(seq + 1, "ticket.printed", ticket_id=ticket_id),
    ]


# ---- the rule, simulated ------------------------------------------------------------------


def test_strict_calls_every_priority_ticket_first():
    assert call_order(STRICT, normal=3, priority=2) == [True, True, False, False, False]


def test_every_two_calls_two_normal_then_one_priority():
    order = call_order(PriorityPolicy(every=2), normal=5, priority=3)
    assert order == [False, False, True, False, False, True, False, True]


def test_every_n_counts_the_normal_calls_already_made():
    # Two normal calls were made since the last priority one: the priority ticket is due.
    order = call_order(PriorityPolicy(every=2), normal=3, priority=1, normal_since_priority=2)
    assert order == [True, False, False, False]


def test_a_new_priority_ticket_sees_the_calls_before_it():
    assert ahead_of_new_priority(STRICT, normal=4, priority=1) == 1
    assert ahead_of_new_priority(PriorityPolicy(every=2), normal=4, priority=1) == 5  # NNPNN
    assert ahead_of_new_priority(PriorityPolicy(every=3), normal=0, priority=0) == 0


@pytest.mark.parametrize("every", [None, 1, 2, 3, 5])
def test_simulated_day_no_ticket_lost_and_no_starvation(every):
    """A seeded day of arrivals and calls: every ticket is called once, in issue order
    within its kind, and under every:N no more than N normal calls pass a waiting
    priority ticket."""
    policy = PriorityPolicy(every=every)
    rng = random.Random(1234)
    normal: list[int] = []
    priority: list[int] = []
    called: list[tuple[bool, int]] = []
    since = 0
    passed_while_waiting = 0
    for n in range(400):
        if rng.random() < 0.6:
            (priority if rng.random() < 0.2 else normal).append(n)
        if rng.random() < 0.55 and (normal or priority):
            is_priority = policy.is_priority_next(
                normal_waiting=len(normal),
                priority_waiting=len(priority),
                normal_since_priority=since,
            )
            queue = priority if is_priority else normal
            called.append((is_priority, queue.pop(0)))
            since = 0 if is_priority else since + 1
            passed_while_waiting = 0 if is_priority or not priority else passed_while_waiting + 1
            if every is not None:
                assert passed_while_waiting <= every
            else:
                assert is_priority or not priority
    ids = [t for _, t in called]
    assert len(ids) == len(set(ids))
    for kind in (True, False):
        mine = [t for k, t in called if k is kind]
        assert mine == sorted(mine)


@pytest.mark.parametrize(
    "text", ["", "every", "every:0", "every:101", "every:-1", "first", "STRICT"]
)
def test_a_bad_policy_names_the_value_and_the_forms(text):
    with pytest.raises(ValueError, match="expected strict or every:N"):
        parse_policy(text)


def test_policy_forms():
    assert parse_policy("strict") == STRICT and str(STRICT) == "strict"
    assert (
        parse_policy("every:2") == PriorityPolicy(every=2) and str(PriorityPolicy(2)) == "every:2"
    )


# ---- over HTTP ------------------------------------------------------------------------------


def post(http, stub, events):
    r = http.post(
        f"{stub.url}/api/v1/events", json={"kiosk_id": KIOSK, "events": events}, timeout=5
    )
    assert r.status_code == 200


def call(http, stub) -> str | None:
    r = http.post(
        f"{stub.url}/api/v1/dev/call", json={"kiosk_id": KIOSK, "category": "etat-civil"}, timeout=5
    )
    return r.json()["number"] if r.status_code == 200 else None


def queue(http, stub) -> dict:
    r = http.get(f"{stub.url}/api/v1/kiosks/{KIOSK}/state", timeout=5)
    return r.json()["categories"]["etat-civil"]


def fill(http, stub) -> None:
    """A001..A005, of which A002 and A004 are priority tickets."""
    events: list[dict] = []
    for i in range(1, 6):
        events += priority_events(2 * i - 1, f"A{i:03d}", is_priority=i in (2, 4))
    post(http, stub, events)


def test_strict_over_http(stub, http):
    fill(http, stub)
    figures = queue(http, stub)
    assert figures["waiting"] == 5
    assert figures["priority"] == {"waiting": 2, "estimated_wait_s": 600}
    assert [call(http, stub) for _ in range(6)] == ["A002", "A004", "A001", "A003", "A005", None]


def test_every_two_set_by_the_dev_route(stub, http):
    url = f"{stub.url}/api/v1/dev/priority-policy"
    assert http.get(url, timeout=5).json() == {"policy": "strict"}
    assert http.post(url, json={"policy": "every:2"}, timeout=5).json() == {"policy": "every:2"}
    bad = http.post(url, json={"policy": "every:0"}, timeout=5)
    assert bad.status_code == 400 and "every:0" in bad.json()["error"]
    fill(http, stub)
    # Two normal calls (A001, A003), then A002; A005, the last normal one; then A004 (no
    # normal ticket left to wait for), then a new priority ticket: five calls before it.
    assert queue(http, stub)["priority"]["waiting"] == 5
    assert [call(http, stub) for _ in range(5)] == ["A001", "A003", "A002", "A005", "A004"]


def test_no_priority_figures_without_a_priority_ticket(stub, http):
    post(http, stub, priority_events(1, "A001", is_priority=False))
    assert "priority" not in queue(http, stub)


def test_the_page_shows_priority_tickets_and_the_policy(tmp_path, http):
    with StubServer(data_dir=tmp_path / "s", priority_policy=PriorityPolicy(every=3)) as stub:
        fill(http, stub)
        page = http.get(stub.url + "/", timeout=5).text
        assert "Priority policy: <b>every:3</b>" in page
        assert "<td>5</td><td>2</td>" in page  # waiting 5, of them 2 priority


def test_the_option_is_accepted_and_checked(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers())
    args = parser.parse_args(["stub-server", "--priority-policy", "every:2"])
    assert args.priority_policy == "every:2"
    args = parser.parse_args(
        ["stub-server", "--priority-policy", "every:x", "--data", str(tmp_path / "d")]
    )
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--priority-policy" in err and "every:x" in err
