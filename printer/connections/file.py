"""``file:///dev/usb/lp0``: a character device (or a plain file), write-only, no status."""

from __future__ import annotations

import os
import select
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.errors import PrinterError
from kiosk.core.vocabulary import PrinterStatus
from printer.connections.base import Connection, bad_url, local_path, no_query


@dataclass(frozen=True)
class FileTarget:
    """A parsed ``file://`` URL; a relative path is relative to the configuration's folder."""

    path: Path
    url_text: str = field(default="", compare=False, repr=False)

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    def connect(self, *, timeout_s: float = 5.0) -> FileConnection:
        return FileConnection(self.path, timeout_s=timeout_s)


def parse_url(url: str, parts: urllib.parse.SplitResult, base_dir: Path | None) -> FileTarget:
    no_query(url, parts)
    path = Path(local_path(url, parts, "path")).expanduser()
    if not path.is_absolute():
        if base_dir is None:
            bad_url(url, f"path {str(path)!r} is relative (expected file:///absolute/path)")
        path = (base_dir / path).resolve()
    return FileTarget(path=path, url_text=url)


class FileConnection(Connection):
    """A character device such as ``/dev/usb/lp0`` (or a plain file), write-only.

    Opened non-blocking so that a stalled printer cannot hang the writer: each chunk waits
    for the device with ``select`` up to ``timeout_s``. Files are created only outside /dev,
    so a wrong device path fails instead of "printing" into a new file.
    """

    def __init__(self, path: Path, *, timeout_s: float = 5.0):
        self.path = path
        self.timeout_s = timeout_s
        self._fd: int | None = None

    @property
    def is_bidirectional(self) -> bool:
        return False

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        if self._fd is not None:
            return
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC
        if not str(self.path).startswith("/dev/"):
            flags |= os.O_CREAT
        try:
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as err:
            raise PrinterError(
                f"cannot open printer device {self.path}: {err}", status=PrinterStatus.OFFLINE
            ) from err

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def write(self, data: bytes) -> None:
        """Every byte within ``timeout_s``, or :class:`PrinterError` (status ``offline``:
        the device stopped taking data, or failed) saying how many bytes went out."""
        fd = self._fd
        if fd is None:
            raise PrinterError(
                f"printer device {self.path} is not open", status=PrinterStatus.OFFLINE
            )
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout_s
        while view:
            remaining_s = deadline - time.monotonic()
            sent = 0
            try:
                _, writable, _ = select.select([], [fd], [], max(remaining_s, 0))
                if writable:
                    sent = os.write(fd, view)
            except BlockingIOError:
                writable = [fd]  # select said writable, but the device took nothing after all
            except OSError as err:
                self.close()
                raise PrinterError(
                    f"printer device {self.path}: write failed after "
                    f"{len(data) - len(view)} of {len(data)} bytes: {err}",
                    status=PrinterStatus.OFFLINE,
                ) from err
            if not writable or (not sent and time.monotonic() >= deadline):
                self.close()
                raise PrinterError(
                    f"printer device {self.path} took no data for {self.timeout_s:g} s "
                    f"({len(data) - len(view)} of {len(data)} bytes sent)",
                    status=PrinterStatus.OFFLINE,
                )
            view = view[sent:]

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        return b""

    def __repr__(self) -> str:
        return f"<FileConnection {self.path} {'open' if self._fd is not None else 'closed'}>"
