"""Contract section 3: scripted input (``--replay``) and the trace (``--trace``)."""

from __future__ import annotations

import datetime as dt
import json
import time
import zoneinfo

from printer.fake import FakeTcpPrinter

from .conftest import WEEKDAYS, events_named, read_trace, write_config

FLOW_EVENTS = ("touch", "issued", "refused")


def assert_each_touch_has_one_outcome(trace):
    """ "Each `touch` is followed by exactly one `issued` or `refused` for that flow." """
    flow = [e for e in trace if e["event"] in FLOW_EVENTS]
    starts = [i for i, e in enumerate(flow) if e["event"] == "touch"]
    ends = [*starts[1:], len(flow)] if starts else []
    for start, end in zip(starts, ends, strict=True):
        touch, outcomes = flow[start], flow[start + 1 : end]
        assert len(outcomes) == 1, f"{touch} is followed by {len(outcomes)} outcomes: {outcomes}"
        assert outcomes[0]["category"] == touch["category"], (touch, outcomes)


def test_ticket_from_any_screen_including_a_sub_category(kiosk, tmp_path):
    """ "`ticket CATEGORY_ID`: do what a visitor does to get a ticket of that category from
    whatever visitor screen is showing (touch the home screen if needed, then the category's
    button, then any confirmation)" """
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(
        config, "ticket fs-caf\nticket etat-civil\nticket fs-caf\nticket fs-caf\nquit\n"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [e["category"] for e in events_named(trace, "touch")] == [
        "fs-caf",
        "etat-civil",
        "fs-caf",
        "fs-caf",
    ]
    assert [e["number"] for e in events_named(trace, "issued")] == [
        "FC001",
        "A001",
        "FC002",
        "FC003",
    ]
    assert len(events_named(trace, "printed")) == 4
    assert_each_touch_has_one_outcome(trace)


def test_replay_syntax_comments_blank_lines_decimal_wait(kiosk, tmp_path):
    """ "`--replay FILE`: UTF-8 text, one command a line, `#` starts a comment." "`wait
    SECONDS`: a decimal number." "`quit`: clean shutdown, exit code 0." """
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(
        config,
        """\
        # a morning at the town hall (é, à: UTF-8)

        ticket etat-civil   # the first visitor
           wait 0.25
        # wait 100  (a comment, not a wait)

        quit
        """,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [e["number"] for e in events_named(trace, "issued")] == ["A001"]


def test_touch_command_and_a_touch_on_the_ticket_screen(kiosk, tmp_path):
    """ "`touch X Y`: one touch, down then up, at pixel X,Y of the logical screen." "a touch
    on the ticket screen goes back home and never issues a ticket." (one category: its button
    covers the centre of the screen)"""
    single = """
[[categories]]
id = "accueil"
prefix = "B"
label = { fr = "Accueil", en = "Reception" }
"""
    config = write_config(tmp_path, categories=single)
    proc, trace = kiosk.replay(
        config,
        """\
        touch 400 240
        wait 0.3
        touch 400 240
        wait 0.5
        touch 400 240
        wait 0.5
        ticket accueil
        touch 400 240
        wait 0.5
        touch 400 240
        wait 0.5
        quit
        """,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    issued = [e["number"] for e in events_named(trace, "issued")]
    touches = [e["category"] for e in events_named(trace, "touch")]
    # touch 1: home -> categories; touch 2: the button -> B001; touch 3: ticket screen ->
    # home; ticket accueil -> B002; touch on its ticket screen -> home; last touch -> categories.
    assert issued == ["B001", "B002"], trace
    assert touches == ["accueil", "accueil"]
    assert_each_touch_has_one_outcome(trace)


def test_a_touch_on_the_ticket_screen_never_issues(kiosk, tmp_path):
    """ "A ticket screen still showing is dismissed by a touch, as the next visitor in line
    would do: a touch on the ticket screen goes back home and never issues a ticket." """
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(config, "ticket etat-civil\ntouch 400 240\nwait 0.5\nquit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(events_named(trace, "issued")) == 1
    assert len(events_named(trace, "touch")) == 1


def test_without_quit_the_kiosk_keeps_running_and_the_trace_is_flushed(kiosk, tmp_path):
    """ "When the file ends without `quit`, the kiosk keeps running." "`--trace FILE`:
    appends one JSON object a line, flushed line by line" """
    config = write_config(tmp_path)
    process = kiosk.start(config, "ticket etat-civil\n")
    # Seen while the process runs: the lines were flushed, not held in a buffer until exit.
    process.wait_for_trace(lambda t: events_named(t, "ready"), "ready")
    process.wait_for_trace(lambda t: events_named(t, "printed"), "printed")
    deadline = time.monotonic() + 3.0  # "wait a few seconds": the replay is long over
    while time.monotonic() < deadline:
        assert process.is_alive, f"the kiosk stopped at the end of the replay: {process.stderr}"
        time.sleep(0.1)
    process.terminate()


def test_trace_lines_are_json_objects_with_float_ts_and_event(kiosk, tmp_path):
    """ "`{"ts": <time.time() as a float>, "event": NAME, ...}`" "`ready`: the first frame is
    on screen." "`issued`: ... `ticket_id`, `number`, `category`." "`printed`: ...
    `ticket_id`." """
    config = write_config(tmp_path)
    trace_path = tmp_path / "trace.jsonl"
    started = time.time()
    proc, _ = kiosk.replay(config, "ticket etat-civil\nquit\n", trace=trace_path)
    ended = time.time()
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = trace_path.read_text(encoding="utf-8").splitlines()
    trace = [json.loads(line) for line in lines]
    for event in trace:
        assert isinstance(event, dict)
        assert isinstance(event["ts"], float), event
        assert started - 1 <= event["ts"] <= ended + 1, "ts is not time.time()"
        assert isinstance(event["event"], str)
    assert trace[0]["event"] == "ready"
    (issued,) = events_named(trace, "issued")
    assert set(issued) >= {"ticket_id", "number", "category"}
    assert issued["category"] == "etat-civil" and issued["number"] == "A001"
    (printed,) = events_named(trace, "printed")
    assert printed["ticket_id"] == issued["ticket_id"]
    (touch,) = events_named(trace, "touch")
    assert touch["category"] == "etat-civil"
    assert (
        [e["event"] for e in trace].index("touch")
        < [e["event"] for e in trace].index("issued")
        < [e["event"] for e in trace].index("printed")
    )


def test_trace_is_appended_across_runs(kiosk, tmp_path):
    """ "`--trace FILE`: appends one JSON object a line" """
    config = write_config(tmp_path)
    trace_path = tmp_path / "trace.jsonl"
    earlier = {"ts": 1.5, "event": "earlier-run"}
    trace_path.write_text(json.dumps(earlier) + "\n", encoding="utf-8")
    for _ in range(2):
        proc, _ = kiosk.replay(config, "ticket etat-civil\nquit\n", trace=trace_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
    trace = read_trace(trace_path)
    assert trace[0] == earlier, "the trace was truncated"
    assert len(events_named(trace, "ready")) == 2
    assert [e["number"] for e in events_named(trace, "issued")] == ["A001", "A002"]


# ---- refusals -------------------------------------------------------------------------------


def closed_now_hours(timezone: str) -> str:
    """Hours open all day on one day only, three days away from today in ``timezone``."""
    today = dt.datetime.now(zoneinfo.ZoneInfo(timezone)).weekday()
    return f'{WEEKDAYS[(today + 3) % 7]} = ["00:00-24:00"]'


def test_refused_closed_outside_opening_hours(kiosk, tmp_path):
    """ "`refused`: no ticket was issued; `category`, `reason` (for example `closed`, ...)" """
    timezone = "America/Cayenne"
    config = write_config(tmp_path, timezone=timezone, hours=closed_now_hours(timezone))
    proc, trace = kiosk.replay(config, "ticket etat-civil\nquit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert events_named(trace, "issued") == []
    refused = events_named(trace, "refused")
    assert [(e["category"], e["reason"]) for e in refused] == [("etat-civil", "closed")]
    assert_each_touch_has_one_outcome(trace)


def test_refused_printer_when_out_of_paper(kiosk, tmp_path):
    """ "`refused`: ... `reason` (for example ..., `printer`, ...)" """
    with FakeTcpPrinter(state="paper_out") as printer:
        config = write_config(tmp_path, printer_url=printer.url)
        proc, trace = kiosk.replay(config, "ticket etat-civil\nquit\n")
        assert printer.jobs == []
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert events_named(trace, "issued") == []
    refused = events_named(trace, "refused")
    assert [(e["category"], e["reason"]) for e in refused] == [("etat-civil", "printer")]
    assert_each_touch_has_one_outcome(trace)


def test_refused_cap(kiosk, tmp_path):
    """ "`refused`: ... `reason` (for example ..., `cap`)" "Each `touch` is followed by
    exactly one `issued` or `refused` for that flow." (urbanisme has `cap = 1`)"""
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(
        config, "ticket urbanisme\nticket urbanisme\nticket etat-civil\nquit\n"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [e["number"] for e in events_named(trace, "issued")] == ["U001", "A001"]
    refused = events_named(trace, "refused")
    assert [(e["category"], e["reason"]) for e in refused] == [("urbanisme", "cap")]
    flow = [e["event"] for e in trace if e["event"] in FLOW_EVENTS]
    assert flow == ["touch", "issued", "touch", "refused", "touch", "issued"]
    assert_each_touch_has_one_outcome(trace)


def test_voided_when_printing_fails(kiosk, tmp_path):
    """ "`voided`: the ticket could not be printed; `ticket_id`, `reason`." """
    with FakeTcpPrinter() as printer:
        printer.print_time_s = 1.0  # the status read after the job comes a second later
        config = write_config(tmp_path, printer_url=printer.url)
        process = kiosk.start(config, "ticket etat-civil\nwait 2\nquit\n")
        process.wait_for_trace(lambda t: events_named(t, "issued"), "issued")
        printer.state = "paper_out"  # the paper runs out while the ticket prints
        assert process.wait() == 0, process.stderr[-2000:]
    trace = process.trace()
    (issued,) = events_named(trace, "issued")
    voided = events_named(trace, "voided")
    assert events_named(trace, "printed") == []
    assert [v["ticket_id"] for v in voided] == [issued["ticket_id"]]
    assert isinstance(voided[0]["reason"], str) and voided[0]["reason"]
