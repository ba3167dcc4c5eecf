"""Appointment check-in on the real process (contract 5.3): ``appointment CODE`` typed on
the on-screen keypad and ``scan URL`` from a scanner, against the stub server; then the
same check-in with the server stopped, from the list the kiosk kept."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from stubserver.appointments import parse_booking

APPOINTMENTS = """
[appointments]
early_min = 30
late_min = 15
"""


def _book(server, minutes_from_now: int, category: str = "etat-civil") -> dict:
    start = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")) + dt.timedelta(
        minutes=minutes_from_now
    )
    return server.db.book(
        parse_booking(
            {
                "kiosk_id": "e2e-1",
                "category": category,
                "start": start.isoformat(timespec="seconds"),
                "timezone": "Europe/Paris",
            }
        )
    )


def _bench(bench, bench_config):
    bench.config = bench_config(
        bench.root, bench.printer.url, bench.server.url, extra_categories=APPOINTMENTS
    )
    return bench


def test_keypad_code_then_scanned_url_prints_the_same_number_as_a_duplicate(bench, bench_config):
    bench = _bench(bench, bench_config)
    booked = _book(bench.server, 5)
    early = _book(bench.server, 120)
    proc, trace = bench.run(
        f"""
        wait 3
        appointment {booked["code"]}
        scan https://rdv.example.org/c/{booked["code"].lower()}
        appointment {early["code"]}
        appointment 2345ZZ
        quit
        """
    )
    assert proc.returncode == 0, proc.stderr
    issued = [e for e in trace if e["event"] == "issued"]
    assert len(issued) == 1 and issued[0]["appointment_id"] == booked["id"]
    assert issued[0]["category"] == "etat-civil" and issued[0]["number"] == "A001"
    duplicate = [e for e in trace if e["event"] == "duplicate"]
    assert [d["number"] for d in duplicate] == ["A001"]
    printed = [e for e in trace if e["event"] == "printed"]
    assert len(printed) == 2 and printed[1].get("duplicate") is True
    refused = [(e["reason"], e["category"]) for e in trace if e["event"] == "refused"]
    assert refused == [("appointment_early", "etat-civil"), ("appointment_unknown", None)]
    jobs = bench.printer.jobs
    assert len(jobs) == 2
    assert b"DUPLICATA" not in jobs[0] and b"DUPLICATA" in jobs[1]
    assert b"Rendez-vous" in jobs[0]  # the appointment's time is on the paper
    # The outbox may still hold the last events at quit; the store keeps them either way.
    events = bench.server.events("e2e-1")
    checked = [e for e in events if e["type"] == "appointment.checked_in"]
    for e in checked:
        assert e["data"] == {"appointment_id": booked["id"], "ticket_id": issued[0]["ticket_id"]}
    tickets = [e for e in events if e["type"] == "ticket.issued"]
    for e in tickets:
        assert e["data"]["appointment_id"] == booked["id"]


def test_check_in_works_with_the_server_down(bench, bench_config):
    bench = _bench(bench, bench_config)
    booked = _book(bench.server, 0)
    proc, trace = bench.run("wait 3\nquit\n")  # fetches the day's list into the store
    assert proc.returncode == 0, proc.stderr
    bench.server.stop()
    proc, trace = bench.run(f"appointment {booked['code']}\nquit\n")
    assert proc.returncode == 0, proc.stderr
    issued = [e for e in trace if e["event"] == "issued"]
    assert len(issued) == 1 and issued[0]["appointment_id"] == booked["id"]
    assert any(e["event"] == "printed" for e in trace)
