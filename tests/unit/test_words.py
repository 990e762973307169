"""The engine's machine words told in words, in each language (GDPR Art. 12(1): plain language)."""

from __future__ import annotations

import pytest

from charte.domain.vocabulary import Language
from charte.services.documents import words


@pytest.mark.parametrize("kind", sorted(words.KINDS))
def test_every_code_of_every_vocabulary_has_its_words_in_french_and_english(kind):
    """A status, an act or an outcome is never printed as its code in a letter."""
    for lang in Language:
        told = words.labels(kind, lang)
        assert set(told) == {str(code) for code in words.KINDS[kind]}, kind
        assert all(told.values()), kind
    french = words.labels(kind, Language.FR)
    # A French letter never prints a code.
    assert [code for code, text in french.items() if text == code] == []


def test_french_words_are_french_and_english_words_are_english():
    """The same code reads differently in each language where the languages differ."""
    assert words.word("unit_status", "held", Language.FR) == "conservée pour un contentieux"
    assert words.word("unit_status", "held", Language.EN) == "kept for litigation"
    assert words.word("yes_no", True, Language.FR) == "oui"
    assert words.word("yes_no", False, Language.EN) == "no"
