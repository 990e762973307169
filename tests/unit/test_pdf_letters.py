"""The PDF letters: readable, complete, paginated, every name spelt right, fit for archiving
(GDPR Art. 12(1), 5(2))."""

from __future__ import annotations

import io
import json
import re

import pypdf
from defusedxml import ElementTree
from hypothesis import example, given, settings
from hypothesis import strategies as st

from charte.adapters.rendering.pdf import drawable, payload, render_pdf
from charte.domain.vocabulary import Language
from charte.services.documents.model import Bullets, Document, Heading, Paragraph, Table

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
NAMES = "Łukasz Żółć, Antonín Dvořák, Nguyễn Thị Minh Khai, Çağrı Öztürk, Ödön Őry, Ștefan Țurcanu, Ærø"


def _read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data), strict=True)


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _letters(text: str) -> str:
    """The text without its spaces and line breaks (where a line breaks is the typesetter's)."""
    return "".join(c for c in text if not c.isspace())


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
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.dc_title == {"x-default": doc.title}
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_every_person_s_name_keeps_every_letter_of_its_spelling() -> None:
    """Art. 12(1), 16: a letter misspelling the person's name is a wrong letter — Polish, Czech,
    Vietnamese, Turkish, Hungarian, Romanian and Danish names come back exactly as written."""
    doc = Document(f"Madame, Monsieur {NAMES}", Language.FR, (Paragraph(NAMES), Table(("Nom",), ((NAMES,),))))
    text = " ".join(_text(_read(render_pdf(doc))).split())
    for name in NAMES.split(", "):
        assert text.count(name) == 3, name


def _xmp(reader: pypdf.PdfReader, tag: str, ns: str) -> list[str | None]:
    xmp = ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    return [e.text for e in xmp.iterfind(f".//x:{tag}", {"x": ns})] + [
        e.attrib.get(f"{{{ns}}}{tag}") for e in xmp.iter() if f"{{{ns}}}{tag}" in e.attrib
    ]


def test_a_letter_is_pdf_a_2b_and_pdf_ua_1_with_its_fonts_embedded_and_tagged() -> None:
    """Art. 5(2), 12(1): a letter kept as proof stays readable (ISO 19005-2 level B: the part and
    level in the XMP metadata, every font embedded, an sRGB output intent, no encryption) and a
    screen reader can read it (ISO 14289-1: tagged, marked, its title shown, its language)."""
    doc = Document("Lettre", Language.FR, (Heading(2, "Objet"), Paragraph("Texte"), Bullets(("un",))))
    reader = _read(render_pdf(doc))
    assert _xmp(reader, "part", PDFAID) == ["2"]
    assert _xmp(reader, "conformance", PDFAID) == ["B"]
    assert _xmp(reader, "part", PDFUAID) == ["1"]
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object()["/N"] == 3
    assert not reader.is_encrypted
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    # A subset's name is six capitals and « + » before the face's (ISO 32000-1 §9.6.4).
    assert sorted(re.sub("^/[A-Z]{6}[+]", "", f["/BaseFont"]) for f in fonts) == [
        "FiraSans-Bold",
        "FiraSans-Regular",
    ]
    for font in fonts:
        (descendant,) = font["/DescendantFonts"]
        assert "/FontFile2" in descendant.get_object()["/FontDescriptor"]  # embedded


def test_headings_nest_from_the_title_without_a_skipped_level() -> None:
    """PDF/UA-1 (ISO 14289-1 §7.4.2): a screen reader's outline has no gap — a letter going from its
    title straight to a third-level heading is still written, its heading one level below."""
    doc = Document(
        "Lettre",
        Language.FR,
        (Heading(3, "Détail"), Paragraph("x"), Heading(2, "Droits"), Heading(3, "Accès")),
    )
    assert [b.get("level") for b in json.loads(payload(doc))["blocks"]] == [2, None, 2, 3]
    assert "Détail" in _text(_read(render_pdf(doc)))


def test_a_person_s_words_are_printed_as_written_and_never_read_as_markup() -> None:
    """Art. 12(1), 5(1)(f): a value a person wrote (a name, a street) cannot change the letter: the
    signs of the typesetting language are printed like any other."""
    sly = '#set page(width: 1cm) *gras* $x$ <label> @ref = titre // fin " \\ ] } )'
    doc = Document(sly, Language.FR, (Paragraph(sly), Bullets((sly,)), Table(("Nom",), ((sly,),))))
    reader = _read(render_pdf(doc))
    text = " ".join(_text(reader).split())
    assert text.count(" ".join(sly.split())) == 4
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > 500  # still A4


def test_a_character_no_face_can_draw_is_marked_and_the_letter_is_still_written() -> None:
    """PDF/A forbids glyphs a font lacks; a name in Chinese characters is marked « ▯ » in the PDF
    (the answer's JSON keeps it) rather than the letter failing or printing empty boxes."""
    doc = Document("Lettre", Language.EN, (Paragraph("Client: 王小明 Wang, Żółć"),))
    text = _text(_read(render_pdf(doc)))
    assert "Client: ▯▯▯ Wang, Żółć" in text


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
    whole = _text(reader)
    assert all(f"ligne {n}" in whole for n in range(120))


def test_no_line_starts_with_a_french_sign_that_belongs_to_the_word_before() -> None:
    """French typography: « ; : ! ? » » stay with the word before them, « « » with the word after,
    however narrow the line."""
    text = "mot " * 40 + "; deux : « trois » ! quatre ? " * 30
    lines = [
        line.strip()
        for line in _text(_read(render_pdf(Document("L", Language.FR, (Paragraph(text),))))).split("\n")
    ]
    assert len(lines) > 10
    assert not [line for line in lines if line.startswith((";", ":", "!", "?", "»")) or line.endswith("«")]


@settings(max_examples=60, deadline=None)
@example("voir https://www.cnil.fr/" + "z" * 300 + " fin")
@example("« " * 80)
@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=400))
def test_any_text_is_written_and_every_character_the_font_draws_reads_back(text: str) -> None:
    """Art. 12(1): whatever a person's data hold, the letter is written, and breaking lines never
    drops a character of it."""
    can = drawable()
    expected = "".join(c if c in can else "▯" for c in text)
    read = _text(_read(render_pdf(Document("Lettre", Language.FR, (Paragraph(text),)))))
    assert _letters(read) == _letters("Lettre" + expected + "1 / 1")
