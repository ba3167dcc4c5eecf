"""The kiosk's printer: print a job only when the printer can take it, and confirm it did.

:class:`TicketPrinter` asks for the real-time status (``DLE EOT 1, 2, 4``) before each job
and after it. A blocking status before the job means nothing is written. A job counts as
printed only when every byte went out and the status read back afterwards is ``ok`` or
``paper_near_end``.

Status meanings decided here (docs/printing.md):

* the printer cannot be reached (no device, connection refused, link broken): ``offline``;
* it is reached but does not answer, or answers garbage: ``unknown``. On a two-way link
  that is a printer switched off at the end of a serial cable, or a clone without status:
  :meth:`TicketPrinter.print_job` refuses to print (nothing written) rather than print into
  the void or print a ticket it could not confirm;
* on a write-only link (``file://``) the status is always ``unknown``, and a job whose
  bytes were all accepted by the device counts as printed.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from kiosk.core.errors import PrinterBusyError, PrinterError
from kiosk.core.settings import PrinterSection
from printer.connections import Connection, connection_for_url
from printer.status import STATUS_QUERIES, PrinterStatus, status_from_replies

logger = logging.getLogger(__name__)

_PRINTED = (PrinterStatus.OK, PrinterStatus.PAPER_NEAR_END)


class TicketPrinter:
    """One ticket printer behind a URL (see :mod:`printer.connections`).

    Thread-safe: a status poller and the print worker may share it. Reconnects by itself
    after errors; ``open()`` does not fail when the printer is off (``status()`` then says
    ``offline``)::

        with TicketPrinter("tcp://192.168.1.50:9100") as printer:
            printer.print_job(layout.render(content), job_name="A042")
    """

    def __init__(self, url: str, *, timeout_s: float = 5.0):
        self.url = url
        self.timeout_s = timeout_s
        self._connection: Connection = connection_for_url(url, timeout_s=timeout_s)  # no I/O
        self._last_status = PrinterStatus.UNKNOWN
        self._is_held_elsewhere = False
        self._is_open = False
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, section: PrinterSection) -> TicketPrinter:
        return cls(section.url, timeout_s=section.timeout_s)

    @property
    def last_status(self) -> PrinterStatus:
        """The status from the latest query or job, without asking the printer."""
        return self._last_status

    @property
    def is_bidirectional(self) -> bool:
        return self._connection.is_bidirectional

    @property
    def is_held_elsewhere(self) -> bool:
        """True when the latest attempt found the device held by another process (the
        running kiosk, CUPS, usblp): :attr:`last_status` then says ``offline`` because this
        process cannot print, but the printer's own state is unknown from here."""
        return self._is_held_elsewhere

    def open(self) -> None:
        """Start using the printer; connects now if it can (an unreachable printer is not an error)."""
        with self._lock:
            self._is_open = True
            try:
                self._connection.open()
                self._is_held_elsewhere = False
            except PrinterError as err:
                logger.warning("printer %s not reachable yet: %s", self.url, err)
                self._is_held_elsewhere = isinstance(err, PrinterBusyError)
                self._last_status = PrinterStatus.OFFLINE

    def close(self) -> None:
        with self._lock:
            self._is_open = False
            self._connection.close()

    def __enter__(self) -> TicketPrinter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def status(self) -> PrinterStatus:
        """Ask the printer now. Never raises; call it between jobs, never during one."""
        with self._lock:
            try:
                self._require_open()
                status = self._query_with_retry()
                self._is_held_elsewhere = False
            except PrinterError as err:
                logger.info("printer %s: %s", self.url, err)
                self._is_held_elsewhere = isinstance(err, PrinterBusyError)
                status = PrinterStatus.OFFLINE
            self._last_status = status
            return status

    def print_job(self, data: bytes, *, job_name: str) -> PrinterStatus:
        """Print ``data``; returns ``ok`` or ``paper_near_end`` (``unknown`` on write-only links).

        Raises :class:`PrinterError` whose ``status`` says why: before anything was written
        when the printer is blocked, unreachable or silent; after the write when a byte was
        refused or the status read back is not fine (the ticket may be partly printed).
        Retrying is safe but prints the ticket again.
        """
        with self._lock:
            self._require_open()
            connection = self._connection
            try:
                connection.begin_job(job_name)
                before = self._query_with_retry()
            except PrinterError as err:
                self._last_status = PrinterStatus.OFFLINE
                connection.close()
                raise PrinterError(
                    f"printer {self.url} unreachable, {job_name} not printed: {err}",
                    status=PrinterStatus.OFFLINE,
                ) from err
            self._last_status = before
            if before.is_blocking:
                raise PrinterError(
                    f"printer {self.url} is {before}: {job_name} not printed", status=before.value
                )
            if before is PrinterStatus.UNKNOWN and connection.is_bidirectional:
                raise PrinterError(
                    f"printer {self.url} does not answer status queries (switched off?): "
                    f"{job_name} not printed",
                    status=before.value,
                )
            try:
                connection.write(data)
            except PrinterError as err:
                self._last_status = PrinterStatus.OFFLINE
                connection.close()
                raise PrinterError(
                    f"printer {self.url}: {job_name} interrupted: {err}",
                    status=PrinterStatus.OFFLINE,
                ) from err
            if not connection.is_bidirectional:
                logger.debug(
                    "printer %s: %s written (%d bytes), status unknowable",
                    self.url,
                    job_name,
                    len(data),
                )
                return PrinterStatus.UNKNOWN
            try:
                after = self._query(extra_wait_s=connection.transfer_time_s(len(data)))
            except PrinterError as err:
                self._last_status = PrinterStatus.OFFLINE
                connection.close()
                raise PrinterError(
                    f"printer {self.url}: {job_name} sent but not confirmed: {err}",
                    status=PrinterStatus.OFFLINE,
                ) from err
            self._last_status = after
            if after not in _PRINTED:
                raise PrinterError(
                    f"printer {self.url}: {job_name} sent but the printer then reported {after}",
                    status=after.value,
                )
            logger.debug(
                "printer %s: %s printed (%d bytes), %s", self.url, job_name, len(data), after
            )
            return after

    # -- internals (called with the lock held) --------------------------------------------

    def _require_open(self) -> None:
        if not self._is_open:
            raise PrinterError(
                f"printer {self.url} is not open: call open() first", status=PrinterStatus.OFFLINE
            )

    def _query_with_retry(self) -> PrinterStatus:
        """Query; after a broken link (a dropped TCP session, an unplugged cable) reconnect once."""
        try:
            self._connection.open()
            return self._query()
        except PrinterError as err:
            logger.debug("printer %s: %s; reconnecting", self.url, err)
            self._connection.close()
            self._connection.open()
            return self._query()

    def _query(self, *, extra_wait_s: float = 0.0) -> PrinterStatus:
        connection = self._connection
        if not connection.is_bidirectional:
            return PrinterStatus.UNKNOWN
        self._drain()
        replies: list[bytes] = []
        for query in STATUS_QUERIES:
            connection.write(query)
            reply = connection.read(1, self.timeout_s + extra_wait_s)
            if not reply:
                logger.info("printer %s: no reply to status query %s", self.url, query.hex(" "))
                return PrinterStatus.UNKNOWN  # silent: do not wait again for the next queries
            replies.append(reply)
            extra_wait_s = 0.0
        return status_from_replies(*replies)

    def _drain(self) -> None:
        """Forget bytes left over from an earlier exchange, so replies match their queries."""
        for _ in range(16):
            if not self._connection.read(64, 0):
                return

    def __repr__(self) -> str:
        state = "open" if self._is_open else "closed"
        return f"<TicketPrinter {self.url} status={self._last_status.value} {state}>"
