"""``kiosk selftest``: can this kiosk work? One line per check, for a technician on site.

Each check is a function returning a :class:`CheckResult` (ok, warn or fail, and a detail
saying what to do), so tests call them one by one. Every check has a timeout. Exit code:
0 when nothing failed (warnings allowed), 1 when a check failed, 2 bad configuration.

The display check looks for DRM card nodes in /dev/dri that this user may open, because
actually starting SDL's KMSDRM driver fails while kiosk.service holds the screen;
``--probe-display`` starts SDL in a subprocess for real (stop the service first).
The printer check, likewise, may find a USB printer busy while the kiosk is running.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.config import default_config_path, demo_config_path, load_config
from kiosk.core.errors import EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, ConfigError, KioskError
from kiosk.core.settings import Config
from kiosk.core.vocabulary import PrinterStatus

OK, WARN, FAIL = "ok", "warn", "fail"
DISK_WARN_BYTES = 200 * 1024 * 1024
DISK_FAIL_BYTES = 20 * 1024 * 1024
SUBPROCESS_TIMEOUT_S = 10.0
# The display probe starts Python and imports pygame and SDL in a new process: about a second
# on a Pi 4, several on a Pi 3 or Zero 2 W reading its SD card cold after a boot. The probe
# is there to catch a hang, so its deadline leaves that room several times over (10 s was
# overrun under a loaded arm64 emulation).
DISPLAY_PROBE_TIMEOUT_S = 30.0
ABS_X, ABS_MT_POSITION_X, BTN_TOUCH = 0x00, 0x35, 0x14A
LONG_BITS = struct.calcsize("l") * 8  # /proc/bus/input/devices bitmaps are in C longs


@dataclass(frozen=True)
class CheckResult:
    check: str
    result: str  # ok | warn | fail
    detail: str


# ---- display and touch -----------------------------------------------------------------------


def check_display(dri_dir: Path = Path("/dev/dri")) -> CheckResult:
    """A DRM card node exists and this user may open it read-write (group video)."""
    cards = sorted(dri_dir.glob("card[0-9]*"))
    if not cards:
        return CheckResult(
            "display",
            FAIL,
            f"no DRM card in {dri_dir}: enable the KMS driver (dtoverlay=vc4-kms-v3d in "
            "config.txt) and check the display cable",
        )
    usable = [c for c in cards if os.access(c, os.R_OK | os.W_OK)]
    if not usable:
        return CheckResult(
            "display",
            FAIL,
            f"{', '.join(map(str, cards))} not writable by this user: add it to groups video and render",
        )
    return CheckResult("display", OK, f"{', '.join(c.name for c in usable)} usable")


def probe_display(
    driver: str = "kmsdrm", timeout_s: float = DISPLAY_PROBE_TIMEOUT_S
) -> CheckResult:
    """Start SDL's ``driver`` in a subprocess (so a hang or crash cannot take us down)."""
    code = (
        "import pygame; pygame.display.init(); "
        "info = pygame.display.Info(); "
        "print(pygame.display.get_driver(), info.current_w, info.current_h)"
    )
    env = {**os.environ, "SDL_VIDEODRIVER": driver, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout_s, env=env
        )
    except subprocess.TimeoutExpired:
        return CheckResult("display", FAIL, f"SDL {driver} did not start within {timeout_s:g} s")
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return CheckResult(
            "display",
            FAIL,
            f"SDL {driver} failed ({last}): stop kiosk.service first, check groups video/render",
        )
    return CheckResult("display", OK, f"SDL {result.stdout.strip()}")


def _has_bit(bitmap: str, bit: int) -> bool:
    """Bit ``bit`` of a /proc/bus/input/devices bitmap ("B: ABS=3 0": longs, high first)."""
    words = bitmap.split()
    index = len(words) - 1 - bit // LONG_BITS
    if index < 0:
        return False
    return bool(int(words[index], 16) >> (bit % LONG_BITS) & 1)


def touch_devices(devices_text: str) -> list[tuple[str, str]]:
    """(name, /dev/input/eventN) of each touch device described in /proc/bus/input/devices."""
    found = []
    for block in devices_text.split("\n\n"):
        name, event, bits = "", "", {}
        for line in block.splitlines():
            if line.startswith("N: Name="):
                name = line[len("N: Name=") :].strip().strip('"')
            elif line.startswith("H: Handlers="):
                event = next(
                    (h for h in line.split("=", 1)[1].split() if h.startswith("event")), ""
                )
            elif line.startswith("B: ") and "=" in line:
                key, _, value = line[3:].partition("=")
                bits[key] = value
        abs_bits, key_bits = bits.get("ABS", "0"), bits.get("KEY", "0")
        is_multitouch = _has_bit(abs_bits, ABS_MT_POSITION_X)
        is_single_touch = _has_bit(abs_bits, ABS_X) and _has_bit(key_bits, BTN_TOUCH)
        if event and (is_multitouch or is_single_touch):
            found.append((name, f"/dev/input/{event}"))
    return found


