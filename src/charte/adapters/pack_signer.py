"""The inspection pack's signature: Ed25519 over the manifest's bytes, with the audit's signing
key (the one that signs the audit checkpoints: a pack is vouched for by the same key as the chain
it reports on)."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class Ed25519Signer:
    def __init__(self, seed: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(seed)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def public_pem(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def verifies(data: bytes, signature: bytes, public_pem: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by the key ``public_pem`` (no
    private key needed: an inspector's machine verifies too)."""
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError):
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
