"""Importing lifecycle events: atomically, in bounded memory, with every bad line reported.

A reader thread parses and checks each line alone (JSON, envelope, fields, allow-lists) and
hands them on in chunks of ``CHUNK`` lines, while the caller's thread applies the chunks already
read, in file order, inside one transaction: the store loads the state of every ref a chunk
names in a few queries, ``RegisterChunk`` checks and applies the events, and the store writes the
chunk's net changes in bulk. The two overlap (the reader parses while the database works), and at most
``AHEAD`` chunks wait between them: memory holds a few chunks whatever the file size, and nothing
is spooled (writing and reading back every parsed event cost 15 % of an import, measured).

A file is applied whole or not at all: if any line is refused, the transaction is rolled back and
every refused line is reported. With ``skip_invalid`` the valid lines are applied and the refused
ones handed to ``reject`` with their reasons, so nothing is lost.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Protocol

from charte.domain.audit import Action, Entry
from charte.domain.register import Event, LineError
from charte.domain.register_rules import RegisterChunk
from charte.services.audit import Auditor

CHUNK = 2000
AHEAD = 4  # chunks parsed ahead of the one being applied

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


@dataclass(slots=True)
class _Checked:
    """A chunk of the file, checked line by line: its valid events and its refused lines."""

    lines: int = 0  # non-blank lines read up to the chunk's end
    events: list[tuple[int, bytes, Event]] = field(default_factory=list)
    refused: list[tuple[int, bytes, list[LineError]]] = field(default_factory=list)


def _checked(source: IO[bytes], parser: EventParser) -> Iterator[_Checked]:
    chunk, lines = _Checked(), 0
    for number, raw in _lines(source):
        lines += 1
        parsed = parser.parse(raw, number)
        if isinstance(parsed, list):
            chunk.refused.append((number, raw, parsed))
        else:
            chunk.events.append((number, raw, parsed))
        # Bounded by lines, not by valid events: a file of refused lines keeps no more of them
        # waiting than a chunk (each is reported as its chunk comes).
        if len(chunk.events) + len(chunk.refused) == CHUNK:
            chunk.lines = lines
            yield chunk
            chunk = _Checked()
    chunk.lines = lines
    yield chunk


_END = object()


def _ahead(items: Iterable[_Checked], depth: int = AHEAD) -> Iterator[_Checked]:
    """``items``, produced by a thread of their own at most ``depth`` ahead of the consumer; an
    exception raised there is raised here; a consumer that stops early stops the thread."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as failure:  # handed to the consumer, raised in its thread
            put(failure)

    worker = threading.Thread(target=produce, name="charte-import-reader", daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


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
    done = 0
    # The register is checked even when lines were refused: only it can tell which other lines
    # are wrong (unknown refs, facts out of order), and the user wants every one at once.
    with store.importing() as writer:
        for checked in _ahead(_checked(source, parser)):
            report.lines = checked.lines
            for number, raw, errors in checked.refused:
                report.errors += errors
                if reject is not None:
                    reject(number, raw, errors)
            if progress:
                progress("checked", report.lines)
            if not checked.events:
                continue
            chunk = writer.load([e for _, _, e in checked.events])
            for number, raw, event in checked.events:
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
            done += len(checked.events)
            if progress:
                progress("applied", done)
        report.errors.sort(key=lambda e: e.line)
        if report.errors and not skip_invalid:
            report.applied = 0
            return report  # leaving without commit rolls everything back
        before_commit(report)
        writer.commit()
        report.committed = True
    return report
