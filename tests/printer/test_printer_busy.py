"""A printer the running kiosk holds: the nightly report (``kiosk status``) and the selftest
say ``unknown`` / held elsewhere, not ``offline`` (issue 10, item 17)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from kiosk.config import load_config
from kiosk.ops.selftest import check_printer
from printer.connections import connection_for_url
from printer.fake import FakePtyPrinter


def write_config(folder: Path, printer_url: str) -> Path:
    path = folder / "kiosk.toml"
    path.write_text(
        textwrap.dedent(
            f"""\
            [kiosk]
            id = "busy-1"
            site = "Mairie"
            timezone = "Europe/Paris"
            languages = ["fr"]
            data_dir = "data"

            [printer]
            url = "{printer_url}"
            timeout_s = 1

            [hours]
            monday = ["08:30-12:00"]

            [[categories]]
            id = "etat-civil"
            prefix = "A"
            label = {{ fr = "État civil" }}
            """
        ),
        encoding="utf-8",
    )
    return path


def kiosk_status(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, SDL_VIDEODRIVER="dummy"),
    )


def test_a_serial_printer_held_by_the_kiosk_is_unknown_in_the_nightly_report(
    tmp_path: Path, fake_pty: FakePtyPrinter
) -> None:
    config = write_config(tmp_path, fake_pty.url)
    assert "printer status: ok" in kiosk_status(config).stdout  # free: asked for real
    kiosk = connection_for_url(fake_pty.url)  # the running kiosk holds the port (flock)
    kiosk.open()
    try:
        held = kiosk_status(config)
        check = check_printer(load_config(config))
    finally:
        kiosk.close()
    assert held.returncode == 0, held.stderr
    assert "printer status: unknown" in held.stdout, held.stdout + held.stderr
    assert check.result == "warn" and "held by another process" in check.detail


def test_an_absent_serial_printer_is_still_offline(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"serial://{tmp_path}/ttyUSB9")
    assert "printer status: offline" in kiosk_status(config).stdout
