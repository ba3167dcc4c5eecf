"""Touch to ``printed`` latency through the real UI, a fake ESC/POS printer on a loopback TCP
socket and the stub queue server (healthy, or down), from the ``--trace`` file.

Runs the real ``kiosk run --headless --replay`` process, so the figure includes the pygame
event path, the controller thread, the SQLite commit (synchronous=FULL), rendering the ticket
with python-escpos, the TCP round trip and the status read-back.

    python bench/bench_touch_to_printed.py [--tickets 200] [--server healthy|down|slow]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from printer.fake import FakeTcpPrinter
from stubserver import StubServer

TOKEN = "bench-token"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


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
site = "Hôtel de ville"
languages = ["fr", "en"]
data_dir = "data"
[printer]
url = "{printer_url}"
qr_url = "https://file.example.org/t/{{kiosk}}/{{number}}"
[server]
url = "{server_url}"
token_file = "token"
connect_timeout_s = 0.5
read_timeout_s = 1
[hours]
{days}
[[categories]]
id = "etat-civil"
prefix = "A"
label = {{ fr = "État civil", en = "Civil status" }}
[[categories]]
id = "urbanisme"
prefix = "U"
label = {{ fr = "Urbanisme", en = "Planning" }}
""",
        encoding="utf-8",
    )
    return path


def run(
    tickets: int, server_mode: str, preexec_fn: Callable[[], None] | None = None
) -> dict[str, float]:
    """``preexec_fn`` runs in the kiosk's process before it starts (bench_pi_class puts it
    in a CPU-quota cgroup there)."""
    with tempfile.TemporaryDirectory() as tmp, FakeTcpPrinter() as printer:
        root = Path(tmp)
        server = StubServer(host="127.0.0.1", port=0, data_dir=root / "server", token=TOKEN).start()
        try:
            url = server.url
            if server_mode == "down":
                server.stop()
            elif server_mode == "slow":
                server.faults.set(slow_s=3.0)
            config = write_config(root, printer.url, url)
            replay = root / "replay.txt"
            cats = ["etat-civil", "urbanisme"]
            replay.write_text("".join(f"ticket {cats[i % 2]}\n" for i in range(tickets)) + "quit\n")
            trace = root / "trace.jsonl"
            env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kiosk",
                    "run",
                    "--config",
                    str(config),
                    "--headless",
                    "--replay",
                    str(replay),
                    "--trace",
                    str(trace),
                ],
                check=True,
                capture_output=True,
                timeout=600,
                env=env,
                preexec_fn=preexec_fn,
            )
        finally:
            if server_mode != "down":
                server.stop()
        events = [json.loads(x) for x in trace.read_text().splitlines()]
    touches: list[float] = []
    to_issued: list[float] = []
    to_printed: list[float] = []
    touch_ts = None
    issued_at: dict[str, float] = {}
    for e in events:
        if e["event"] == "touch":
            touch_ts = e["ts"]
            touches.append(touch_ts)
        elif e["event"] == "issued" and touch_ts is not None:
            to_issued.append((e["ts"] - touch_ts) * 1000)
            issued_at[e["ticket_id"]] = touch_ts
        elif e["event"] == "printed" and e["ticket_id"] in issued_at:
            to_printed.append((e["ts"] - issued_at[e["ticket_id"]]) * 1000)
    return {
        "tickets": len(to_printed),
        "issued_p50_ms": statistics.median(to_issued),
        "issued_p99_ms": percentile(to_issued, 99),
        "printed_p50_ms": statistics.median(to_printed),
        "printed_p99_ms": percentile(to_printed, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--server", choices=["healthy", "down", "slow", "all"], default="all")
    args = parser.parse_args()
    modes = ["healthy", "down", "slow"] if args.server == "all" else [args.server]
    print("| server | tickets | touch→issued p50 | p99 | touch→printed p50 | p99 |")
    print("|---|---|---|---|---|---|")
    for mode in modes:
        r = run(args.tickets, mode)
        print(
            f"| {mode} | {r['tickets']} | {r['issued_p50_ms']:.1f} ms | {r['issued_p99_ms']:.1f} ms "
            f"| {r['printed_p50_ms']:.1f} ms | {r['printed_p99_ms']:.1f} ms |"
        )


if __name__ == "__main__":
    main()
