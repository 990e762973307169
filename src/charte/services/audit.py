"""Recording every access and change in the audit chain, checkpointing it, and verifying it.

``Auditor.record`` is called *before* a read returns anything: if the entry cannot be written the
read fails (fails closed). Checkpoints are signed and written outside the database every
``every`` entries of a period, and — so that no tail stays unsigned for long, whatever the
traffic — by a signer thread within ``CHARTE_AUDIT_SIGN_WITHIN`` seconds of any new entry under
``charte serve``, when a command that wrote entries ends, and at shutdown. ``verify`` reports the
unsigned tail and fails when it is older than the window it allows: a tail cut from the database,
or rewritten after the newest checkpoints were removed, is then detected.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.audit import (
    SHARED,
    Action,
    Chained,
    ChainKey,
    Checkpoint,
    CheckpointBehind,
    Entry,
    Stored,
    Verdict,
    period_purge_due,
    stale_tail,
    verify_chain,
)
from charte.domain.durations import Duration
from charte.services.access import AccessDenied
from charte.services.errors import Refused
from charte.services.ports import Clock
from charte.services.read_model import JsonRecord


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


@dataclass(frozen=True, slots=True)
class Consultation:
    """An allowed read, listing or disclosure of one person's data, as an access answer tells it
    (CJEU C-579/21: when and for what, by the staff's role rather than their name)."""

    at: datetime
    action: str
    role: str | None
    purpose: str | None
    to: str | None = None  # the recipient, for a disclosure


class Searchable(Protocol):
    def search(self, criteria: AuditFilter) -> list[JsonRecord]: ...


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

    def already_chained(self, entries: Sequence[Entry]) -> list[bool]: ...  # each, in the chain already?

    def periods(self) -> list[str]: ...

    def chains(self, periods: Collection[str] | None = None) -> list[ChainKey]: ...  # holding entries

    def heads(self) -> dict[ChainKey, tuple[int, str]]: ...

    def stored(self, period: str, writer: str = SHARED) -> Iterable[Stored]: ...

    def altered(self) -> str | None: ...  # why the search columns cannot be trusted, if so

    def drop(self, period: str) -> int: ...

    def keep_ahead(self) -> None: ...  # partitions for the months to come, where partitioned


class Checkpoints(Protocol):
    def sign(self, period: str, heads: Mapping[str, tuple[int, str]], at: str) -> Checkpoint | None:
        """Pin a period's chains (writer -> head) after its newest checkpoint (None: pinned
        already); raises ``CheckpointBehind`` for a chain behind it, or gone."""
        ...

    def latest(self) -> dict[str, Checkpoint]: ...

    def witnessed(self, where: Path) -> dict[str, Checkpoint]: ...

    def forget(self, period: str) -> int: ...


class ChainCut(Refused):
    """A chain's head is behind its last signed checkpoint: it is not signed (the message says
    which period and entries)."""


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
        spool: Spool | None = None,
        spool_for: frozenset[str] = frozenset(),
    ) -> None:
        self.store, self.checkpoints, self.clock, self._hash = store, checkpoints, clock, hasher
        self.every = every
        self._lock = threading.Lock()
        self._signing = threading.Lock()  # one checkpoint round at a time in this process
        self._signer: Signer | None = None
        self.spool, self.spool_for = spool, spool_for
        self._group: GroupCommit | None = None
        self.checkpoint_error: str | None = None  # the last failure to write a checkpoint or clear the spool
        self._pinned: dict[str, dict[str, tuple[int, str]]] = {}  # the heads last seen pinned, per period
        # The chain this process appends to in each period: the shared one, or (a serving process,
        # ``own_chain``) one of its own, so that several processes never wait on one head row.
        self.writer = SHARED

    def subject(self, kind: str, ref: str) -> str:
        """The HMAC that stands for a ref in the log (the same as the erasure ledger's)."""
        return self._hash(f"{kind}:{ref}")

    def own_chain(self, writer: str) -> None:
        """Append to a chain of this process's own from now on (``writer``: unique among the
        processes that share the audit; entry points draw one at a serving process's start)."""
        self.writer = writer

    def record(self, entries: Sequence[Entry]) -> None:
        """Chain ``entries``; return once they are committed. If they cannot be, raise — unless
        every entry is for one of the policy's ``audit.spool_for`` purposes (alarm handling):
        then they are appended to the spool file, fsynced, and chained at the next success."""
        if self.writer:
            entries = [e if e.writer else replace(e, writer=self.writer) for e in entries]
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
        if spooled:
            # An append can commit and still fail for its caller: the primary lost after its
            # commit reached the standby, before the answer came back. Its alarm-handling entries
            # were spooled; those the chain holds already are not chained a second time.
            there = self.store.already_chained(spooled)
            spooled = [e for e, chained_already in zip(spooled, there, strict=True) if not chained_already]
        chained = self.store.append([*spooled, *entries])
        if lines and self.spool is not None:
            try:
                self.spool.clear(lines)
            except OSError as exc:  # chained already: a failed clear re-chains them later, never loses them
                self.checkpoint_error = type(exc).__name__
        self.after_append(chained, sign_now=bool(lines))

    def after_append(self, chained: Sequence[Chained], *, sign_now: bool = False) -> None:
        """Checkpoint when a period crossed a multiple of ``every`` (or at once: ``sign_now``,
        after spooled entries were chained with their old times).

        Called after entries are committed, so it never raises: a checkpoint that cannot be
        written is retried at the next append or by the signer, and its error is kept in
        ``checkpoint_error`` (the exception's name only: its message may name paths)."""
        if chained and (sign_now or any(c.seq % self.every == 0 for c in chained)):
            self.sign_quietly()

    def sign_quietly(self) -> bool:
        """``checkpoint`` that never raises (the signer, appends, shutdown); False on failure."""
        try:
            self.checkpoint()
        except Exception as exc:  # the entries are safe in the chain; the folder is not
            self.checkpoint_error = (
                f"{type(exc).__name__}: {exc}" if isinstance(exc, ChainCut) else type(exc).__name__
            )
            return False
        self.checkpoint_error = None
        return True

    def checkpoint(self) -> list[Checkpoint]:
        """Sign and write the head of every period's chain that moved since its last checkpoint
        (what `charte audit checkpoint` does). A head behind its last checkpoint is not signed:
        ``ChainCut`` names it, once every other period is signed."""
        with self._signing:
            written, cut = [], []
            at = self.clock.now().isoformat()
            by_period: dict[str, dict[str, tuple[int, str]]] = {}
            for (period, writer), head in sorted(self.store.heads().items()):
                by_period.setdefault(period, {})[writer] = head
            for period, heads in by_period.items():
                if self._pinned.get(period) == heads:
                    continue
                try:
                    c = self.checkpoints.sign(period, heads, at)
                except CheckpointBehind as behind:
                    cut.append(str(behind))
                    continue
                self._pinned[period] = heads
                if c is not None:
                    written.append(c)
            if cut:
                raise ChainCut("; ".join(cut))
            return written

    def start_signer(self, within: float) -> None:
        """Sign every moved head at most ``within`` seconds after it moved, whatever the traffic
        (a thread that looks every ``within / 2`` seconds: one read of the heads)."""
        if self._signer is None:
            self._signer = Signer(self, within)

    def stop_signer(self) -> None:
        """Stop the signer and sign a last time (shutdown leaves no unsigned tail)."""
        if self._signer is not None:
            self._signer.stop()
            self._signer = None
        self.sign_quietly()


