"""Package hygiene: no python-escpos or pyusb at import time; the fake printer's command line."""

from __future__ import annotations

import signal
import subprocess
import sys

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


@given(st.text(max_size=40), st.sampled_from(["cp1252", "cp858"]))
def test_printable_text_always_encodes(text: str, codec: str) -> None:
    printed = printable_text(text, codec)
    printed.encode(codec)
    assert not any(ord(char) < 0x20 or ord(char) == 0x7F for char in printed)
