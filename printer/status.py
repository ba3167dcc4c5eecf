"""What the printer says about itself: the real-time status and how its reply bytes are read.

Pure: no I/O. :class:`~printer.device.TicketPrinter` sends the three real-time queries
``DLE EOT 1`` (printer), ``DLE EOT 2`` (offline cause) and ``DLE EOT 4`` (paper sensors) and
hands the replies to :func:`status_from_replies`.

Every reply is exactly one byte shaped ``0xx1xx10`` (Epson ESC/POS reference, DLE EOT). An
empty reply, a longer one or a byte of the wrong shape is :attr:`PrinterStatus.UNKNOWN`,
never "paper OK": python-escpos 3.1 reports "paper adequate" on an empty read, and a kiosk
that believes it prints tickets into the void for hours. The status names themselves are the
kiosk's vocabulary (:class:`kiosk.core.vocabulary.PrinterStatus`, imported from here too).
"""

from __future__ import annotations

from kiosk.core.vocabulary import PrinterStatus

# The three queries, in the order they are sent.
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_PAPER = b"\x10\x04\x04"
STATUS_QUERIES = (DLE_EOT_PRINTER, DLE_EOT_OFFLINE_CAUSE, DLE_EOT_PAPER)

_FIXED_BITS_MASK = 0b1001_0011  # bits 7, 4, 1, 0 ...
_FIXED_BITS_VALUE = 0b0001_0010  # ... must read 0, 1, 1, 0

# DLE EOT 1: printer status.
_PRINTER_OFFLINE = 0x08
# DLE EOT 2: offline cause.
_CAUSE_COVER_OPEN = 0x04
_CAUSE_PAPER_OUT = 0x20
# DLE EOT 4: paper roll sensors.
_PAPER_NEAR_END = 0x0C
_PAPER_OUT = 0x60


def is_valid_reply(reply: bytes) -> bool:
    """True when ``reply`` is one real-time status byte shaped ``0xx1xx10``."""
    return len(reply) == 1 and reply[0] & _FIXED_BITS_MASK == _FIXED_BITS_VALUE


def status_from_replies(printer: bytes, offline_cause: bytes, paper: bytes) -> PrinterStatus:
    """Decode the replies to ``DLE EOT 1``, ``DLE EOT 2`` and ``DLE EOT 4``.

    The most serious condition wins: paper out, then cover open, then offline (for any
    other cause), then paper near its end. Any invalid reply makes the whole answer
    ``unknown``.
    """
    if not (is_valid_reply(printer) and is_valid_reply(offline_cause) and is_valid_reply(paper)):
        return PrinterStatus.UNKNOWN
    printer_bits, cause_bits, paper_bits = printer[0], offline_cause[0], paper[0]
    if paper_bits & _PAPER_OUT or cause_bits & _CAUSE_PAPER_OUT:
        return PrinterStatus.PAPER_OUT
    if cause_bits & _CAUSE_COVER_OPEN:
        return PrinterStatus.COVER_OPEN
    if printer_bits & _PRINTER_OFFLINE:
        return PrinterStatus.OFFLINE
    if paper_bits & _PAPER_NEAR_END:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.OK


def replies_for(status: PrinterStatus | str) -> dict[bytes, bytes]:
    """The replies a printer in ``status`` gives to each query (for fake printers).

    The inverse of :func:`status_from_replies` for every status but ``unknown``, which maps
    to no reply at all. Table: ``docs/printing.md``.
    """
    status = PrinterStatus(status)
    table = {
        PrinterStatus.OK: (0x12, 0x12, 0x12),
        PrinterStatus.PAPER_NEAR_END: (0x12, 0x12, 0x1E),
        PrinterStatus.PAPER_OUT: (0x1A, 0x32, 0x7E),
        PrinterStatus.COVER_OPEN: (0x1A, 0x16, 0x12),
        PrinterStatus.OFFLINE: (0x1A, 0x12, 0x12),
    }
    if status not in table:
        return {}
    return {
        query: bytes([reply]) for query, reply in zip(STATUS_QUERIES, table[status], strict=True)
    }
