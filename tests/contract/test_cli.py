"""Contract section 1, the command line: every command, its options and its exit codes,
through ``python -m kiosk`` subprocesses."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from PIL import Image

from printer.fake import FakePtyPrinter, FakeTcpPrinter

from .conftest import TOKEN, events_named, kiosk_env, wait_until, write_config

COMMANDS = ("run", "demo", "check-config", "print-test", "screenshots", "status", "stub-server")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_help(kiosk, command):
    """ "Every command takes `--help`." """
    out = kiosk.run(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "usage:" in out.stdout.lower()
    assert command in out.stdout


def test_top_level_help_lists_every_command(kiosk):
    """ "One console script, `kiosk` (also `python -m kiosk`)." (the commands of the table)"""
    out = kiosk.run("--help")
    assert out.returncode == 0, out.stderr
    for command in COMMANDS:
        assert command in out.stdout, f"`kiosk --help` does not list {command}"


def test_console_script_and_python_m_kiosk_agree(kiosk):
    """ "One console script, `kiosk` (also `python -m kiosk`)." """
    script = Path(sys.executable).parent / "kiosk"
    assert script.exists(), f"no console script {script}: is the package installed?"
    by_script = subprocess.run(
        [str(script), "check-config", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=kiosk_env(),
    )
    by_module = kiosk.run("check-config", "--help")
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout


def test_usage_error_exits_2_without_traceback(kiosk):
    """ "2 bad configuration or usage" """
    out = kiosk.run("run", "--no-such-option")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_run_with_missing_config_exits_2(kiosk, tmp_path):
    """`kiosk run` exit codes: "2 bad configuration or usage" """
    out = kiosk.run("run", "--headless", "--config", str(tmp_path / "missing.toml"))
    assert out.returncode == 2
    assert out.stderr.startswith("kiosk: config error: ")
    assert "Traceback" not in out.stderr


def test_run_exits_0_after_a_requested_quit(kiosk, tmp_path):
    """`kiosk run`: "0 after a requested quit" """
    config = write_config(tmp_path)
    proc, trace = kiosk.replay(config, "quit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert events_named(trace, "ready")


def test_run_without_config_uses_the_bundled_demo(kiosk, tmp_path):
    """ "Without `--config`: `/etc/kiosk/kiosk.toml` if it exists, else the bundled demo
    configuration (`config/demo.toml`: virtual printer, open all day every day)." """
    proc, trace = kiosk.replay(None, "quit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert events_named(trace, "ready")
    # The bundled file may be read-only: its store goes to ./demo-out/ as with `kiosk demo`.
    assert (kiosk.folder / "demo-out" / "data" / "kiosk.sqlite3").exists()
    # The same default, seen through `kiosk status`, is the demo kiosk.
    status = kiosk.run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["kiosk_id"] == "demo-1"


def test_demo_runs_with_nothing_plugged_in(kiosk, tmp_path):
    """`kiosk demo`: "the bundled demo configuration, the stub queue server started
    in-process on a free loopback port, and a virtual printer that writes every ticket to
    `./demo-out/` as the raw ESC/POS bytes and a PNG picture rendered from those bytes." """
    replay = tmp_path / "demo.replay"
    replay.write_text("ticket etat-civil\nquit\n", encoding="utf-8")
    trace = tmp_path / "demo-trace.jsonl"
    out = kiosk.run(
        "demo", "--headless", "--replay", str(replay), "--trace", str(trace), cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-2000:]
    from .conftest import read_trace

    lines = read_trace(trace)
    assert [e["number"] for e in events_named(lines, "issued")] == ["A001"]
    assert len(events_named(lines, "printed")) == 1
    demo_out = tmp_path / "demo-out"
    files = sorted(p.name for p in demo_out.iterdir() if p.is_file())
    assert any(n.endswith(".bin") and "A001" in n for n in files), files
    assert any(n.endswith(".png") and "A001" in n for n in files), files
    png = next(p for p in demo_out.iterdir() if p.suffix == ".png" and "A001" in p.name)
    with Image.open(png) as image:
        assert image.width > 100 and image.height > 100


# ---- check-config ---------------------------------------------------------------------------


def test_check_config_valid_prints_a_summary_exit_0(kiosk, tmp_path):
    """`kiosk check-config FILE`: "Validates a configuration and prints a short summary of
    it." "0 valid" """
    config = write_config(tmp_path, kiosk_id="summary-1")
    out = kiosk.run("check-config", str(config))
    assert out.returncode == 0, out.stderr
    assert "summary-1" in out.stdout
    for category in ("etat-civil", "urbanisme", "fs-caf"):
        assert category in out.stdout
    assert 0 < len(out.stdout.splitlines()) < 60, "a summary should be short"


def test_check_config_invalid_exit_2(kiosk, tmp_path):
    """`kiosk check-config FILE`: "2 invalid" """
    config = write_config(tmp_path, kiosk_id="Bad Id")
    out = kiosk.run("check-config", str(config))
    assert out.returncode == 2
    assert out.stderr.startswith("kiosk: config error: ")


# ---- print-test -----------------------------------------------------------------------------

PRINTER_STATES = {
    # fake printer state: (STATUS printed, exit code, is a ticket printed)
    "ok": ("ok", 0, True),
    "paper_near_end": ("paper_near_end", 0, True),
    "paper_out": ("paper_out", 1, False),
    "cover_open": ("cover_open", 1, False),
    "offline": ("offline", 1, False),
    "silent": ("unknown", 1, False),
}


@pytest.mark.parametrize("link", ["tcp", "pty"])
@pytest.mark.parametrize("state", list(PRINTER_STATES))
def test_print_test_status_and_exit_code(kiosk, tmp_path, link, state):
    """`kiosk print-test`: "then the line `printer status: STATUS`" "0 printed and status
    `ok` or `paper_near_end`; 1 any other status (nothing printed when it was known before
    printing)" """
    status, code, is_printed = PRINTER_STATES[state]
    fake = FakeTcpPrinter(state=state) if link == "tcp" else FakePtyPrinter(state=state)
    with fake:
        config = write_config(tmp_path, printer_url=fake.url, printer_extra="timeout_s = 0.5")
        out = kiosk.run("print-test", "--config", str(config))
        assert f"printer status: {status}" in out.stdout.splitlines(), out.stdout + out.stderr
        assert out.returncode == code, out.stderr[-2000:]
        if is_printed:
            assert fake.wait_for_jobs(1, timeout_s=5), "the test ticket never reached the printer"
        else:
            assert fake.jobs == [], "a ticket was sent to a printer known to be unable to print"
    assert "Traceback" not in out.stderr


def test_print_test_unreachable_printer(kiosk, tmp_path):
    """`kiosk print-test`: "1 any other status" (nobody listens on the printer's port)"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    config = write_config(tmp_path, printer_url=url, printer_extra="timeout_s = 0.5")
    out = kiosk.run("print-test", "--config", str(config))
    assert out.returncode == 1, out.stderr[-2000:]
    assert "printer status: offline" in out.stdout.splitlines(), out.stdout
    assert "Traceback" not in out.stderr


def test_print_test_content(kiosk, tmp_path, tcp_printer):
    """`kiosk print-test`: "Prints a test ticket through the configured printer (every
    French accented letter, the largest number size, a QR code, the cut)" """
    from printer.decoder import decode

    config = write_config(tmp_path, printer_url=tcp_printer.url)
    out = kiosk.run("print-test", "--config", str(config))
    assert out.returncode == 0, out.stderr[-2000:]
    assert tcp_printer.wait_for_jobs(1, timeout_s=5)
    doc = decode(tcp_printer.jobs[0])
    for letter in "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ":
        assert letter in doc.text, f"the test ticket lacks {letter}"
    assert doc.qr_codes, "the test ticket has no QR code"
    assert doc.cuts, "the test ticket is not cut"
    assert max(line.style.width for line in doc.lines) >= 4, "no large number size"


