"""Console passwords hashed with Argon2id (argon2-cffi), the memory-hard hash OWASP recommends.

The library's defaults (RFC 9106's second recommended profile: 64 MiB, 3 passes, 4 lanes) are
used; a hash made with older parameters is re-hashed at the next successful login.
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)

    @cached_property
    def _decoy(self) -> str:
        return self._hasher.hash("charte: no such account")

    def waste(self, password: str) -> None:
        """Spend what a verification costs, for a name that has no password: an unknown name
        then takes as long as a wrong password (no account enumeration by timing)."""
        self.verify(self._decoy, password)
