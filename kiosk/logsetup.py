"""Logging set-up for the entry point: journal priorities under systemd, plain lines elsewhere.

Under systemd, stderr goes to the journal, which adds the time, and reads a leading
``<N>`` as the syslog priority (``SyslogLevelPrefix=`` is on by default), so
``journalctl -u kiosk -p warning`` shows only what matters. systemd sets
``$JOURNAL_STREAM`` to the device and inode of that stream; we check it really is our
stderr, since the variable is inherited by children whose stderr may be redirected.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping
from typing import TextIO

# logging level -> syslog priority (man 3 syslog)
_PRIORITIES = (
    (logging.CRITICAL, 2),
    (logging.ERROR, 3),
    (logging.WARNING, 4),
    (logging.INFO, 6),
)
_DEBUG_PRIORITY = 7


def syslog_priority(levelno: int) -> int:
    """The syslog priority of a logging level (INFO -> 6, ERROR -> 3)."""
    for level, priority in _PRIORITIES:
        if levelno >= level:
            return priority
    return _DEBUG_PRIORITY


class JournalFormatter(logging.Formatter):
    """Prefixes each line with ``<N>``, its syslog priority; no time (journald adds it).

    A multi-line message (a traceback) gets the prefix on every line, so each journal
    entry keeps its priority.
    """

    def __init__(self) -> None:
        super().__init__("%(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{syslog_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).splitlines())


def is_journal_stream(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """True when ``stream`` is the journal connection systemd named in ``$JOURNAL_STREAM``."""
    value = (environ if environ is not None else os.environ).get("JOURNAL_STREAM", "")
    device, _, inode = value.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return st.st_dev == int(device) and st.st_ino == int(inode)


def journal_formatter(
    stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> logging.Formatter:
    """The formatter suited to ``stream`` (stderr by default): journal or plain."""
    if is_journal_stream(stream or sys.stderr, environ):
        return JournalFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_journal_logging(level: int | str = logging.INFO) -> logging.Handler:
    """Configure the root logger once, for the entry point only; returns the handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(journal_formatter(sys.stderr))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: an exception that ends a thread, at ERROR with its traceback."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("kiosk.thread").error(
        "thread %s died: %s: %s",
        name,
        args.exc_type.__name__,
        args.exc_value,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )


def install_thread_excepthook() -> None:
    """Log exceptions that end a thread (the default hook prints them to stderr unformatted,
    without a journal priority)."""
    threading.excepthook = _log_thread_exception
