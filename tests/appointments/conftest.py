"""Fixtures for check-in tests: a configuration with [appointments] and [server] on the
stub server, a real store, a fake ESC/POS printer on a loopback socket, the controller."""

from __future__ import annotations

import datetime as dt
import json
import queue
import textwrap
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.controller import Controller
from kiosk.core.clock import FakeClock
from kiosk.core.messages import AppointmentRequest, KioskSnapshot, Latest
from kiosk.core.tickets import ticket_content
from kiosk.store import Store
from kiosk.trace import Trace
from printer.device import TicketPrinter
from printer.fake import FakeTcpPrinter
from printer.ticket import TicketLayout

PARIS = dt.timezone(dt.timedelta(hours=1))  # November: Europe/Paris is UTC+1

TOML = """
[kiosk]
id = "test-1"
site = "CCAS"
timezone = "Europe/Paris"
languages = ["fr", "en", "ar"]
data_dir = "data"

[printer]
url = "virtual://out"

[server]
url = "{server_url}"
token_file = "token"
connect_timeout_s = 1
read_timeout_s = 2

[hours]
thursday = ["08:30-12:00", "13:30-17:00"]
friday = ["08:30-12:00", "13:30-17:00"]

[appointments]
early_min = 30
late_min = 15

[[categories]]
id = "social"
prefix = "S"
label = {{ fr = "Aide sociale", en = "Social help", ar = "المساعدة الاجتماعية" }}
cap = 1
"""


def write_config(root: Path, server_url: str = "http://127.0.0.1:9") -> Path:
    (root / "token").write_text("test-token\n")
    (root / "token").chmod(0o600)
    path = root / "kiosk.toml"
    path.write_text(textwrap.dedent(TOML.format(server_url=server_url)), encoding="utf-8")
    return path


@pytest.fixture
def clock() -> FakeClock:
    # Thursday 26 November 2026, 10:00 in Paris (09:00 UTC): the desk is open.
    return FakeClock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))


class Rig:
    def __init__(self, config, clock, tmp_path, fake):
        self.config = config
        self.clock = clock
        self.fake = fake
        self.store = Store.open(
            config.kiosk.data_dir, kiosk_id=config.kiosk.id, clock=clock, timezone="Europe/Paris"
        )
        self.printer = TicketPrinter(fake.url, timeout_s=1.0)
        self.printer.open()
        self.updates: queue.Queue = queue.Queue()
        self.trace_path = tmp_path / "trace.jsonl"
        self.trace = Trace(self.trace_path).open()
        self.controller = Controller(
            config,
            store=self.store,
            printer=self.printer,
            layout=TicketLayout.from_config(config.printer),
            make_content=ticket_content,
            intents=queue.Queue(),
            updates=self.updates,
            snapshot=Latest(KioskSnapshot()),
            trace=self.trace,
            clock=clock,
        )
        self.controller.poll_printer(force=True)

    def check_in(self, code: str, language: str = "fr") -> list:
        self.controller.handle(AppointmentRequest(code, language))
        out = []
        while not self.updates.empty():
            out.append(self.updates.get_nowait())
        return out

    def trace_events(self) -> list[dict]:
        return [json.loads(x) for x in self.trace_path.read_text().splitlines()]

    def outbox(self) -> list:
        return self.store.pending_events(limit=100)

    def close(self) -> None:
        self.trace.close()
        self.printer.close()
        self.store.close()


@pytest.fixture
def config(tmp_path):
    return load_config(write_config(tmp_path))


@pytest.fixture
def rig(config, clock, tmp_path):
    with FakeTcpPrinter() as fake:
        r = Rig(config, clock, tmp_path, fake)
        yield r
        r.close()
