"""Encryption of the fields the policy marks sensitive (e.g. alarm codes and key holders).

AES-256-GCM with a key kept outside the database: a stolen database file alone does not reveal
them. The key is ``CHARTE_FIELD_KEY`` (base64, 32 bytes) or a file created on first use under the
charte home (mode 0600). Stored values read ``enc:v1:<base64(nonce || ciphertext)>``; the field
name is bound as associated data, so a value cannot be moved to another field unnoticed.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"


class FieldKeyError(Exception):
    """The field key is missing, unreadable or malformed."""


def load_or_create_key(path: Path, env_value: str | None = None) -> bytes:
    if env_value:
        key = base64.b64decode(env_value)
    elif path.exists():
        key = base64.b64decode(path.read_text().strip())
    else:
        key = secrets.token_bytes(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(key).decode())
    if len(key) != 32:
        raise FieldKeyError(f"the field key must be 32 bytes, base64-encoded ({path} or CHARTE_FIELD_KEY)")
    return key


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
        return self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
