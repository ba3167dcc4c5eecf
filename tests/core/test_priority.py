"""Priority tickets (contract 5.2): the [priority] section, the number taken from the
category's own counter, the flag on the row and in ``ticket.issued``, the paper's mark, the
migration that adds the flag to an older store, and the server's priority figures."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError
from kiosk.core.messages import PriorityQueue, TicketIssued, TicketRequest
from kiosk.core.snapshot import queue_figures
from kiosk.core.tickets import ticket_content
from kiosk.store import DB_NAME, SCHEMA_VERSION, Store
from kiosk.sync.state import parse_state
from printer.decoder import decode
from printer.fake import FakeTcpPrinter
from tests.core.conftest import BASE_TOML, write_config
from tests.core.test_controller import Rig

PRIORITY = '\n[priority]\ncategories = ["etat-civil"]\n'


def open_store(path, clock):
    return Store.open(path, kiosk_id="test-1", clock=clock, timezone="Europe/Paris")


# ---- configuration ----------------------------------------------------------------------------


def test_without_the_section_no_category_offers_priority(config):
    assert config.priority is None
    assert not config.offers_priority("etat-civil")


def test_the_listed_categories_offer_priority(tmp_path):
    config = load_config(write_config(tmp_path, BASE_TOML + PRIORITY))
    assert config.offers_priority("etat-civil")
    assert not config.offers_priority("urbanisme")


def test_star_means_every_category(tmp_path):
    config = load_config(write_config(tmp_path, BASE_TOML + '[priority]\ncategories = ["*"]\n'))
    assert config.offers_priority("etat-civil") and config.offers_priority("urbanisme")


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ('categories = ["etat-civl"]', '[priority] categories = "etat-civl": expected a list'),
        ("categories = []", "[priority] categories = []: expected a list of ticket category ids"),
        ('categories = "*"', '[priority] categories = "*": expected a list'),
        ('categories = ["*", "urbanisme"]', '["*"] alone'),
        ('categories = ["urbanisme", "urbanisme"]', "each category id once"),
        ('categories = ["*"]\nevery = 2', "[priority] every = 2: unknown key"),
        ("", "[priority] categories is missing"),
    ],
)
def test_a_bad_priority_section_is_one_line(tmp_path, section, fragment):
    path = write_config(tmp_path, BASE_TOML + "\n[priority]\n" + section + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "\n" not in message and fragment in message
    assert str(path) in message


# ---- numbering, the row, the event --------------------------------------------------------------


def test_normal_and_priority_tickets_share_the_category_counter(tmp_path, clock):
    with open_store(tmp_path, clock) as store:
        first, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        second, event = store.issue_ticket(
            category="etat-civil", prefix="A", language="fr", is_priority=True
        )
        third, _ = store.issue_ticket(category="etat-civil", prefix="A", language="fr")
        assert [first.number, second.number, third.number] == ["A001", "A002", "A003"]
        assert event.data["priority"] is True
        assert store.ticket(second.id).is_priority
        assert not store.ticket(first.id).is_priority
        issued = [e.data for e in store.pending_events() if e.type == "ticket.issued"]
        assert ["priority" in d for d in issued] == [False, True, False]  # absent otherwise
        assert store.counts_for_day(first.service_day) == {"etat-civil": 3}


V2_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    service_day TEXT NOT NULL, category TEXT NOT NULL, n INTEGER NOT NULL,
    number TEXT NOT NULL, language TEXT NOT NULL,
    issued_at TEXT NOT NULL, is_clock_unsure INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('issued', 'printed', 'voided')),
    void_reason TEXT, ended_at TEXT, is_duplicate_number INTEGER NOT NULL DEFAULT 0);
INSERT INTO meta VALUES ('schema_version', '2'), ('kiosk_id', 'test-1'),
    ('last_service_day', '2026-11-26');
INSERT INTO tickets (id, service_day, category, n, number, language, issued_at, state) VALUES
    ('t1', '2026-11-26', 'etat-civil', 1, 'A001', 'fr', '2026-11-26T08:00:00+00:00', 'printed');
"""


def test_a_version_2_store_gains_the_priority_flag_keeping_its_tickets(tmp_path, clock):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(V2_SCHEMA)
    conn.close()
    with open_store(tmp_path, clock) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "4"
        old = store.ticket("t1")
        assert old is not None and old.number == "A001" and not old.is_priority
        ticket, _ = store.issue_ticket(
            category="etat-civil", prefix="A", language="fr", is_priority=True
        )
        assert ticket.number == "A002" and store.ticket(ticket.id).is_priority
    with open_store(tmp_path, clock) as store:  # a second start migrates nothing again
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)


