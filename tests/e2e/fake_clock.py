"""Whether libfaketime works on this machine, asked once per test process.

``faketime`` needs the ``faketime`` package (Debian's) and a libc whose time calls it can
wrap. Under qemu-user (``make pi-check``: an arm64 root on an x86 machine) it cannot: every
``time.sleep`` of a process under it fails with ``OSError: [Errno 22] Invalid argument``
(natively, on x86 and arm64, it works). A tiny probe tells which: the tests that move the
clock skip, naming the cause, only where the probe itself fails that way; any other failure
is left to the test to report."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys

import pytest

PROBE = "import time; time.sleep(0.01)"


@functools.lru_cache(maxsize=1)
def why_faketime_cannot_run() -> str | None:
    """None where ``faketime`` works; else why not, in one line."""
    if shutil.which("faketime") is None:
        return "needs faketime: apt install faketime"
    try:
        probe = subprocess.run(
            ["faketime", "-f", "+1d", sys.executable, "-c", PROBE],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return None  # slow, not broken: the test itself says what goes wrong
    if probe.returncode != 0 and "[Errno 22]" in probe.stderr:
        return (
            "libfaketime cannot run here: time.sleep under faketime fails with EINVAL "
            "(OSError [Errno 22]), as under qemu-user emulation (make pi-check); "
            "these tests need a native run"
        )
    return None  # any other failure is the test's to report


def need_faketime() -> None:
    """Skip the calling test, with the reason, where libfaketime cannot run."""
    why = why_faketime_cannot_run()
    if why is not None:
        pytest.skip(why)
