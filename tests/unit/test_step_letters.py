"""Every letter a requester receives, in French, names their data in French (GDPR Art. 12(1):
clear and plain language): a field is named by its policy label, never by its English id."""

from __future__ import annotations

import io
import re
import string
from datetime import date

import pytest
from pypdf import PdfReader

from charte.adapters.rendering import render_document
from charte.adapters.rendering.pdf import render_pdf
from charte.config import shipped_policy_path
from charte.domain.vocabulary import Language
from charte.services.documents import step_letter
from charte.services.documents.model import Document
from charte.services.documents.notices import _NOTICES, notice
from tests.conftest import load

SHIPPED = load(shipped_policy_path()).policy
STEPS = sorted(
    k for k in _NOTICES if k.startswith(("fulfilled.", "refused", "extended", "closed", "fee_asked"))
)
# Every placeholder of every notice, filled with a French word (the letter's own text is not the
# subject here: the fields the step names are).
VALUES = {
    name: "x"
    for texts in _NOTICES.values()
    for pair in texts.values()
    for part in pair
    for _, name, _, _ in string.Formatter().parse(part)
    if name
}


def _letter(step: str, detail: dict, lang: Language = Language.FR) -> Document:
    subject, text = notice(step, lang, **VALUES)
    return step_letter.build(policy=SHIPPED, lang=lang, request_id=7, received_on=date(2026, 11, 2),
                             today=date(2026, 12, 4), subject=subject, text=text, detail=detail)  # fmt: skip


def _text(step: str, detail: dict) -> str:
    return render_document(_letter(step, detail), "md")


@pytest.mark.parametrize("lang", [Language.FR, Language.EN])
def test_every_letter_a_requester_may_receive_is_written_as_an_archivable_tagged_pdf(lang):
    """GDPR Art. 12(1), 5(2): each step's letter, in each language, is a PDF/A-2b and PDF/UA-1 file
    the typesetter accepts (a skipped heading level or an undrawable sign would refuse it)."""
    detail = {"fields": list(SHIPPED.fields), "erased": [{"unit": "prospect"}], "kept": [], "orders": 1}
    letters = [k for k, texts in _NOTICES.items() if texts[lang][0]]  # the others are reasons told inside one
    assert len(letters) >= 17
    for step in sorted(letters):
        reader = PdfReader(io.BytesIO(render_pdf(_letter(step, detail, lang))), strict=True)
        assert reader.trailer["/Root"]["/Lang"] == lang.value, step


@pytest.mark.parametrize("step", STEPS)
def test_no_letter_in_french_prints_a_field_s_english_id(step):
    """Every field the policy declares, rectified or erased: their French labels, not their ids."""
    fields = list(SHIPPED.fields)
    for detail in ({"fields": fields, "orders": 1}, {"fields": fields, "erased": [], "kept": []}):
        text = _text(step, detail)
        printed = [f for f in fields if re.search(rf"\b{re.escape(f)}\b", text)]
        assert printed == [], printed


def test_an_erasure_names_what_went_as_erased_and_a_rectification_as_rectified():
    """The objection letter used to call erased data « Données rectifiées »."""
    erased = _text(
        "fulfilled.opposition", {"fields": ["phone", "email"], "erased": [{"unit": "prospect"}], "kept": []}
    )
    assert "Données effacées : téléphone, adresse e-mail." in erased
    assert "rectifiées" not in erased
    changed = _text("fulfilled.rectification", {"fields": ["phone"], "orders": 2})
    assert "Données rectifiées : téléphone." in changed


def test_the_letterhead_names_the_dpo_once():
    """The DPO's postal address begins with their title in the shipped policy: said once."""
    text = _text("fulfilled.access", {})
    head = next(line for line in text.splitlines() if line.startswith(SHIPPED.controller.name))
    assert head.count(SHIPPED.dpo.title(Language.FR)) == 1, head
