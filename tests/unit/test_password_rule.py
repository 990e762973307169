"""Console password strength: CNIL délibération n° 2022-100, case n° 1 (a password alone)."""

from __future__ import annotations

import pytest

from charte.domain.password_rule import MAX_LENGTH, weakness


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefgh1!xy",  # 12 characters, four classes (example 1)
        "Abcdefghijk123",  # 14 characters, upper, lower, digits (example 2)
        "le chat dort sous la vieille table",  # seven words (example 3)
        "Été-à-Noël-2026",  # accented letters count as letters
    ],
)
def test_passwords_meeting_one_of_the_cnil_examples_are_accepted(password):
    """CNIL 2022-100 case n° 1: any of the three examples reaching ~80 bits of entropy."""
    assert weakness(password) is None


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefg1!xy",  # 11 characters
        "abcdefgh1!xy",  # no upper case
        "Abcdefghijk12",  # 13 characters without a special one
        "le chat dort sous la table",  # six words
        "",
    ],
)
def test_weaker_passwords_are_refused_with_the_rule_and_without_echoing_them(password):
    """CNIL 2022-100: the message states the rule; errors never carry the secret."""
    reason = weakness(password)
    assert reason is not None
    assert "12 characters" in reason
    assert not password or password not in reason


def test_a_password_longer_than_the_bound_is_refused_before_hashing():
    """GDPR Art. 32: a login must not become a way to burn the server's memory and time."""
    assert weakness("Aa1!" * (MAX_LENGTH // 4 + 1)) == f"a password has at most {MAX_LENGTH} characters"
