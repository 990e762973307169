"""Render a document model to PDF, written by charte itself: no dependency, no font file.

A letter to a data subject must above all be readable and complete, and it is written on every
answer, so it must be cheap. It is set in Helvetica, one of the standard fonts every PDF reader
provides (ISO 32000-1 §9.6.2.2), in the Windows-1252 encoding (``WinAnsiEncoding``), which carries
every French character (é, ç, œ, «, », ’, €). Nothing is embedded: a letter weighs a few kilobytes
and renders in about a millisecond, where fpdf2 with an embedded TrueType font took ~130 ms for the
same access letter, most of it measuring characters and subsetting the font (BENCHMARKS.md).

Layout: A4, 20 mm margins; the title, headings, paragraphs, bullet lists and tables whose cells
wrap, the table's header repeated after a page break, page numbers. The text stays extractable
(tests read it back with pypdf); the catalog names the document's language for screen readers.
A character outside Windows-1252 is written without its accent when it has one (ő → o) and as
``?`` otherwise; the letters' own texts stay inside Windows-1252, and a person's values appear in
the JSON files, not in the letters.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence

from charte.adapters.rendering import helvetica
from charte.services.documents.model import Bullets, Document, Heading, Paragraph, Table

_WIDTH, _HEIGHT = 595.28, 841.89  # A4 in points
_MARGIN = 56.69  # 20 mm
_TEXT_WIDTH = _WIDTH - 2 * _MARGIN
_BODY, _CELL, _FOOT = 10.5, 9.0, 8.0
_SIZES = {1: 16.0, 2: 13.0, 3: 11.5}
_LEADING = 1.35  # line height, as a multiple of the font size
_PAD = 3.0  # inside a table cell
_INDENT = 12.0  # bullet items

# A font: its resource name and the width of each of the 256 bytes (control bytes: 0).
_Font = tuple[bytes, tuple[int, ...]]
_REGULAR: _Font = (b"F1", (0,) * helvetica.FIRST + helvetica.REGULAR)
_BOLD: _Font = (b"F2", (0,) * helvetica.FIRST + helvetica.BOLD)


def render_pdf(doc: Document) -> bytes:
    page = _Pages()
    page.write(_encode(doc.title), _BOLD, _SIZES[1], after=6)
    for block in doc.blocks:
        if isinstance(block, Heading):
            page.space(4)
            page.write(_encode(block.text), _BOLD, _SIZES.get(block.level, _BODY), after=3)
        elif isinstance(block, Paragraph):
            page.write(_encode(block.text), _REGULAR, _BODY, after=5)
        elif isinstance(block, Bullets):
            for item in block.items:
                page.write(_encode(item), _REGULAR, _BODY, after=1.5, bullet=True)
            page.space(4)
        elif isinstance(block, Table):
            page.table([_encode(h) for h in block.headers], [[_encode(c) for c in row] for row in block.rows])
            page.space(6)
    return _assemble(doc, page.finish())


# Letters with a stroke rather than an accent: no decomposition leads to their bare form.
_BARE = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i"}


def _encode(text: str) -> bytes:
    """Windows-1252 bytes; accents dropped where that is the only way, '?' where nothing fits."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        out = bytearray()
        for char in text:
            try:
                out += char.encode("cp1252")
            except UnicodeEncodeError:
                bare = unicodedata.normalize("NFKD", _BARE.get(char, char))
                out += bare.encode("cp1252", errors="ignore") or b"?"
        return bytes(out)


def _width(data: bytes, font: _Font, size: float) -> float:
    return sum(map(font[1].__getitem__, data)) * size / 1000


def _wrap(data: bytes, font: _Font, size: float, room: float) -> list[bytes]:
    """Greedy line breaking at spaces (and at line feeds); a word longer than a line is cut."""
    lines: list[bytes] = []
    space = _width(b" ", font, size)
    for paragraph in data.replace(b"\r", b"").split(b"\n"):
        words: list[bytes] = []
        used = 0.0
        for word in paragraph.split(b" "):
            wide = _width(word, font, size)
            while wide > room:  # a URL or a reference wider than the line
                cut = _fitting(word, font, size, room)
                if words:
                    lines.append(b" ".join(words))
                    words, used = [], 0.0
                lines.append(word[:cut])
                word = word[cut:]
                wide = _width(word, font, size)
            if words and used + space + wide > room:
                lines.append(b" ".join(words))
                words, used = [], 0.0
            used += (space if words else 0.0) + wide
            words.append(word)
        lines.append(b" ".join(words))
    return lines


def _fitting(word: bytes, font: _Font, size: float, room: float) -> int:
    """How many of the word's first bytes fit in ``room`` (at least one)."""
    widths, used = font[1], 0.0
    for n, b in enumerate(word):
        used += widths[b] * size / 1000
        if used > room:
            return max(n, 1)
    return len(word)


