"""End-to-end fixtures: the real ``kiosk`` process, a fake ESC/POS printer on a loopback TCP
socket, and the stub queue server on loopback, as a technician's bench would have them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from printer.fake import FakeTcpPrinter
from stubserver import StubServer

TOKEN = "e2e-secret-token"


@dataclass
class Bench:
    root: Path
    printer: FakeTcpPrinter
    server: StubServer
    config: Path

    def run(
        self, replay: str, *, timeout_s: float = 90, extra: tuple[str, ...] = ()
    ) -> tuple[subprocess.CompletedProcess, list[dict]]:
        """Run ``kiosk run --headless --replay --trace`` to completion; return the process
        and the trace lines."""
        replay_path = self.root / "replay.txt"
        replay_path.write_text(textwrap.dedent(replay), encoding="utf-8")
        trace = self.root / "trace.jsonl"
        trace.unlink(missing_ok=True)
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk",
                "run",
                "--config",
                str(self.config),
                "--headless",
                "--replay",
                str(replay_path),
                "--trace",
                str(trace),
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=env,
            cwd=self.root,
        )
        lines = (
            [json.loads(x) for x in trace.read_text(encoding="utf-8").splitlines()]
            if trace.exists()
            else []
        )
        return proc, lines


def write_bench_config(
    root: Path,
    printer_url: str,
    server_url: str,
    *,
    hours: str | None = None,
    extra_categories: str = "",
) -> Path:
    token = root / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o600)
    hours = hours or "\n".join(
        f'{d} = ["00:00-24:00"]'
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    config = root / "kiosk.toml"
    config.write_text(
        f"""
[kiosk]
id = "e2e-1"
site = "Hôtel de ville"
timezone = "Europe/Paris"
languages = ["fr", "en"]
data_dir = "data"

[printer]
url = "{printer_url}"
profile = "TM-T20II"
qr_url = "https://file.example.org/t/{{kiosk}}/{{number}}"

[server]
url = "{server_url}"
token_file = "token"
connect_timeout_s = 1
read_timeout_s = 2

[hours]
{hours}

[[categories]]
id = "etat-civil"
prefix = "A"
label = {{ fr = "État civil", en = "Civil status" }}

[[categories]]
id = "urbanisme"
prefix = "U"
label = {{ fr = "Urbanisme", en = "Planning" }}
cap = 2
{extra_categories}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    with FakeTcpPrinter() as printer:
        server = StubServer(
            host="127.0.0.1", port=0, data_dir=tmp_path / "server", token=TOKEN
        ).start()
        try:
            config = write_bench_config(tmp_path, printer.url, server.url)
            yield Bench(root=tmp_path, printer=printer, server=server, config=config)
        finally:
            server.stop()


@pytest.fixture
def stub_with_token(tmp_path: Path) -> Iterator[StubServer]:
    """The stub server requiring the bench's token, on a free loopback port."""
    server = StubServer(host="127.0.0.1", port=0, data_dir=tmp_path / "server", token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def bench_config():
    """Writes a kiosk configuration for a printer URL and a server URL (see write_bench_config)."""
    return write_bench_config
