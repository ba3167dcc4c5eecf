"""What reaches the journal when the kiosk fails: unexpected exceptions at ERROR with their
traceback (without -v), a missing dependency as one line with its fix, exit codes carried
by the errors themselves (issue 10, item 17; issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from kiosk.config import demo_config_path


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    env.pop("JOURNAL_STREAM", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )


def test_an_unexpected_error_is_logged_at_error_with_its_traceback(tmp_path: Path) -> None:
    out = run_python(
        """
        import sys, kiosk.cli as cli
        def broken(args):
            raise RuntimeError("the disk said no")
        cli.cmd_status = broken
        sys.exit(cli.main(["status"]))
        """,
        tmp_path,
    )
    assert out.returncode == 1, out.stderr
    assert "ERROR kiosk.cli: fatal error" in out.stderr
    assert "Traceback (most recent call last)" in out.stderr
    assert "in broken" in out.stderr  # the frame that raised
    assert out.stderr.splitlines()[-1].startswith("kiosk: fatal: RuntimeError: the disk said no")


def test_a_thread_that_dies_is_logged_at_error_with_its_traceback(tmp_path: Path) -> None:
    out = run_python(
        """
        import threading, kiosk.cli as cli
        cli.configure_logging(False)
        def boom():
            raise ValueError("worker broke")
        t = threading.Thread(target=boom, name="worker-x")
        t.start(); t.join()
        """,
        tmp_path,
    )
    assert "ERROR kiosk.thread: thread worker-x died: ValueError: worker broke" in out.stderr
    assert "Traceback (most recent call last)" in out.stderr


def test_a_missing_module_is_one_line_with_the_fix_exit_1(tmp_path: Path) -> None:
    out = run_python(
        f"""
        import sys
        sys.modules["pygame"] = None  # as if pygame-ce were not installed
        import kiosk.cli as cli
        sys.exit(cli.main(["screenshots", "--config", {str(demo_config_path())!r},
                           "--out", "shots"]))
        """,
        tmp_path,
    )
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kiosk: Python module 'pygame' is missing")
    assert "pip install pygame-ce" in lines[0]


def test_the_exit_code_comes_from_the_error(tmp_path: Path) -> None:
    out = run_python(
        """
        import sys, kiosk.cli as cli
        from kiosk.core.errors import KioskError, UsageError
        class Odd(KioskError):
            exit_code = 3
        def odd(args):
            raise Odd("an odd failure")
        def usage(args):
            raise UsageError("replay line 3: unknown command")
        cli.cmd_status = odd
        cli.cmd_hash_pin = usage
        print(cli.main(["status"]), cli.main(["hash-pin", "1234"]))
        """,
        tmp_path,
    )
    assert out.stdout.split() == ["3", "2"], out.stderr
    assert "kiosk: error: an odd failure" in out.stderr
    assert "kiosk: usage error: replay line 3: unknown command" in out.stderr
