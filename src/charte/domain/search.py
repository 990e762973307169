"""What a person search compares: names folded word by word, contacts in their canonical form.

The DPO types what a requester wrote — « Łukasz Żółć », « ana@example.org », « 06 12 34 56 78 »,
a register ref — and the register is searched on folded forms kept beside each value: a name's
words without case or accents (``Łukasz`` → ``lukasz``, ``Dvořák`` → ``dvorak``, ``Œuvray`` →
``oeuvray``), matched from their beginning; an e-mail address lower-cased; a phone number in the
form the suppression list uses (``domain.contacts``), matched whole. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from charte.domain.contacts import canonical_email, canonical_phone

# Letters NFKD does not take apart: their usual spelling without the mark (ISO 9 / DIN 5007 use).
_LETTERS = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h",
    "ı": "i", "ŀ": "l", "Ŀ": "l", "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    "ß": "ss", "ẞ": "ss",
})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")  # letters and digits: hyphens, apostrophes and spaces separate words
MIN_PREFIX = 2  # a word of one letter would match a tenth of the register
# A word of two letters is matched whole (« Li », « Ng », « Ba »): as a prefix, « ma » would
# match a tenth of the register too; from three letters on, a word is matched from its beginning.
PREFIX_FROM = 3
MAX_WORDS = 6  # what a name search compares, at most (« Jean-Marie de La Fontaine-Dupont »)
TERM_MAX = 200  # a folded word or contact longer than this is cut (the index's column)


def fold(text: str) -> str:
    """Lower case, without accents or marks: « Nguyễn Thị » → « nguyen thi »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_terms(value: str) -> frozenset[str]:
    """The words of a name as the index keeps them."""
    return frozenset(w[:TERM_MAX] for w in _WORD.findall(fold(value)))


def contact_term(value: str) -> str | None:
    """A contact as the index keeps it: ``email:…`` or ``phone:…``; None when it is neither."""
    if "@" in value:
        email = canonical_email(value)
        return f"email:{email}"[:TERM_MAX] if email else None
    phone = canonical_phone(value)
    return f"phone:{phone}"[:TERM_MAX] if phone and len(phone.lstrip("+")) >= 6 else None


@dataclass(frozen=True, slots=True)
class Query:
    """What a typed text asks for: a ref as it is, a contact whole, or name words by prefix."""

    ref: str
    contact: str | None
    words: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.ref and self.contact is None and not self.words


def by_prefix(word: str) -> bool:
    """Whether a typed word matches the name words it begins, or only itself."""
    return len(word) >= PREFIX_FROM


def parse(text: str) -> Query:
    """Read what the DPO typed: an e-mail address or a number is a contact; otherwise its words
    (two letters or more) are searched in names. It is also tried as a ref, as it is."""
    typed = " ".join(text.split())
    has_letters = any(c.isalpha() for c in typed)
    contact = contact_term(typed) if "@" in typed or not has_letters else None
    words = (
        () if contact else tuple(sorted({w for w in name_terms(typed) if len(w) >= MIN_PREFIX}))[:MAX_WORDS]
    )
    return Query(ref=typed, contact=contact, words=words)
