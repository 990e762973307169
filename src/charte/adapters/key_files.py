"""Keys given in a setting (base64) or kept in a file under the charte home (``keys/``, 0600).

Implements ``services.keys.KeySource``; ``services.keys.open_key`` decides whether the key may be
used or created (the register's fingerprints).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from pathlib import Path

from charte.adapters.private_files import open_private
from charte.services.keys import KeyRefused

KEY_BYTES = 32  # AES-256, HMAC-SHA256 and Ed25519 seeds alike


@dataclass(frozen=True, slots=True)
class KeyFile:
    name: str
    label: str
    variable: str
    path: Path
    value: str | None = None  # the setting's value, if given: it wins over the file

    def where(self) -> str:
        return self.variable if self.value else str(self.path)

    def read(self) -> bytes | None:
        if self.value:
            raw = self.value
        elif self.path.exists():
            raw = self.path.read_text(encoding="ascii", errors="replace").strip()
        else:
            return None
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:  # binascii.Error
            raise KeyRefused(f"{self.where()}: {self.label} is not base64") from None
        if len(key) != KEY_BYTES:
            raise KeyRefused(
                f"{self.where()}: {self.label} must be {KEY_BYTES} bytes, base64-encoded (not {len(key)})"
            )
        return key

    def create(self) -> bytes:
        key = secrets.token_bytes(KEY_BYTES)
        try:
            with open_private(self.path, "w", exclusive=True) as handle:
                handle.write(base64.b64encode(key).decode())
        except FileExistsError:  # another process created it first: use theirs
            found = self.read()
            if found is None:
                raise KeyRefused(f"{self.path}: {self.label} vanished as it was created") from None
            return found
        return key
