"""Fixtures shared by several test folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stubserver import StubServer


@pytest.fixture(autouse=True, scope="session")
def no_installed_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A kiosk installed on the test machine (/etc/kiosk/kiosk.toml) must change nothing the
    tests see: every process they start looks for its default configuration in a folder of
    their own, where there is none."""
    import os

    old = os.environ.get("KIOSK_DEFAULT_CONFIG")
    root = tmp_path_factory.mktemp("no-installed-kiosk")
    os.environ["KIOSK_DEFAULT_CONFIG"] = str(root / "etc" / "kiosk" / "kiosk.toml")
    yield
    if old is None:
        os.environ.pop("KIOSK_DEFAULT_CONFIG", None)
    else:
        os.environ["KIOSK_DEFAULT_CONFIG"] = old


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[StubServer]:
    """The stub queue server on a free loopback port, its SQLite data in tmp_path."""
    server = StubServer(data_dir=tmp_path / "server", seed=1).start()
    yield server
    server.stop()


@pytest.fixture
def make_controller(tmp_path: Path):
    """Builds a Controller wired to real queues, a snapshot box and a trace file, for tests
    that drive it step by step: ``make_controller(config, clock, store, printer, **kw)``
    returns ``(controller, updates, snapshot)``."""
    import queue

    from kiosk.controller import Controller
    from kiosk.core.messages import KioskSnapshot, Latest
    from kiosk.core.tickets import ticket_content
    from kiosk.trace import Trace
    from printer.ticket import TicketLayout

    traces: list[Trace] = []

    def make(config, clock, store, printer, **kwargs):
        updates: queue.Queue = queue.Queue()
        snapshot: Latest[KioskSnapshot] = Latest(KioskSnapshot())
        trace = Trace(tmp_path / f"trace-{len(traces)}.jsonl").open()
        traces.append(trace)
        controller = Controller(
            config,
            store=store,
            printer=printer,
            layout=TicketLayout.from_config(config.printer),
            make_content=ticket_content,
            intents=queue.Queue(),
            updates=updates,
            snapshot=snapshot,
            trace=trace,
            clock=clock,
            **kwargs,
        )
        return controller, updates, snapshot

    yield make
    for trace in traces:
        trace.close()
