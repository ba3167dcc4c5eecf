"""``kiosk status``: what a technician needs at a glance, read from the store and printer.

Safe to run while the kiosk runs, and as root: the store is read through SQLite's
read-only mode (:class:`~kiosk.store.StoreReader`), which creates, recovers and moves
nothing, and WAL lets it read alongside the kiosk even while it writes. What could not be
read is said, part by part. The printer is only asked for its status (a USB or serial
printer held by the running kiosk reports ``unknown``: this process cannot ask it, which
says nothing about the printer).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

from kiosk.core.calendar_summary import today_line, today_status
from kiosk.core.errors import KioskError
from kiosk.core.service_day import local_now
from kiosk.core.settings import Config
from kiosk.core.vocabulary import PrinterStatus
from kiosk.store import DB_NAME, StoreReader

logger = logging.getLogger(__name__)


def collect_status(config: Config, *, query_printer: bool = True) -> dict[str, Any]:
    """A JSON-ready report: printer, outbox, sync, today's counts, store health."""
    report: dict[str, Any] = {"kiosk_id": config.kiosk.id, "site": config.kiosk.site}
    report["printer"] = _printer_status(config) if query_printer else "not queried"
    report["service"] = service_state(config)
    now_local = local_now(dt.datetime.now(dt.UTC), config.kiosk.timezone)
    report["hours"] = today_status(config, now_local)
    today = now_local.date()
    report["outbox"] = {
        "depth": 0,
        "oldest_unsent_age_s": None,
        "last_seq": 0,
        "set_aside": 0,
        "rejected": [],
    }
    report["today"] = {"service_day": today.isoformat(), "counts": {}}
    report["configuration"] = _configuration(config)
    try:
        reader = StoreReader.open(config.kiosk.data_dir)
    except KioskError as err:
        missing = not (config.kiosk.data_dir / DB_NAME).exists()
        report["store"] = {"missing" if missing else "error": str(err)}
        report["sync"] = {} if config.server else {"server": None}
        return report
    with reader:
        report["store"] = _read_store(reader, config, report, today)
    return report


def _read_store(
    reader: StoreReader, config: Config, report: dict[str, Any], today: dt.date
) -> dict[str, Any]:
    """Fill ``report`` part by part; a part that cannot be read is named, the rest given."""
    store: dict[str, Any] = {
        "path": str(reader.path),
        "corrupted_files_moved_aside": [str(p) for p in reader.corrupted_files()],
        "unreadable": {},
    }
    if reader.is_immutable:
        store["read"] = "the database file alone (the kiosk is not running)"
    now = reader.clock.now_utc()

    def part(name: str, read: Any) -> None:
        try:
            read()
        except KioskError as err:
            store["unreadable"][name] = str(err)

    def outbox() -> None:
        oldest = reader.oldest_pending_created_at()
        report["outbox"] = {
            "depth": reader.outbox_depth(),
            "oldest_unsent_age_s": None
            if oldest is None
            else round((now - oldest).total_seconds(), 1),
            "last_seq": reader.last_seq(),
            "set_aside": len(reader.rejected_events()),
            "rejected": [
                {"seq": r.seq, "type": r.type, "status_code": r.status_code, "answer": r.answer}
                for r in reader.rejected_events()
            ],
        }

    def sync() -> None:
        report["sync"] = _sync_status(reader)
        if not config.server:  # `kiosk demo` syncs with a server given at start, not in the file
            report["sync"]["server"] = None

    def counts() -> None:
        report["today"]["counts"] = reader.counts_for_day(today)
        last = reader.last_service_day()
        if last and last > today:
            report["today"]["warning"] = (
                f"clock is behind the last service day {last.isoformat()} "
                "(if the clock is right: kiosk service-day --move-back)"
            )

    def configuration() -> None:
        in_force = reader.get_meta("config_in_force")
        if in_force:
            report["configuration"]["in_force"] = in_force

    part("outbox", outbox)
    part("configuration", configuration)
    part("sync", sync)
    part("today", counts)
    return store


def _configuration(config: Config) -> dict[str, Any]:
    """Remote configuration (contract 5.7): the version in force (``file`` or ``server vN``,
    as the running kiosk last recorded it) and the last good one stored for the next start."""
    from kiosk.remote_config import FILE_SOURCE, read_stored, source_of, stored_path

    stored = read_stored(stored_path(config))
    return {
        "in_force": source_of(stored.version) if stored is not None else FILE_SOURCE,
        "stored_version": stored.version if stored is not None else None,
        "stored_received_at": stored.received_at if stored is not None else None,
        "file": str(config.path),
    }


def _printer_status(config: Config) -> str:
    from printer.device import TicketPrinter

    try:
        with TicketPrinter.from_config(config.printer) as printer:
            status = printer.status()
            if printer.is_held_elsewhere:  # by the running kiosk, most often: not "offline"
                return PrinterStatus.UNKNOWN
            return str(status.value)
    except KioskError as err:
        logger.warning("%s", err)
        return PrinterStatus.UNKNOWN


def _sync_status(store: StoreReader) -> dict[str, Any]:
    try:
        from kiosk.sync.service import sync_status_from_store
    except ImportError:
        return {}
    result: dict[str, Any] = sync_status_from_store(store)
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in result.items()}


