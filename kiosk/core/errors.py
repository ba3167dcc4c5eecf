"""The one exception tree of the kiosk.

Every error the kiosk raises on purpose derives from :class:`KioskError`; leaves also derive
from the matching builtin so that generic handlers keep working. Messages say what failed,
the offending value, what was expected and how to fix it, on one line, because technicians
read them on a small screen or in the journal. Each docstring says whether retrying is safe.

Two families:

* failures of the machine or the network (:class:`StoreError`) are ``OSError``\\ s;
* refusals, expected outcomes the kiosk reports and handles (a printer out of paper or
  switched off, a server that refuses the token, a category's daily cap), are **not**
  ``OSError``\\ s, so an ``except OSError`` around a system call never swallows one and
  loses its ``status``.

``exit_code`` is the exit status of the command line when the error ends it: 2 for a
configuration or usage mistake (systemd does not restart the unit), 1 for anything else.
Recognise an error by its type (``except AuthError``), never by a word of its message.
"""

from __future__ import annotations

from kiosk.core.vocabulary import PrinterStatus

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


class KioskError(Exception):
    """Base of every error raised on purpose by the kiosk."""

    exit_code: int = EXIT_FAILURE


class ConfigError(KioskError, ValueError):
    """The configuration is invalid. Retrying is useless: fix the file.

    ``str(err)`` is the full one-line message (file, section and key, bad value, what is
    expected); the CLI prints it after ``kiosk: config error: ``.
    """

    exit_code = EXIT_CONFIG

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.path = path
        self.key = key
        super().__init__(message)


class UsageError(KioskError, ValueError):
    """A command-line or scripted-input (replay file) mistake. Retrying is useless."""

    exit_code = EXIT_CONFIG


class Refusal(KioskError):
    """An expected "no": the kiosk declined on purpose and says why. Not an ``OSError``."""


class StoreError(KioskError, OSError):
    """The durable store failed (disk full, read-only, missing or corrupted database).

    Nothing committed before the error is lost. Retrying is safe once the cause is fixed;
    the kiosk shows its out-of-order screen meanwhile.
    """


class StoreCorrupted(StoreError):
    """The database file is not a usable SQLite database; it has been moved aside."""


class PrinterError(Refusal):
    """The printer could not be reached or refused the job. Retrying is safe.

    ``status`` is the printer status (:class:`~kiosk.core.vocabulary.PrinterStatus`) when
    it is known.
    """

    def __init__(self, message: str, *, status: str = PrinterStatus.UNKNOWN):
        self.status = status
        super().__init__(message)


class PrinterBusyError(PrinterError):
    """Another process holds the printer (the running kiosk, CUPS, usblp): its state is
    unknown from here. Retrying is safe once that process lets it go."""


class PrinterUrlError(ConfigError):
    """``printer.url`` has an unknown scheme or a malformed address. Fix the configuration.

    ``url`` is the refused URL and ``problem`` what is wrong with it, in a few words.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key: str | None = None,
        url: str = "",
        problem: str = "",
    ):
        self.url = url
        self.problem = problem or message
        super().__init__(message, path=path, key=key)


class TokenFileError(ConfigError):
    """The server token file is missing, unreadable, empty, not a regular file or readable
    by others. Fix the file (enrol the kiosk); the sync shows "authentication failed"."""


class SyncError(KioskError):
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
