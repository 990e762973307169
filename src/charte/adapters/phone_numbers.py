"""Callers' numbers as the telephony sends them, brought to charte's one canonical form.

``phonenumbers`` (Google's libphonenumber metadata) reads every French writing — ``06 12 34 56
78``, ``+33 6 12 34 56 78``, ``0033612345678``, ``06.12.34.56.78`` — and numbers from abroad with
their prefix, and tells a possible number from garbage. The result is ``domain.contacts``'s form
(ten national digits for France, ``+`` and digits otherwise), so that a number objected to in a
rights request, by letter or e-mail, is the same number the telephony reports at call start.
"""

from __future__ import annotations

import re

import phonenumbers

from charte.domain.contacts import canonical_phone

# A French number as CRMs export it — ten digits from 0, or +33 / 0033 and nine digits, with
# spaces, dots or dashes — is possible by length whatever its digits (libphonenumber's possible
# length for France is 9 national digits): read without the parser, 40 times faster, the same
# result (tests/unit/test_contacts.py compares both on generated numbers). Anything else goes
# through phonenumbers.
_SEPARATORS = re.compile(r"[ .\-]")
_FRENCH = re.compile(r"(?:0|\+33|0033)([1-9]\d{8})")


class BadNumber(ValueError):
    """Not a phone number (the message says why, without repeating it)."""


def canonical_number(raw: str, region: str = "FR") -> str:
    if region == "FR" and (plain := _FRENCH.fullmatch(_SEPARATORS.sub("", raw.strip()))) is not None:
        return "0" + plain.group(1)
    return parsed_number(raw, region)


def parsed_number(raw: str, region: str = "FR") -> str:
    """``canonical_number`` through libphonenumber alone."""
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
