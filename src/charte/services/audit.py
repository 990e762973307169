"""Recording every access and change in the audit chain, checkpointing it, and verifying it.

``Auditor.record`` is called *before* a read returns anything: if the entry cannot be written the
read fails (fails closed). Checkpoints are signed and written outside the database every
``every`` entries of a period, or when a minute has passed since the last one, so that a tail cut
from the database is detected (``verify``).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.audit import (
    Action,
    Chained,
    Checkpoint,
    Entry,
    Stored,
    Verdict,
    period_purge_due,
    verify_chain,
)
from charte.domain.durations import Duration
from charte.services.access import AccessDenied
from charte.services.ports import Clock


@dataclass(slots=True)
class AuditScope:
    """The audit entries written while one request (or command) is served: what lets an entry
    point refuse to return personal data that no entry records (entrypoints.web.audited_reads)."""

    entries: int = 0


_scope: ContextVar[AuditScope | None] = ContextVar("charte_audit_scope", default=None)


@contextmanager
def audit_scope() -> Iterator[AuditScope]:
    """Count the entries written from here on, in this context and the threads it starts
    (a request's handler runs in a worker thread with a copy of the context: the same scope)."""
    scope = AuditScope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def note_entries(count: int) -> None:
    """``count`` entries were written (or spooled) for the current request, if one is counted.
    Called by ``Auditor.record`` and by the stores that append entries in their own transaction."""
    scope = _scope.get()
    if scope is not None:
        scope.entries += count


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an audit search matches: every given criterion, oldest entries first."""

    subject: str | None = None  # the HMAC, computed by the caller from a ref
    actor: str | None = None
    purpose: str | None = None
    since: str | None = None  # ISO 8601, compared with the stored UTC times
    until: str | None = None
    limit: int = 100


class Searchable(Protocol):
    def search(self, criteria: AuditFilter) -> list[dict[str, Any]]: ...


def search(
    *, store: Searchable, gate: AccessGate, auditor: Auditor, actor: str, role: str, criteria: AuditFilter
) -> list[dict[str, Any]]:
    """Audit entries for the console and the CLI: the roles with archive access only (they answer
    for what was read, by whom), and the search is itself an audit entry — who looked at whose reads."""
    open_log(
        gate=gate, auditor=auditor, actor=actor, role=role, subject=criteria.subject, detail={"of": "audit"}
    )
    return store.search(criteria)


def open_log(
    *, gate: AccessGate, auditor: Auditor, actor: str, role: str, subject: str | None, detail: dict[str, Any]
) -> None:
    """Record a look into the audit log (a search, an export), then refuse it unless the role may
    search the log: the entries name staff and, by their keyed HMACs, data subjects."""
    gate.require_role(role)
    allowed = may_search(gate, role).allowed
    entry = Entry(
        at=auditor.clock.now(),
        actor=actor,
        action=Action.LIST,
        role=role,
        subject=subject,
        decision="allowed" if allowed else f"denied:{Denial.ROLE_PURPOSE}",
        detail=detail,
    )
    auditor.record([entry])
    if not allowed:
        raise AccessDenied(may_search(gate, role))


def may_search(gate: AccessGate, role: str) -> Decision:
    """Who searches the audit log: the roles with archive access (they answer for what was read)."""
    if role in gate.archive_roles:
        return Decision(True, None, f"role '{role}' may search the audit log")
    return Decision(False, Denial.ROLE_PURPOSE, f"role '{role}' may not search the audit log")


class AuditStore(Protocol):
    def append(self, entries: Sequence[Entry]) -> list[Chained]: ...

    def periods(self) -> list[str]: ...

    def heads(self) -> dict[str, tuple[int, str]]: ...

    def stored(self, period: str) -> Iterable[Stored]: ...

    def altered(self) -> str | None: ...  # why the search columns cannot be trusted, if so

    def drop(self, period: str) -> int: ...


class Checkpoints(Protocol):
    def write(self, checkpoint: Checkpoint) -> Path: ...

    def latest(self) -> dict[str, Checkpoint]: ...

    def forget(self, period: str) -> int: ...


class Spool(Protocol):
    """Entries kept durably while the audit cannot be written (adapters.audit_spool)."""

    def keep(self, entries: Sequence[Entry]) -> None: ...

    def pending(self) -> tuple[list[Entry], int]: ...  # entries, lines read

    def clear(self, count: int) -> None: ...


class Auditor:
    """The one door to the audit chain for use cases; built once per process by the container."""

    def __init__(
        self,
        store: AuditStore,
        checkpoints: Checkpoints,
        clock: Clock,
        hasher: Callable[[str], str],
        *,
        every: int = 1000,
        seconds: float = 60.0,
        spool: Spool | None = None,
        spool_for: frozenset[str] = frozenset(),
    ) -> None:
        self.store, self.checkpoints, self.clock, self._hash = store, checkpoints, clock, hasher
        self.every, self.seconds = every, seconds
        self._last_checkpoint = time.monotonic()
        self._lock = threading.Lock()
        self.spool, self.spool_for = spool, spool_for
        self._group: GroupCommit | None = None
        self.checkpoint_error: str | None = None  # the last failure to write a checkpoint or clear the spool
        self._pinned: dict[str, int] | None = None  # the seq each period's last checkpoint pins

    def subject(self, kind: str, ref: str) -> str:
        """The HMAC that stands for a ref in the log (the same as the erasure ledger's)."""
        return self._hash(f"{kind}:{ref}")

    def record(self, entries: Sequence[Entry]) -> None:
        """Chain ``entries``; return once they are committed. If they cannot be, raise — unless
        every entry is for one of the policy's ``audit.spool_for`` purposes (alarm handling):
        then they are appended to the spool file, fsynced, and chained at the next success."""
        try:
            group = self._group
            if group is None:
                with self._lock:  # one process, one appender at a time: no head-lock contention
                    self._write(entries)
            else:
                group.submit(entries)
        except Exception:
            if self.spool is None or not entries or any(e.purpose not in self.spool_for for e in entries):
                raise
            self.spool.keep(entries)
        note_entries(len(entries))  # counted in the caller's thread (the group writer has its own)

    def start_group_commit(self, max_batch: int = 2000) -> None:
        """Serve many readers: one writer thread chains whatever has queued up in one
        transaction, so concurrent reads share a commit instead of queuing on the head lock.
        A read still returns only once its own entry is committed."""
        if self._group is None:
            self._group = GroupCommit(self, max_batch)

    def stop_group_commit(self) -> None:
        if self._group is not None:
            self._group.stop()
            self._group = None

    def _write(self, entries: Sequence[Entry]) -> None:
        """Append, first chaining whatever the spool kept while the audit was down.

        Once the append is committed nothing here may raise: the caller would take the entries
        for unwritten and spool them again."""
        spooled, lines = self.spool.pending() if self.spool is not None else ([], 0)
        chained = self.store.append([*spooled, *entries])
        if lines and self.spool is not None:
            try:
                self.spool.clear(lines)
            except OSError as exc:  # chained already: a failed clear re-chains them later, never loses them
                self.checkpoint_error = type(exc).__name__
        self.after_append(chained)

    def after_append(self, chained: Sequence[Chained]) -> None:
        """Checkpoint when a period crossed a multiple of ``every`` or the clock ran out.

        Called after entries are committed, so it never raises: a checkpoint that cannot be
        written is retried at the next append (its clock is not reset) and its error is kept in
        ``checkpoint_error`` (the exception's name only: its message may name paths)."""
        crossed = any(c.seq % self.every == 0 for c in chained)
        if chained and (crossed or time.monotonic() - self._last_checkpoint >= self.seconds):
            try:
                self.checkpoint()
                self.checkpoint_error = None
            except Exception as exc:  # the entries are safe in the chain; the folder is not
                self.checkpoint_error = type(exc).__name__

    def checkpoint(self) -> list[Checkpoint]:
        """Sign and write the head of every period's chain (what `charte audit checkpoint` does)."""
        written = []
        at = self.clock.now().isoformat()
        if self._pinned is None:  # read (and verify) the folder once per process, not per checkpoint
            self._pinned = {period: c.seq for period, c in self.checkpoints.latest().items()}
        for period, (seq, digest) in sorted(self.store.heads().items()):
            if self._pinned.get(period) == seq:
                continue
            c = Checkpoint(period, seq, digest, at)
            self.checkpoints.write(c)
            self._pinned[period] = seq
            written.append(c)
        self._last_checkpoint = time.monotonic()
        return written


class _Pending:
    __slots__ = ("done", "entries", "error")

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.done = threading.Event()
        self.error: Exception | None = None


class GroupCommit:
    """The writer thread behind ``Auditor.start_group_commit``."""

    def __init__(self, auditor: Auditor, max_batch: int) -> None:
        self._auditor, self._max = auditor, max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="charte-audit-writer", daemon=True)
        self._thread.start()

    def submit(self, entries: Sequence[Entry]) -> None:
        pending = _Pending(entries)
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, size, stopping = [first], len(first.entries), False
            while size < self._max:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
                size += len(more.entries)
            try:
                self._auditor._write([e for p in batch for e in p.entries])
            except Exception as exc:  # handed to every waiting reader, who raises it
                for p in batch:
                    p.error = exc
            for p in batch:
                p.done.set()
            if stopping:
                return


@dataclass(frozen=True, slots=True)
class Report:
    verdicts: list[Verdict]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def as_dict(self) -> dict[str, Any]:
        broken = next((v for v in self.verdicts if not v.ok), None)
        return {
            "ok": self.ok,
            "periods": len(self.verdicts),
            "entries": sum(v.entries for v in self.verdicts),
            "broken": None
            if broken is None
            else {"period": broken.period, "seq": broken.seq, "why": broken.why},
        }


def verify(*, store: AuditStore, checkpoints: Checkpoints) -> Report:
    """Every period's chain against its bytes and its last signed checkpoint.

    A period that has a checkpoint but no entry left was deleted whole; it is reported too."""
    altered = store.altered()
    if altered is not None:
        return Report([Verdict("*", 0, False, None, altered)])
    latest = checkpoints.latest()
    verdicts = [verify_chain(p, store.stored(p), latest.get(p)) for p in store.periods()]
    seen = {v.period for v in verdicts}
    for period, c in sorted(latest.items()):
        if period not in seen:
            verdicts.append(verify_chain(period, [], c))
    return Report(sorted(verdicts, key=lambda v: v.period))


def drop_expired(
    *, store: AuditStore, checkpoints: Checkpoints, retention: Duration, as_of: date, dry_run: bool = False
) -> list[dict[str, Any]]:
    """Drop every period whose whole month is past the policy's audit retention on ``as_of``
    (the audit log is personal data about staff and subjects: it too is kept no longer)."""
    dropped = []
    for period in store.periods():
        due = period_purge_due(period, retention)
        if due > as_of:
            continue
        entries = None if dry_run else store.drop(period)
        if not dry_run:
            checkpoints.forget(period)
        dropped.append({"period": period, "purge_due": due.isoformat(), "entries": entries})
    return dropped
