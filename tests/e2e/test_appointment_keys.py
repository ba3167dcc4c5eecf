"""The booking-code keypad with keys alone, in speech mode, on the real process (contract
5.3 and 5.4): ``help``, the "I have an appointment" control, two characters typed with
``right`` and ``select`` (each echoed aloud), validate, a ticket. The day's list is put in
the kiosk's store beforehand, as the sync worker would have (no server: offline)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from kiosk.core.appointments import Appointment, code_sha256
from kiosk.store import Store
from printer.fake import FakeTcpPrinter

from .test_speech_keys import keys, run, write_config

APPOINTMENTS = """
[appointments]
early_min = 30
late_min = 15
"""


def test_check_in_with_keys_alone_and_the_echo_spoken(tmp_path):
    with FakeTcpPrinter() as printer:
        config = write_config(tmp_path, printer.url, extra="")
        config.write_text(config.read_text() + APPOINTMENTS)
        now = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Paris"))
        with Store.open(tmp_path / "data", kiosk_id="speech-1", timezone="Europe/Paris") as store:
            store.replace_appointments(
                now.date(),
                [
                    Appointment(
                        "rdv-9",
                        code_sha256("23"),
                        "etat-civil",
                        now,
                        now + dt.timedelta(minutes=20),
                    )
                ],
            )
        replay = (
            keys("help")
            + keys("down", "select")  # home: start, then "I have an appointment"
            + keys("select")  # the keypad: its first key, "2"
            + keys("right", "select")  # "3"
            + keys("left", "left", "select")  # back past the first key: validate, the last
            + "quit\n"
        )
        trace = run(tmp_path, config, replay)
    issued = [e for e in trace if e["event"] == "issued"]
    assert [e.get("appointment_id") for e in issued] == ["rdv-9"]
    spoken = [e["text"] for e in trace if e["event"] == "spoken"]
    assert any(t.startswith("2,") and not t.startswith("2, 3") for t in spoken)  # the echo
    assert any(t.startswith("2, 3") for t in spoken), spoken
    assert any("A, 0, 0, 1" in t for t in spoken)  # the ticket's number, spoken
