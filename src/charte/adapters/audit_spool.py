"""The audit spool: entries of reads that must not be refused, kept while the audit is down.

One JSON line per entry, appended and fsynced before the read returns, so an acknowledged read
is never unaudited even if the process dies before the database comes back. The next successful
append chains the spooled entries first, then the file is emptied. A lock keeps threads apart.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from charte.adapters.private_files import private_folder, write_private
from charte.domain.audit import Entry, from_record


class FileSpool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def keep(self, entries: Sequence[Entry]) -> None:
        lines = "".join(json.dumps(e.record(), ensure_ascii=False) + "\n" for e in entries)
        with self._lock:
            private_folder(self.path.parent)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, lines.encode())
                os.fsync(fd)
            finally:
                os.close(fd)

    def pending(self) -> tuple[list[Entry], int]:
        """The spooled entries, and how many lines they were read from."""
        with self._lock:
            if not self.path.exists() or self.path.stat().st_size == 0:
                return [], 0
            text = self.path.read_text(encoding="utf-8")
        # A line cut by a crash mid-write is incomplete JSON: it was never acknowledged, skip it.
        found = []
        lines = text.splitlines()
        for line in lines:
            try:
                found.append(from_record(json.loads(line)))
            except (ValueError, KeyError):
                continue
        return found, len(lines)

    def clear(self, count: int) -> None:
        """Drop the first ``count`` lines (chained now); keep any spooled meanwhile."""
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
            rest = lines[count:]
            write_private(self.path, "".join(rest))
