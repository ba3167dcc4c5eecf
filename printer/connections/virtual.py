"""The virtual printer: no paper, every job saved as raw bytes and a picture.

``virtual:///path/to/dir`` writes each job as ``NNNN-JOBNAME.bin`` (the exact bytes a real
printer would get) and ``NNNN-JOBNAME.png`` (those bytes decoded and drawn at paper width),
creating the folder. ``kiosk demo`` prints here; so can a kiosk on a bench.
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.errors import PrinterError
from printer.connections.base import Connection, bad_url, local_path, query_options
from printer.status import STATUS_QUERIES, PrinterStatus, replies_for

logger = logging.getLogger(__name__)

OPTIONS = ("state", "paper_width_dots")
MIN_WIDTH_DOTS, MAX_WIDTH_DOTS = 64, 4096


@dataclass(frozen=True)
class VirtualTarget:
    """A parsed ``virtual://`` URL; a relative folder is relative to the configuration's."""

    folder: Path
    state: str = "ok"
    paper_width_dots: int = 576
    url_text: str = field(default="", compare=False, repr=False)

    @property
    def url(self) -> str:
        query = urllib.parse.urlsplit(self.url_text).query if self.url_text else ""
        return f"virtual://{self.folder}" + (f"?{query}" if query else "")

    def connect(self, *, timeout_s: float = 5.0) -> VirtualConnection:
        return VirtualConnection(
            self.folder, state=PrinterStatus(self.state), paper_width_dots=self.paper_width_dots
        )


def parse_url(url: str, parts: urllib.parse.SplitResult, base_dir: Path | None) -> VirtualTarget:
    options = query_options(url, parts, OPTIONS)
    folder = Path(local_path(url, parts, "folder")).expanduser()
    states = [s.value for s in PrinterStatus]
    state = options.get("state", "ok")
    if state not in states:
        bad_url(url, f"option state={state!r}: expected one of {', '.join(states)}")
    width_text = options.get("paper_width_dots", "576")
    if not (
        width_text.isascii()
        and width_text.isdigit()
        and MIN_WIDTH_DOTS <= int(width_text) <= MAX_WIDTH_DOTS
    ):
        bad_url(
            url,
            f"option paper_width_dots={width_text!r}: expected dots from {MIN_WIDTH_DOTS} "
            f"to {MAX_WIDTH_DOTS} (576 or 384)",
        )
    if not folder.is_absolute():
        if base_dir is None:
            bad_url(url, f"folder {str(folder)!r} is relative (expected virtual:///path/to/dir)")
        folder = (base_dir / folder).resolve()
    return VirtualTarget(folder=folder, state=state, paper_width_dots=int(width_text), url_text=url)


class VirtualConnection(Connection):
    """No printer: every job is saved as raw bytes and a PNG picture decoded from them.

    Answers status queries from :attr:`state` (settable, ``ok`` by default), so the kiosk
    behaves as with a real printer. Used by ``kiosk demo`` and the tests.
    """

    def __init__(
        self, folder: Path, *, state: PrinterStatus = PrinterStatus.OK, paper_width_dots: int = 576
    ):
        self.folder = folder
        self.state = state
        self.paper_width_dots = paper_width_dots
        self._is_open = False
        self._job_name = "job"
        self._pending = b""

    @property
    def is_open(self) -> bool:
        return self._is_open

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PrinterError(
                f"cannot create virtual printer folder {self.folder}: {err}"
            ) from err
        self._is_open = True

    def close(self) -> None:
        self._is_open = False
        self._pending = b""

    def begin_job(self, job_name: str) -> None:
        self._job_name = job_name

    def write(self, data: bytes) -> None:
        if not self._is_open:
            raise PrinterError(
                f"virtual printer {self.folder} is not open", status=PrinterStatus.OFFLINE
            )
        if data in STATUS_QUERIES:
            self._pending += replies_for(self.state).get(data, b"")
            return
        self._save_job(data)

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        reply, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
        return reply

    def _save_job(self, data: bytes) -> None:
        from printer.decoder import decode
        from printer.preview import render_png

        safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in self._job_name)[:40]
        number = 1 + max((_job_index(p) for p in self.folder.glob("*.bin")), default=0)
        stem = self.folder / f"{number:04d}-{safe_name}"
        try:
            stem.with_suffix(".bin").write_bytes(data)
            render_png(
                decode(data), stem.with_suffix(".png"), paper_width_dots=self.paper_width_dots
            )
        except OSError as err:
            raise PrinterError(f"virtual printer {self.folder}: cannot save job: {err}") from err
        logger.info("virtual printer: job %s saved as %s.bin/.png", self._job_name, stem)

    def __repr__(self) -> str:
        return f"<VirtualConnection {self.folder} state={self.state.value} {'open' if self._is_open else 'closed'}>"


def _job_index(path: Path) -> int:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0
