"""The erasure ledger: every erasure, outside the database, so that a restored backup cannot undo it.

A database restored from last night's backup holds everyone erased since. The ledger keeps, for
each erasure, what replaying it needs and nothing personal: keyed HMACs of the refs (the key is
outside the database and outside this folder), the unit kind and rule, dates, field *names*, and
the tombstones and suppression-list entries the erasure wrote. `charte retention replay-erasures`
reads it back (``services.erasure_replay``).

One JSON line per committing transaction, in one file per month (``erasures-YYYY-MM.jsonl``), written
with a single ``write`` under an exclusive ``flock`` and fsynced *before* the transaction commits:
once an erasure is committed its line is on disk. A process killed between the fsync and the commit
leaves a line for an erasure that did not happen; replaying it erases what the sweep or the request
was about to erase anyway, so the ledger errs only towards the charter's promise. A line cut by a
crash mid-write cannot be: the reader skips a last line that does not parse, and counts it.

Keep the folder (``CHARTE_ERASURE_LEDGER``, default ``<home>/erasure-ledger``) on storage that is
not restored with the database — another volume, replicated or backed up on its own schedule.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charte.adapters.private_files import private_folder
from charte.services.errors import NotReady
from charte.services.inspection import LedgerMonth

PREFIX, SUFFIX = "erasures-", ".jsonl"


class FileErasureLedger:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.torn = 0  # lines the last reading skipped (cut by a crash mid-write)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (``at``: an aware datetime) and make it durable before returning."""
        at: datetime = record["at"]
        line = json.dumps({**record, "at": at.astimezone(UTC).isoformat()}, sort_keys=True) + "\n"
        path = self.folder / f"{PREFIX}{at.astimezone(UTC):%Y-%m}{SUFFIX}"
        try:
            private_folder(self.folder)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # sweeps and the API may erase at once: whole lines
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)  # closing releases the lock
        except OSError as exc:
            # Raised inside the erasing transaction, which rolls back: an erasure the ledger
            # cannot record would come back with the next restored backup, so none is made.
            why = exc.strerror or type(exc).__name__
            raise NotReady(
                f"the erasure ledger cannot be written in {self.folder} ({why}): nothing was erased; "
                "fix the folder (CHARTE_ERASURE_LEDGER) and run again"
            ) from None

    def months(self, year: int) -> list[LedgerMonth]:
        """The year's month files, each with its lines and SHA-256, streamed (a month may hold
        millions of lines): what an inspection pack pins of the ledger."""
        found = []
        for path in sorted(self.folder.glob(f"{PREFIX}{year:04d}-*{SUFFIX}")):
            digest, lines = hashlib.sha256(), 0
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
            found.append(LedgerMonth(path.name, lines, digest.hexdigest()))
        return found

    def since(self, start: datetime) -> Iterator[dict[str, Any]]:
        """Every record at or after ``start``, oldest first, streamed month file by month file."""
        self.torn = 0
        first = f"{PREFIX}{start.astimezone(UTC):%Y-%m}{SUFFIX}"
        files = sorted(p for p in self.folder.glob(f"{PREFIX}*{SUFFIX}") if p.name >= first)
        for path in files:
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    try:
                        record = json.loads(line)
                        at = datetime.fromisoformat(record["at"])
                    except (ValueError, KeyError, TypeError):
                        self.torn += 1
                        continue
                    if at >= start:
                        yield record | {"at": at}
