"""The PDF letters charte writes itself: readable, complete, paginated (GDPR Art. 12(1))."""

from __future__ import annotations

import io

import pypdf
from hypothesis import example, given
from hypothesis import strategies as st

from charte.adapters.rendering.pdf import _REGULAR, _TEXT_WIDTH, _width, _wrap, render_pdf
from charte.domain.vocabulary import Language
from charte.services.documents.model import Bullets, Document, Heading, Paragraph, Table


def _read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data), strict=True)


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_letter_reads_back_whole_with_its_french_signs() -> None:
    """Art. 12(1): the answer is intelligible — every word of the letter, accents and « œ € ’ » included."""
    doc = Document(
        "Réponse à votre demande d'accès n° 7",
        Language.FR,
        (
            Heading(2, "Vos droits"),
            Paragraph(
                "Nous conservons « vos données » jusqu’au 31 décembre ; cœur : 12 € (voir l'article 15)."
            ),
            Bullets(("Accès", "Rectification")),
            Table(("Date", "Finalité"), (("2026-11-02", "Télésurveillance"),)),
        ),
    )
    reader = _read(render_pdf(doc))
    text = " ".join(_text(reader).split())
    for expected in (
        "Réponse à votre demande d'accès n° 7",
        "Vos droits",
        "Nous conservons « vos données » jusqu’au 31 décembre ; cœur : 12 € (voir l'article 15).",
        "Accès",
        "Rectification",
        "2026-11-02",
        "Télésurveillance",
    ):
        assert expected in text
    assert reader.metadata is not None
    assert reader.metadata.title == doc.title
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_a_long_letter_flows_onto_numbered_pages_and_repeats_the_table_header() -> None:
    """Art. 12(1): a long answer stays legible — nothing written past the page, the header on each page."""
    rows = tuple((f"2026-01-{n % 28 + 1:02d}", f"ligne {n}") for n in range(120))
    doc = Document("Consultations", Language.FR, (Table(("Jour", "Objet"), rows),))
    reader = _read(render_pdf(doc))
    count = len(reader.pages)
    assert count >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"{number} / {count}" in text
        assert "Jour" in text
        assert "Objet" in text
    assert all(f"ligne {n}" in _text(reader) for n in range(120))


def test_letters_outside_windows_1252_lose_only_their_accent() -> None:
    """Art. 12(1): a name from elsewhere in Europe stays recognisable in a letter."""
    doc = Document("Dvořák Łukasz Ödön", Language.EN, (Paragraph("Şule ≥ 3"),))
    text = _text(_read(render_pdf(doc)))
    assert "Dvorák Lukasz Ödön" in text
    assert "Sule ? 3" in text


@example("voir https://www.cnil.fr/" + "z" * 300 + " fin")
@given(st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\x00"), max_size=600))
def test_every_wrapped_line_fits_the_page_and_no_character_is_lost(text: str) -> None:
    """Art. 12(1): line breaking never pushes text past the margin nor drops a character of the answer."""
    data = text.encode("cp1252")
    lines = _wrap(data, _REGULAR, 10.5, _TEXT_WIDTH)
    assert all(_width(line, _REGULAR, 10.5) <= _TEXT_WIDTH + 1e-6 for line in lines)
    assert b"".join(lines).replace(b" ", b"") == data.replace(b" ", b"").replace(b"\n", b"")