def test_print_test_bad_config_exit_2(kiosk, tmp_path):
    """`kiosk print-test`: "2 configuration" """
    config = write_config(tmp_path, printer_url="lpt://1")
    out = kiosk.run("print-test", "--config", str(config))
    assert out.returncode == 2
    assert out.stderr.startswith("kiosk: config error: ")


# ---- screenshots ----------------------------------------------------------------------------


def _screenshot_names(folder: Path) -> dict[str, set[str]]:
    """{size: {SCREEN-LANG}} from SCREEN-LANG-WxH.png names."""
    found: dict[str, set[str]] = {}
    for p in folder.iterdir():
        m = re.fullmatch(r"([a-z0-9_-]+)-([a-z]{2,3})-(\d+x\d+)\.png", p.name)
        assert m, f"{p.name} is not named SCREEN-LANG-WxH.png"
        found.setdefault(m.group(3), set()).add(f"{m.group(1)}-{m.group(2)}")
    return found


def test_screenshots_every_screen_every_language(kiosk, tmp_path):
    """`kiosk screenshots`: "Renders every visitor and technician screen, in every configured
    language, to PNG files in DIR named `SCREEN-LANG-WxH.png` (for example
    `home-fr-800x480.png`)." "0" """
    config = write_config(tmp_path)
    out_dir = tmp_path / "shots"
    out = kiosk.run("screenshots", "--config", str(config), "--out", str(out_dir))
    assert out.returncode == 0, out.stderr[-2000:]
    found = _screenshot_names(out_dir)
    assert list(found) == ["800x480"]
    names = found["800x480"]
    assert "home-fr" in names and "home-en" in names
    screens_fr = {n.rsplit("-", 1)[0] for n in names if n.endswith("-fr")}
    screens_en = {n.rsplit("-", 1)[0] for n in names if n.endswith("-en")}
    assert screens_fr == screens_en, "every screen in every configured language"
    assert any(s.startswith("tech") for s in screens_fr), f"no technician screen: {screens_fr}"
    with Image.open(out_dir / "home-fr-800x480.png") as image:
        assert image.size == (800, 480)


