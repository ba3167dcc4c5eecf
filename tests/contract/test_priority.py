"""Contract 5.2 on the real ``kiosk`` process: ``ticket CATEGORY_ID priority`` through real
touches, the number from the category's own counter, ``"priority": true`` in the
``ticket.issued`` the server receives (absent otherwise), the paper's PRIORITAIRE mark; a
priority line for a category that offers none is one usage line at start."""

from __future__ import annotations

from printer.decoder import decode

from .conftest import DEFAULT_CATEGORIES, events_named, wait_until, write_config

PRIORITY = '\n[priority]\ncategories = ["etat-civil"]\n'


def test_replay_priority_ticket_end_to_end(kiosk, tmp_path, stub, tcp_printer):
    config = write_config(
        tmp_path,
        kiosk_id="prio-1",
        printer_url=tcp_printer.url,
        server_url=stub.url,
        categories=DEFAULT_CATEGORIES + PRIORITY,
    )
    process = kiosk.start(
        config, "ticket etat-civil priority\nticket etat-civil\nticket urbanisme\n"
    )
    process.wait_for_trace(lambda t: len(events_named(t, "printed")) == 3, "3 printed")
    trace = process.trace()
    touches = events_named(trace, "touch")
    assert [(t["category"], t.get("priority")) for t in touches] == [
        ("etat-civil", True),
        ("etat-civil", None),
        ("urbanisme", None),
    ]
    issued = events_named(trace, "issued")
    assert [e["number"] for e in issued] == ["A001", "A002", "U001"]
    assert [e.get("priority") for e in issued] == [True, None, None]

    jobs = [" ".join(line.text.strip() for line in decode(j).lines) for j in tcp_printer.jobs]
    assert "PRIORITAIRE" in jobs[0] and "carte mobilité inclusion" in jobs[0]
    assert all("PRIORIT" not in j for j in jobs[1:])

    def issued_on_server():
        got = [e["data"] for e in stub.events("prio-1") if e["type"] == "ticket.issued"]
        return got if len(got) == 3 else None

    data = wait_until(issued_on_server, 30, "three ticket.issued events on the server")
    assert [d.get("priority") for d in data] == [True, None, None]
    assert "priority" not in data[1] and "priority" not in data[2]
    assert process.terminate() == 0, process.stderr[-2000:]


def test_a_priority_line_for_a_category_without_one_is_a_usage_line(kiosk, tmp_path):
    config = write_config(tmp_path, categories=DEFAULT_CATEGORIES + PRIORITY)
    proc, trace = kiosk.replay(config, "ticket urbanisme priority\nquit\n")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "ticket urbanisme priority" in lines[0] and "offers no priority ticket" in lines[0]
    assert events_named(trace, "touch") == []
