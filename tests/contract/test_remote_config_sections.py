"""Contract 5.7 for the sections of 5.2, 5.3 and 5.5: a remote configuration that sets
``priority``, ``appointments`` or ``survey`` on the real ``kiosk`` process, fetched from the
stub server on loopback and applied between visitors. For each: what the first version turns
on (a priority ticket, a check-in, a vote), the one-line message a bad second version is
refused with (the file's own message, naming the server's version), and that the refused
version leaves the running configuration as it was (the next visitor still gets what the
first version gave, and nothing is stored or applied)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import zoneinfo
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError
from stubserver import StubServer
from stubserver.appointments import parse_booking

from .conftest import events_named, wait_until, write_config

POLL = "config_poll_s = 1"


def server_events(stub: StubServer, kiosk_id: str, type_: str) -> list[dict[str, Any]]:
    return [e["data"] for e in stub.events(kiosk_id) if e["type"] == type_]


def wait_server_event(stub: StubServer, kiosk_id: str, type_: str, count: int = 1) -> None:
    wait_until(lambda: len(server_events(stub, kiosk_id, type_)) >= count, 60, f"{count} x {type_}")


def file_message(config: Path, section_toml: str) -> str:
    """What ``kiosk`` says of the same section written in the local file (its one line)."""
    as_file = config.with_name("as-file.toml")
    as_file.write_text(config.read_text(encoding="utf-8") + textwrap.dedent(section_toml))
    with pytest.raises(ConfigError) as err:
        load_config(as_file)
    return str(err.value).removeprefix(f"{as_file.resolve()}: ")


def expect_refused(stub: StubServer, kiosk_id: str, config: Path, version: int, toml: str) -> None:
    """The server heard ``config.rejected`` for ``version`` with exactly the file's message
    for the same section, on one line."""
    [rejected] = [r for r in server_events(stub, kiosk_id, "config.rejected")]
    assert rejected["version"] == version
    expected = f"server configuration v{version} (over {config.resolve()}): "
    assert rejected["error"] == expected + file_message(config, toml)
    assert "\n" not in rejected["error"]


def seqs(stub: StubServer, kiosk_id: str, type_: str) -> list[int]:
    return [e["seq"] for e in stub.events(kiosk_id) if e["type"] == type_]


def assert_untouched_by_the_refusal(process: Any, config: Path, stub: StubServer, kid: str) -> None:
    """Only v1 was ever applied (trace and server), v1 is what is stored for the next start."""
    assert [c["version"] for c in events_named(process.trace(), "config")] == [1]
    assert server_events(stub, kid, "config.applied") == [{"version": 1}]
    stored = json.loads((config.parent / "data" / "remote-config.json").read_text())
    assert stored["version"] == 1


def test_priority_set_by_the_server_then_a_bad_version_refused(kiosk, tmp_path, stub):
    kid = "rc-priority"
    config = write_config(tmp_path, kiosk_id=kid, server_url=stub.url, server_extra=POLL)
    process = kiosk.start(
        config,
        "ticket etat-civil\nwait 8\nticket etat-civil priority\nwait 8\n"
        "ticket etat-civil priority\nquit\n",
    )
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the first ticket", 60)
    stub.set_config(kid, {"priority": {"categories": ["etat-civil"]}})
    wait_server_event(stub, kid, "ticket.issued", 2)
    stub.set_config(kid, {"priority": {"categories": ["passeports"]}})  # no such category
    wait_server_event(stub, kid, "config.rejected")
    assert process.wait(90) == 0, process.stderr[-3000:]
    issued = server_events(stub, kid, "ticket.issued")
    assert [(t["number"], t.get("priority", False)) for t in issued] == [
        ("A001", False),
        ("A002", True),  # v1: etat-civil offers a priority ticket
        ("A003", True),  # v2 refused: it still does
    ]
    expect_refused(stub, kid, config, 2, '[priority]\ncategories = ["passeports"]\n')
    assert seqs(stub, kid, "config.rejected")[0] < seqs(stub, kid, "ticket.issued")[2]
    assert_untouched_by_the_refusal(process, config, stub, kid)


def test_survey_set_by_the_server_then_a_bad_version_refused(kiosk, tmp_path, stub):
    """The file has no [survey]. A replay's ``survey`` line is checked against the
    configuration in force at start (the file, or the stored server version), so the vote
    itself is cast after a restart: first the run in which v1 comes into force between two
    tickets and v2 is refused, then a start on the stored v1 with v2 still served."""
    kid = "rc-survey"
    config = write_config(tmp_path, kiosk_id=kid, server_url=stub.url, server_extra=POLL)
    process = kiosk.start(config, "ticket etat-civil\nwait 8\nticket etat-civil\nwait 6\nquit\n")
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the first ticket", 60)
    stub.set_config(kid, {"survey": {"enabled": True}})
    process.wait_for_trace(lambda t: events_named(t, "config"), "v1 in force", 60)
    stub.set_config(kid, {"survey": {"enabled": "yes"}})
    wait_server_event(stub, kid, "config.rejected")
    assert process.wait(90) == 0, process.stderr[-3000:]
    names = [t["event"] for t in process.trace() if t["event"] in ("issued", "config")]
    assert names == ["issued", "config", "issued"]  # between the two tickets
    expect_refused(stub, kid, config, 2, '[survey]\nenabled = "yes"\n')
    assert_untouched_by_the_refusal(process, config, stub, kid)
    # The next start: v1 (stored) is in force from the first frame, v2 is refused again.
    proc, trace = kiosk.replay(config, "survey 4\nwait 2\nquit\n", timeout_s=90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wait_server_event(stub, kid, "survey.answered")
    assert server_events(stub, kid, "survey.answered") == [{"score": 4, "reason": None}]
    assert not events_named(trace, "config")  # nothing new came into force


def _book(stub: StubServer, kiosk_id: str, minutes_from_now: int) -> dict[str, Any]:
    start = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")) + dt.timedelta(
        minutes=minutes_from_now
    )
    return stub.db.book(
        parse_booking(
            {
                "kiosk_id": kiosk_id,
                "category": "etat-civil",
                "start": start.isoformat(timespec="seconds"),
                "timezone": "Europe/Paris",
            }
        )
    )


def test_appointments_set_by_the_server_then_bad_versions_refused(kiosk, tmp_path, stub):
    """The file has no [appointments]: the server's v1 turns check-in on (the day's list is
    fetched), v2 (a window out of range) and v3 (a scanner device: a path on this machine)
    are refused, and a second visitor still checks in under v1."""
    kid = "rc-appointments"
    first, second = _book(stub, kid, 5), _book(stub, kid, 10)
    config = write_config(tmp_path, kiosk_id=kid, server_url=stub.url, server_extra=POLL)
    process = kiosk.start(
        config,
        f"ticket etat-civil\nwait 8\nappointment {first['code']}\nwait 12\n"
        f"appointment {second['code']}\nquit\n",
    )
    process.wait_for_trace(lambda t: events_named(t, "printed"), "the first ticket", 60)
    stub.set_config(kid, {"appointments": {"early_min": 30, "late_min": 15}})
    wait_server_event(stub, kid, "appointment.checked_in")
    stub.set_config(kid, {"appointments": {"early_min": 500}})
    wait_server_event(stub, kid, "config.rejected")
    stub.set_config(kid, {"appointments": {"scanner": "serial:///dev/ttyS0?baudrate=9600"}})
    wait_server_event(stub, kid, "config.rejected", 2)
    assert process.wait(90) == 0, process.stderr[-3000:]
    checked = server_events(stub, kid, "appointment.checked_in")
    assert [c["appointment_id"] for c in checked] == [first["id"], second["id"]]
    v2, v3 = server_events(stub, kid, "config.rejected")
    assert v2["version"] == 2 and v3["version"] == 3
    expected = f"server configuration v2 (over {config.resolve()}): "
    assert v2["error"] == expected + file_message(config, "[appointments]\nearly_min = 500\n")
    assert v3["error"] == (
        "server configuration v3: [appointments] scanner may not be set by the server: "
        "a path on this machine stays in the local file"
    )
    assert seqs(stub, kid, "config.rejected")[1] < seqs(stub, kid, "appointment.checked_in")[1]
    assert_untouched_by_the_refusal(process, config, stub, kid)
