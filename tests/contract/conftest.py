"""The contract acceptance bench: the real ``kiosk`` command line in subprocesses, with
loopback stand-ins for the hardware and the queue server (contract.md, sections 1 to 4).

Everything here drives the product from the outside, as an acceptance checker would: a
configuration file written to a temporary folder, ``python -m kiosk ...`` with SDL's dummy
video driver, the ``--trace`` file and the server's received events as the observations.
Fakes stand in only for hardware (printers) and the central server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from printer.fake import FakeTcpPrinter
from stubserver import StubServer

TOKEN = "contract-token-0123456789"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_DAY_HOURS = "\n".join(f'{day} = ["00:00-24:00"]' for day in WEEKDAYS)
DEFAULT_CATEGORIES = """
[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil", en = "Civil status" }

[[categories]]
id = "urbanisme"
prefix = "U"
label = { fr = "Urbanisme", en = "Planning" }
cap = 1

[[categories]]
id = "france-services"
label = { fr = "France services", en = "France services" }

[[categories]]
id = "fs-caf"
parent = "france-services"
prefix = "FC"
label = { fr = "CAF", en = "Family benefits" }
"""
RUN_TIMEOUT_S = 60.0
POLL_S = 0.05


def kiosk_env() -> dict[str, str]:
    """The environment of every kiosk subprocess: headless SDL, no sound card."""
    return dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")


def read_trace(path: Path) -> list[dict[str, Any]]:
    """The trace's complete lines as JSON objects (a half-written last line is skipped)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def events_named(trace: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [t for t in trace if t["event"] == name]


def wait_until(predicate: Callable[[], Any], timeout_s: float, what: str) -> Any:
    """Poll ``predicate`` (a file or a process, which offer nothing to block on) until it
    returns something truthy; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(POLL_S)


def write_config(
    folder: Path,
    *,
    kiosk_id: str = "ct-1",
    printer_url: str = "virtual://out",
    printer_extra: str = "",
    server_url: str | None = None,
    server_extra: str = "",
    token: str = TOKEN,
    hours: str = ALL_DAY_HOURS,
    categories: str = DEFAULT_CATEGORIES,
    timezone: str = "Europe/Paris",
    name: str = "kiosk.toml",
) -> Path:
    """A valid configuration in ``folder`` with relative data_dir (and token_file)."""
    folder.mkdir(parents=True, exist_ok=True)
    server = ""
    if server_url is not None:
        token_path = folder / "token"
        token_path.write_text(token + "\n", encoding="utf-8")
        token_path.chmod(0o600)
        server = (
            f'[server]\nurl = "{server_url}"\ntoken_file = "token"\n'
            f"connect_timeout_s = 1\nread_timeout_s = 3\n{server_extra}\n"
        )
    path = folder / name
    path.write_text(
        textwrap.dedent(
            f"""\
            [kiosk]
            id = "{kiosk_id}"
            site = "Hôtel de ville"
            timezone = "{timezone}"
            languages = ["fr", "en"]
            data_dir = "data"

            [printer]
            url = "{printer_url}"
            profile = "TM-T20II"
            {printer_extra}
            """
        )
        + server
        + f"\n[hours]\n{hours}\n"
        + categories,
        encoding="utf-8",
    )
    return path


class KioskProcess:
    """One background ``kiosk`` process with its trace, stdout and stderr in ``folder``."""

    def __init__(self, args: list[str], folder: Path, trace_path: Path, cwd: Path | None = None):
        self.args = args
        self.folder = folder
        self.cwd = cwd or folder
        self.trace_path = trace_path
        self.proc: subprocess.Popen[bytes] | None = None
        self._stdout_path = folder / f"stdout-{id(self)}.txt"
        self._stderr_path = folder / f"stderr-{id(self)}.txt"

    def __repr__(self) -> str:
        state = "not started" if self.proc is None else f"pid {self.proc.pid} rc {self.proc.poll()}"
        return f"<KioskProcess {' '.join(self.args[2:5])} {state}>"

    def start(self) -> KioskProcess:
        # Files, not pipes: a chatty process can never block on a full pipe.
        with (
            open(self._stdout_path, "wb") as out,
            open(self._stderr_path, "wb") as err,
        ):
            self.proc = subprocess.Popen(
                self.args, stdout=out, stderr=err, cwd=self.cwd, env=kiosk_env()
            )
        return self

    @property
    def is_alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def stderr(self) -> str:
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def trace(self) -> list[dict[str, Any]]:
        return read_trace(self.trace_path)

    def wait_for_trace(
        self, predicate: Callable[[list[dict[str, Any]]], Any], what: str, timeout_s: float = 30
    ) -> Any:
        def check() -> Any:
            value = predicate(self.trace())
            if not value and not self.is_alive:
                pytest.fail(f"the kiosk exited while waiting for {what}: {self.stderr[-2000:]}")
            return value

        return wait_until(check, timeout_s, what)

    def wait(self, timeout_s: float = RUN_TIMEOUT_S) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout_s)

    def terminate(self, timeout_s: float = 30) -> int:
        """SIGTERM (systemd's stop) and the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout_s)

    def kill_hard(self) -> None:
        """SIGKILL: a power cut as far as the process can tell."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.is_alive:
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait(timeout=30)


class KioskCli:
    """``python -m kiosk`` as a technician or a script would call it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.command = [sys.executable, "-m", "kiosk"]
        self._processes: list[KioskProcess] = []

    def __repr__(self) -> str:
        return f"<KioskCli in {self.folder} ({len(self._processes)} background)>"

    def run(
        self, *args: str, cwd: Path | None = None, timeout_s: float = RUN_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command, *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=kiosk_env(),
            cwd=cwd or self.folder,
        )

    def replay(
        self,
        config: Path | None,
        replay: str,
        *,
        trace: Path | None = None,
        cwd: Path | None = None,
        timeout_s: float = RUN_TIMEOUT_S,
    ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
        """``kiosk run --headless --replay --trace`` to its end; the process and the trace."""
        folder = cwd or self.folder
        trace = trace or folder / "trace.jsonl"
        replay_path = folder / f"replay-{time.monotonic_ns()}.txt"
        replay_path.write_text(textwrap.dedent(replay), encoding="utf-8")
        config_args = ["--config", str(config)] if config else []
        proc = self.run(
            "run",
            *config_args,
            "--headless",
            "--replay",
            str(replay_path),
            "--trace",
            str(trace),
            cwd=folder,
            timeout_s=timeout_s,
        )
        return proc, read_trace(trace)

    def start(
        self, config: Path, replay: str, *, trace: Path | None = None, cwd: Path | None = None
    ) -> KioskProcess:
        """``kiosk run --headless`` in the background (stopped at teardown if still alive)."""
        trace = trace or self.folder / f"trace-{time.monotonic_ns()}.jsonl"
        replay_path = self.folder / f"replay-{time.monotonic_ns()}.txt"
        replay_path.write_text(textwrap.dedent(replay), encoding="utf-8")
        args = [
            *self.command,
            "run",
            "--config",
            str(config),
            "--headless",
            "--replay",
            str(replay_path),
            "--trace",
            str(trace),
        ]
        process = KioskProcess(args, self.folder, trace, cwd).start()
        self._processes.append(process)
        return process

    def close(self) -> None:
        for process in self._processes:
            process.close()


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[KioskCli]:
    cli = KioskCli(tmp_path)
    try:
        yield cli
    finally:
        cli.close()


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StubServer]:
    """One stub queue server on a free loopback port, shared by a module's tests (each test
    uses its own kiosk id, so their events never mix)."""
    server = StubServer(
        host="127.0.0.1", port=0, data_dir=tmp_path_factory.mktemp("stub"), token=TOKEN
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tcp_printer() -> Iterator[FakeTcpPrinter]:
    with FakeTcpPrinter() as printer:
        yield printer


@pytest.fixture(scope="session")
def kiosk_version() -> str:
    """The version as the command line reports it (``kiosk --version``)."""
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        env=kiosk_env(),
    )
    assert out.returncode == 0, out.stderr
    words = (out.stdout + out.stderr).split()
    assert words[0] == "kiosk", out.stdout
    return words[1]
