"""The installable distribution carries what the kiosk needs at run time: translations,
fonts and the bundled configurations (a kiosk installed with pip, not from a checkout)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_holds_catalogs_fonts_and_configs(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # issue 13: the translation folders are declared, so a first `make demo` is quiet
    assert "is absent from the `packages` configuration" not in proc.stderr + proc.stdout
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for catalog in (REPO / "kiosk" / "locale").glob("*/LC_MESSAGES/*.po"):
        assert str(catalog.relative_to(REPO)) in names
    assert "kiosk/fonts/DejaVuSans.ttf" in names
    assert "kiosk/fonts/DejaVuSans-Bold.ttf" in names
    data = [n for n in names if "/data/share/kiosk/config/" in n]
    assert {Path(n).name for n in data} >= {"demo.toml", "hdv.toml", "meje.toml", "ccas.toml"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kiosk = kiosk.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_editable_install_is_a_plain_path_entry_without_a_warning(tmp_path):
    """Issue 13: `make .venv/.installed-stamp` (pip install -e) printed setuptools'
    "Editable installation ... folders with the same name as your package" block, because
    the flat layout was guessed and served by a meta-path finder. setup.cfg declares the
    repository root as the import root: the editable wheel is one .pth line, no warning."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; "
            "print(build_meta.build_editable(sys.argv[1]))",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Editable installation" not in proc.stderr + proc.stdout
    [wheel] = tmp_path.glob("*.whl")
    archive = zipfile.ZipFile(wheel)
    assert not [n for n in archive.namelist() if n.endswith("_finder.py")]
    [pth] = [n for n in archive.namelist() if n.endswith(".pth")]
    assert archive.read(pth).decode().split() == [str(REPO)]
