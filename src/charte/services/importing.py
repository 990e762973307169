"""Importing lifecycle events: atomically, in bounded memory, with every bad line reported.

Pass 1 reads the file once, outside any transaction: each line is parsed and checked alone
(JSON, envelope, fields, allow-lists) and spooled to a private temporary file. Pass 2 applies the
spooled events in file order inside one transaction, a chunk at a time: the store loads the state
of every ref a chunk names in a few queries, ``RegisterChunk`` checks and applies the events, and
the store writes the chunk's net changes in bulk. Memory holds one chunk, whatever the file size.

A file is applied whole or not at all: if any line is refused, the transaction is rolled back and
every refused line is reported. With ``skip_invalid`` the valid lines are applied and the refused
ones handed to ``reject`` with their reasons, so nothing is lost.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Protocol

from charte.domain.audit import Action, Entry
from charte.domain.register import Event, LineError
from charte.domain.register_rules import RegisterChunk
from charte.services.audit import Auditor

CHUNK = 2000

Reject = Callable[[int, bytes, list[LineError]], None]
Progress = Callable[[str, int], None]  # (phase, lines done)


class EventParser(Protocol):
    def parse(self, raw: bytes | str, line: int) -> Event | list[LineError]: ...


class RegisterWriter(Protocol):
    """One import transaction: nothing is kept unless ``commit`` is called."""

    def load(self, events: list[Event]) -> RegisterChunk: ...

    def write(self, chunk: RegisterChunk) -> None: ...

    def commit(self) -> None: ...


class RegisterStore(Protocol):
    def importing(self) -> AbstractContextManager[RegisterWriter]: ...


@dataclass(slots=True)
class ImportReport:
    lines: int = 0  # non-blank lines read
    applied: int = 0  # events applied now
    duplicates: int = 0  # events already applied (same id, same content)
    skipped_erased: int = 0  # events about erased persons, contracts or sites, dated before it
    suppressed: int = 0  # prospects whose contact objected to prospecting: accepted, dropped
    errors: list[LineError] = field(default_factory=list)
    committed: bool = False

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def as_dict(self, *, max_errors: int = 100) -> dict[str, object]:
        return {
            "lines": self.lines,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "skipped_erased": self.skipped_erased,
            "suppressed": self.suppressed,
            "rejected": len(self.rejected_lines),
            "committed": self.committed,
            "errors": [str(e) for e in self.errors[:max_errors]],
        }


def _lines(source: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(source, 1):
        stripped = raw.strip()
        if stripped:
            yield number, stripped


def _spool_chunks(spool: IO[bytes]) -> Iterator[list[tuple[int, bytes, Event]]]:
    spool.seek(0)
    while True:
        try:
            # The spool is a private temporary file written by pass 1 of this same call.
            yield pickle.load(spool)  # noqa: S301
        except EOFError:
            return


def import_events(
    *,
    source: IO[bytes],
    parser: EventParser,
    store: RegisterStore,
    skip_invalid: bool = False,
    reject: Reject | None = None,
    progress: Progress | None = None,
    audit: tuple[Auditor, str] | None = None,
) -> ImportReport:
    """Check every line, then apply the valid events chunk by chunk (docs/events.md).

    With ``audit`` (the auditor and the actor), one entry records the import and its counts once
    it is over (per-person entries would double the cost of a 2-million-line feed; the events
    themselves are kept, by digest, in the register)."""
    recorded = False

    def record(report: ImportReport) -> None:
        nonlocal recorded
        if audit is None or recorded:
            return
        auditor, actor = audit
        counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int) and not isinstance(v, bool)}
        auditor.record([Entry(at=auditor.clock.now(), actor=actor, action=Action.IMPORT, detail=counts)])
        recorded = True

    # The entry is written just before the import commits (as every audited change): a process
    # killed between the two leaves an entry for an import that did not land, never an import
    # without its entry (found by tests/e2e/test_import_crash.py).
    report = _import(source, parser, store, skip_invalid, reject, progress, record)
    record(report)  # a refused file commits nothing: its entry is written now
    return report


def _import(
    source: IO[bytes],
    parser: EventParser,
    store: RegisterStore,
    skip_invalid: bool,
    reject: Reject | None,
    progress: Progress | None,
    before_commit: Callable[[ImportReport], None],
) -> ImportReport:
    report = ImportReport()
    with tempfile.TemporaryFile(prefix="charte-import-") as spool:
        batch: list[tuple[int, bytes, Event]] = []
        for number, raw in _lines(source):
            report.lines += 1
            parsed = parser.parse(raw, number)
            if isinstance(parsed, list):
                report.errors += parsed
                if reject is not None:
                    reject(number, raw, parsed)
                continue
            batch.append((number, raw, parsed))
            if len(batch) == CHUNK:
                pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
                if progress:
                    progress("checked", report.lines)
        if batch:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
        if progress:
            progress("checked", report.lines)
        # Pass 2 runs even when pass 1 refused lines: only the register can tell which other
        # lines are wrong (unknown refs, facts out of order), and the user wants every one at once.
        _apply(spool, store, report, skip_invalid, reject, progress, before_commit)
    report.errors.sort(key=lambda e: e.line)
    return report


def _apply(
    spool: IO[bytes],
    store: RegisterStore,
    report: ImportReport,
    skip_invalid: bool,
    reject: Reject | None,
    progress: Progress | None,
    before_commit: Callable[[ImportReport], None],
) -> None:
    done = 0
    with store.importing() as writer:
        for chunk_events in _spool_chunks(spool):
            chunk = writer.load([e for _, _, e in chunk_events])
            for number, raw, event in chunk_events:
                errors = chunk.apply(event)
                if errors:
                    report.errors += errors
                    if reject is not None:
                        reject(number, raw, errors)
            report.duplicates += chunk.duplicates
            report.skipped_erased += chunk.skipped_erased
            report.suppressed += chunk.dropped_suppressed
            report.applied += len(chunk.events)
            writer.write(chunk)
            done += len(chunk_events)
            if progress:
                progress("applied", done)
        if report.errors and not skip_invalid:
            report.applied = 0
            return  # leaving without commit rolls everything back
        before_commit(report)
        writer.commit()
        report.committed = True
