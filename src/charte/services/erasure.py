"""Erasing personal data: one use case for the sweep, a request, an objection and the ledger's replay.

Each path loads the facts of a batch of locked persons through the ``ErasureStore`` port, asks
``domain.erasure.plan`` what goes and what stays, and has the store carry the plan out in the same
transaction — with the audit entries (one per erased unit, chained in that transaction), the orders
to the systems (the outbox), the Art. 19 notices owed on request, and the erasure ledger's line,
written before the commit so that a crash after it errs towards erasure (a restored backup replays
it). A batch is whole persons: a batch killed at any point leaves every person whole or gone.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from charte.domain import erasure
from charte.domain.audit import Action, Entry
from charte.domain.erasure import Asked, Cause, Due, ErasurePlan, Facts, Needed, Replayed
from charte.domain.objections import designations_ended
from charte.domain.orders import Order, OrderKind
from charte.domain.policy import Policy
from charte.domain.register import Role
from charte.services.errors import Conflict
from charte.services.ports import Clock, ErasureLedger
from charte.services.read_model import JsonRecord

SWEEP_ACTOR = "charte-sweep"
ERASURE_EFFECT = OrderKind.ERASURE_REQUIRED.value  # what an erasure on request records as applied
RETRIES = 50  # a batch another writer made stale is rolled back whole and run again


@dataclass(frozen=True, slots=True)
class Proof:
    """What an erased unit leaves: keyed HMACs and names only, no personal data."""

    person: str  # HMAC of "person:<ref>"
    unit: str
    context: str | None  # HMAC of "<contract|site>:<ref>"
    rule: str
    due_on: date
    erased_at: datetime
    person_erased: bool
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Applied:
    """What the store wrote for a plan: each erased unit's proof, and the tombstones (HMAC, kind)."""

    proofs: tuple[Proof, ...]
    tombstones: tuple[tuple[str, str], ...]


class ErasureTransaction(Protocol):
    """One transaction of the store: persons are locked, facts read and a plan carried out in it."""

    def lock_due(self, candidates: Sequence[int]) -> dict[int, str]:
        """Lock the candidates no other transaction holds (the others are left to it): id -> ref."""
        ...

    def lock(self, ref: str) -> int | None: ...

    def facts(self, persons: Mapping[int, str]) -> Facts:
        """The persons' units and roles, and their restriction (no fields, contracts nor sites yet)."""
        ...

    def details(self, facts: Facts, needed: Needed) -> Facts:
        """``facts`` completed with what the plan needs: the fields of the persons named, with
        their kinds or only their names; the contracts named with their sites; the sites."""
        ...

    def apply(self, plan: ErasurePlan, on: date, at: datetime) -> Applied:
        """Carry the plan out, set-based: a fixed number of statements whatever the batch."""
        ...

    def audit(self, entries: Sequence[Entry]) -> None:
        """Chain the entries in this transaction."""
        ...

    def owe_notices(self, request: int, plan: ErasurePlan, at: datetime) -> list[str]:
        """Record the plan's Art. 19 notices, one per recipient the disclosure ledger names."""
        ...

    def owe_client_notices(self, request: int, sites: Sequence[str], at: datetime) -> list[str]:
        """Record a notice to each client of ``sites`` (their trusted person is designated there no
        more); the clients' refs."""
        ...

    def already(self, request: int) -> JsonRecord | None: ...

    def remember(self, request: int, detail: dict[str, Any], at: datetime, actor: str) -> None: ...


