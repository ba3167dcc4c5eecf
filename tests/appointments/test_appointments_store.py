"""The store's copy of the day's appointments: the schema migration from version 2, and
what a restart keeps."""

from __future__ import annotations

import datetime as dt
import sqlite3

from kiosk.core.appointments import Appointment, code_sha256
from kiosk.store import DB_NAME, SCHEMA_VERSION, Store

DAY = dt.date(2026, 11, 26)
START = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def test_a_version_2_store_is_migrated_and_keeps_its_tickets(tmp_path):
    with Store.open(tmp_path, kiosk_id="k-1") as store:
        store.issue_ticket(category="a", prefix="A", language="fr")
    conn = sqlite3.connect(tmp_path / DB_NAME)  # as a version 2 kiosk left it
    conn.execute("DROP TABLE appointments")
    conn.execute("DROP TABLE appointment_checkins")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with Store.open(tmp_path, kiosk_id="k-1") as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "4"
        assert store.last_ticket().number == "A001"
        store.replace_appointments(DAY, [Appointment("r", code_sha256("AB"), "a", START, START)])
        assert [a.id for a in store.appointments_for(DAY)] == ["r"]


def test_the_list_survives_a_restart(tmp_path):
    listed = [Appointment("r", code_sha256("AB"), "a", START, START + dt.timedelta(minutes=5))]
    with Store.open(tmp_path, kiosk_id="k-1") as store:
        store.replace_appointments(DAY, listed)
    with Store.open(tmp_path, kiosk_id="k-1") as store:
        assert store.appointments_for(DAY) == listed
