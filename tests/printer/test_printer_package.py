"""Package hygiene: no python-escpos or pyusb at import time; the fake printer's command line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printer.ticket import printable_text


def test_importing_the_package_loads_neither_escpos_nor_pyusb() -> None:
    code = (
        "import sys, printer.device, printer.ticket, printer.fake, printer.preview;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('escpos', 'usb')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_fake_printer_runs_from_a_shell() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "printer.fake", "--port", "0", "--state", "paper_near_end"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("tcp://127.0.0.1:")
            from printer.device import TicketPrinter

            with TicketPrinter(url, timeout_s=2) as printer:
                assert printer.status() == "paper_near_end"
        finally:
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "0 jobs received" in out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_fake_printer_stops_cleanly_on_a_signal_at_any_moment(signum: int) -> None:
    """A Ctrl-C (or a test's SIGINT) right after the URL line, and a second one while it
    shuts down, as an impatient person presses it: exit 0, no traceback, every time."""
    for attempt in range(10):
        with subprocess.Popen(
            [sys.executable, "-m", "printer.fake", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            assert process.stdout.readline().startswith("tcp://127.0.0.1:")
            process.send_signal(signum)
            process.send_signal(signum)
            out, err = process.communicate(timeout=20)
        assert (process.returncode, err) == (0, ""), f"attempt {attempt}: {err}"
        assert out == "0 jobs received\n"


def test_fake_printer_on_a_busy_port_is_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "printer.fake", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert (
        line.startswith("python -m printer.fake: cannot listen on 127.0.0.1:") and "--port" in line
    )


@given(st.text(max_size=40), st.sampled_from(["cp1252", "cp858"]))
def test_printable_text_always_encodes(text: str, codec: str) -> None:
    printed = printable_text(text, codec)
    printed.encode(codec)
    assert not any(ord(char) < 0x20 or ord(char) == 0x7F for char in printed)
