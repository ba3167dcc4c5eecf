"""The import contract (.importlinter): the rooms of the house say what they hold.

kiosk.core is pure; display draws and printer prints what it describes, never each other,
the store or the network; only the wiring knows every room. import-linter reads the real
import graph (grimp), so a lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter absent (a test extra)")
def test_import_contract_is_kept() -> None:
    assert LINT_IMPORTS is not None
    result = subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(REPO / ".importlinter")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert ", 0 broken." in result.stdout


def test_only_the_wiring_is_excused() -> None:
    """Every ignored import of the contract is the command line's or the demo wiring's
    start of the development queue server: no room is excused from its rules."""
    ignored = []
    for line in (REPO / ".importlinter").read_text(encoding="utf-8").splitlines():
        if "->" in line and not line.lstrip().startswith(";"):
            ignored.append(line.split("->")[0].strip())
    assert set(ignored) <= {"kiosk.cli", "kiosk.app", "kiosk.wiring.demo"}, ignored
