"""Fixtures for the sync tests: a real stub server on a loopback port, a real SQLite store
in tmp_path, a FakeClock, and services with tiny timeouts driven step by step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.settings import ServerSection
from kiosk.store import Store
from kiosk.sync.backoff import BackoffPolicy
from kiosk.sync.client import write_token
from kiosk.sync.service import SyncService
from stubserver import StubServer

KIOSK = "hdv-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    s = Store.open(tmp_path / "kiosk", kiosk_id=KIOSK, clock=clock)
    yield s
    s.close()


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    write_token(path, "kiosk-token")
    return path


def server_section(url: str, token_file: Path, **overrides: Any) -> ServerSection:
    values: dict[str, Any] = {
        "url": url,
        "token_file": token_file,
        "connect_timeout_s": 0.5,
        "read_timeout_s": 2.0,
        "state_poll_s": 15.0,
        "heartbeat_s": 100_000.0,
    }
    values.update(overrides)
    return ServerSection(**values)


@pytest.fixture
def make_service(
    stub: StubServer, store: Store, clock: FakeClock, token_file: Path
) -> Iterator[Callable[..., SyncService]]:
    made: list[SyncService] = []

    def make(
        *,
        url: str | None = None,
        store_: Store | None = None,
        jitter: float = 1.0,
        heartbeat_data: Callable[[], dict] | None = None,
        **overrides: Any,
    ) -> SyncService:
        service = SyncService(
            server=server_section(url or stub.url, token_file, **overrides),
            kiosk_id=KIOSK,
            store=store_ or store,
            clock=clock,
            heartbeat_data=heartbeat_data,
            backoff=BackoffPolicy(random=lambda: jitter * 0.999999),
        )
        made.append(service)
        return service

    yield make
    for service in made:
        service.stop()


def append(store: Store, n: int, type_: str = "printer.status") -> list[str]:
    """Append ``n`` events; their ids in seq order."""
    return [store.append_event(type_, {"status": "ok", "i": i}).id for i in range(n)]


def drain(service: SyncService, clock: FakeClock, *, max_steps: int = 200) -> None:
    """Step the service, jumping the fake clock over every wait, until the outbox is empty."""
    for _ in range(max_steps):
        wait_s = service.run_once()
        if service.store.outbox_depth() == 0:
            return
        clock.advance(wait_s)
    raise AssertionError(f"outbox not drained after {max_steps} steps: {service.status()}")


def server_seqs(stub: StubServer, kiosk_id: str = KIOSK) -> list[int]:
    return [e["seq"] for e in stub.events(kiosk_id)]
