"""Encryption of the fields the policy marks sensitive (e.g. alarm codes and key holders).

AES-256-GCM with a key kept outside the database: a stolen database file alone does not reveal
them. The key is ``CHARTE_FIELD_KEY`` (base64, 32 bytes) or a file created on first use under the
charte home (mode 0600), checked against the register's fingerprint (services/keys.py). Stored
values read ``enc:v1:<base64(nonce || ciphertext)>``; the field name is bound as associated data,
so a value cannot be moved to another field unnoticed.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charte.services.errors import NotReady

PREFIX = "enc:v1:"


class FieldKeyError(NotReady):
    """The field key is missing, unreadable or malformed, or not the one a value was sealed with."""


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, field: str, value: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, value.encode(), field.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, field: str, stored: str) -> str:
        if not stored.startswith(PREFIX):
            raise FieldKeyError(f"field '{field}' is not stored encrypted")
        raw = base64.b64decode(stored[len(PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
        except InvalidTag:  # another key, or a value moved from another field: never a traceback
            raise FieldKeyError(
                f"field '{field}' does not decrypt with this field key: CHARTE_FIELD_KEY is not the key "
                "it was sealed with, or the value was moved from another field"
            ) from None
