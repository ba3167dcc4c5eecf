"""The one exception tree of the kiosk.

Every error the kiosk raises on purpose derives from :class:`KioskError`; leaves also derive
from the matching builtin so that generic handlers keep working. Messages say what failed,
the offending value, what was expected and how to fix it, on one line, because technicians
read them on a small screen or in the journal. Each docstring says whether retrying is safe.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error raised on purpose by the kiosk."""


class ConfigError(KioskError, ValueError):
    """The configuration is invalid. Retrying is useless: fix the file.

    ``str(err)`` is the full one-line message (file, section and key, bad value, what is
    expected); the CLI prints it after ``kiosk: config error: ``.
    """

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.path = path
        self.key = key
        super().__init__(message)


class UsageError(KioskError, ValueError):
    """A command-line or scripted-input (replay file) mistake. Retrying is useless."""


class StoreError(KioskError, OSError):
    """The durable store failed (disk full, read-only, missing or corrupted database).

    Nothing committed before the error is lost. Retrying is safe once the cause is fixed;
    the kiosk shows its out-of-order screen meanwhile.
    """


class StoreCorrupted(StoreError):
    """The database file is not a usable SQLite database; it has been moved aside."""


class PrinterError(KioskError, OSError):
    """The printer could not be reached or refused the job. Retrying is safe.

    ``status`` is the printer status string (see :mod:`printer.status`) when it is known.
    """

    def __init__(self, message: str, *, status: str = "unknown"):
        self.status = status
        super().__init__(message)


class PrinterUrlError(ConfigError):
    """``printer.url`` has an unknown scheme or a malformed address. Fix the configuration."""


class SyncError(KioskError, OSError):
    """Talking to the queue server failed. ``is_retryable`` says whether to try again later."""

    def __init__(self, message: str, *, status_code: int | None = None, is_retryable: bool = True):
        self.status_code = status_code
        self.is_retryable = is_retryable
        super().__init__(message)


class AuthError(SyncError):
    """The server refused the token (401/403). Retrying helps only once a technician fixes it."""

    def __init__(self, message: str, *, status_code: int | None = None):
        super().__init__(message, status_code=status_code, is_retryable=True)


class EnrolError(SyncError):
    """Enrolment failed: the one-time code is unknown or already used. Ask for a new code."""

    def __init__(self, message: str, *, status_code: int | None = None):
        super().__init__(message, status_code=status_code, is_retryable=False)
