"""kiosk selftest: each check on real stand-ins (files, a subprocess, the stub server)."""

from __future__ import annotations

import argparse
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.settings import Config
from kiosk.ops.selftest import (
    LONG_BITS,
    CheckResult,
    check_clock,
    check_data_dir,
    check_disk,
    check_display,
    check_printer,
    check_scanner,
    check_server,
    check_touch,
    exit_code,
    format_table,
    probe_display,
    register,
    run,
    touch_devices,
)
from stubserver.server import StubServer


def bitmap(*bits: int) -> str:
    """A /proc/bus/input/devices bitmap with these bits set (C longs, high word first)."""
    value = sum(1 << b for b in bits)
    words = []
    while value:
        words.append(value & ((1 << LONG_BITS) - 1))
        value >>= LONG_BITS
    return " ".join(f"{w:x}" for w in reversed(words or [0]))


DEVICES = f"""\
I: Bus=0018 Vendor=0000 Product=0000 Version=0000
N: Name="generic ft5x06 (79)"
H: Handlers=mouse0 event2
B: PROP=2
B: EV=b
B: KEY={bitmap(0x14A)}
B: ABS={bitmap(0, 1, 0x2F, 0x35, 0x36, 0x39)}

I: Bus=0003 Vendor=046d Product=c31c Version=0110
N: Name="Logitech USB Keyboard"
H: Handlers=sysrq kbd leds event0
B: EV=120013
B: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe

I: Bus=0003 Vendor=0eef Product=0001 Version=0100
N: Name="eGalax Touch Screen"
H: Handlers=event5
B: KEY={bitmap(0x14A)}
B: ABS={bitmap(0, 1)}
"""


def test_touch_devices_found_by_capability() -> None:
    assert touch_devices(DEVICES) == [
        ("generic ft5x06 (79)", "/dev/input/event2"),
        ("eGalax Touch Screen", "/dev/input/event5"),
    ]


def test_check_touch(tmp_path: Path) -> None:
    proc = tmp_path / "devices"
    proc.write_text(DEVICES.split("\n\n")[1])  # the keyboard only
    result = check_touch(proc)
    assert result.result == "fail" and "no touch screen" in result.detail
    assert check_touch(tmp_path / "missing").result == "fail"


def test_check_display_on_card_nodes(tmp_path: Path) -> None:
    assert check_display(tmp_path).result == "fail"
    (tmp_path / "card1").touch()
    (tmp_path / "renderD128").touch()
    assert check_display(tmp_path) == CheckResult("display", "ok", "card1 usable")


def test_probe_display_in_a_subprocess() -> None:
    assert probe_display("dummy").result == "ok"
    result = probe_display("no-such-driver")
    assert result.result == "fail" and "no-such-driver" in result.detail


def fake_timedatectl(tmp_path: Path, answer: str) -> tuple[str, ...]:
    script = tmp_path / f"timedatectl-{answer}"
    script.write_text(f"#!/bin/sh\necho {answer}\n")
    script.chmod(0o755)
    return (str(script),)


def test_check_clock(tmp_path: Path) -> None:
    assert check_clock(fake_timedatectl(tmp_path, "yes")).result == "ok"
    assert check_clock(fake_timedatectl(tmp_path, "no")).result == "warn"
    missing = check_clock((str(tmp_path / "absent"),))
    assert missing.result == "warn" and missing.detail.startswith("unknown")


def test_check_disk_and_data_dir(tmp_path: Path) -> None:
    assert check_disk(tmp_path / "not" / "yet").result == "ok"
    assert check_disk(tmp_path, warn_below_bytes=1 << 62).result == "warn"
    assert check_disk(tmp_path, fail_below_bytes=1 << 62).result == "fail"
    assert check_data_dir(tmp_path).result == "ok" and os.listdir(tmp_path) == []
    assert check_data_dir(tmp_path / "missing").result == "fail"


def write_config(tmp_path: Path, printer_url: str, server: str = "") -> Config:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "test-1"
site = "Test"
data_dir = "{tmp_path / "data"}"

[printer]
url = "{printer_url}"
timeout_s = 1

{server}