def test_screenshots_honour_size(kiosk, tmp_path):
    """`kiosk screenshots --config FILE --out DIR [--size WxH]`"""
    config = write_config(tmp_path)
    out_dir = tmp_path / "shots"
    out = kiosk.run(
        "screenshots", "--config", str(config), "--out", str(out_dir), "--size", "1024x600"
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert list(_screenshot_names(out_dir)) == ["1024x600"]
    with Image.open(out_dir / "home-en-1024x600.png") as image:
        assert image.size == (1024, 600)


def test_screenshots_bad_config_exit_2(kiosk, tmp_path):
    """`kiosk screenshots`: "2 configuration" """
    config = write_config(tmp_path, timezone="Mars/Olympus")
    out = kiosk.run("screenshots", "--config", str(config), "--out", str(tmp_path / "o"))
    assert out.returncode == 2
    assert out.stderr.startswith("kiosk: config error: ")


# ---- status ---------------------------------------------------------------------------------


def test_status_offline_kiosk(kiosk, tmp_path, tcp_printer):
    """`kiosk status`: "For technicians: printer status, outbox depth and age of the oldest
    unsent event, last successful sync, today's counts per category." "0" """
    # A server that refuses connections: the events stay unsent.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{s.getsockname()[1]}"
    config = write_config(tmp_path, printer_url=tcp_printer.url, server_url=dead_url)
    proc, _ = kiosk.replay(config, "ticket etat-civil\nticket etat-civil\nticket fs-caf\nquit\n")
    assert proc.returncode == 0, proc.stderr[-2000:]

    text = kiosk.run("status", "--config", str(config))
    assert text.returncode == 0, text.stderr
    assert "printer status: ok" in text.stdout.splitlines()

    out = kiosk.run("status", "--config", str(config), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["printer"] == "ok"
    assert report["outbox"]["depth"] >= 7  # started, 3 issued, 3 printed at least
    assert report["outbox"]["oldest_unsent_age_s"] >= 0
    assert report["sync"]["last_success_at"] is None
    assert report["today"]["counts"] == {"etat-civil": 2, "fs-caf": 1}


def test_status_exits_0_with_the_printer_unreachable(kiosk, tmp_path):
    """`kiosk status`: exit code "0" (a technician needs it most when something is wrong)"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    config = write_config(tmp_path, printer_url=url, printer_extra="timeout_s = 0.5")
    out = kiosk.run("status", "--config", str(config), "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["printer"] in ("offline", "unknown")
    assert report["outbox"]["depth"] == 0
    assert report["today"]["counts"] == {}


def test_status_after_a_successful_sync(kiosk, tmp_path, tcp_printer, stub):
    """`kiosk status`: "last successful sync" """
    config = write_config(
        tmp_path, kiosk_id="status-2", printer_url=tcp_printer.url, server_url=stub.url
    )
    process = kiosk.start(config, "ticket etat-civil\n")
    assert stub.wait_for_events(3, kiosk_id="status-2", timeout_s=30), stub.events("status-2")
    assert process.terminate() == 0
    out = kiosk.run("status", "--config", str(config), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["sync"]["last_success_at"], report["sync"]
    assert report["today"]["counts"] == {"etat-civil": 1}


# ---- stub-server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_stub_server_command(kiosk, tmp_path):
    """`kiosk stub-server [--host 127.0.0.1] [--port 8080] [--data DIR] [--token TOKEN]`:
    "A development queue server implementing protocol v1" "0" """
    port = _free_port()
    data = tmp_path / "stub-data"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "stub-server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data",
            str(data),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=kiosk_env(),
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    good = {"Authorization": f"Bearer {TOKEN}"}

    def answers() -> bool:
        try:
            return requests.get(f"{url}/api/v1/kiosks/k-1/state", headers=good, timeout=2).ok
        except requests.ConnectionError:
            assert proc.poll() is None, "stub-server exited"
            return False

    try:
        wait_until(answers, 30, f"stub-server on {url}")
        r = requests.get(
            f"{url}/api/v1/kiosks/k-1/state",
            headers={"Authorization": "Bearer wrong"},
            timeout=5,
        )
        assert r.status_code == 401, "--token is not enforced"
        event = {
            "id": "7b0c4a8e-3f5e-4a57-9d35-0d5c2a9c1e11",
            "seq": 1,
            "type": "kiosk.started",
            "at": "2026-11-26T10:00:00+01:00",
            "data": {"version": "1.0"},
        }
        r = requests.post(
            f"{url}/api/v1/events",
            json={"kiosk_id": "k-1", "events": [event]},
            headers=good,
            timeout=5,
        )
        assert r.status_code == 200 and r.json()["accepted"] == [event["id"]]
        assert data.is_dir() and any(data.iterdir()), "--data DIR holds nothing"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