class Signer:
    """The thread behind ``Auditor.start_signer``."""

    def __init__(self, auditor: Auditor, within: float) -> None:
        self._auditor, self._pause = auditor, max(within / 2, 0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="charte-audit-signer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._pause):
            self._auditor.sign_quietly()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


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
        since = [v.unsigned_since for v in self.verdicts if v.unsigned and v.unsigned_since]
        return {
            "ok": self.ok,
            "periods": len({v.period for v in self.verdicts}),
            "chains": len(self.verdicts),
            "entries": sum(v.entries for v in self.verdicts),
            "unsigned": {
                "entries": sum(v.unsigned for v in self.verdicts),
                "since": min(since, default=None),
            },
            "broken": None
            if broken is None
            else {"period": broken.period, "seq": broken.seq, "why": broken.why},
        }


def verify(
    *,
    store: AuditStore,
    checkpoints: Checkpoints,
    now: datetime | None = None,
    unsigned_for: timedelta | None = None,
    witness: Path | None = None,
    only: Collection[str] | None = None,
) -> Report:
    """Every period's chain against its bytes and its last signed checkpoint.

    A period that has a checkpoint but no entry left was deleted whole; it is reported too. With
    ``now`` and ``unsigned_for``, a tail signed by no checkpoint for longer than that breaks the
    period (``stale_tail``). With ``witness`` (a copy of the newest checkpoints kept elsewhere),
    a folder that no longer holds them — rolled back, or cut — breaks the period it concerns, and
    the chain must reach the witness's entry too. With ``only``, those periods alone (a breach's
    window): a period named there that holds no entry and no checkpoint verifies empty."""
    altered = store.altered()
    if altered is not None:
        return Report([Verdict("*", 0, False, None, altered)])
    latest = checkpoints.latest()
    pins = dict(latest)
    rolled: dict[str, str] = {}
    for period, w in (checkpoints.witnessed(witness) if witness is not None else {}).items():
        held = latest.get(period)
        if held is None or (held.n, held.seq) < (w.n, w.seq):
            where = f"checkpoint {held.n} (entry {held.seq})" if held is not None else "no checkpoint"
            rolled[period] = (
                f"the checkpoint folder holds {where} of {period}, the witness checkpoint {w.n} "
                f"(entry {w.seq}): the folder was rolled back or cut"
            )
            pins[period] = w
    verdicts = []
    # Every chain holding entries, and every chain a checkpoint pins (one deleted whole has none).
    chains = set(store.chains(only)) | {(p, w) for p, c in pins.items() for w in c.heads()}
    if only is not None:
        chains = {(p, w) for p, w in chains if p in only} | {(p, SHARED) for p in only}
    for period, writer in sorted(chains):
        verdict = verify_chain(period, store.stored(period, writer), pins.get(period), writer)
        if period in rolled:  # whatever else breaks against the witness, the folder went back first
            verdict = replace(verdict, ok=False, seq=pins[period].seq, why=rolled[period])
        if now is not None and unsigned_for is not None:
            verdict = stale_tail(verdict, now, unsigned_for)
        verdicts.append(verdict)
    return Report(verdicts)


def drop_expired(
    *, store: AuditStore, checkpoints: Checkpoints, retention: Duration, as_of: date, dry_run: bool = False
) -> list[dict[str, Any]]:
    """Drop every period whose whole month is past the policy's audit retention on ``as_of``
    (the audit log is personal data about staff and subjects: it too is kept no longer)."""
    dropped = []
    if not dry_run:
        store.keep_ahead()  # the daily run: where the audit is partitioned, the months to come get theirs
    for period in store.periods():
        due = period_purge_due(period, retention)
        if due > as_of:
            continue
        entries = None if dry_run else store.drop(period)
        if not dry_run:
            checkpoints.forget(period)
        dropped.append({"period": period, "purge_due": due.isoformat(), "entries": entries})
    return dropped
