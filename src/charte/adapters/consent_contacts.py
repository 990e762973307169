"""The contact a consent or a solicitation names, in the one canonical form charte keys it by.

A phone number (for a call or an SMS) is read by phonenumbers, so that ``+33 6 12 34 56 78``,
``06.12.34.56.78`` and ``0033612345678`` are one number; an e-mail address is trimmed and
lower-cased; a postal address is its words. The form is ``domain.contacts``' (``phone:...``,
``email:...``, ``post:...``), the one the suppression list and the person search use. A number's
own time zones, when libphonenumber knows them (a number in Réunion or Guadeloupe written with its
country code), are the consumer's for the calling hours (Code de la consommation D223-9).
"""

from __future__ import annotations

import re

from phonenumbers import NumberParseException, is_valid_number, parse, region_code_for_number
from phonenumbers.timezone import time_zones_for_number

from charte.adapters.phone_numbers import BadNumber, canonical_number
from charte.domain.contacts import canonical_email, post_key, unsafe_character
from charte.domain.prospecting import Channel

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")  # a local part and a domain: what a message can be sent to


class BadContact(ValueError):
    """The contact is not one the channel can reach (the message says why, never the value)."""


def contact_for(channel: Channel, raw: str) -> str:
    """The canonical contact ``raw`` is on ``channel``; raises :class:`BadContact`."""
    if not raw.strip():
        raise BadContact("missing or not a non-empty string")
    bad = unsafe_character(raw, lines=channel is Channel.POST)
    if bad is not None:
        raise BadContact(f"holds a control character ({bad})")
    if channel in (Channel.PHONE, Channel.SMS):
        try:
            return "phone:" + canonical_number(raw)
        except BadNumber as exc:
            raise BadContact(f"{exc} (a {channel.value} reaches a phone number)") from None
    if channel is Channel.EMAIL:
        email = canonical_email(raw)
        if email is None or _EMAIL.fullmatch(email) is None:
            raise BadContact("not an e-mail address (an email reaches one)")
        return f"email:{email}"
    key = post_key(raw)
    if key is None:
        raise BadContact("an empty postal address")
    return key


# The national numbers (0 and nine digits) of the overseas departments and collectivities, by their
# first four digits, as libphonenumber's metadata knows them (tests/unit/test_contacts.py derives
# this set from it again, so that a change of the metadata is seen). Every other national number is
# metropolitan France's (libphonenumber gives +33 the one zone Europe/Paris): read without the
# parser, the one slow step of screening a campaign otherwise.
OVERSEAS_PREFIXES = frozenset({
    "0262", "0263", "0268", "0269", "0590", "0594", "0596", "0598", "0639", "0690", "0692", "0693",
    "0694", "0696", "0697", "0708", "0709", "0976",
})  # fmt: skip
OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM")
_PARIS = ("Europe/Paris",)


def zones_of(contact: str) -> tuple[str, ...]:
    """The time zones a phone contact's number may be in (one for most; a number that may be in
    several, all of them), or none when libphonenumber cannot tell."""
    if not contact.startswith("phone:"):
        return ()
    number = contact.removeprefix("phone:")
    if number.startswith("0"):
        if number[:4] not in OVERSEAS_PREFIXES:
            return _PARIS
        return _overseas(number)
    try:
        parsed = parse(number, "FR")
    except NumberParseException:
        return ()
    return tuple(z for z in time_zones_for_number(parsed) if z != "Etc/Unknown")


def _overseas(number: str) -> tuple[str, ...]:
    """A national number of an overseas department: the zones of each region it is valid in."""
    zones: dict[str, None] = {}
    for region in OVERSEAS_REGIONS:
        try:
            parsed = parse(number, region)
        except NumberParseException:
            continue
        if is_valid_number(parsed) and region_code_for_number(parsed) == region:
            zones.update(dict.fromkeys(z for z in time_zones_for_number(parsed) if z != "Etc/Unknown"))
    return tuple(zones)


class ConsentContacts:
    """Implements ``services.prospecting.Contacts``."""

    @staticmethod
    def canonical(channel: Channel, raw: str) -> str:
        return contact_for(channel, raw)

    @staticmethod
    def zones(contact: str) -> tuple[str, ...]:
        return zones_of(contact)