class ErasureStore(Protocol):
    def transaction(self, *, keep: bool = True) -> AbstractContextManager[ErasureTransaction]:
        """A transaction, committed on exit (rolled back when ``keep`` is false); ``Conflict``
        when another writer made it stale: nothing of it was applied."""
        ...

    def due_persons(self, as_of: date, after: int, size: int, spared: frozenset[str]) -> list[int]:
        """Up to ``size`` ids after ``after``, in order, of persons with a unit due on ``as_of`` and
        no restriction of the ``spared`` grounds."""
        ...

    def held(self) -> dict[str, int]:
        """Units held today, by case."""
        ...

    def purge_suppressions(self, as_of: date) -> int: ...

    def purge_prospecting(self, as_of: date, *, apply: bool = True) -> dict[str, int]:
        """Ended consents' proofs, the prospecting gate's kept answers and Bloctel lists past
        their retention, by kind (``apply=False``: counted, not purged)."""
        ...

    def record_run(self, as_of: date, at: datetime, counts: dict[str, Any]) -> None: ...


class Recordings(Protocol):
    def purge(self, as_of: date, actor: str, batch: int) -> tuple[int, int]: ...

    def due(self, as_of: date) -> tuple[int, int]:
        """(calls, analysis documents) due on ``as_of``: what a purge would erase."""
        ...


class ExpiringDatasets(Protocol):
    """Analysis datasets' builds past their retention (``services.datasets.Expiry``)."""

    def purge(self, as_of: date) -> int: ...

    def due(self, as_of: date) -> int: ...


@dataclass(frozen=True, slots=True)
class SweepRun:
    """A sweep that ran (not a dry run): the day it judged, when it finished, what it counted
    (the counts ``charte retention sweep`` printed: docs/cli.md)."""

    as_of: date
    finished_at: datetime
    counts: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "finished_at": self.finished_at.isoformat(), **self.counts}


@dataclass(slots=True)
class SweepTotals:
    batches: int = 0
    units: Counter[str] = field(default_factory=Counter)  # by rule
    persons_erased: int = 0
    fields_erased: int = 0
    orders: int = 0
    kept_by_holds: Counter[str] = field(default_factory=Counter)  # units held on as_of, by case
    suppressions_purged: int = 0  # suppression-list entries past their retention
    proofs_purged: Counter[str] = field(default_factory=Counter)  # consents, gate answers, Bloctel lists
    recordings_erased: int = 0  # calls (metadata, audio, transcript) past their retention
    analysis_documents_erased: int = 0  # scoring grids and reports past theirs
    datasets_expired: int = 0  # analysis datasets' builds (files and keys) past their retention

    def add(self, plan: ErasurePlan) -> None:
        self.units.update(e.unit.rule for e in plan.erased)
        self.persons_erased += len(plan.persons)
        self.fields_erased += sum(len(v) for v in plan.fields.values())
        self.orders += len(plan.orders)


