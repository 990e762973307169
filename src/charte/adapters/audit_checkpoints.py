"""Signed checkpoints of the audit chain, written outside the database.

Each checkpoint pins every chain of a period at its head (period, seq and hash of the shared chain,
``writers``: each serving process's chain, time), signed with an
Ed25519 key (``CHARTE_AUDIT_SIGNING_KEY``, or ``keys/audit-signing.key`` under the charte home,
created once — keep it, and this folder, off the database's volume: docs/settings.md). The
checkpoints of a period are chained (``n``, ``prev``: charte.domain.audit), so that one removed
from the middle is found. The folder is meant to be shipped elsewhere (rsync, object store, WORM
storage): a database restored or cut short then disagrees with it, and ``charte audit verify``
says so; a copy of the newest checkpoint kept elsewhere (``--witness``) also finds the folder
itself rolled back. One file per checkpoint, written to a temporary name and renamed, so a crash
never leaves half a checkpoint; writers of several processes take turns under a file lock, so the
sequence never forks. ``{period}.head`` names a period's newest checkpoint for the writers only
(verification reads every file and trusts no pointer).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from filelock import FileLock

from charte.adapters.private_files import FILE_MODE, private_folder, write_private
from charte.domain.audit import Checkpoint, checkpoint_sequence_break, next_checkpoint
from charte.services.errors import Refused


class CheckpointError(Refused):
    """A checkpoint file is unreadable, its signature does not verify, or the sequence of a
    period's checkpoints is broken: the audit does not verify (`charte audit verify` exits 1
    naming the file or the checkpoint)."""


class CheckpointFolder:
    def __init__(self, folder: Path, seed: bytes) -> None:
        self.folder = folder
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._public = self._key.public_key()

    # -- writing --------------------------------------------------------------------------------

    def sign(self, period: str, heads: Mapping[str, tuple[int, str]], at: str) -> Checkpoint | None:
        """Pin ``period``'s chains at ``heads`` (writer -> (seq, hash)) after its newest
        checkpoint; ``None`` if those heads are pinned already. Refuses (``CheckpointBehind``) a
        chain behind the newest checkpoint, or gone."""
        private_folder(self.folder)
        with FileLock(self.folder / ".lock", timeout=30, mode=FILE_MODE):
            checkpoint = next_checkpoint(self._newest(period), period, heads, at)
            if checkpoint is None:
                return None
            # Named by its number in the period: with several chains, no one head numbers them.
            # These names sort after the older ones (named by the shared chain's entry).
            name = f"{period}-n{checkpoint.n:09d}.json"
            _write_atomically(self.folder / name, json.dumps(self._record(checkpoint)))
            _write_atomically(self.folder / f"{period}.head", json.dumps({"name": name}))
        return checkpoint

    def _record(self, c: Checkpoint) -> dict[str, object]:
        signature = base64.b64encode(self._key.sign(c.message())).decode()
        record: dict[str, object] = {"period": c.period, "seq": c.seq, "hash": c.hash, "at": c.at, "n": c.n,
                                     "prev": c.prev, "signature": signature}  # fmt: skip
        if c.writers:
            record["writers"] = [list(w) for w in c.writers]
        return record

    def _newest(self, period: str) -> Checkpoint | None:
        """The period's newest checkpoint, which the next one follows. The pointer is trusted only
        when it names the newest file: a writer killed between renaming a checkpoint into place
        and updating the pointer leaves the pointer one behind, and following it would give the
        next checkpoint the number the orphan already has — a fork that verification rightly
        refuses. Names sort by number (zero-padded; the older ones by the shared chain's entry,
        before the newer ones), and both only grow."""
        files = sorted(self.folder.glob(f"{period}-*.json"))
        if not files:
            return None
        pointer = self.folder / f"{period}.head"
        try:
            name = str(json.loads(pointer.read_text(encoding="utf-8"))["name"])
            if name == files[-1].name:
                return self.load(files[-1])
        except (OSError, ValueError, KeyError, TypeError, CheckpointError):
            pass  # no pointer yet, a damaged one, or one left behind: the files say
        found = [self.load(path) for path in files]
        return max(found, key=lambda c: (c.n, c.seq), default=None)

    # -- reading --------------------------------------------------------------------------------

    def load(self, path: Path) -> Checkpoint:
        """One checkpoint file, its signature verified (also a witness kept elsewhere)."""
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            c = Checkpoint(
                record["period"],
                int(record["seq"]),
                record["hash"],
                record["at"],
                int(record.get("n", 0)),
                record.get("prev"),
                tuple((str(w), int(seq), str(h)) for w, seq, h in record.get("writers", ())),
            )
            self._public.verify(base64.b64decode(record["signature"]), c.message())
        except InvalidSignature as exc:
            raise CheckpointError(f"{path.name}: the signature does not verify") from exc
        except OSError as exc:
            raise CheckpointError(f"{path.name}: cannot be read ({type(exc).__name__})") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{path.name}: not a checkpoint ({type(exc).__name__})") from exc
        return c

    def files(self) -> list[tuple[str, bytes]]:
        """Every checkpoint file as it is, by name (each verified first: a forged one raises)."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            self.load(path)
            found.append((path.name, path.read_bytes()))
        return found

    def latest(self) -> dict[str, Checkpoint]:
        """The newest valid checkpoint of each period; a forged or damaged file, or a broken
        sequence of a period's checkpoints, raises."""
        by_period: dict[str, list[Checkpoint]] = {}
        if not self.folder.is_dir():
            return {}
        for path in sorted(self.folder.glob("*.json")):
            c = self.load(path)
            by_period.setdefault(c.period, []).append(c)
        for period, found in by_period.items():
            if (why := checkpoint_sequence_break(period, found)) is not None:
                raise CheckpointError(why)
        return {period: max(found, key=lambda c: (c.n, c.seq)) for period, found in by_period.items()}

    def witnessed(self, where: Path) -> dict[str, Checkpoint]:
        """The newest checkpoint of each period in a witness: one checkpoint file, or a folder."""
        paths = sorted(where.glob("*.json")) if where.is_dir() else [where]
        newest: dict[str, Checkpoint] = {}
        for path in paths:
            c = self.load(path)
            if c.period not in newest or (c.n, c.seq) > (newest[c.period].n, newest[c.period].seq):
                newest[c.period] = c
        return newest

    def forget(self, period: str) -> int:
        """Remove a dropped period's checkpoints (else verification would report it deleted)."""
        gone = 0
        for path in self.folder.glob(f"{period}-*.json") if self.folder.is_dir() else []:
            path.unlink()
            gone += 1
        (self.folder / f"{period}.head").unlink(missing_ok=True)
        return gone


def _write_atomically(final: Path, text: str) -> None:
    write_private(final, text)  # whole or not at all, owner-only
