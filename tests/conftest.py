"""Fixtures shared by several test folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.stubserver import StubServer


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[StubServer]:
    """The stub queue server on a free loopback port, its SQLite data in tmp_path."""
    server = StubServer(data_dir=tmp_path / "server", seed=1).start()
    yield server
    server.stop()