def format_status(report: dict[str, Any], *, is_color: bool = False) -> str:
    """The report as lines for a technician; ``is_color`` (a terminal) shows in red what
    needs them (events set aside by the server)."""
    lines = [
        f"kiosk {report['kiosk_id']} at {report['site']}",
        f"printer status: {report['printer']}",
    ]
    if "service" in report:
        lines.append(f"kiosk service: {report['service']}")
    if "hours" in report:
        lines.append(today_line(report["hours"]))
    store = report.get("store", {})
    if "error" in store:
        lines.append(f"store: ERROR {store['error']}")
        return "\n".join(lines)
    if "missing" in store:
        lines.append(f"store: {store['missing']}")
    for path in store.get("corrupted_files_moved_aside", []):
        lines.append(f"store: a corrupted database was moved aside: {path}")
    for name, error in store.get("unreadable", {}).items():
        lines.append(f"store: could not read the {name}: {error}")
    out = report["outbox"]
    age = out["oldest_unsent_age_s"]
    set_aside = out.get("set_aside", 0)
    aside = f"{set_aside} set aside (kiosk requeue-rejected sends them again)"
    lines.append(
        f"outbox: {out['depth']} unsent"
        + ((f", \033[31m{aside}\033[0m" if is_color else f", {aside}") if set_aside else "")
        + (f", oldest {age:.0f} s old" if age is not None else "")
        + f", last seq {out['last_seq']}"
    )
    for r in out["rejected"]:
        lines.append(
            f"  rejected by the server: seq {r['seq']} {r['type']} ({r['status_code']}: {r['answer'][:80]})"
        )
    lines.append(_sync_line(report.get("sync", {})))
    conf = report.get("configuration")
    if conf:
        line = f"configuration: {conf['in_force']} (over {conf['file']})"
        stored = conf.get("stored_version")
        if stored is not None and conf["in_force"] != f"server v{stored}":
            line += f"; server v{stored} stored, in force from the next pause between visitors"
        lines.append(line)
    today = report["today"]
    counts = ", ".join(f"{k} {v}" for k, v in today["counts"].items()) or "no ticket yet"
    lines.append(f"today ({today['service_day']}): {counts}")
    if "warning" in today:
        lines.append(f"warning: {today['warning']}")
    return "\n".join(lines)


def _sync_line(sync: dict[str, Any]) -> str:
    """One line, in the words the technician menu uses."""
    last_ok = sync.get("last_success_at")
    if sync.get("server", "") is None and not last_ok and not sync.get("last_error"):
        return "sync: no server configured (offline only)"
    if sync.get("server", "") is None:  # kiosk demo: its own server, given at start
        return f"sync: with the server given at start (none in the file); last successful sync: {last_ok or 'none'}"
    if not last_ok and not sync.get("is_auth_failed") and not sync.get("last_error"):
        return "sync: never succeeded yet (no answer from the server so far)"
    last_ok = last_ok or "never"
    if sync.get("is_auth_failed"):
        state = "sync: authentication failed"
    elif sync.get("last_error"):
        state = f"sync: retrying ({sync['last_error']})"
        if sync.get("next_attempt_at"):
            state += f", next attempt {sync['next_attempt_at']}"
    else:
        state = "sync: ok"
    rejected = sync.get("rejected_count") or 0
    extra = f", {rejected} event(s) rejected by the server" if rejected else ""
    return f"{state}; last successful sync: {last_ok}{extra}"


SYSTEMCTL_TIMEOUT_S = 3.0
SYSTEMD_STATES = ("active", "inactive", "failed", "activating", "deactivating", "reloading")


def service_state(config: Config) -> str:
    """Whether the kiosk runs: systemd's word for ``kiosk.service`` where systemd answers
    (within a timeout), else whether a process holds the store open (SQLite's lock on the
    ``-shm`` file, read without taking it)."""
    systemctl = shutil.which("systemctl")
    if systemctl:
        try:
            done = subprocess.run(
                [systemctl, "is-active", "kiosk.service"],
                capture_output=True,
                text=True,
                timeout=SYSTEMCTL_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            logger.debug("systemctl: %s", err)
        else:
            state = done.stdout.strip()
            if state in SYSTEMD_STATES:
                return f"{state} (systemd kiosk.service)"
    holder = store_holder_pid(config.kiosk.data_dir / f"{DB_NAME}-shm")
    if holder is None:
        return "unknown (no systemd, store lock unreadable)"
    if holder == 0:
        return "not running (no process has the store open)"
    return f"running (process {holder} has the store open)"


def store_holder_pid(shm: Path) -> int | None:
    """The pid of a process holding SQLite's WAL lock on ``shm`` (0: none; None: cannot
    tell). F_GETLK asks without taking the lock, so a kiosk starting now is never
    disturbed."""
    if not shm.exists():
        return 0
    try:
        fd = os.open(shm, os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid;
        # every SQLite connection in WAL mode holds a shared lock on byte 128 of -shm
        query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 128, 1, 0)  # the DMS byte
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query + b"\0" * 4)
        l_type, _whence, _start, _len, pid = struct.unpack(
            "hhqqi", answer[: struct.calcsize("hhqqi")]
        )
    except OSError:
        return None
    finally:
        os.close(fd)
    return 0 if l_type == fcntl.F_UNLCK else int(pid)
