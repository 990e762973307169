"""Signed checkpoints of the audit chain, written outside the database.

Each checkpoint pins a period's chain at one entry (period, seq, hash, time), signed with an
Ed25519 key kept under the charte home (``keys/audit-signing.key``, created once). The folder is
meant to be shipped elsewhere (rsync, object store, WORM storage): a database restored or cut short
then disagrees with it, and ``charte audit verify`` says so. One file per checkpoint, written to a
temporary name and renamed, so a crash never leaves half a checkpoint.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from charte.domain.audit import Checkpoint
from charte.services.errors import Refused


class CheckpointError(Refused):
    """A checkpoint file is unreadable or its signature does not verify: the audit does not verify
    (a refusal: `charte audit verify` exits 1 naming the file)."""


def _message(c: Checkpoint) -> bytes:
    return json.dumps({"period": c.period, "seq": c.seq, "hash": c.hash, "at": c.at}, sort_keys=True).encode()


class CheckpointFolder:
    def __init__(self, folder: Path, seed: bytes) -> None:
        self.folder = folder
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._public = self._key.public_key()

    def write(self, checkpoint: Checkpoint) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        signature = base64.b64encode(self._key.sign(_message(checkpoint))).decode()
        record = {
            "period": checkpoint.period,
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "at": checkpoint.at,
            "signature": signature,
        }
        final = self.folder / f"{checkpoint.period}-{checkpoint.seq:012d}.json"
        temporary = final.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(final)
        return final

    def latest(self) -> dict[str, Checkpoint]:
        """The last valid checkpoint of each period; a forged or damaged file raises."""
        found: dict[str, Checkpoint] = {}
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                c = Checkpoint(record["period"], int(record["seq"]), record["hash"], record["at"])
                self._public.verify(base64.b64decode(record["signature"]), _message(c))
            except InvalidSignature as exc:
                raise CheckpointError(f"{path.name}: the signature does not verify") from exc
            except (ValueError, KeyError, TypeError) as exc:
                raise CheckpointError(f"{path.name}: not a checkpoint ({type(exc).__name__})") from exc
            if c.period not in found or c.seq > found[c.period].seq:
                found[c.period] = c
        return found

    def forget(self, period: str) -> int:
        """Remove a dropped period's checkpoints (else verification would report it deleted)."""
        gone = 0
        for path in self.folder.glob(f"{period}-*.json") if self.folder.is_dir() else []:
            path.unlink()
            gone += 1
        return gone
