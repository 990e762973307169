"""Callers' numbers as the telephony sends them, brought to charte's one canonical form.

``phonenumbers`` (Google's libphonenumber metadata) reads every French writing — ``06 12 34 56
78``, ``+33 6 12 34 56 78``, ``0033612345678``, ``06.12.34.56.78`` — and numbers from abroad with
their prefix, and tells a possible number from garbage. The result is ``domain.contacts``'s form
(ten national digits for France, ``+`` and digits otherwise), so that a number objected to in a
rights request, by letter or e-mail, is the same number the telephony reports at call start.
"""

from __future__ import annotations

import phonenumbers

from charte.domain.contacts import canonical_phone


class BadNumber(ValueError):
    """Not a phone number (the message says why, without repeating it)."""


def canonical_number(raw: str, region: str = "FR") -> str:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise BadNumber("not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise BadNumber("not a possible phone number (wrong length for its country)")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    canonical = canonical_phone(e164)
    if canonical is None:  # an E.164 number always has digits
        raise BadNumber("not a phone number")
    return canonical