def _quote(data: bytes) -> bytes:
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class _Pages:
    """The content streams, one per page, filled from the top down."""

    def __init__(self) -> None:
        self.streams: list[bytearray] = []
        self.y = 0.0
        self._new_page()

    def _new_page(self) -> None:
        self.streams.append(bytearray())
        self.y = _HEIGHT - _MARGIN

    def _fits(self, height: float) -> bool:
        return self.y - height >= _MARGIN

    def space(self, points: float) -> None:
        self.y -= points

    def _text(self, x: float, baseline: float, data: bytes, font: _Font, size: float) -> None:
        self.streams[-1] += b"BT /%s %.2f Tf %.2f %.2f Td %s Tj ET\n" % (
            font[0],
            size,
            x,
            baseline,
            _quote(data),
        )

    def write(self, data: bytes, font: _Font, size: float, *, after: float, bullet: bool = False) -> None:
        leading = size * _LEADING
        x = _MARGIN + (_INDENT if bullet else 0.0)
        for n, line in enumerate(_wrap(data, font, size, _TEXT_WIDTH - (x - _MARGIN))):
            if not self._fits(leading):
                self._new_page()
            self.y -= leading
            baseline = self.y + 0.3 * leading
            if bullet and n == 0:
                self._text(_MARGIN + 3, baseline, b"\x95", font, size)  # • in Windows-1252
            self._text(x, baseline, line, font, size)
        self.y -= after

    def table(self, headers: list[bytes], rows: list[list[bytes]]) -> None:
        """The rows under their header; a row that does not fit starts a page, header repeated."""
        widths = _columns([headers, *rows])
        header = _layout(headers, widths, _BOLD)
        self._row(header, widths, _BOLD)
        for cells in rows:
            row = _layout(cells, widths, _REGULAR)
            if not self._fits(row[1]):
                self._new_page()
                self._row(header, widths, _BOLD)
            self._row(row, widths, _REGULAR)

    def _row(self, row: tuple[list[list[bytes]], float], widths: list[float], font: _Font) -> None:
        """Draw one laid-out row of cells, bordered, from the current height down."""
        wrapped, height = row
        leading = _CELL * _LEADING
        if not self._fits(height) and self.y < _HEIGHT - _MARGIN:
            self._new_page()  # a header that does not fit below the text before the table
        top, x = self.y, _MARGIN
        self.streams[-1] += b"0.5 w\n"
        for lines, w in zip(wrapped, widths, strict=False):
            self.streams[-1] += b"%.2f %.2f %.2f %.2f re S\n" % (x, top - height, w, height)
            for n, line in enumerate(lines):
                baseline = top - _PAD - (n + 1) * leading + 0.3 * leading
                self._text(x + _PAD, baseline, line, font, _CELL)
            x += w
        self.y = top - height

    def finish(self) -> list[bytes]:
        """The streams, each with its page number at the foot."""
        total = len(self.streams)
        for n, stream in enumerate(self.streams, start=1):
            label = b"%d / %d" % (n, total)
            x = (_WIDTH - _width(label, _REGULAR, _FOOT)) / 2
            stream += b"BT /F1 %.2f Tf %.2f %.2f Td %s Tj ET\n" % (_FOOT, x, _MARGIN / 2, _quote(label))
        return [bytes(s) for s in self.streams]


def _layout(cells: list[bytes], widths: list[float], font: _Font) -> tuple[list[list[bytes]], float]:
    """A row's cells wrapped to their columns, and the row's height."""
    wrapped = [_wrap(c, font, _CELL, w - 2 * _PAD) for c, w in zip(cells, widths, strict=False)]
    return wrapped, max(len(lines) for lines in wrapped) * _CELL * _LEADING + 2 * _PAD


def _columns(rows: Sequence[Sequence[bytes]]) -> list[float]:
    """Column widths: a column whose longest cell fits its fair share gets that width; the others
    share what is left in proportion to their longest cell."""
    count = max(len(r) for r in rows)
    natural = [0.0] * count
    for row in rows:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], _width(cell, _BOLD, _CELL) + 2 * _PAD)
    if sum(natural) <= _TEXT_WIDTH:
        return [w * _TEXT_WIDTH / sum(natural) for w in natural]
    fair = _TEXT_WIDTH / count
    small = {i for i, w in enumerate(natural) if w <= fair}
    left = _TEXT_WIDTH - sum(natural[i] for i in small)
    big = sum(w for i, w in enumerate(natural) if i not in small)
    return [w if i in small else w * left / big for i, w in enumerate(natural)]


def _assemble(doc: Document, streams: list[bytes]) -> bytes:
    """The file: catalog, page tree, the two fonts, the document information, then each page and
    its compressed content stream, the cross-reference table and the trailer."""
    pages = len(streams)
    kids = b" ".join(b"%d 0 R" % (6 + 2 * i) for i in range(pages))
    title = b"<FEFF" + doc.title.encode("utf-16-be").hex().upper().encode() + b">"
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang %s >>" % _quote(doc.lang.value.encode()),
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (charte) >>" % title,
    ]
    for i, stream in enumerate(streams):
        packed = zlib.compress(stream, 6)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (_WIDTH, _HEIGHT, 7 + 2 * i)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)
        )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