# ---- the controller and the paper -------------------------------------------------------------


@pytest.fixture
def priority_rig(tmp_path, clock):
    config = load_config(write_config(tmp_path, BASE_TOML + PRIORITY))
    with FakeTcpPrinter() as fake:
        rig = Rig(config, clock, tmp_path, fake)
        yield rig
        rig.close()


def _ask(rig, category="etat-civil", *, is_priority=True, language="fr"):
    rig.controller.handle(TicketRequest(category, language, is_priority=is_priority))
    out = []
    while not rig.updates.empty():
        out.append(rig.updates.get_nowait())
    return out


def test_a_priority_request_prints_the_mark_and_flags_the_event(priority_rig):
    updates = _ask(priority_rig)
    issued = updates[0]
    assert isinstance(issued, TicketIssued) and issued.is_priority and issued.number == "A001"
    text = " ".join(line.text.strip() for line in decode(priority_rig.fake.jobs[0]).lines)
    assert "PRIORITAIRE" in text
    assert "Montrez votre carte mobilité inclusion à l'agent" in text
    trace = [e for e in priority_rig.trace_events() if e["event"] == "issued"]
    assert trace[0]["priority"] is True
    data = [e.data for e in priority_rig.store.pending_events() if e.type == "ticket.issued"]
    assert data[0]["priority"] is True
    _ask(priority_rig, is_priority=False)
    assert "PRIORIT" not in decode(priority_rig.fake.jobs[1]).text


def test_a_category_without_priority_gives_a_normal_ticket(priority_rig):
    updates = _ask(priority_rig, "urbanisme")
    assert not updates[0].is_priority
    assert "PRIORIT" not in decode(priority_rig.fake.jobs[0]).text
    data = [e.data for e in priority_rig.store.pending_events() if e.type == "ticket.issued"]
    assert "priority" not in data[0]


def test_a_duplicate_of_a_priority_ticket_keeps_its_mark(priority_rig, config):
    _ask(priority_rig)
    ticket = priority_rig.store.last_ticket()
    content = ticket_content(priority_rig.config, ticket, is_duplicate=True)
    assert content.is_priority


# ---- the server's priority figures ------------------------------------------------------------


def test_priority_figures_come_from_the_state_only_when_given():
    state = parse_state(
        json.loads(
            '{"categories": {"etat-civil": {"waiting": 7, "estimated_wait_s": 1200,'
            ' "priority": {"waiting": 1, "estimated_wait_s": 120}},'
            ' "urbanisme": {"waiting": 2, "priority": {"waiting": -1}}}}'
        ),
        fetched_at_mono_s=0.0,
    )
    assert state.categories["etat-civil"].priority == PriorityQueue(1, 120)
    assert queue_figures(state.categories, "etat-civil", is_priority=True) == (1, (0, 300))
    assert queue_figures(state.categories, "etat-civil") == (7, (900, 1500))
    assert state.categories["urbanisme"].priority is None  # an implausible figure is dropped
    assert queue_figures(state.categories, "urbanisme", is_priority=True) == (None, None)


# ---- the replay line ------------------------------------------------------------------------


def test_replay_parses_ticket_priority():
    from kiosk.core.replay import parse_replay

    normal, priority = parse_replay("ticket etat-civil\nticket etat-civil priority\n", source="r")
    assert (normal.category_id, normal.is_priority) == ("etat-civil", False)
    assert (priority.category_id, priority.is_priority) == ("etat-civil", True)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("ticket etat-civil prio", "optionally priority, not 'prio'"),
        ("ticket etat-civil priority now", "one category id (and optionally priority)"),
    ],
)
def test_a_bad_ticket_line_is_one_usage_line(line, fragment):
    from kiosk.core.errors import UsageError
    from kiosk.core.replay import parse_replay

    with pytest.raises(UsageError) as err:
        parse_replay(line + "\n", source="s.replay")
    assert str(err.value).startswith("s.replay:1: ") and fragment in str(err.value)


def test_a_priority_line_for_a_category_without_priority_is_refused_at_start():
    from kiosk.core.errors import UsageError
    from kiosk.core.replay import parse_replay, validate_categories

    commands = parse_replay("ticket urbanisme priority\n", source="s.replay")
    validate_categories(commands, {"etat-civil", "urbanisme"})  # no priority check asked
    with pytest.raises(UsageError, match="offers no priority ticket; expected one of etat-civil"):
        validate_categories(
            commands,
            {"etat-civil", "urbanisme"},
            source="s.replay",
            priority_category_ids={"etat-civil"},
        )
