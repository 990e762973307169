"""Every sentence of the console's pages has its English (French by default, an English switch)."""

from __future__ import annotations

import re
from pathlib import Path

from charte.entrypoints.web import console_words

TEMPLATES = Path(console_words.__file__).parent / "templates"
LITERAL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')


def sentences() -> set[str]:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        found |= set(LITERAL.findall(template.read_text(encoding="utf-8")))
    for labels in (
        console_words.STATUSES,
        console_words.STEPS,
        console_words.OUTCOMES,
        console_words.CLOSINGS,
        console_words.NOT_SENT,
    ):
        found |= set(labels.values())
    return found


def test_every_console_sentence_has_its_english_and_keeps_its_placeholders():
    """English switch; no French left on an English page; {placeholders} kept."""
    found = sentences()
    assert len(found) > 150  # the pages were read
    missing = sorted(found - set(console_words.EN))
    assert missing == []
    for french, english in console_words.EN.items():
        assert set(re.findall(r"\{\w+\}", french)) == set(re.findall(r"\{\w+\}", english)), french


def test_the_translator_gives_french_as_written_and_english_from_the_catalogue():
    """French is the default language of every page."""
    from charte.domain.vocabulary import Language

    assert console_words.translator(Language.FR)("Tableau de bord") == "Tableau de bord"
    assert console_words.translator(Language.EN)("Tableau de bord") == "Dashboard"