[[categories]]
id = "accueil"
prefix = "A"
label = {{ fr = "Accueil" }}
""",
        encoding="utf-8",
    )
    return load_config(path)


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[StubServer]:
    server = StubServer(data_dir=tmp_path / "stub", token="s3cret").start()
    yield server
    server.stop()


def test_check_printer(tmp_path: Path) -> None:
    ok = check_printer(write_config(tmp_path, f"virtual://{tmp_path / 'out'}"))
    assert ok.result in ("ok", "warn")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    offline = check_printer(write_config(tmp_path, f"tcp://127.0.0.1:{port}"))
    assert offline.result == "fail" and "offline" in offline.detail


def test_check_server(tmp_path: Path, stub: StubServer) -> None:
    token = tmp_path / "token"
    section = f'[server]\nurl = "{stub.url}"\ntoken_file = "{token}"\nread_timeout_s = 2'
    config = write_config(tmp_path, "virtual://out", section)
    assert check_server(config).result == "fail"  # no token file yet
    token.write_text("wrong\n")
    token.chmod(0o600)
    refused = check_server(config)
    assert (refused.result == "fail" and "401" in refused.detail) or "auth" in refused.detail
    token.write_text("s3cret\n")
    assert check_server(config).result == "ok"
    assert check_server(write_config(tmp_path, "virtual://out")).result == "ok"  # offline kiosk


def test_table_and_exit_code() -> None:
    results = [CheckResult("disk", "warn", "low"), CheckResult("data dir", "ok", "fine")]
    assert exit_code(results) == 0
    assert format_table(results).splitlines()[1] == "disk      warn    low"
    assert exit_code([*results, CheckResult("touch", "fail", "none")]) == 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["selftest", *argv])


def test_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, f"virtual://{tmp_path / 'out'}")
    code = run(parse(["--config", str(config.path), "--json"]))
    report = json.loads(capsys.readouterr().out)
    assert [c["check"] for c in report["checks"]] == [
        "display", "touch", "printer", "server", "clock", "disk", "data dir"
    ]  # fmt: skip
    assert code == (1 if report["result"] == "fail" else 0)


def test_command_bad_config_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nid = 'NO'\n")
    assert run(parse(["--config", str(bad)])) == 2
    err = capsys.readouterr().err
    assert err.startswith("kiosk: config error: ") and err.count("\n") == 1


def test_check_scanner_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = tmp_path / "usb-scan-event-kbd"
    # HID scanners are read with python-evdev: without it the line says how to install it.
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    result = check_scanner(str(hid))
    assert result.result == "fail" and "pip install evdev" in result.detail
    monkeypatch.undo()
    stub = tmp_path / "site"
    stub.mkdir()
    (stub / "evdev.py").write_text("")
    monkeypatch.syspath_prepend(str(stub))
    result = check_scanner(str(hid))
    assert result.result == "fail" and f"{hid} not found" in result.detail
    assert "ls /dev/input/by-id" in result.detail
    hid.touch()
    assert check_scanner(str(hid)) == CheckResult("scanner", "ok", f"{hid} present and readable")

    port = tmp_path / "ttyACM0"
    result = check_scanner(f"serial://{port}?baudrate=9600")
    assert result.result == "fail" and "ls /dev/serial/by-id" in result.detail
    port.touch()
    assert check_scanner(f"serial://{port}?baudrate=9600").result == "ok"
    if os.geteuid() != 0:  # root may read anything: the permission case needs a plain user
        port.chmod(0)
        result = check_scanner(f"serial://{port}")
        assert result.result == "fail" and "dialout group" in result.detail


def test_command_checks_the_scanner_only_when_one_is_configured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = tmp_path / "ttyACM0"
    config = write_config(
        tmp_path,
        f"virtual://{tmp_path / 'out'}",
        f'[appointments]\nscanner = "serial://{port}?baudrate=9600"\n',
    )
    run(parse(["--config", str(config.path), "--json"]))
    report = json.loads(capsys.readouterr().out)
    scanner = [c for c in report["checks"] if c["check"] == "scanner"]
    assert len(scanner) == 1 and scanner[0]["result"] == "fail"
    assert f"{port} not found" in scanner[0]["detail"]
    assert report["result"] == "fail"
