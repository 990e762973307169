"""A contact (e-mail or phone) in one canonical form, so that an objection to prospecting sticks.

The suppression list (GDPR Art. 21(3); CNIL référentiel on commercial management: keep what is
needed to honour the objection, at least 3 years) stores only keyed hashes of contacts. For a
later feed to match, ``06 12 34 56 78``, ``+33 6 12 34 56 78`` and ``0033612345678`` must hash the
same: French numbers are brought to their national 10-digit form, other numbers keep their digits
with the international prefix; e-mail addresses are trimmed and lower-cased.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")


def canonical_phone(value: str) -> str | None:
    """The number as 10 national digits (French) or ``+`` and digits (others); None if no number."""
    text = value.strip()
    digits = "".join(_DIGITS.findall(text))
    if not digits:
        return None
    if text.startswith("+"):
        if digits.startswith("33") and len(digits) == 11:
            return "0" + digits[2:]
        return "+" + digits
    if digits.startswith("0033") and len(digits) == 13:
        return "0" + digits[4:]
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):  # written without its leading 0
        return "0" + digits
    return digits


def canonical_email(value: str) -> str | None:
    text = value.strip().lower()
    return text if "@" in text else None


def contact_key(value: str) -> str | None:
    """``email:...`` or ``phone:...`` for any contact value, or None when it is neither."""
    if "@" in value:
        email = canonical_email(value)
        return f"email:{email}" if email else None
    phone = canonical_phone(value)
    return f"phone:{phone}" if phone else None


def post_key(value: str) -> str | None:
    """A postal address as one key: its words lower-cased, spaces and line breaks folded."""
    words = " ".join(value.split()).casefold()
    return f"post:{words}" if words else None


# Characters no name or contact may hold: the C0 and C1 controls (CR and LF would forge e-mail
# headers and break the notices of a request; RFC 5322 §2.2), the Unicode line and paragraph
# separators, and the bidirectional overrides that make a letter show other words than it holds
# (Unicode Technical Report #36, §2.4). Joiners (ZWJ, ZWNJ) stay: Persian and Indic names use them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def unsafe_character(value: str, *, lines: bool = False) -> str | None:
    """The first character of ``value`` a name or contact may not hold, as ``U+XXXX``; ``lines``
    lets line breaks through (LF or CR LF: a postal address or access instructions on several
    lines, which never go into a header)."""
    for found in _UNSAFE.finditer(value):
        if lines and found.group() in "\r\n":
            continue
        return f"U+{ord(found.group()):04X}"
    return None
