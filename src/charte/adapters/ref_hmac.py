"""Keyed HMACs of refs: erased persons are remembered without their ref in clear.

HMAC-SHA256 with a key kept outside the database (CHARTE_REF_KEY, or a file under the charte
home): a stolen database cannot tell whether a given ref was erased.
"""

from __future__ import annotations

import hashlib
import hmac


class RefHasher:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, ref: str) -> str:
        return hmac.new(self._key, ref.encode(), hashlib.sha256).hexdigest()