class Eraser:
    def __init__(
        self,
        store: ErasureStore,
        policy: Policy,
        clock: Clock,
        *,
        ledger: ErasureLedger | None = None,
        recordings: Recordings | None = None,
        datasets: ExpiringDatasets | None = None,
    ) -> None:
        self.store, self.policy, self.clock = store, policy, clock
        self.ledger = ledger  # None for the replay: it re-applies lines, it adds none
        self.recordings = recordings  # recordings are swept after the persons
        self.datasets = datasets  # then the analysis datasets past their retention

    # -- the sweep ----------------------------------------------------------------------------

    def sweep(self, as_of: date, *, dry_run: bool, batch_size: int) -> SweepTotals:
        """Erase every unit due on ``as_of``, batch by batch; a dry run plans the very same batches
        and applies nothing (its figures are the plans')."""
        totals = SweepTotals()
        totals.kept_by_holds.update(self.store.held())
        spared = frozenset(g.value for g in erasure.SPARING_RESTRICTIONS)
        after = 0
        while candidates := self.store.due_persons(as_of, after, batch_size, spared):
            self._retried(lambda: self._sweep_batch(candidates, as_of, dry_run, totals))
            after = candidates[-1]
        if dry_run:
            totals.proofs_purged.update(self.store.purge_prospecting(as_of, apply=False))
            if self.recordings is not None:
                totals.recordings_erased, totals.analysis_documents_erased = self.recordings.due(as_of)
            if self.datasets is not None:
                totals.datasets_expired = self.datasets.due(as_of)
            return totals
        totals.suppressions_purged = self.store.purge_suppressions(as_of)
        totals.proofs_purged.update(self.store.purge_prospecting(as_of))
        if self.recordings is not None:
            totals.recordings_erased, totals.analysis_documents_erased = self.recordings.purge(
                as_of, SWEEP_ACTOR, batch_size
            )
        if self.datasets is not None:
            totals.datasets_expired = self.datasets.purge(as_of)
        counts = {
            "units_by_rule": dict(sorted(totals.units.items())),
            "persons_erased": totals.persons_erased,
            "fields_erased": totals.fields_erased,
            "orders": totals.orders,
            "recordings_erased": totals.recordings_erased,
            "datasets_expired": totals.datasets_expired,
            "kept_by_holds": sum(totals.kept_by_holds.values()),
            "proofs_purged": dict(sorted(totals.proofs_purged.items())),
        }
        self.store.record_run(as_of, self.clock.now(), counts)
        return totals

    def _sweep_batch(
        self, candidates: Sequence[int], as_of: date, dry_run: bool, totals: SweepTotals
    ) -> None:
        with self.store.transaction(keep=not dry_run) as tx:
            locked = tx.lock_due(candidates)
            if not locked:
                return
            plan = self._carry_out(tx, locked, Due(as_of), as_of, SWEEP_ACTOR, apply=not dry_run)
        totals.batches += 1
        totals.add(plan)

    def _retried(self, batch: Callable[[], None]) -> None:
        """On SQLite another writer's commit can make a batch's snapshot stale: rolled back whole,
        it is simply run again. PostgreSQL's SKIP LOCKED needs no retry."""
        for attempt in range(RETRIES):
            try:
                batch()
                return
            except Conflict:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))

    # -- on request ---------------------------------------------------------------------------

    def on_request(
        self,
        request_id: int,
        ref: str,
        actor: str,
        kinds: frozenset[str] | None = None,
        also: Sequence[Order] = (),
        notes: Mapping[str, Any] | None = None,
        clients_of: Sequence[str] = (),
    ) -> dict[str, Any]:
        """GDPR Art. 17: erase now the person's units their rules let go (only ``kinds``, for an
        objection: what served the purpose), with the Art. 19 notices, in one transaction; say what
        is kept, why and until when. ``also``: orders the erasure brings (a designation ended),
        written in the same transaction when something goes; ``notes``: what the answer adds to
        what is remembered (the sites whose designation ended), so that a rerun tells it too;
        ``clients_of``: the sites whose clients are owed a notice (to designate another trusted
        person), recorded in the same transaction as ``also``.
        Applied once per request: asked again (an answer interrupted after this commit), it returns
        what it did the first time."""
        today, now = self.clock.today(), self.clock.now()
        with self.store.transaction() as tx:
            pid = tx.lock(ref)
            if (before := tx.already(request_id)) is not None:
                return before
            if pid is None:
                return {"erased": [], "kept": [], "person_erased": False, "orders": 0, "recipients": []}
            plan = self._carry_out(tx, {pid: ref}, Asked(request_id, today, kinds), today, actor, also=also)
            recipients = tx.owe_notices(request_id, plan, now) if not plan.empty else []
            detail = _answer(plan, pid, recipients) | dict(notes or {})
            if clients_of and not plan.empty:
                detail["clients_told"] = tx.owe_client_notices(request_id, clients_of, now)
            if not plan.empty:
                tx.remember(request_id, detail, now, actor)
            return detail

    # -- the replay ---------------------------------------------------------------------------

    def replayed(
        self,
        persons: Mapping[int, str],
        units: Sequence[int],
        request: int | None,
        actor: str,
        designations: str | None = None,
    ) -> SweepTotals:
        """Erase again, in one transaction, the units the ledger says ``request`` (None: the sweep)
        had erased, found in a copy restored from before they went. ``designations``: the erasure
        had ended the persons' designations (an objection, GDPR Art. 21(1)), for this reason; the
        designations the copy holds are ended again, their orders re-sent with the erasure's."""
        totals = SweepTotals()
        today = self.clock.today()
        with self.store.transaction() as tx:
            locked = tx.lock_due(sorted(persons))
            if locked:
                cause = Replayed(frozenset(units), request, today)
                totals.add(self._carry_out(tx, locked, cause, today, actor, designations=designations))
        return totals

    # -- shared -------------------------------------------------------------------------------

    def _carry_out(
        self,
        tx: ErasureTransaction,
        persons: Mapping[int, str],
        cause: Cause,
        on: date,
        actor: str,
        *,
        apply: bool = True,
        also: Sequence[Order] = (),
        designations: str | None = None,
    ) -> ErasurePlan:
        now = self.clock.now().astimezone(UTC)
        core = tx.facts(persons)
        if designations is not None:  # a replay: the designations the restored copy holds
            sites: dict[str, set[str]] = {}
            for role in core.roles:
                if role.kind == Role.TRUSTED_PERSON.value and role.site and role.person in persons:
                    sites.setdefault(persons[role.person], set()).add(role.site)
            also = [
                o
                for ref, at_sites in sorted(sites.items())
                for o in designations_ended(self.policy, ref, sorted(at_sites), designations, now)
            ]
        facts = tx.details(core, erasure.needed(core, cause, self.policy))
        plan = erasure.plan(facts, cause, self.policy, now)
        if plan.empty or not apply:
            return plan
        if also:
            plan = replace(plan, orders=(*plan.orders, *also))
        applied = tx.apply(plan, on, now)
        tx.audit([_entry(p, actor) for p in applied.proofs])
        if self.ledger is not None:  # before the commit (adapters/erasure_ledger.py)
            ended = next((o.reason for o in also if o.kind is OrderKind.DESIGNATION_ENDED), None)
            self.ledger.write(
                ledger_record(now, applied, on, plan.request, ended.rsplit(":site:", 1)[0] if ended else None)
            )
        return plan


