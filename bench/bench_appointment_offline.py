"""A visitor with a booking code, the queue server down: how long until their ticket is
printed (contract 5.3; the issue asks for under ten seconds).

The real ``kiosk run --headless --replay`` process fetches the day's list from the stub
server once; the server is then stopped, and a second run checks visitors in from the
store's copy: each ``appointment CODE`` line touches "I have an appointment", types the six
characters on the on-screen keypad with real touches at a visitor's pace (the replay never
touches faster than the debounce), and validates. Two figures from the ``--trace`` file:

- validate to ``printed``: the kiosk's own work (the hash lookup, the commit, the printing);
- one visitor's whole flow, line start to ``printed`` (the interval between two visitors'
  ``printed``: dismissing the last ticket, 8 touches, validate, print).

    python bench/bench_appointment_offline.py [--visitors 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

from printer.fake import FakeTcpPrinter
from stubserver import StubServer
from stubserver.appointments import parse_booking

TOKEN = "bench-token"


def write_config(root: Path, printer_url: str, server_url: str) -> Path:
    (root / "token").write_text(TOKEN)
    (root / "token").chmod(0o600)
    days = "\n".join(
        f'{d} = ["00:00-24:00"]'
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    path = root / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "bench-1"
site = "CCAS"
languages = ["fr", "en"]
data_dir = "data"
[printer]
url = "{printer_url}"
[server]
url = "{server_url}"
token_file = "token"
connect_timeout_s = 0.5
read_timeout_s = 1
[hours]
{days}
[appointments]
[[categories]]
id = "aide-sociale"
prefix = "A"
label = {{ fr = "Aide sociale", en = "Social assistance" }}
""",
        encoding="utf-8",
    )
    return path


def run(root: Path, config: Path, replay: str) -> list[dict]:
    (root / "replay.txt").write_text(replay, encoding="utf-8")
    trace = root / "trace.jsonl"
    trace.unlink(missing_ok=True)
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(config), "--headless",
         "--replay", str(root / "replay.txt"), "--trace", str(trace)],
        check=True, capture_output=True, timeout=600, env=env, cwd=root,
    )  # fmt: skip
    return [json.loads(x) for x in trace.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeTcpPrinter() as printer:
        root = Path(tmp)
        server = StubServer(host="127.0.0.1", port=0, data_dir=root / "server", token=TOKEN)
        server.start()
        now = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Paris"))
        codes = [
            server.db.book(
                parse_booking(
                    {"kiosk_id": "bench-1", "category": "aide-sociale",
                     "start": now.isoformat(timespec="seconds")}
                )
            )["code"]
            for _ in range(args.visitors)
        ]  # fmt: skip
        config = write_config(root, printer.url, server.url)
        run(root, config, "wait 3\nquit\n")  # the day's list, fetched into the store
        server.stop()
        trace = run(root, config, "".join(f"appointment {c}\n" for c in codes) + "quit\n")
    checks = [e["ts"] for e in trace if e["event"] == "check_in"]
    printed = [e["ts"] for e in trace if e["event"] == "printed"]
    ready = next(e["ts"] for e in trace if e["event"] == "ready")
    if len(printed) != args.visitors or len(checks) != args.visitors:
        raise SystemExit(f"expected {args.visitors} tickets, got {len(printed)} printed")
    own = [(p - c) * 1000 for c, p in zip(checks, printed, strict=True)]
    whole = [b - a for a, b in zip([ready, *printed[:-1]], printed, strict=True)]
    print("## bench_appointment_offline.py\n")
    print("| measure (server stopped, fake TCP printer, 800x480 dummy SDL) | value |")
    print("|---|---|")
    print(f"| visitors checked in | {args.visitors} |")
    print(
        f"| validate to `printed`: median / max | {statistics.median(own):.0f} ms / "
        f"{max(own):.0f} ms |"
    )
    print(
        f"| whole visitor flow (home, 6 characters typed, validate) to `printed`: "
        f"median / max | {statistics.median(whole):.2f} s / {max(whole):.2f} s |"
    )


if __name__ == "__main__":
    main()
