"""Contacts in one canonical form, so that an objection to prospecting matches later feeds (GDPR Art. 21(3))."""

from __future__ import annotations

import pytest

from charte.domain.contacts import canonical_phone, contact_key, unsafe_character


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


@pytest.mark.parametrize(
    ("value", "found"),
    [("a@b.fr\r\nBcc: x@evil.fr", "U+000D"), ("Ana\nRoux", "U+000A"), ("ana\x00@b.fr", "U+0000"),
     ("Ana \u202eXUOR", "U+202E"), ("a@b.fr\u2028", "U+2028"), ("x\x85y", "U+0085")],
)  # fmt: skip
def test_a_name_or_contact_with_a_control_character_is_named_by_its_code_point(value, found):
    """RFC 5322 §2.2: CR and LF end a header line; a contact holding them would forge headers."""
    assert unsafe_character(value) == found


def test_names_from_every_script_pass_and_line_breaks_pass_only_where_lines_are_allowed():
    """Names with "ł", joiners or accents are plain text; an address may span lines (LF, CR LF)."""
    for name in ("Łukasz Wałęsa", "Nguyễn Thị Minh Khai", "Şükrü Öztürk", "می\u200cخواهم", "O'Brien-Smith"):
        assert unsafe_character(name) is None
    assert unsafe_character("3 rue X\r\n75001 Paris", lines=True) is None
    assert unsafe_character("3 rue X\r\n75001 Paris") == "U+000D"
    assert unsafe_character("3 rue X\t75001", lines=True) == "U+0009"
