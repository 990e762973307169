"""Recordings and transcripts, each encrypted with its own key; erasing one destroys its key.

Crypto-shredding. Every sealed object — a call's audio, its transcript — gets a fresh
256-bit data key. The object is encrypted in 64 KiB segments with AES-256-GCM (each segment's
nonce is a random 7-byte prefix, the segment's number and a last-segment flag, so segments can be
neither reordered, dropped nor truncated unnoticed: the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, 2015) and goes to a blob store: a local directory by default, or any
S3-compatible object store. Memory holds one segment, whatever the recording's length.

The data key is kept *wrapped* (AES-256-GCM under the recordings master key, the object's name as
associated data) in the **keyring**: a directory of small files, outside the database and outside
the blob store. The master key is ``CHARTE_RECORDINGS_KEY`` or a key file under the charte home.
Erasing an object deletes its keyring file first, then its blob. A database backup holds no key;
an audio backup holds only ciphertext; so a restored database plus a restored audio copy still
cannot decrypt an erased recording. The keyring itself must therefore not be restored from an
old backup (docs/calls.md says how to back it up).

Names are derived from the call's keyed hash by the caller: a retry of the same call writes the
same names, so an interrupted ingestion leaves nothing behind that a rerun does not overwrite.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charte.adapters.private_files import private_folder
from charte.services.errors import Refused

MAGIC = b"CHREC1"
SEGMENT = 64 * 1024
_TAG = 16


class VaultError(Refused):
    """A sealed object cannot be read: its key was destroyed (erased), or the bytes were altered."""


class BlobStore(Protocol):
    def put(self, name: str, chunks: Iterable[bytes]) -> None: ...

    def get(self, name: str) -> Iterator[bytes]: ...

    def delete(self, name: str) -> None: ...


class DirectoryBlobs:
    """Blobs as files of one directory (mode 0600), each written whole or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        private_folder(self.folder)
        path = self.folder / name
        temporary = path.with_name(f".{name}.part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)

    def get(self, name: str) -> Iterator[bytes]:
        try:
            handle = (self.folder / name).open("rb")
        except FileNotFoundError:
            raise VaultError("the recording is not in the store (erased)") from None
        with handle:
            while block := handle.read(SEGMENT + _TAG):
                yield block

    def delete(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


class S3Blobs:
    """Blobs in an S3-compatible bucket (AWS, MinIO, Ceph, OVH...) through boto3."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        self.client.upload_fileobj(_Reader(iter(chunks)), self.bucket, self.prefix + name)

    def get(self, name: str) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"]
        except self.client.exceptions.NoSuchKey:
            raise VaultError("the recording is not in the store (erased)") from None
        yield from body.iter_chunks(SEGMENT + _TAG)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)


class _Reader:
    """A file-like view of an iterator of bytes, for boto3's streaming upload."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.buffer = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        if size < 0:
            out, self.buffer = self.buffer, b""
        else:
            out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


class Keyring:
    """Wrapped data keys, one file each (mode 0600), in a directory outside the database."""

    def __init__(self, folder: Path, master: bytes) -> None:
        self.folder, self._master = folder, AESGCM(master)

    def create(self, name: str) -> bytes:
        key = AESGCM.generate_key(256)
        nonce = secrets.token_bytes(12)
        private_folder(self.folder)
        path = self.folder / name
        fd = os.open(path.with_name(f".{name}.part"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(nonce + self._master.encrypt(nonce, key, name.encode()))
            handle.flush()
            os.fsync(handle.fileno())
        path.with_name(f".{name}.part").replace(path)
        return key

    def get(self, name: str) -> bytes:
        try:
            wrapped = (self.folder / name).read_bytes()
        except FileNotFoundError:
            raise VaultError("the recording's key was destroyed: it was erased") from None
        try:
            return self._master.decrypt(wrapped[:12], wrapped[12:], name.encode())
        except InvalidTag:
            raise VaultError("the recording's key does not open with this master key") from None

    def names(self, *, older_than: float = 0.0) -> Iterator[str]:
        """The keys held, streamed, skipping those written in the last ``older_than`` seconds."""
        if not self.folder.exists():
            return
        limit = time.time() - older_than
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.name.startswith(".") and entry.stat().st_mtime <= limit:
                    yield entry.name

    def destroy(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)
        if self.folder.exists():  # the unlink itself made durable, so a crash cannot undo it
            fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


class Vault:
    def __init__(self, keyring: Keyring, blobs: BlobStore) -> None:
        self.keyring, self.blobs = keyring, blobs

    def seal(self, name: str, chunks: Iterable[bytes]) -> int:
        """Encrypt the stream under a new key and store it; the plaintext's size in bytes."""
        aead = AESGCM(self.keyring.create(name))
        prefix = secrets.token_bytes(7)
        size = [0]

        def sealed() -> Iterator[bytes]:
            yield MAGIC + prefix
            index = 0
            pending = b""
            for chunk in _exact(chunks, SEGMENT):
                if index or pending:
                    yield aead.encrypt(_nonce(prefix, index, last=False), pending, name.encode())
                    index += 1
                pending = chunk
                size[0] += len(chunk)
            yield aead.encrypt(_nonce(prefix, index, last=True), pending, name.encode())

        self.blobs.put(name, sealed())
        return size[0]

    def open(self, name: str) -> Iterator[bytes]:
        """The plaintext, segment by segment; VaultError once erased (at once: the key is looked
        up before the first byte) or if the bytes were altered (as the stream reaches them)."""
        return self._plaintext(name, AESGCM(self.keyring.get(name)))

    def _plaintext(self, name: str, aead: AESGCM) -> Iterator[bytes]:
        stream = _exact(self.blobs.get(name), SEGMENT + _TAG)
        header = next(stream, b"")
        if header[: len(MAGIC)] != MAGIC:
            raise VaultError("not a sealed recording")
        prefix, first = header[len(MAGIC) : len(MAGIC) + 7], header[len(MAGIC) + 7 :]
        segments = _exact(_chain(first, stream), SEGMENT + _TAG)
        current = next(segments, None)
        index = 0
        while current is not None:
            following = next(segments, None)
            try:
                yield aead.decrypt(_nonce(prefix, index, last=following is None), current, name.encode())
            except InvalidTag:
                raise VaultError("the sealed recording was altered or cut") from None
            current, index = following, index + 1

    def shred(self, name: str) -> None:
        """Destroy the key, then the blob: once the key is gone nothing can read any copy."""
        self.keyring.destroy(name)
        self.blobs.delete(name)


def _nonce(prefix: bytes, index: int, *, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _exact(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Re-cut any stream of bytes into ``size``-byte pieces (the last may be shorter)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield buffer[:size]
            buffer = buffer[size:]
    if buffer:
        yield buffer


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest
