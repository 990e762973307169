"""Contacts in one canonical form, so that an objection to prospecting matches later feeds (GDPR Art. 21(3))."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


_NATIONAL = st.tuples(st.integers(1, 9), st.integers(0, 99_999_999))


@settings(max_examples=500, deadline=None)
@given(number=_NATIONAL, prefix=st.sampled_from(["0", "+33", "0033", "+33 ", "0033 "]),
       separator=st.sampled_from(["", " ", ".", "-"]))  # fmt: skip
def test_the_quick_reading_of_a_french_number_is_libphonenumber_s(number, prefix, separator):
    """One canonical form for the suppression list and the gate, whichever path reads the number."""
    from charte.adapters.phone_numbers import canonical_number, parsed_number

    first, rest = number
    digits = f"{first}{rest:08d}"
    written = prefix + separator.join([digits[0], *(digits[i : i + 2] for i in range(1, 9, 2))])
    assert canonical_number(written) == parsed_number(written) == "0" + digits


def test_the_overseas_national_prefixes_are_those_libphonenumber_knows():
    """D223-9: a consumer's own hours; a Réunion number written « 0692 ... » is judged on Réunion's clock."""
    import phonenumbers

    from charte.adapters.consent_contacts import OVERSEAS_PREFIXES, OVERSEAS_REGIONS, zones_of

    found = set()
    for prefix in [*range(100, 800), *range(900, 1000)]:  # 08: special numbers, shared: kept in Paris
        for tail in ("123456", "000000", "999999", "456789", "212121"):
            for region in OVERSEAS_REGIONS:
                try:
                    number = phonenumbers.parse(f"0{prefix}{tail}", region)
                except phonenumbers.NumberParseException:
                    continue
                if (
                    phonenumbers.is_valid_number(number)
                    and phonenumbers.region_code_for_number(number) == region
                ):
                    found.add(f"0{prefix}")
    assert found == set(OVERSEAS_PREFIXES)
    # libphonenumber does not tell Réunion's mobiles from Mayotte's zone: the hours hold in both.
    assert zones_of("phone:0692123456") == ("Indian/Mayotte", "Indian/Reunion")
    assert zones_of("phone:0696123456") == ("America/Martinique",)
    assert zones_of("phone:0612345678") == ("Europe/Paris",)
    assert zones_of("phone:+12125550100") == ("America/New_York",)
