"""Every letter a requester receives, in French, names their data in French (GDPR Art. 12(1):
clear and plain language): a field is named by its policy label, never by its English id."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from charte.adapters.rendering import render_document
from charte.config import shipped_policy_path
from charte.domain.vocabulary import Language
from charte.services.documents import step_letter
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


def _text(step: str, detail: dict) -> str:
    subject, text = notice(step, Language.FR, **VALUES)
    doc = step_letter.build(policy=SHIPPED, lang=Language.FR, request_id=7, received_on=date(2026, 11, 2),
                            today=date(2026, 12, 4), subject=subject, text=text, detail=detail)  # fmt: skip
    return render_document(doc, "md")


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