def check_touch(devices_path: Path = Path("/proc/bus/input/devices")) -> CheckResult:
    """A touch screen is connected, and this user may read it (group input)."""
    try:
        text = devices_path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        return CheckResult("touch", FAIL, f"cannot read {devices_path} ({err.strerror})")
    devices = touch_devices(text)
    if not devices:
        return CheckResult(
            "touch", FAIL, "no touch screen found: check its ribbon or USB cable, then reboot"
        )
    readable = [(n, p) for n, p in devices if os.access(p, os.R_OK)]
    if not readable:
        return CheckResult(
            "touch",
            FAIL,
            f"{devices[0][0]} ({devices[0][1]}) not readable by this user: add it to group input",
        )
    return CheckResult("touch", OK, ", ".join(f"{n} ({p})" for n, p in readable))


# ---- printer and server ------------------------------------------------------------------------


def check_printer(config: Config) -> CheckResult:
    """The printer answers and is ready (paper near its end is a warning)."""
    from printer.device import TicketPrinter

    with TicketPrinter.from_config(config.printer) as printer:
        status = str(getattr(printer.status(), "value", PrinterStatus.UNKNOWN))
        is_held_elsewhere = printer.is_held_elsewhere
    url = config.printer.url
    if is_held_elsewhere:
        return CheckResult(
            "printer",
            WARN,
            f"{url}: held by another process, status unknown (kiosk.service running? "
            "stop it to test the printer)",
        )
    if status == PrinterStatus.OK:
        return CheckResult("printer", OK, f"{url}: ok")
    if status == PrinterStatus.PAPER_NEAR_END:
        return CheckResult("printer", WARN, f"{url}: paper near its end: change the roll soon")
    if status == PrinterStatus.UNKNOWN:
        return CheckResult("printer", WARN, f"{url}: status unknown (a write-only link)")
    return CheckResult(
        "printer",
        FAIL,
        f"{url}: {status}: check power, cable, paper and cover "
        "(a running kiosk.service may hold a USB printer)",
    )


def check_server(config: Config) -> CheckResult:
    """The queue server answers and accepts this kiosk's token (GET its queue state)."""
    if config.server is None:
        return CheckResult("server", OK, "none configured: this kiosk works offline")
    from kiosk.sync.client import ServerClient, read_token

    server = config.server
    try:
        token = read_token(server.token_file)
    except ConfigError as err:
        return CheckResult("server", FAIL, str(err))
    with ServerClient.from_config(server, kiosk_id=config.kiosk.id, token=token) as client:
        try:
            client.get_state(fetched_at_mono_s=time.monotonic())
        except KioskError as err:
            return CheckResult("server", FAIL, str(err))
    return CheckResult("server", OK, f"{server.url}: reachable, token accepted")


# ---- clock and storage -----------------------------------------------------------------------


def check_clock(command: tuple[str, ...] = ("timedatectl",)) -> CheckResult:
    """The clock is synchronised over the network (a Pi has no battery clock)."""
    argv = [*command, "show", "-p", "NTPSynchronized", "--value"]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        return CheckResult("clock", WARN, f"unknown ({type(err).__name__}: {argv[0]})")
    answer = result.stdout.strip()
    if result.returncode != 0 or answer not in ("yes", "no"):
        return CheckResult("clock", WARN, "unknown (timedatectl gave no answer)")
    if answer == "no":
        return CheckResult(
            "clock",
            WARN,
            "not synchronised: check the network and NTP (timedatectl timesync-status); "
            "tickets still work",
        )
    return CheckResult("clock", OK, "synchronised")


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(
    data_dir: Path,
    *,
    warn_below_bytes: int = DISK_WARN_BYTES,
    fail_below_bytes: int = DISK_FAIL_BYTES,
) -> CheckResult:
    """Free space where the durable store lives."""
    where = _existing_parent(data_dir)
    free = shutil.disk_usage(where).free
    text = f"{free / 1024 / 1024:.0f} MB free on {where}"
    if free < fail_below_bytes:
        return CheckResult(
            "disk", FAIL, f"{text}: free space (old logs: journalctl --vacuum-size=50M)"
        )
    if free < warn_below_bytes:
        limit_mb = warn_below_bytes / 1024 / 1024
        return CheckResult("disk", WARN, f"{text}: below {limit_mb:.0f} MB, free some space soon")
    return CheckResult("disk", OK, text)


def check_data_dir(data_dir: Path) -> CheckResult:
    """The data folder takes a durable write: create, fsync, delete a probe file."""
    probe = data_dir / f".selftest-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, b"selftest\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except FileNotFoundError:
        return CheckResult(
            "data dir", FAIL, f"{data_dir} does not exist: start kiosk.service once (it makes it)"
        )
    except OSError as err:
        return CheckResult(
            "data dir",
            FAIL,
            f"{data_dir}: {err.strerror}: check its owner (kiosk) and that the disk is not read-only",
        )
    store = read_store_health(data_dir)
    if store.startswith("unreadable"):
        return CheckResult("data dir", FAIL, f"{data_dir} writable; store {store}")
    return CheckResult("data dir", OK, f"{data_dir} writable; store {store}")