def _entry(proof: Proof, actor: str) -> Entry:
    return Entry(
        at=proof.erased_at,
        actor=actor,
        action=Action.ERASE,
        purpose=None,
        subject=proof.person,
        fields=proof.fields,
        detail={
            "unit": proof.unit,
            "rule": proof.rule,
            "purge_due": proof.due_on.isoformat(),
            "context": proof.context,
            "person_erased": proof.person_erased,
        },
    )


def _answer(plan: ErasurePlan, pid: int, recipients: list[str]) -> dict[str, Any]:
    """What the answer to the request says: what went, what is kept, why and until when."""
    return {
        "erased": [{"unit": e.unit.kind, "context": e.unit.context or None} for e in plan.erased],
        "kept": [
            {
                "unit": k.unit.kind,
                "context": k.unit.context or None,
                "why": k.why,
                "until": k.until.isoformat() if k.until else None,
            }
            for k in plan.kept
        ],
        "person_erased": pid in plan.persons,
        "fields": list(plan.fields.get(pid, ())),
        "orders": len(plan.orders),
        "recipients": recipients,
    }


def ledger_record(
    at: datetime, applied: Applied, on: date, request: int | None, designations: str | None = None
) -> dict[str, Any]:
    """The erasure ledger's line for one transaction's erasures: the proofs' HMACs and names, the
    tombstones, the request that asked (none for the sweep) and, when the erasure ended the
    persons' designations, the reason its orders gave (a request and a purpose: no personal data)."""
    extra = {"designations_ended": designations} if designations else {}
    return {
        "at": at,
        "request": request,
        **extra,
        "units": [
            {
                "person": p.person,
                "unit": p.unit,
                "context": p.context,
                "rule": p.rule,
                "person_erased": p.person_erased,
                "fields": list(p.fields),
            }
            for p in applied.proofs
        ],
        "tombstones": [[ref_hmac, kind, on.isoformat()] for ref_hmac, kind in applied.tombstones],
    }
