"""A key is the register's or none: its fingerprint recorded at first use, a different key refused
naming the setting, no second key ever made for a database that has one (services/keys.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charte.adapters.field_cipher import FieldCipher, FieldKeyError
from charte.domain.keys import fingerprint
from charte.services.keys import KeyRefused, open_key

AT = datetime(2026, 12, 3, 9, tzinfo=UTC)


class Source:
    """A key given (or not) in CHARTE_FIELD_KEY; counts the keys it was asked to create."""

    name, label, variable = "field", "the field key", "CHARTE_FIELD_KEY"

    def __init__(self, key: bytes | None) -> None:
        self.key, self.created = key, 0

    def read(self) -> bytes | None:
        return self.key

    def create(self) -> bytes:
        self.created += 1
        self.key = bytes([self.created]) * 32
        return self.key

    def where(self) -> str:
        return self.variable if self.key else "/srv/other/.charte/keys/fields.key"


class Fingerprints:
    def __init__(self, *, used: bool = False) -> None:
        self.kept: dict[str, str] = {}
        self.used = used  # the database holds data sealed before fingerprints were kept

    def get(self, name: str) -> str | None:
        return self.kept.get(name)

    def in_use(self, name: str) -> bool:
        return self.used

    def record(self, name: str, value: str, at: datetime) -> str:
        return self.kept.setdefault(name, value)


def test_the_first_key_used_is_recorded_and_the_same_key_opens_again():
    """The fingerprint is recorded once; a process holding the same key goes on."""
    prints, key = Fingerprints(), b"k" * 32
    assert open_key(Source(key), prints, AT) == key
    assert prints.kept == {"field": fingerprint("field", key)}
    assert open_key(Source(key), prints, AT) == key


def test_another_key_is_refused_in_one_line_naming_the_setting():
    """A process run with another CHARTE_FIELD_KEY stops before reading or writing anything."""
    prints = Fingerprints()
    open_key(Source(b"k" * 32), prints, AT)
    with pytest.raises(KeyRefused) as refused:
        open_key(Source(b"x" * 32), prints, AT)
    message = str(refused.value)
    assert message.startswith(
        "the field key here (CHARTE_FIELD_KEY) is not the one this database was written with"
    )
    assert "set CHARTE_FIELD_KEY to it, or CHARTE_HOME to the folder that holds its file" in message
    assert "\n" not in message


def test_no_key_is_made_for_a_database_that_already_has_one():
    """Run from another folder, charte would have made a new key there: it refuses instead."""
    prints = Fingerprints()
    open_key(Source(b"k" * 32), prints, AT)
    elsewhere = Source(None)
    with pytest.raises(
        KeyRefused, match=r"this database was written with the field key .* which is not here"
    ):
        open_key(elsewhere, prints, AT)
    assert elsewhere.created == 0


def test_no_key_is_made_for_a_database_written_before_fingerprints_were_kept():
    """Sealed fields and no fingerprint: the key exists elsewhere, so none is made here."""
    elsewhere = Source(None)
    with pytest.raises(
        KeyRefused, match="holds data made with the field key before its fingerprint was kept"
    ):
        open_key(elsewhere, Fingerprints(used=True), AT)
    assert elsewhere.created == 0
    assert open_key(Source(b"k" * 32), Fingerprints(used=True), AT) == b"k" * 32  # the key given is recorded


def test_production_never_makes_a_key_on_first_use():
    """In production keys come from the secret store: a missing one is named, not created."""
    source = Source(None)
    with pytest.raises(KeyRefused, match="production: the field key would be created on first use"):
        open_key(source, Fingerprints(), AT, production=True)
    assert source.created == 0


def test_a_fingerprint_tells_keys_and_uses_apart_and_reveals_neither():
    """An HMAC under the key of a fixed label: not the key, not a hash anyone can compute without it."""
    key = b"k" * 32
    assert fingerprint("field", key) != fingerprint("refs", key)
    assert fingerprint("field", key) != fingerprint("field", b"x" * 32)
    assert key.hex() not in fingerprint("field", key)


def test_a_value_sealed_under_another_key_is_a_clear_error_not_a_traceback():
    """cryptography's bare InvalidTag becomes an error naming the setting."""
    sealed = FieldCipher(AESGCM.generate_key(256)).encrypt("access_instructions", "code 1234")
    with pytest.raises(FieldKeyError, match="does not decrypt with this field key: CHARTE_FIELD_KEY is not"):
        FieldCipher(b"x" * 32).decrypt("access_instructions", sealed)
