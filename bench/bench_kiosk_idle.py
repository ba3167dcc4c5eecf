"""The whole kiosk process at rest: CPU (all threads: screen, controller, sync, and the
in-process stub server of ``kiosk demo``) and resident memory, after a few visitors.

    python bench/bench_kiosk_idle.py [--seconds 30]

Linux only (reads /proc). Runs ``kiosk demo --headless``, which plays config/demo.replay (a
few tickets) and then waits for visitors, as a kiosk does most of the day.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=10.0, help="time for the demo visitors")
    args = parser.parse_args()
    hz = os.sysconf("SC_CLK_TCK")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "demo", "--headless"],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(args.settle)
            tickets = len(list(Path(tmp, "demo-out").glob("*.bin")))
            t0, c0 = time.monotonic(), cpu_ticks(proc.pid)
            time.sleep(args.seconds)
            t1, c1 = time.monotonic(), cpu_ticks(proc.pid)
            rss = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    cpu = (c1 - c0) / hz / (t1 - t0) * 100
    print("| measure (`kiosk demo --headless`, all threads) | value |")
    print("|---|---|")
    print(
        f"| idle CPU over {args.seconds:.0f} s after {tickets} tickets | {cpu:.2f} % of one core |"
    )
    print(f"| resident memory (VmRSS) | {rss:.1f} MiB |")
    print(f"| exit code after SIGTERM | {proc.returncode} |")


if __name__ == "__main__":
    main()
