"""Contacts in one canonical form, so that an objection to prospecting matches later feeds (GDPR Art. 21(3))."""

from __future__ import annotations

import pytest

from charte.domain.contacts import canonical_phone, contact_key


@pytest.mark.parametrize(
    "written",
    [
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "06.12.34.56.78",
        "612345678",
    ],
)
def test_a_french_mobile_number_is_the_same_however_it_is_written(written):
    """CNIL: keep what is needed to honour the objection — it must match the next time."""
    assert canonical_phone(written) == "0612345678"


def test_foreign_numbers_keep_their_country_and_emails_are_lower_cased():
    """A Belgian number stays Belgian; an e-mail's case does not make another person."""
    assert canonical_phone("+32 470 12 34 56") == "+32470123456"
    assert canonical_phone("0032 470 12 34 56") == "+32470123456"
    assert contact_key(" Ana.Roux@Example.ORG ") == "email:ana.roux@example.org"
    assert contact_key("pas de numéro") is None
