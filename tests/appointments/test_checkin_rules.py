"""The check-in rules (contract 5.3) through the controller, from the store's copy of the
day's list: no server at all in these tests (check-in with the server down)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.core import appointments as appt
from kiosk.core.appointments import Appointment, code_sha256
from kiosk.core.messages import TicketIssued, TicketPrinted, TicketRefused
from printer.decoder import decode

PARIS = dt.timezone(dt.timedelta(hours=1))  # November: Europe/Paris is UTC+1

TODAY = dt.date(2026, 11, 26)
START = dt.datetime(2026, 11, 26, 10, 30, tzinfo=PARIS)  # the clock says 10:00 in Paris


def _list(code: str = "K7P2QX", start: dt.datetime = START, category: str = "social"):
    return [
        Appointment("rdv-1", code_sha256(code), category, start, start + dt.timedelta(minutes=20))
    ]


def test_a_valid_code_issues_a_ticket_of_its_category_with_the_appointment_time(rig):
    rig.store.replace_appointments(TODAY, _list())
    updates = rig.check_in("k7p2qx")  # typed in small letters: compared in capitals
    issued = next(u for u in updates if isinstance(u, TicketIssued))
    assert issued.number == "S001" and issued.category_id == "social"
    assert issued.appointment_start == START and not issued.is_duplicate
    assert any(isinstance(u, TicketPrinted) for u in updates)
    types = [e.type for e in rig.outbox()]
    assert types.count("ticket.issued") == 1 and types.count("appointment.checked_in") == 1
    issued_event = next(e for e in rig.outbox() if e.type == "ticket.issued")
    assert issued_event.data["appointment_id"] == "rdv-1"
    checked = next(e for e in rig.outbox() if e.type == "appointment.checked_in")
    assert checked.data == {"appointment_id": "rdv-1", "ticket_id": issued.ticket_id}
    assert rig.fake.wait_for_jobs(1, 2.0)
    assert "10 h 30" in decode(rig.fake.jobs[0]).text  # French hours: 10 h 30 (issue 13)


def test_the_same_appointment_again_prints_the_same_number_as_a_duplicate(rig):
    rig.store.replace_appointments(TODAY, _list())
    first = next(u for u in rig.check_in("K7P2QX") if isinstance(u, TicketIssued))
    again = rig.check_in("K7P2QX")
    dup = next(u for u in again if isinstance(u, TicketIssued))
    assert dup.number == first.number and dup.ticket_id == first.ticket_id and dup.is_duplicate
    assert any(isinstance(u, TicketPrinted) for u in again)
    types = [e.type for e in rig.outbox()]
    assert types.count("ticket.issued") == 1  # no new ticket
    assert rig.fake.wait_for_jobs(2, 2.0)
    assert b"DUPLICATA" in rig.fake.jobs[1] and b"DUPLICATA" not in rig.fake.jobs[0]
    # the category's cap (1) is not what turns a checked-in visitor away
    assert [e["event"] for e in rig.trace_events()].count("duplicate") == 1


def test_an_unknown_code_is_refused(rig):
    rig.store.replace_appointments(TODAY, _list())
    refused = [u for u in rig.check_in("ZZZZZZ") if isinstance(u, TicketRefused)]
    assert [r.reason for r in refused] == ["appointment_unknown"]
    assert not any(e.type == "ticket.issued" for e in rig.outbox())
    assert rig.trace_events()[-1] == {
        **rig.trace_events()[-1],
        "event": "refused",
        "reason": "appointment_unknown",
    }


@pytest.mark.parametrize(
    ("minutes_from_start", "reason"),
    [
        (-31, "appointment_early"),
        (-30, None),  # opens exactly early_min before
        (15, None),  # still open exactly late_min after
        (16, "appointment_late"),
    ],
)
def test_window_edges(rig, clock, minutes_from_start, reason):
    rig.store.replace_appointments(TODAY, _list())
    clock.set_wall((START + dt.timedelta(minutes=minutes_from_start)).astimezone(dt.UTC))
    updates = rig.check_in("K7P2QX")
    refused = [u for u in updates if isinstance(u, TicketRefused)]
    if reason is None:
        assert not refused and any(isinstance(u, TicketIssued) for u in updates)
    else:
        assert [r.reason for r in refused] == [reason]
        if reason == "appointment_early":  # the screen tells when check-in opens
            assert refused[0].next_opening == START - dt.timedelta(minutes=30)
        else:
            assert refused[0].next_opening is None


def test_a_list_for_another_day_is_never_used(rig, clock):
    rig.store.replace_appointments(TODAY, _list())
    clock.set_wall(dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC))  # Friday 10:30, next day
    refused = [u for u in rig.check_in("K7P2QX") if isinstance(u, TicketRefused)]
    assert [r.reason for r in refused] == ["appointment_unknown"]


def test_the_day_boundary_in_the_kiosk_timezone(rig, clock):
    # 00:10 on Friday in Paris is still Thursday in UTC: Friday's list is the one used.
    friday = dt.date(2026, 11, 27)
    start = dt.datetime(2026, 11, 27, 0, 20, tzinfo=PARIS)
    rig.store.replace_appointments(friday, _list(start=start))
    clock.set_wall(dt.datetime(2026, 11, 26, 23, 10, tzinfo=dt.UTC))
    updates = rig.check_in("K7P2QX")
    assert any(isinstance(u, TicketIssued) for u in updates)
    assert rig.store.appointments_for(TODAY) == []  # one day's list is kept


def test_codes_are_compared_on_their_hashes_only(rig):
    rig.store.replace_appointments(TODAY, _list())
    rows = rig.store._read("SELECT * FROM appointments")
    assert "K7P2QX" not in repr(rows) and code_sha256("K7P2QX") in repr(rows)


def test_scanned_url_gives_its_last_path_segment():
    assert appt.normalise_code("https://rdv.example.org/c/k7p2qx") == "K7P2QX"
    assert appt.normalise_code("https://rdv.example.org/c/K7P2QX/?utm=x") == "K7P2QX"
    assert appt.normalise_code(" k7p-2qx\n") == "K7P2QX"
    assert appt.code_sha256("k7p2qx") == appt.code_sha256("K7P2QX")


def test_ten_wrong_codes_within_a_minute_slow_the_keypad_down():
    wrong = [100.0 + i for i in range(10)]
    assert appt.wrong_code_delay_s(wrong[:9], 109.0) == 0.0
    assert appt.wrong_code_delay_s(wrong, 109.0) == pytest.approx(2.0)
    assert appt.wrong_code_delay_s([*wrong, 110.0], 110.0) == pytest.approx(4.0)
    assert appt.wrong_code_delay_s(wrong, 200.0) == 0.0  # a minute later: forgotten


def test_a_check_in_whose_ticket_was_voided_gets_a_new_number(rig):
    rig.store.replace_appointments(TODAY, _list())
    ticket, _ = rig.store.issue_ticket(
        category="social", prefix="S", language="fr", appointment_id="rdv-1"
    )
    rig.store.mark_voided(ticket.id, "printer: paper out")
    issued = next(u for u in rig.check_in("K7P2QX") if isinstance(u, TicketIssued))
    assert issued.number == "S002" and not issued.is_duplicate  # S001 is never called
    checked = [e for e in rig.outbox() if e.type == "appointment.checked_in"]
    assert [e.data["ticket_id"] for e in checked] == [ticket.id, issued.ticket_id]
    assert rig.store.appointment_ticket("rdv-1").id == issued.ticket_id


def test_check_in_is_refused_while_paused_and_nothing_is_issued(rig):
    from kiosk.core.messages import PauseRequest

    rig.store.replace_appointments(TODAY, _list())
    rig.controller.handle(PauseRequest(is_paused=True))
    refused = [u for u in rig.check_in("K7P2QX") if isinstance(u, TicketRefused)]
    assert [r.reason for r in refused] == ["paused"]
    assert rig.store.appointment_ticket("rdv-1") is None
