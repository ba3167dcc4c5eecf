"""The kiosk's bearer token file, read and checked without the HTTP stack (requests is
not imported), so the kiosk can refuse a bad token file before its first frame."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kiosk.core.errors import TokenFileError


def read_token(path: Path) -> str:
    """The bearer token stored in ``path``, stripped.

    Refuses (:class:`TokenFileError`, a ConfigError, one line) a missing, unreadable or
    empty file, anything but a regular file (a FIFO would block the start-up forever), and
    a file that group or others may read, since the token lets anyone post events as this
    kiosk.
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise TokenFileError(
                f"{path}: token file is not a regular file ({_file_kind(info.st_mode)}): "
                "write the token into a plain file, then chmod 600 it",
                path=str(path),
            )
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenFileError(
                f"{path}: token file is accessible to group or others "
                f"(mode {stat.S_IMODE(info.st_mode):o}): run chmod 600 {path}",
                path=str(path),
            )
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open() and
        # read() still return at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise TokenFileError(
                    f"{path}: token file is not a regular file: write the token into a "
                    "plain file, then chmod 600 it",
                    path=str(path),
                )
            text = os.read(fd, MAX_TOKEN_FILE_BYTES).decode("utf-8").strip()
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise TokenFileError(
            f"{path}: token file not found: enrol the kiosk or copy its token there, "
            f"then chmod 600 {path}",
            path=str(path),
        ) from None
    except UnicodeDecodeError:
        raise TokenFileError(
            f"{path}: token file is not UTF-8 text: write the token on one line",
            path=str(path),
        ) from None
    except OSError as err:
        raise TokenFileError(
            f"{path}: token file cannot be read ({err.strerror}): check its owner, "
            f"then chmod 600 {path}",
            path=str(path),
        ) from None
    if not text:
        raise TokenFileError(
            f"{path}: token file is empty: enrol the kiosk or write its token there",
            path=str(path),
        )
    return text


MAX_TOKEN_FILE_BYTES = 64 * 1024


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for is_kind, name in kinds if is_kind(mode)), "not a plain file")