def check_scanner(device: str) -> CheckResult:
    """The appointments' barcode scanner (``[appointments] scanner``): its device is there and
    this user may read it. Only looked at, never opened: the running kiosk holds it grabbed."""
    is_serial = device.startswith("serial://")
    path = Path(urllib.parse.urlsplit(device).path if is_serial else device)
    group = "dialout" if is_serial else "input"
    if not is_serial and importlib.util.find_spec("evdev") is None:
        return CheckResult(
            "scanner", FAIL, f"{device}: python-evdev is not installed (pip install evdev)"
        )
    if not path.exists():
        listing = "ls /dev/serial/by-id" if is_serial else "ls /dev/input/by-id"
        return CheckResult(
            "scanner",
            FAIL,
            f"{path} not found: plug the scanner in ({listing} lists what is there)",
        )
    if not os.access(path, os.R_OK | (os.W_OK if is_serial else 0)):
        return CheckResult(
            "scanner", FAIL, f"{path} not readable by this user: add it to the {group} group"
        )
    return CheckResult("scanner", OK, f"{path} present and readable")


def read_store_health(data_dir: Path) -> str:
    """The store as a reader sees it, read-only (nothing created, recovered or moved)."""
    from kiosk.store import DB_NAME, StoreReader

    if not (data_dir / DB_NAME).is_file():
        return "not created yet (the kiosk creates it at its first start)"
    try:
        with StoreReader.open(data_dir) as reader:
            version = reader.schema_version()
            last = reader.last_service_day()
            depth = reader.outbox_depth()
    except KioskError as err:
        return f"unreadable: {err}: stop the kiosk, then start it (it recovers what it can)"
    day = last.isoformat() if last else "none"
    return f"schema {version}, last service day {day}, {depth} event(s) unsent"


# ---- running them ------------------------------------------------------------------------------


def run_checks(config: Config, *, is_display_probed: bool = False) -> list[CheckResult]:
    """Every check in order; a check that breaks unexpectedly is a ``fail``, never a crash."""
    checks: list[tuple[str, Callable[[], CheckResult]]] = [
        ("display", probe_display if is_display_probed else check_display),
        ("touch", check_touch),
        ("printer", lambda: check_printer(config)),
        ("server", lambda: check_server(config)),
        ("clock", check_clock),
        ("disk", lambda: check_disk(config.kiosk.data_dir)),
        ("data dir", lambda: check_data_dir(config.kiosk.data_dir)),
    ]
    scanner = config.appointments.scanner if config.appointments is not None else None
    if scanner:
        checks.append(("scanner", lambda: check_scanner(scanner)))
    results = []
    for name, check in checks:
        try:
            results.append(check())
        except Exception as err:  # one broken check must not hide the others
            results.append(CheckResult(name, FAIL, f"{type(err).__name__}: {err}"))
    return results


def format_table(results: list[CheckResult]) -> str:
    width = max(len(r.check) for r in results)
    lines = [f"{'check':<{width}}  result  detail"]
    lines += [f"{r.check:<{width}}  {r.result:<6}  {r.detail}" for r in results]
    return "\n".join(lines)


def exit_code(results: list[CheckResult]) -> int:
    return EXIT_FAILURE if any(r.result == FAIL for r in results) else EXIT_OK


def register(subparsers: Any) -> None:
    """Add ``kiosk selftest`` to the CLI."""
    p = subparsers.add_parser(
        "selftest",
        help="Check display, touch, printer, server, clock and storage.",
        description=(
            "Check that this kiosk can work: display, touch, printer, server, clock, disk "
            "space and data folder. Exit 0 when nothing failed, 1 when a check failed."
        ),
    )
    p.add_argument("--config", metavar="FILE", help="default: /etc/kiosk/kiosk.toml, else the demo")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--probe-display",
        action="store_true",
        help="start SDL KMSDRM for real (stop the kiosk first)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.config) if args.config else default_config_path()
    if not args.config and not path.exists():
        path = demo_config_path()
    try:
        config = load_config(path)
    except ConfigError as err:
        print(f"kiosk: config error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    results = run_checks(config, is_display_probed=args.probe_display)
    code = exit_code(results)
    if args.json:
        overall = FAIL if code else (WARN if any(r.result == WARN for r in results) else OK)
        print(
            json.dumps(
                {"config": str(path), "result": overall, "checks": [asdict(r) for r in results]},
                ensure_ascii=False,
            )
        )
    else:
        print(f"configuration: {path}")
        print(format_table(results))
    return code
