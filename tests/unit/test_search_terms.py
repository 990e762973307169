"""What a person search compares: names folded word by word, contacts whole in their canonical form."""

from __future__ import annotations

import pytest

from charte.domain.search import MAX_WORDS, by_prefix, contact_term, fold, name_terms, parse


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Łukasz Żółć", "lukasz zolc"),
        ("Dvořák", "dvorak"),
        ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
        ("Şükrü Öztürk", "sukru ozturk"),
        ("İlkay Işık", "ilkay isik"),
        ("Œuvray", "oeuvray"),
        ("Straße", "strasse"),
        ("Søren Ørsted", "soren orsted"),
        ("ÉLODIE", "elodie"),
        ("Ｅｍｉｌｅ", "emile"),  # full-width letters, as a phone's keyboard may type them
    ],
)
def test_a_name_is_compared_without_case_or_accents_whatever_its_script_marks(written, folded):
    """GDPR Art. 12(2): the DPO must find the requester however the name was typed, « ł » included."""
    assert fold(written) == folded


def test_a_name_s_words_are_split_on_spaces_hyphens_and_apostrophes():
    """A compound name is found by any of its parts: « Jean-Marie » by « marie », « N'Diaye » by « diaye »."""
    assert name_terms("Jean-Marie N'Diaye d’Arc") == {"jean", "marie", "n", "diaye", "d", "arc"}
    assert name_terms("  ") == frozenset()


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("06 12 34 56 78", "phone:0612345678"),
        ("+33 6 12 34 56 78", "phone:0612345678"),
        ("06.12.34.56.78", "phone:0612345678"),
        ("+32 470 12 34 56", "phone:+32470123456"),
        ("  Ana.Roux@Example.ORG ", "email:ana.roux@example.org"),
        ("12", None),  # too short to be anyone's number
    ],
)
def test_a_contact_is_compared_whole_in_the_canonical_form_the_suppression_list_uses(typed, term):
    """One canonical form for contacts (domain.contacts): « 06 12… » and « +33 6 12… » are one number."""
    assert contact_term(typed) == term


def test_what_is_typed_is_read_as_a_contact_or_as_name_words_and_always_as_a_ref():
    """A ref is exact; an e-mail or a number is a contact; letters are name words of two letters or more."""
    named = parse("  Roux   Ana  A ")
    assert (named.ref, named.contact, named.words) == ("Roux Ana A", None, ("ana", "roux"))
    mailed = parse("ana@example.org")
    assert (mailed.contact, mailed.words) == ("email:ana@example.org", ())
    called = parse("06 12 34 56 78")
    assert (called.contact, called.words) == ("phone:0612345678", ())
    assert parse("P-000123").words == ("000123",)  # a ref is tried as it is, and its words as names
    assert parse("   ").empty
    assert not parse("A").empty  # one letter: no name word, but still a ref


def test_a_word_of_two_letters_is_matched_whole_and_a_longer_one_from_its_beginning():
    """« Li » finds Li without « ma » finding every Martin, Marie and Mathis of the register."""
    assert (by_prefix("li"), by_prefix("ma"), by_prefix("mar")) == (False, False, True)


def test_a_long_name_compares_at_most_a_bounded_number_of_words():
    """A search is a bounded number of index ranges, whatever is pasted into the box."""
    assert len(parse(" ".join(f"mot{i}" for i in range(40))).words) == MAX_WORDS
