"""Render a document model to PDF (fpdf2, pure Python: no system library needed).

French letters need glyphs beyond Latin-1 (’ « » œ €), which PDF's core fonts lack, so a TrueType
font is embedded: Roboto (Apache 2.0) from the ``font-roboto`` package of the ``letters`` extra.
The layout is deliberately plain — headings, paragraphs, bullet lists and tables — because a
letter to a data subject must above all be readable and complete.
"""

from __future__ import annotations

from pathlib import Path

from charte.services.documents.model import Bullets, Document, Heading, Paragraph, Table
from charte.services.errors import NotReady

_SIZES = {1: 16, 2: 13, 3: 11.5}


def _fonts() -> tuple[Path, Path]:
    try:
        import font_roboto  # type: ignore[import-untyped]
    except ImportError as exc:  # the `letters` extra
        raise NotReady("PDF letters need the letters extra: pip install 'charte[letters]'") from exc
    folder = Path(font_roboto.font_directory)
    return folder / "Roboto-Regular.ttf", folder / "Roboto-Bold.ttf"


def render_pdf(doc: Document) -> bytes:
    try:
        from fpdf import FPDF, FontFace
    except ImportError as exc:
        raise NotReady("PDF letters need the letters extra: pip install 'charte[letters]'") from exc
    regular, bold = _fonts()
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_lang(doc.lang.value)
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("body", "B", _SIZES[1])
    pdf.multi_cell(0, 8, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for block in doc.blocks:
        if isinstance(block, Heading):
            pdf.ln(2)
            pdf.set_font("body", "B", _SIZES.get(block.level, 11))
            pdf.multi_cell(0, 7, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            pdf.set_font("body", "", 10.5)
            pdf.multi_cell(0, 5.5, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif isinstance(block, Bullets):
            pdf.set_font("body", "", 10.5)
            for item in block.items:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(0, 5.5, f"•  {item}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif isinstance(block, Table):
            pdf.set_font("body", "", 9)
            with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=5) as table:
                row = table.row()
                for header in block.headers:
                    row.cell(header)
                for cells in block.rows:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            pdf.ln(2)
    return bytes(pdf.output())
