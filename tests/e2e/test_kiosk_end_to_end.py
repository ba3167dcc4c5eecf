"""The whole kiosk, end to end: the real ``kiosk run --headless --replay --trace`` process,
a fake ESC/POS printer on a loopback TCP socket, the stub queue server on loopback."""

from __future__ import annotations

import time

from printer.decoder import decode


def wait_for(predicate, timeout_s: float = 10.0, step_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    return predicate()


def by_event(trace, name):
    return [t for t in trace if t["event"] == name]


def test_touch_to_printed_ticket_to_server(bench):
    proc, trace = bench.run(
        """
        # three visitors, then a fourth refused by the daily cap of 2
        ticket etat-civil
        ticket etat-civil
        ticket urbanisme
        ticket urbanisme
        ticket urbanisme
        wait 1.5
        quit
        """
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = [t["event"] for t in trace]
    assert names[0] == "ready"
    issued = by_event(trace, "issued")
    assert [i["number"] for i in issued] == ["A001", "A002", "U001", "U002"]
    assert [t["category"] for t in by_event(trace, "touch")] == [
        "etat-civil",
        "etat-civil",
        "urbanisme",
        "urbanisme",
        "urbanisme",
    ]
    assert [r["reason"] for r in by_event(trace, "refused")] == ["cap"]
    printed = {p["ticket_id"] for p in by_event(trace, "printed")}
    assert printed == {i["ticket_id"] for i in issued}
    # Each touch is followed by exactly one issued or refused before the next touch.
    flow = [n for n in names if n in ("touch", "issued", "refused")]
    assert flow == ["touch", "issued"] * 4 + ["touch", "refused"]

    # The printer received four tickets, each with its number in large type and a cut.
    jobs = bench.printer.jobs
    assert len(jobs) == 4
    for job, number in zip(jobs, ["A001", "A002", "U001", "U002"], strict=True):
        doc = decode(job)
        assert not doc.unknown, doc.unknown
        line = doc.line_with(number)
        assert line is not None, doc.text
        assert line.style.width >= 2 and line.style.height >= 2
        assert doc.line_with("Hôtel de ville") is not None
        assert doc.line_with("État civil" if number.startswith("A") else "Urbanisme") is not None
        assert (
            doc.qr_codes and doc.qr_codes[0].payload == f"https://file.example.org/t/e2e-1/{number}"
        )
        assert doc.cuts

    # The server stored every event once, seq 1..N without a gap, in order.
    events = wait_for(lambda: bench.server.events("e2e-1"))
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(seqs) + 1))
    types = [e["type"] for e in events]
    assert types[0] == "kiosk.started"
    assert types.count("ticket.issued") == 4 and types.count("ticket.printed") == 4
    issued_numbers = [e["data"]["number"] for e in events if e["type"] == "ticket.issued"]
    assert issued_numbers == ["A001", "A002", "U001", "U002"]
    for e in events:
        assert e["at"][-6] in "+-" and e["at"][-3] == ":"  # RFC 3339 with a UTC offset


def test_printer_out_of_paper_refuses_before_taking_a_number(bench):
    bench.printer.state = "paper_out"
    proc, trace = bench.run("ticket etat-civil\nwait 0.2\nquit\n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert by_event(trace, "issued") == []
    assert [r["reason"] for r in by_event(trace, "refused")] == ["printer"]
    assert bench.printer.jobs == []


def test_numbers_continue_across_restarts(bench):
    proc, _ = bench.run("ticket etat-civil\nquit\n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc, trace = bench.run("ticket etat-civil\nquit\n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [i["number"] for i in by_event(trace, "issued")] == ["A002"]


def test_bad_replay_file_is_one_line_exit_2(bench):
    proc, _ = bench.run("ticket nope\nquit\n")
    assert proc.returncode == 2
    lines = [x for x in proc.stderr.splitlines() if x.startswith("kiosk:")]
    assert len(lines) == 1 and "nope" in lines[0]
    assert "Traceback" not in proc.stderr
