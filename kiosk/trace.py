"""The ``--trace`` file: one JSON object a line, flushed line by line (contract, section 3).

Written from several threads (the screen, the controller), so writes are serialised. A
trace is a testing and benchmarking aid: a failure to write it is logged once, never fatal.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from kiosk.core.errors import UsageError

logger = logging.getLogger(__name__)


def check_trace_path(path: Path) -> Path:
    """``path`` if a trace can be appended to it; else a one-line UsageError (``--trace``
    naming a folder, or a file in a missing or read-only folder). Checked before the kiosk
    starts, so a mistake is a usage error rather than a fatal one."""
    if path.is_dir():
        problem = "is a folder"
    elif not path.parent.is_dir():
        problem = f"its folder {path.parent} does not exist"
    elif path.exists() and not os.access(path, os.W_OK):
        problem = "is not writable"
    elif not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        problem = f"its folder {path.parent} is not writable"
    else:
        return path
    raise UsageError(f"--trace {path}: {problem}: expected a file to append JSON lines to")


class Trace:
    """Appends ``{"ts": time.time(), "event": NAME, ...}`` lines; a no-op without a path."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._is_broken = False

    def open(self) -> Trace:
        """Open the file for appending; a path that cannot be opened is a UsageError."""
        if self.path is not None and self._file is None:
            try:
                self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except OSError as err:
                raise UsageError(
                    f"--trace {self.path}: cannot be opened ({err.strerror}): expected a file "
                    "to append JSON lines to"
                ) from None
        return self

    def emit(self, event: str, **fields: Any) -> None:
        if self._file is None:
            return
        line = json.dumps({"ts": time.time(), "event": event, **fields}, ensure_ascii=False)
        with self._lock:
            try:
                self._file.write(line + "\n")
                self._file.flush()
            except (OSError, ValueError) as err:
                if not self._is_broken:
                    logger.warning("trace %s: cannot write (%s); tracing stops", self.path, err)
                    self._is_broken = True

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Trace:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Trace path={self.path} open={self._file is not None}>"
