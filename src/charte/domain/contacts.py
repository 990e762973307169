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
