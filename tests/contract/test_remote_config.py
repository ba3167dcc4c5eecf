"""Contract 5.7, remote configuration, on the real ``kiosk`` process and the stub server on
loopback: a version applied between two tickets of a replay, a rejected one, the stored one
at start with the server stopped, a prefix changed mid-day."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stubserver import StubServer

from .conftest import TOKEN, events_named, wait_until, write_config

POLL = "config_poll_s = 1"
CIVIL = {"id": "etat-civil", "prefix": "A", "label": {"fr": "État civil", "en": "Civil status"}}
PASSPORTS = {"id": "passeports", "prefix": "P", "label": {"fr": "Passeports"}}


def server_events(stub: StubServer, kiosk_id: str, type_: str) -> list[dict[str, Any]]:
    return [e["data"] for e in stub.events(kiosk_id) if e["type"] == type_]


def wait_server_event(stub: StubServer, kiosk_id: str, type_: str, what: str) -> Any:
    return wait_until(lambda: server_events(stub, kiosk_id, type_), 60, what)


def numbers(trace: list[dict[str, Any]]) -> list[str]:
    return [t["number"] for t in events_named(trace, "issued")]


def test_a_new_version_applies_between_two_tickets_and_numbers_continue(kiosk, tmp_path, stub):
    config = write_config(tmp_path, kiosk_id="rc-live", server_url=stub.url, server_extra=POLL)
    process = kiosk.start(
        config,
        # the wait leaves the kiosk time to poll (every second) once the test has set v1
        "ticket etat-civil\nwait 8\nticket passeports\nticket etat-civil\nquit\n",
    )
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the first ticket", 60)
    stub.set_config("rc-live", {"categories": [CIVIL, PASSPORTS]})  # only the server's
    assert process.wait(90) == 0, process.stderr[-3000:]
    trace = process.trace()
    assert numbers(trace) == ["A001", "P001", "A002"]
    names = [t["event"] for t in trace if t["event"] in ("issued", "config")]
    assert names == ["issued", "config", "issued", "issued"]  # between the two tickets
    assert events_named(trace, "config")[0]["version"] == 1
    wait_server_event(stub, "rc-live", "config.applied", "config.applied")
    assert server_events(stub, "rc-live", "config.applied") == [{"version": 1}]


def test_rejected_kept_stored_and_applied_at_start_with_the_server_stopped(
    kiosk, tmp_path: Path
) -> None:
    stub = StubServer(host="127.0.0.1", port=0, data_dir=tmp_path / "server", token=TOKEN)
    stub.start()
    try:
        config = write_config(tmp_path, kiosk_id="rc-kept", server_url=stub.url, server_extra=POLL)
        stub.set_config("rc-kept", {"categories": [CIVIL, PASSPORTS]})
        process = kiosk.start(config, "ticket passeports\n")
        wait_until(
            lambda: server_events(stub, "rc-kept", "ticket.printed"), 60, "the passport ticket"
        )
        # v2: a forbidden key; v3: a bad range. Each refused, v1 stays in force.
        stub.set_config("rc-kept", {"printer": {"url": "tcp://127.0.0.1:9"}})
        wait_server_event(stub, "rc-kept", "config.rejected", "v2 refused")
        stub.set_config("rc-kept", {"hours": {"monday": ["12:00-09:00"]}})
        wait_until(
            lambda: len(server_events(stub, "rc-kept", "config.rejected")) == 2, 60, "v3 refused"
        )
        assert process.terminate() == 0
        v2, v3 = server_events(stub, "rc-kept", "config.rejected")
    finally:
        stub.stop()
    assert v2["version"] == 2 and "[printer] may not be set by the server" in v2["error"]
    assert v3["version"] == 3 and "[hours] monday" in v3["error"]
    assert "expected" in v3["error"] and "\n" not in v3["error"]
    stored = json.loads((tmp_path / "data" / "remote-config.json").read_text())
    assert stored["version"] == 1
    # The server is gone: the stored v1 is in force from the first frame, its category too.
    proc, trace = kiosk.replay(config, "ticket passeports\nquit\n", timeout_s=90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert numbers(trace) == ["P002"]
    status = kiosk.run("status", "--config", str(config))
    assert "configuration: server v1" in status.stdout, status.stdout


def test_a_prefix_changed_mid_day_never_repeats_a_number(kiosk, tmp_path, stub):
    """etat-civil moves from A to E and urbanisme takes A: etat-civil keeps counting under
    its id (E002), urbanisme continues above every A of the day (A002): no duplicate."""
    config = write_config(tmp_path, kiosk_id="rc-prefix", server_url=stub.url, server_extra=POLL)
    process = kiosk.start(
        config,
        "ticket etat-civil\nwait 8\nticket marker\nticket etat-civil\nticket urbanisme\nquit\n",
    )
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the first ticket", 60)
    stub.set_config(
        "rc-prefix",
        {
            "categories": [
                {**CIVIL, "prefix": "E"},
                {"id": "urbanisme", "prefix": "A", "label": {"fr": "Urbanisme"}},
                {"id": "marker", "prefix": "M", "label": {"fr": "Repère"}},
            ]
        },
    )
    assert process.wait(90) == 0, process.stderr[-3000:]
    got = numbers(process.trace())
    assert got == ["A001", "M001", "E002", "A002"]
    assert len(set(got)) == len(got)


def test_check_config_remote_validates_a_document_offline(kiosk, tmp_path):
    config = write_config(tmp_path, kiosk_id="rc-check")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"version": 4, "config": {"categories": [CIVIL, PASSPORTS]}}))
    out = kiosk.run("check-config", "--remote", str(good), "--config", str(config))
    assert out.returncode == 0, out.stderr
    assert "passeports" in out.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"config": {"printer": {"url": "tcp://127.0.0.1:9"}}}))
    out = kiosk.run("check-config", "--remote", str(bad), "--config", str(config))
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("kiosk: config error: ") and "[printer] may not be set" in line
