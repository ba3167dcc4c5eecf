"""Files ``kiosk provision`` writes on the target system, possibly an image under ``--root``.

The configuration and the token must never be readable by others, not even for the instant
between creating and filling them, and a power cut must leave either the old file or the new
one. Owners are looked up in the target's own ``etc/passwd`` and ``etc/group``, because
under ``--root`` the kiosk user exists in the image, not on the machine building it.
"""

from __future__ import annotations

import os
from pathlib import Path

KIOSK_USER = "kiosk"


def lookup_id(root: Path, database: str, name: str) -> int | None:
    """The id of user/group ``name`` in ROOT/etc/passwd or ROOT/etc/group, or None."""
    try:
        lines = (root / "etc" / database).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None


def write_file_atomically(
    path: Path, data: bytes, *, mode: int, uid: int = -1, gid: int = -1
) -> None:
    """Replace ``path`` with ``data``, readable only as ``mode`` allows from the first byte.

    The temporary file is made with O_CREAT|O_EXCL (never through a planted file or link)
    and fchmod'ed, so the umask cannot widen it; then fsync and rename.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, mode)
    except FileExistsError:  # left by an interrupted run
        tmp.unlink()
        fd = os.open(tmp, flags, mode)
    try:
        os.fchmod(fd, mode)
        if (uid != -1 or gid != -1) and os.geteuid() == 0:
            os.fchown(fd, uid, gid)
        os.write(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)


def under_root(root: Path, path: Path) -> Path:
    """Where the target system's absolute ``path`` lives when installing under ``root``."""
    if root == Path("/") or path.is_relative_to(root):
        return path
    return root / path.relative_to(path.anchor)


def existing_token(path: Path) -> str | None:
    """The token already stored in ``path``, or None when there is none to keep."""
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None
