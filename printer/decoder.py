"""Read ESC/POS bytes back into a document: styled lines, QR codes, images, cuts.

Hand-written because no maintained Python ESC/POS parser exists: escpos-tools is PHP, stale
and decodes text as CP437 only; escpos-netprinter is AGPL; emupos needs Python 3.13 (see
docs/printing.md). This decoder covers the subset the kiosk emits (``ESC @``, ``ESC t``,
``ESC a``, ``ESC E``, ``ESC !``, ``GS !``, ``ESC d``, ``LF``, ``GS ( k`` QR, ``GS v 0``
raster, ``GS V`` cut, ``DLE EOT``) and lists anything else as unknown. The tests use it to
check tickets; the virtual printer uses it to draw them (:mod:`printer.preview`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

ESC, GS, DLE, LF, CR = 0x1B, 0x1D, 0x10, 0x0A, 0x0D

# ESC t slots of Epson printers (and most profiles) to Python codecs.
EPSON_CODEPAGES: Mapping[int, str] = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    13: "cp857",
    15: "iso8859_7",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
    40: "iso8859_15",
}
ALIGNMENTS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclasses.dataclass(frozen=True)
class Style:
    """Character style in effect when a line started."""

    is_bold: bool = False
    width: int = 1
    height: int = 1
    align: str = "left"


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    style: Style


@dataclasses.dataclass(frozen=True)
class Feed:
    """Blank lines fed by ``ESC d n``."""

    lines: int


@dataclasses.dataclass(frozen=True)
class QrCode:
    payload: str
    module_size: int
    align: str


@dataclasses.dataclass(frozen=True)
class RasterImage:
    width_dots: int
    height_dots: int
    bits: bytes  # rows of ceil(width/8) bytes, most significant bit first, 1 = black
    align: str


@dataclasses.dataclass(frozen=True)
class Cut:
    is_partial: bool


Item = Line | Feed | QrCode | RasterImage | Cut


@dataclasses.dataclass
class Document:
    """What a printer would do with the bytes, in order."""

    items: list[Item] = dataclasses.field(default_factory=list)
    unknown: list[str] = dataclasses.field(default_factory=list)
    status_queries: list[int] = dataclasses.field(default_factory=list)
    codepages_used: list[int] = dataclasses.field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def qr_codes(self) -> list[QrCode]:
        return [item for item in self.items if isinstance(item, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        return [item for item in self.items if isinstance(item, RasterImage)]

    @property
    def cuts(self) -> list[Cut]:
        return [item for item in self.items if isinstance(item, Cut)]

    def line_with(self, fragment: str) -> Line | None:
        """The first line containing ``fragment``, or None."""
        return next((line for line in self.lines if fragment in line.text), None)


class IncompleteCommand(ValueError):
    """The data ends inside a command."""


def command_length(data: bytes | bytearray, at: int) -> int:
    """Length of the command (or single text byte) starting at ``data[at]``.

    Raises :class:`IncompleteCommand` when ``data`` stops inside it (fake printers then wait
    for more bytes).
    """

    def need(n: int) -> None:
        if at + n > len(data):
            raise IncompleteCommand(f"need {n} bytes at {at}")

    first = data[at]
    length = 1
    if first == DLE:
        need(2)
        length = 3 if data[at + 1] == 0x04 else 1
    elif first == ESC:
        need(2)
        length = 2 if data[at + 1] == ord("@") else 3
    elif first == GS:
        need(2)
        op = data[at + 1]
        if op == ord("("):  # GS ( X pL pH data...
            need(5)
            length = 5 + data[at + 3] + 256 * data[at + 4]
        elif op == ord("v"):  # GS v 0 m xL xH yL yH data
            need(8)
            length = 8 + (data[at + 4] + 256 * data[at + 5]) * (data[at + 6] + 256 * data[at + 7])
        elif op == ord("V"):
            need(3)
            length = 4 if data[at + 2] in (65, 66, 97, 98, 103, 104) else 3
        else:
            length = 3
    need(length)
    return length


class _Decoder:
    def __init__(self, codepages: Mapping[int, str]):
        self.codepages = codepages
        self.doc = Document()
        self._reset()
        self._line = bytearray()
        self._line_style = Style()

    def _reset(self) -> None:
        self.codec = self.codepages.get(0, "cp437")
        self.is_bold = False
        self.width = self.height = 1
        self.align = "left"

    def _style(self) -> Style:
        return Style(self.is_bold, self.width, self.height, self.align)

    def _end_line(self) -> None:
        text = bytes(self._line).decode(self.codec, errors="replace")
        self.doc.items.append(Line(text, self._line_style))
        self._line.clear()

    def _flush_partial(self) -> None:
        if self._line:
            self._end_line()

    def run(self, data: bytes) -> Document:
        at = 0
        while at < len(data):
            try:
                length = command_length(data, at)
            except IncompleteCommand:
                self.doc.unknown.append(
                    f"truncated command at byte {at}: {data[at : at + 8].hex(' ')}"
                )
                break
            self._apply(data[at : at + length])
            at += length
        self._flush_partial()
        return self.doc

    def _apply(self, cmd: bytes) -> None:
        first = cmd[0]
        if first not in (ESC, GS, DLE):
            if first == LF:
                if not self._line:
                    self._line_style = self._style()
                self._end_line()
            elif first != CR:
                if not self._line:
                    self._line_style = self._style()
                self._line.append(first)
            return
        if first == DLE:
            if len(cmd) == 3:
                self.doc.status_queries.append(cmd[2])
            else:
                self.doc.unknown.append("DLE " + cmd[1:].hex())
            return
        op, arg = chr(cmd[1]), cmd[2] if len(cmd) > 2 else 0
        if first == ESC:
            self._apply_esc(op, arg, cmd)
        else:
            self._apply_gs(op, arg, cmd)

    def _apply_esc(self, op: str, arg: int, cmd: bytes) -> None:
        if op == "@":
            self._flush_partial()
            self._reset()
        elif op == "t":
            if arg in self.codepages:
                self.codec = self.codepages[arg]
                self.doc.codepages_used.append(arg)
            else:
                self.doc.unknown.append(f"ESC t {arg} (code page slot not known)")
        elif op == "a":
            self.align = ALIGNMENTS.get(arg, "left")
        elif op == "E":
            self.is_bold = bool(arg & 1)
        elif op == "!":
            self.is_bold = bool(arg & 0x08)
            self.height = 2 if arg & 0x10 else 1
            self.width = 2 if arg & 0x20 else 1
        elif op == "d":
            self._flush_partial()
            self.doc.items.append(Feed(arg))
        else:
            self.doc.unknown.append("ESC " + cmd[1:].hex(" "))

    def _apply_gs(self, op: str, arg: int, cmd: bytes) -> None:
        if op == "!":
            self.width, self.height = (arg >> 4) + 1, (arg & 0x0F) + 1
        elif op == "V":
            self._flush_partial()
            self.doc.items.append(Cut(is_partial=arg in (1, 49, 66, 98, 104)))
        elif op == "v" and arg == 0x30:
            self._flush_partial()
            width_bytes, height = cmd[4] + 256 * cmd[5], cmd[6] + 256 * cmd[7]
            self.doc.items.append(RasterImage(width_bytes * 8, height, bytes(cmd[8:]), self.align))
        elif op == "(" and chr(cmd[2]) == "k" and len(cmd) >= 8 and cmd[5] == 49:
            self._apply_qr(cmd[6], cmd[7:])
        else:
            self.doc.unknown.append("GS " + cmd[1:9].hex(" ") + ("…" if len(cmd) > 9 else ""))

    _qr_data = b""
    _qr_module = 3

    def _apply_qr(self, function: int, params: bytes) -> None:
        if function == 67:  # module size
            self._qr_module = params[0]
        elif function == 80:  # store: m=48 then the data
            self._qr_data = params[1:]
        elif function == 81:  # print
            self._flush_partial()
            payload = self._qr_data.decode("utf-8", errors="replace")
            self.doc.items.append(QrCode(payload, self._qr_module, self.align))
        elif function not in (65, 69):  # model, error correction: nothing to show
            self.doc.unknown.append(f"GS ( k QR function {function}")


def decode(data: bytes, *, codepages: Mapping[int, str] = EPSON_CODEPAGES) -> Document:
    """Decode ``data`` as a printer would. ``codepages`` maps ``ESC t`` slots to codecs."""
    return _Decoder(codepages).run(data)
