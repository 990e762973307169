"""Which keys a register was written with: one fingerprint per key, so that a process holding
another key (run from another folder, a key file lost, a variable mistyped) is refused before it
reads a field it cannot decrypt or writes a keyed hash that matches nothing.

A key sealing the register's sensitive fields, keying the hashes of erased refs and of the
suppression list, signing the audit's checkpoints, wrapping the recordings' keys or the one-time
codes must stay the same for the life of the data: a second key silently mixes two worlds in one
database (a tombstone keyed by one, an event checked against the other, and an erased person comes
back). The fingerprint is an HMAC of a fixed label under the key (never the key nor a plain hash of
it), cut to 128 bits: enough to tell two keys apart, nothing to recover one from.
"""

from __future__ import annotations

import hashlib
import hmac

LABEL = b"charte key fingerprint v1\x00"


def fingerprint(name: str, key: bytes) -> str:
    """The fingerprint of ``key`` used as the key ``name`` (a key used for two names differs)."""
    return hmac.new(key, LABEL + name.encode(), hashlib.sha256).hexdigest()[:32]
