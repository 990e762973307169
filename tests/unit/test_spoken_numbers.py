"""French numbers as speech-to-text writes them ("numbers spelled out: zéro six douze...")."""

from __future__ import annotations

import pytest

from charte.adapters.redaction.spoken import numbers


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("zéro six douze trente quatre cinquante six soixante dix huit", ["0612345678"]),
        ("zéro six zéro deux trente et un quatre-vingt-dix-neuf dix sept", ["0602319917"]),
        ("au soixante quinze mille onze paris", ["75011"]),
        ("quatre-vingt-douze", ["92"]),
        ("mille neuf cent quatre vingt cinq", ["1985"]),
        ("trois cent douze", ["312"]),
        ("deux cents", ["200"]),
        ("soixante et onze", ["71"]),
        ("septante-sept nonante", ["7790"]),
        ("le douze mars et le trois avril", ["12", "3"]),
        ("et bien oui", []),
    ],
)
def test_spoken_numbers_read_as_the_digits_a_person_would_write(text, digits):
    """Charter (AI experiments on conversations): spelled-out numbers are found like written ones."""
    assert [run.digits for run in numbers(text)] == digits


def test_a_run_of_number_words_keeps_its_place_in_the_text():
    """The redaction replaces exactly the words that said the number."""
    text = "mon numéro c'est zéro six douze trente quatre cinquante six soixante dix huit voilà"
    (run,) = numbers(text)
    assert text[run.start : run.end] == "zéro six douze trente quatre cinquante six soixante dix huit"
