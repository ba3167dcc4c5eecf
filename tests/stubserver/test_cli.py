"""``kiosk stub-server`` in a real subprocess: listens, serves, and exits 0 on SIGTERM."""

from __future__ import annotations

import argparse
import selectors
import signal
import subprocess
import sys

import requests

from stubserver.cli import register

LAUNCH = (
    "import argparse, sys; from stubserver.cli import register; "
    "p = argparse.ArgumentParser(prog='kiosk'); register(p.add_subparsers()); "
    "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
)


def test_register_adds_exactly_the_contract_options():
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers())
    args = parser.parse_args(["stub-server"])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 8080, None)
    args = parser.parse_args(
        [
            "stub-server",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--data",
            "d",
            "--token",
            "t",
            "--enrol-code",
            "A",
            "--enrol-code",
            "B",
        ]
    )
    assert args.port == 0 and args.enrol_code == ["A", "B"] and callable(args.func)


def test_serves_then_exits_0_on_sigterm(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCH,
            "stub-server",
            "--port",
            "0",
            "--data",
            str(tmp_path / "d"),
            "--enrol-code",
            "CODE",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        assert selector.select(timeout=20), "no listening line"
        line = proc.stdout.readline()
        url = next(w for w in line.split() if w.startswith("http"))
        assert url.startswith("http://127.0.0.1:")
        r = requests.post(
            f"{url}/api/v1/enrol", json={"kiosk_id": "hdv-1", "code": "CODE"}, timeout=5
        )
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_in_use_is_one_line_and_exit_2(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                LAUNCH,
                "stub-server",
                "--port",
                str(port),
                "--data",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pick another --port" in done.stderr
