"""Render a document model to a PDF letter: typeset by Typst, PDF/A-2b and PDF/UA-1, in Fira Sans.

A letter to a data subject must carry their name as it is spelt — Łukasz, Dvořák, Nguyễn, Çağrı
(GDPR Art. 12(1), 16) — stay readable for as long as it is kept as proof (Art. 5(2)) and be
readable by a screen reader. So it is typeset by Typst (the ``typst`` package: the Typst compiler
itself, no other program), in Fira Sans (SIL Open Font License, from the ``fontpkg-fira-sans``
package: Latin with all its extensions and Vietnamese, Greek, Cyrillic), embedded and subset to
the glyphs used, and written as **PDF/A-2b** (ISO 19005-2: fonts embedded, an output intent, XMP
metadata) and **PDF/UA-1** (ISO 14289-1: tagged — title, headings, lists, table headers — with its
language and title declared). Typst breaks lines, repeats a table's header on each page it runs
over and numbers the pages.

The document reaches the template (``templates/letter.typ``) as JSON in ``sys.inputs``: every
text is a string, never markup, so nothing a person wrote can change the letter. One compiler is
kept per process (its fonts are read once; Typst's own cache keeps what did not change between
letters), used by one thread at a time.

PDF/A refuses a glyph the font lacks (it would be drawn as an empty box nobody can read back); a
character Fira Sans cannot draw — a name in Chinese characters, say — is printed as « ▯ » in the
PDF, and the answer's JSON files keep every value as it is.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path

import typst
from fontTools.ttLib import TTFont

from charte.adapters.rendering.charts import svg
from charte.services.documents.model import Block, Bullets, Chart, Document, Heading, Paragraph, Table

_FONTS = files("fontpkg_fira_sans").joinpath("files")
_FACES = ("FiraSans-Regular.ttf", "FiraSans-Bold.ttf")
_TEMPLATE = files("charte.adapters.rendering").joinpath("templates", "letter.typ")
_STANDARDS: list[typst.PDFStandard] = ["a-2b", "ua-1"]
_MISSING = "▯"  # U+25AF, in Fira Sans: where a character no face of the letter can draw stood
_LOCK = threading.Lock()


@cache
def _compiler() -> typst.Compiler:
    # Only Fira Sans (the package's folder: Typst reads a face's file only when it is used); no font
    # of the machine, so that a letter looks the same wherever charte runs.
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[_folder()])
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True)


def _folder() -> str:
    # The package installs its fonts as files beside its module (a wheel, never a zip).
    return str(Path(str(_FONTS)))


@cache
def _template() -> bytes:
    return _TEMPLATE.read_bytes()


@cache
def drawable() -> frozenset[str]:
    """The characters both faces of the letters can draw (read once per process), and the line
    feed, which Typst prints as a line break."""
    maps = [TTFont(Path(_folder()) / name, lazy=True).getBestCmap() for name in _FACES]
    return frozenset(chr(c) for c in frozenset(maps[0]).intersection(*maps[1:])) | {"\n"}


def _drawn(text: str) -> str:
    """The text as the letter prints it: line breaks kept, tabs as spaces, a character no face can
    draw as « ▯ ». (Typst breaks lines by Unicode's rules, which keep « ; : ! ? » » with the word
    before and « « » with the word after, as French print does.)"""
    can = drawable()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if can.issuperset(text):  # nearly always: one pass in C
        return text
    return "".join(c if c in can else _MISSING for c in text)


def _blocks(blocks: tuple[Block, ...]) -> list[dict[str, object]]:
    """The blocks as the template reads them. The letter's title is its one first-level heading,
    and a heading is at most one level below the one before it: PDF/UA-1 (ISO 14289-1 §7.4.2)
    refuses a skipped level, which a screen reader's outline would show as a gap."""
    out: list[dict[str, object]] = []
    level = 1
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), level + 1)
            out.append({"kind": "heading", "level": level, "text": _drawn(block.text)})
        else:
            out.append(_block(block))
    return out


def _block(block: Paragraph | Bullets | Table | Chart) -> dict[str, object]:
    if isinstance(block, Chart):  # a vector image in the letter's font, described for PDF/UA
        return {"kind": "chart", "svg": svg(block, font="Fira Sans"), "title": _drawn(block.title),
                "alt": _drawn(block.describe())}  # fmt: skip
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": _drawn(block.text)}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": [_drawn(i) for i in block.items]}
    width = len(block.headers)
    # Every row as wide as the header: a short row padded, so that no cell slides into the next row.
    rows = [[_drawn(c) for c in (*row, *[""] * (width - len(row)))][:width] for row in block.rows]
    return {"kind": "table", "headers": [_drawn(h) for h in block.headers], "rows": rows}


def payload(doc: Document) -> str:
    """The document as the template reads it (JSON)."""
    return json.dumps(
        {"title": _drawn(doc.title), "lang": doc.lang.value, "blocks": _blocks(doc.blocks)},
        ensure_ascii=False,
    )


def render_pdf(doc: Document) -> bytes:
    data = payload(doc)
    with _LOCK:  # one compiler per process; Typst's compiler is not shared between threads
        pdf = _compiler().compile(
            input=_template(), format="pdf", sys_inputs={"doc": data}, pdf_standards=_STANDARDS
        )
    if not isinstance(pdf, bytes):  # a PDF is one file (a list is for one image per page)
        raise TypeError("Typst returned pages, not a PDF")
    return pdf
