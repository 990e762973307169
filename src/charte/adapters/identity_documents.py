"""Identity documents sent by requesters, kept encrypted only until identity is confirmed.

A document is checked (size, and by its first bytes: PDF, JPEG or PNG only), then encrypted with
AES-256-GCM under the field key (outside the database), the request's number bound as associated
data, and written to ``CHARTE_HOME/identity-documents/``. The policy's ``delete_document`` says when
it goes (on verification, or on closure): the file is overwritten, then unlinked. The CNIL fined a
controller that kept ID copies after use (SAN-2020-008).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charte.adapters.field_cipher import FieldKeyError
from charte.adapters.private_files import private_folder, write_private
from charte.services.errors import NotFound, Refused

KINDS = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


class DocumentRefused(Refused):
    pass


class IdentityDocuments:
    def __init__(self, folder: Path, key: bytes, max_bytes: int) -> None:
        self.folder, self._aead, self.max_bytes = folder, AESGCM(key), max_bytes

    def put(self, request_id: int, data: bytes) -> str:
        if len(data) > self.max_bytes:
            raise DocumentRefused(f"an identity document is at most {self.max_bytes} bytes (policy: "
                                  "rights.identity_verification.document_max_bytes)")  # fmt: skip
        if not any(data.startswith(magic) for magic in KINDS):
            raise DocumentRefused("an identity document must be a PDF, JPEG or PNG file")
        private_folder(self.folder)
        name = f"request-{request_id}-{secrets.token_hex(8)}.bin"
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._aead.encrypt(nonce, data, self._bound(request_id))
        fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        return name

    def get(self, request_id: int, name: str) -> bytes:
        path = self.folder / name
        if not path.is_file():
            raise NotFound("identity document", name)
        return self._open(path, request_id)

    def _open(self, path: Path, request_id: int) -> bytes:
        raw = path.read_bytes()
        try:
            return self._aead.decrypt(raw[:12], raw[12:], self._bound(request_id))
        except InvalidTag:  # another key, or a file moved to another request: never a traceback
            raise FieldKeyError(
                f"identity document {path.name} does not decrypt with this field key (CHARTE_FIELD_KEY)"
            ) from None

    def erase(self, name: str) -> bool:
        path = self.folder / name
        if not path.exists():
            return False
        size = path.stat().st_size
        with path.open("r+b") as handle:  # overwrite, then unlink: no plain copy ever existed anyway
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        return True

    def reseal(self, new_key: bytes) -> list[tuple[Path, Path]]:
        """Every document kept, sealed again under ``new_key`` beside itself (``.NAME.resealed``);
        the pairs (new, kept) for ``swap`` once the register's rotation has committed."""
        fresh, pairs = AESGCM(new_key), []
        try:
            for path in sorted(self.folder.glob("request-*.bin")) if self.folder.is_dir() else []:
                request_id = int(path.name.split("-")[1])
                data = self._open(path, request_id)
                nonce = secrets.token_bytes(12)
                resealed = path.with_name(f".{path.name}.resealed")
                write_private(resealed, nonce + fresh.encrypt(nonce, data, self._bound(request_id)))
                pairs.append((resealed, path))
        except BaseException:  # the rotation is rolled back: leave no half of it on disk
            for resealed, _ in pairs:
                resealed.unlink(missing_ok=True)
            raise
        return pairs

    @staticmethod
    def swap(pairs: list[tuple[Path, Path]]) -> None:
        for resealed, kept in pairs:
            resealed.replace(kept)

    @staticmethod
    def _bound(request_id: int) -> bytes:
        return f"identity-document:{request_id}".encode()
