"""A Pi-class run: the same measurements without and with a CPU quota, side by side.

A Raspberry Pi 4 is roughly 5-10x slower per core than the x86 machines we develop on. The
closest stand-in here is a CPU quota: the kiosk's process (and every thread and child of it)
gets 1 ms of CPU in every 5 ms, 20 % of one core, through a cgroup (v1
``cpu.cfs_quota_us``/``cpu.cfs_period_us``, or v2 ``cpu.max``). Each kiosk starts with an empty
``TMPDIR`` and a new data folder, as under the unit's ``PrivateTmp=yes``, and one
``CACHE_DIRECTORY`` kept across the runs, as the unit's ``CacheDirectory=kiosk``. Measured:

- start-up: process start to the ``ready`` trace line (the first frame on screen), and to
  the ``started`` one (store and printer ready: the kiosk can issue);
- touch to ``issued`` and to ``printed``, p50/p99, server healthy and down
  (bench_touch_to_printed's run, fake TCP printer);
- a full redraw of the home and category screens (bench_display's frames);
- idle CPU of ``kiosk run --headless`` with no replay (no busy poll), after start-up.

    sudo python bench/bench_pi_class.py [--quota-us 1000] [--period-us 5000] [--tickets 60]

Where no cgroup is writable (not root, or a read-only cgroup mount) the throttled column says
so and the unthrottled figures are still given. Targets at 20 % of one core (issue 18):
start-up < 1.5 s, touch to printed p99 < 100 ms, touch to issued p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_touch_to_printed  # noqa: E402  (a sibling script)

ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
ENV.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
# An installed kiosk has its bytecode compiled (pip does it at install): the first start of
# each measure writes what a checkout lacks, instead of compiling every module at each start.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
CGROUP_NAME = f"kiosk-bench-{os.getpid()}"

CONFIG = """
[kiosk]
id = "bench-pi"
site = "Hôtel de ville"
languages = ["fr", "en"]
data_dir = "data"
[printer]
url = "virtual://out"
[hours]
monday = ["00:00-24:00"]
tuesday = ["00:00-24:00"]
wednesday = ["00:00-24:00"]
thursday = ["00:00-24:00"]
friday = ["00:00-24:00"]
saturday = ["00:00-24:00"]
sunday = ["00:00-24:00"]
[[categories]]
id = "etat-civil"
prefix = "A"
label = { fr = "État civil", en = "Civil status" }
[[categories]]
id = "urbanisme"
prefix = "U"
label = { fr = "Urbanisme", en = "Planning" }
"""


class CpuQuota:
    """A cgroup with a CPU quota; :meth:`preexec` puts the calling (child) process in it."""

    def __init__(self, quota_us: int, period_us: int):
        self.quota_us = quota_us
        self.period_us = period_us
        self.folder: Path | None = None
        self.why_not = ""

    def __repr__(self) -> str:
        return f"<CpuQuota {self.quota_us}/{self.period_us} us at {self.folder}>"

    def open(self) -> bool:
        v2 = Path("/sys/fs/cgroup/cgroup.controllers")
        v1 = Path("/sys/fs/cgroup/cpu")
        try:
            if v2.exists() and "cpu" in v2.read_text().split():
                folder = Path("/sys/fs/cgroup") / CGROUP_NAME
                folder.mkdir()
                (folder / "cpu.max").write_text(f"{self.quota_us} {self.period_us}\n")
            elif (v1 / "cpu.cfs_quota_us").exists():
                folder = v1 / CGROUP_NAME
                folder.mkdir()
                (folder / "cpu.cfs_period_us").write_text(f"{self.period_us}\n")
                (folder / "cpu.cfs_quota_us").write_text(f"{self.quota_us}\n")
            else:
                self.why_not = "no cgroup cpu controller (neither cgroup v2 cpu.max nor v1 cpu)"
                return False
        except OSError as err:
            self.why_not = f"cgroup not writable ({err.strerror}): run as root"
            return False
        self.folder = folder
        return True

    def preexec(self) -> None:
        assert self.folder is not None
        (self.folder / "cgroup.procs").write_text(f"{os.getpid()}\n")

    def close(self) -> None:
        if self.folder is not None:
            for _ in range(50):  # the last children may take a moment to be reaped
                try:
                    self.folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
            self.folder = None


def percentile(values: list[float], q: float) -> float:
    return bench_touch_to_printed.percentile(values, q)


@contextmanager
def kiosk_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kiosk.toml").write_text(CONFIG, encoding="utf-8")
        (root / "tmp").mkdir()
        yield root


def kiosk_cmd(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "run", "--config", str(root / "kiosk.toml"), *extra]


def read_trace(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def startup_s(
    preexec: Callable[[], None] | None, runs: int, cache_dir: Path
) -> list[tuple[float, float | None]]:
    """Process start to the first frame and to ``started`` (None for a kiosk without that
    trace line), each run with a fresh TMPDIR and data folder, ``cache_dir`` kept."""
    times = []
    for _ in range(runs):
        with kiosk_folder() as root:
            (root / "replay.txt").write_text("quit\n")
            trace = root / "trace.jsonl"
            env = dict(ENV, TMPDIR=str(root / "tmp"), CACHE_DIRECTORY=str(cache_dir))
            t0 = time.time()
            subprocess.run(
                kiosk_cmd(
                    root, "--headless", "--replay", str(root / "replay.txt"), "--trace", str(trace)
                ),
                env=env,
                cwd=root,
                check=True,
                capture_output=True,
                timeout=300,
                preexec_fn=preexec,
            )
            events = read_trace(trace)
            ready = [e["ts"] for e in events if e["event"] == "ready"]
            started = [e["ts"] for e in events if e["event"] == "started"]
            times.append((ready[0] - t0, started[0] - t0 if started else None))
    return times


def redraw_ms(preexec: Callable[[], None] | None) -> tuple[float, float]:
    code = (
        "import json, sys, tempfile; from pathlib import Path\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import bench_display as b\n"
        "with tempfile.TemporaryDirectory() as t:\n"
        "    r = b.bench_frames(b.bench_config(Path(t)), runs=100)\n"
        "print(json.dumps(r['full redraw (home, categories)']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=preexec,
    )
    p50, p99 = json.loads(out.stdout.strip().splitlines()[-1])
    return p50, p99


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def idle_cpu_percent(preexec: Callable[[], None] | None, seconds: float) -> float:
    hz = os.sysconf("SC_CLK_TCK")
    with kiosk_folder() as root:
        trace = root / "trace.jsonl"
        proc = subprocess.Popen(
            kiosk_cmd(root, "--headless", "--trace", str(trace)),
            env=dict(ENV, TMPDIR=str(root / "tmp")),
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=preexec,
        )
        try:
            deadline = time.monotonic() + 120
            while not any(e["event"] == "ready" for e in read_trace(trace)):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the kiosk did not reach its first frame")
                time.sleep(0.05)
            time.sleep(3.0)  # start-up's background work finishes
            t0, c0 = time.monotonic(), cpu_ticks(proc.pid)
            time.sleep(seconds)  # the measuring window
            t1, c1 = time.monotonic(), cpu_ticks(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return (c1 - c0) / hz / (t1 - t0) * 100


def measure(preexec: Callable[[], None] | None, args: argparse.Namespace) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as cache:
        startup_s(preexec, 1, Path(cache))  # the first start after an install fills the cache
        start = startup_s(preexec, args.startups, Path(cache))
    ready = [r for r, _ in start]
    started = [s for _, s in start if s is not None]
    out = {
        f"start-up to first frame, median (max) of {args.startups}, empty TMPDIR": (
            f"{statistics.median(ready):.2f} s ({max(ready):.2f} s)"
        ),
        "start-up to `started` (store and printer open), median (max)": (
            f"{statistics.median(started):.2f} s ({max(started):.2f} s)" if started else "n/a"
        ),
    }
    for mode in ("healthy", "down"):
        r = bench_touch_to_printed.run(args.tickets, mode, preexec_fn=preexec)
        out[f"touch→issued p50 / p99, server {mode}"] = (
            f"{r['issued_p50_ms']:.1f} / {r['issued_p99_ms']:.1f} ms"
        )
        out[f"touch→printed p50 / p99, server {mode}"] = (
            f"{r['printed_p50_ms']:.1f} / {r['printed_p99_ms']:.1f} ms"
        )
    p50, p99 = redraw_ms(preexec)
    out["full redraw p50 / p99 (home, categories, 800x480)"] = f"{p50:.2f} / {p99:.2f} ms"
    out[f"idle CPU over {args.idle_s:.0f} s (kiosk run, no replay)"] = (
        f"{idle_cpu_percent(preexec, args.idle_s):.2f} % of one core"
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quota-us", type=int, default=1000)
    parser.add_argument("--period-us", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=60)
    parser.add_argument("--startups", type=int, default=5)
    parser.add_argument("--idle-s", type=float, default=20.0)
    args = parser.parse_args()
    plain = measure(None, args)
    quota = CpuQuota(args.quota_us, args.period_us)
    share = f"{args.quota_us / args.period_us:.0%} of one core"
    if quota.open():
        try:
            throttled = measure(quota.preexec, args)
        finally:
            quota.close()
    else:
        throttled = dict.fromkeys(plain, f"skipped: {quota.why_not}")
    print(f"| measure | unthrottled | {share} ({args.quota_us} µs every {args.period_us} µs) |")
    print("|---|---|---|")
    for key, value in plain.items():
        print(f"| {key} | {value} | {throttled[key]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
