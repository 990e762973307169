"""The retention sweep in SQL: whole persons per batch, one transaction per batch, set-based.

For the persons of a batch whose units are due, in order:
1. the due units' roles go (a prospect's contact log with its prospect role);
2. attributions no remaining role justifies go, then the fields nobody justifies any more;
3. a person left without any role goes whole, remembered by a tombstone (HMAC of the ref);
4. contracts and sites nothing refers to any more go;
5. each erased unit leaves a proof (no personal data), an audit entry chained in the same
   transaction, and `erasure.required` orders for the systems that hold what went.
Erasure deletes rows: a soft-delete flag is not erasure. A batch killed at any point leaves every
person whole or gone; a rerun finds what is still due. On PostgreSQL a batch locks its persons
with SKIP LOCKED, so two sweeps may run at once without erasing twice or deadlocking.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import OperationalError

from charte.adapters.db import tables as t
from charte.adapters.db.applied_effects import already, remember
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.erasure_marks import bury
from charte.adapters.db.outbox_store import add_orders
from charte.adapters.db.rights_effects import owe_notices
from charte.adapters.db.times import utc
from charte.adapters.ref_hmac import RefHasher
from charte.domain.audit import Action, Entry
from charte.domain.orders import OrderKind, plan_orders
from charte.domain.policy import Policy
from charte.domain.retention import UnitKind, UnitStatus
from charte.domain.rights import UnitAtRequest, erasure_plan
from charte.domain.vocabulary import RestrictionGround
from charte.services.ports import Clock, ErasureLedger

ERASURE = OrderKind.ERASURE_REQUIRED.value  # the effect an erasure on request records (applied_effects)
PER_CONTRACT = (UnitKind.CLIENT.value, UnitKind.OTHER_CONTACT.value)
CONTEXT_KIND = {
    UnitKind.CLIENT.value: "contract",
    UnitKind.OTHER_CONTACT.value: "contract",
    UnitKind.TRUSTED_PERSON.value: "site",
}


@dataclass(slots=True)
class SweepTotals:
    batches: int = 0
    units: Counter[str] = field(default_factory=Counter)  # by rule
    persons_erased: int = 0
    fields_erased: int = 0
    orders: int = 0
    kept_by_holds: Counter[str] = field(default_factory=Counter)  # units held on as_of, by case
    suppressions_purged: int = 0  # suppression-list entries past their retention
    recordings_erased: int = 0  # calls (metadata, audio, transcript) past their retention
    analysis_documents_erased: int = 0  # scoring grids and reports past theirs


class SqlSweep:
    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        hasher: RefHasher,
        clock: Clock,
        *,
        audit: SqlAuditStore | None = None,
        calls: SqlCalls | None = None,
        ledger: ErasureLedger | None = None,
    ) -> None:
        self.engine, self.policy, self.hasher, self.clock = engine, policy, hasher, clock
        self.calls = calls  # recordings are swept after the persons (issue 7)
        self.audit = audit  # each erasure becomes an audit entry, in the batch's transaction
        self.ledger = ledger  # and a line outside the database, written before the commit
        self._arrays = engine.dialect.name == "postgresql"

    def _among(self, column: Any, values: Any) -> ColumnElement[bool]:
        """`column IN values`. On PostgreSQL one array parameter (`= ANY(...)`) rather than one
        parameter per value: a batch's statements are then rendered, sent and planned once, not
        with hundreds of placeholders each time (measured: BENCHMARKS.md)."""
        values = list(values)
        if self._arrays:
            return column == any_(literal(values, ARRAY(column.type)))  # type: ignore[no-any-return]
        return column.in_(values)  # type: ignore[no-any-return]

    def run(self, as_of: date, *, dry_run: bool, batch_size: int) -> SweepTotals:
        totals = SweepTotals()
        with self.engine.connect() as conn:  # what the holds keep today, told with what goes
            u = t.retention_units.c
            held = (
                select(u.held_by, func.count()).where(u.status == UnitStatus.HELD.value).group_by(u.held_by)
            )
            for held_by, count in conn.execute(held):  # counted by the database, one row per set of cases
                for case in held_by.split(",") if held_by else ["(unknown)"]:
                    totals.kept_by_holds[case] += count
        if dry_run:  # the very same work, rolled back: the figures are exact, nothing is kept
            with self.engine.connect() as conn:
                tx = conn.begin()
                self._all(conn, as_of, batch_size, totals)
                tx.rollback()
                k = t.calls.c
                totals.recordings_erased = conn.execute(
                    select(func.count()).select_from(t.calls).where(k.purge_due <= as_of)
                ).scalar_one()
                totals.analysis_documents_erased = conn.execute(
                    select(func.count())
                    .select_from(t.call_analyses)
                    .where(t.call_analyses.c.purge_due <= as_of)
                ).scalar_one()
            return totals
        after = 0
        while True:
            done = self._committed_batch(as_of, after, batch_size, totals)
            if done is None:
                break
            after = done
        with self.engine.begin() as conn:  # objections past the suppression list's retention
            s = t.suppression_list.c
            totals.suppressions_purged = conn.execute(
                delete(t.suppression_list).where(s.purge_due <= as_of)
            ).rowcount
        if self.calls is not None:
            totals.recordings_erased, totals.analysis_documents_erased = self.calls.purge(
                as_of, "charte-sweep", batch_size
            )
        counts = {
            "units_by_rule": dict(sorted(totals.units.items())),
            "persons_erased": totals.persons_erased,
            "fields_erased": totals.fields_erased,
            "orders": totals.orders,
            "recordings_erased": totals.recordings_erased,
            "kept_by_holds": sum(totals.kept_by_holds.values()),
        }
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.sweep_runs).values(
                    as_of=as_of, finished_at=self.clock.now().astimezone(UTC), totals=json.dumps(counts)
                )
            )
        return totals

    def last_run(self) -> dict[str, Any] | None:
        """The last sweep that ran (not a dry run): its day, when it finished, its counts."""
        r = t.sweep_runs.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(r.as_of, r.finished_at, r.totals).order_by(r.id.desc()).limit(1)
            ).first()
        if row is None:
            return None
        finished = utc(row.finished_at).isoformat()
        return {"as_of": row.as_of.isoformat(), "finished_at": finished, **json.loads(row.totals)}

    def _committed_batch(self, as_of: date, after: int, size: int, totals: SweepTotals) -> int | None:
        """One batch in its own transaction. On SQLite another sweep's commit can make this batch's
        snapshot stale ("database is locked" at its first write): the batch, rolled back whole, is
        simply run again. PostgreSQL's SKIP LOCKED needs no retry."""
        for attempt in range(50):
            partial = SweepTotals()
            try:
                with self.engine.begin() as conn:
                    done = self._batch(conn, as_of, after, size, partial)
            except OperationalError:
                if self.engine.dialect.name != "sqlite" or attempt == 49:
                    raise
                time.sleep(0.01 * (attempt + 1))
                continue
            totals.batches += partial.batches
            totals.units.update(partial.units)
            totals.persons_erased += partial.persons_erased
            totals.fields_erased += partial.fields_erased
            totals.orders += partial.orders
            return done
        return None  # not reached: the last attempt raises

    def _all(self, conn: Connection, as_of: date, size: int, totals: SweepTotals) -> None:
        after = 0
        while (done := self._batch(conn, as_of, after, size, totals)) is not None:
            after = done

    def _batch(self, conn: Connection, as_of: date, after: int, size: int, totals: SweepTotals) -> int | None:
        """Erase what is due for the next batch of persons; return the last person id looked at."""
        u, p = t.retention_units.c, t.persons.c
        # GDPR Art. 18(1)(c): a person who restricted their data because they need it for legal
        # claims keeps it, past its purge date, until the restriction is lifted.
        kept_for_claims = (
            select(p.id)
            .where(p.id == u.person_id, p.restriction_ground == RestrictionGround.LEGAL_CLAIMS.value)
            .exists()
        )
        candidates = (
            conn.execute(
                select(u.person_id)
                .where(u.purge_due <= as_of, u.person_id > after, ~kept_for_claims)
                .group_by(u.person_id)
                .order_by(u.person_id)
                .limit(size)
            )
            .scalars()
            .all()
        )
        if not candidates:
            return None
        # Whole persons, locked; persons another sweep holds are left to it.
        locked = conn.execute(
            select(p.id, p.ref)
            .where(self._among(p.id, candidates))
            .order_by(p.id)
            .with_for_update(skip_locked=True)
        ).all()
        if locked:
            self._erase(conn, dict(locked), as_of, totals)
            totals.batches += 1
        return int(candidates[-1])

    def erase_on_request(
        self, request_id: int, ref: str, actor: str, kinds: frozenset[str] | None = None
    ) -> dict[str, Any]:
        """GDPR Art. 17: erase now the person's units whose rule says so, the way the sweep erases
        (roles, then unjustified fields, the person when nothing is left, tombstones, proofs,
        orders, audit entries), with the Art. 19 notices owed to recipients, in one transaction;
        say what is kept, why and until when. Applied once per request: asked again (an answer
        interrupted after this commit), it returns what it did the first time."""
        u, p = t.retention_units.c, t.persons.c
        actions = {
            rid: (
                rule.on_erasure_request.action.value,
                rule.on_erasure_request.ground.value if rule.on_erasure_request.ground else None,
            )
            for rid, rule in self.policy.retention.items()
        }
        today, now = self.clock.today(), self.clock.now()
        with self.engine.begin() as conn:
            pid = conn.execute(select(p.id).where(p.ref == ref).with_for_update()).scalar()
            if (before := already(conn, request_id, ERASURE)) is not None:
                return before
            if pid is None:
                return {"erased": [], "kept": [], "person_erased": False, "orders": 0, "recipients": []}
            units = [
                UnitAtRequest(row.id, row.kind, row.context, row.rule, row.status, row.purge_due)
                for row in conn.execute(
                    select(u.id, u.kind, u.context, u.rule, u.status, u.purge_due).where(u.person_id == pid)
                )
                if kinds is None or row.kind in kinds  # an objection erases only what served the purpose
            ]
            erase, kept = erasure_plan(units, actions, today)
            totals = SweepTotals()
            fields: list[str] = []
            recipients: list[str] = []
            if erase:
                gone = self._erase(
                    conn, {pid: ref}, today, totals, unit_ids=erase, request=(request_id, actor)
                )
                fields = gone.get(pid, [])
                whole = totals.persons_erased == 1
                kind = OrderKind.ERASURE_REQUIRED
                recipients = owe_notices(
                    conn, self.hasher, request_id, ref, kind, None if whole else set(fields), now
                )
            erased = [x for x in units if x.id in set(erase)]
            detail = self._erasure_detail(erased, kept, totals, fields, recipients)
            return remember(conn, request_id, ERASURE, detail, now, actor) if erase else detail

    @staticmethod
    def _erasure_detail(
        erased: list[UnitAtRequest],
        kept: list[Any],
        totals: SweepTotals,
        fields: list[str],
        recipients: list[str],
    ) -> dict[str, Any]:
        return {
            "erased": [{"unit": x.kind, "context": x.context or None} for x in erased],
            "kept": [
                {
                    "unit": k.kind,
                    "context": k.context or None,
                    "why": k.why,
                    "until": k.until.isoformat() if k.until else None,
                }
                for k in kept
            ],
            "person_erased": totals.persons_erased == 1,
            "fields": fields,
            "orders": totals.orders,
            "recipients": recipients,
        }

    def erase_units(
        self,
        conn: Connection,
        refs: dict[int, str],
        today: date,
        totals: SweepTotals,
        unit_ids: list[int],
        request: int | None,
        actor: str,
    ) -> None:
        """Erase these units of the locked persons ``refs`` in the caller's transaction, as the
        sweep (``request`` None) or the request that asked did: the erasure ledger's replay."""
        asked = (request, actor) if request is not None else None
        self._erase(conn, refs, today, totals, unit_ids=unit_ids, request=asked, actor=actor)

    def _erase(
        self,
        conn: Connection,
        refs: dict[int, str],
        as_of: date,
        totals: SweepTotals,
        *,
        unit_ids: list[int] | None = None,
        request: tuple[int, str] | None = None,
        actor: str = "charte-sweep",
    ) -> dict[int, list[str]]:
        """Erase what is due for the locked persons ``refs`` (id -> ref); with ``unit_ids``, those
        units instead, erased on ``request`` (its number and handler); audited as ``actor``
        when no request asked."""
        ids = list(refs)
        u, r, pf, fs, p = t.retention_units.c, t.roles.c, t.person_fields.c, t.field_sources.c, t.persons.c
        which = self._among(u.id, unit_ids) if unit_ids is not None else (u.purge_due <= as_of)
        due = conn.execute(
            select(u.id, u.person_id, u.kind, u.context, u.rule, u.purge_due).where(
                self._among(u.person_id, ids), which
            )
        ).all()
        if not due:
            return {}
        contract_ids = dict(
            conn.execute(
                select(t.contracts.c.ref, t.contracts.c.id).where(
                    self._among(t.contracts.c.ref, {d.context for d in due if d.kind in PER_CONTRACT})
                )
            ).all()
        )
        site_ids = dict(
            conn.execute(
                select(t.sites.c.ref, t.sites.c.id).where(
                    self._among(
                        t.sites.c.ref, {d.context for d in due if d.kind == UnitKind.TRUSTED_PERSON.value}
                    )
                )
            ).all()
        )
        prospects = [d.person_id for d in due if d.kind == UnitKind.PROSPECT.value]
        # Sites that may be left without anything: those of the units, of their contracts, of prospects.
        sites = set(site_ids.values())
        sites |= set(
            conn.execute(
                select(t.contracts.c.site_id).where(self._among(t.contracts.c.id, contract_ids.values()))
            ).scalars()
        )
        sites |= set(
            conn.execute(
                select(r.site_id).where(
                    self._among(r.person_id, prospects),
                    r.role == UnitKind.PROSPECT.value,
                    r.site_id.is_not(None),
                )
            ).scalars()
        )

        # 1. The due units' roles: one executemany per kind of context, not a statement per unit.
        by_contract = [
            {"p": d.person_id, "k": d.kind, "x": contract_ids[d.context]}
            for d in due
            if d.kind in PER_CONTRACT and d.context in contract_ids
        ]
        by_site = [
            {"p": d.person_id, "k": d.kind, "x": site_ids[d.context]}
            for d in due
            if d.kind == UnitKind.TRUSTED_PERSON.value and d.context in site_ids
        ]
        for column, params in ((r.contract_id, by_contract), (r.site_id, by_site)):
            if params:
                same = (r.person_id == bindparam("p"), r.role == bindparam("k"), column == bindparam("x"))
                conn.execute(delete(t.roles).where(*same), params)
        if prospects:
            conn.execute(
                delete(t.roles).where(self._among(r.person_id, prospects), r.role == UnitKind.PROSPECT.value)
            )
            conn.execute(delete(t.contact_log).where(self._among(t.contact_log.c.person_id, prospects)))
        # 2. Attributions no role justifies, then fields no attribution justifies.
        role_left = select(r.id).where(r.person_id == fs.person_id, r.role == fs.role)
        conn.execute(delete(t.field_sources).where(self._among(fs.person_id, ids), ~exists(role_left)))
        unjustified = (
            self._among(pf.person_id, ids),
            ~exists(select(fs.field).where(fs.person_id == pf.person_id, fs.field == pf.field)),
        )
        erased_fields: dict[int, list[str]] = defaultdict(list)
        for pid, name in conn.execute(select(pf.person_id, pf.field).where(*unjustified).order_by(pf.field)):
            erased_fields[pid].append(name)
        conn.execute(delete(t.person_fields).where(*unjustified))
        # 3. Persons left without any role: gone, remembered by a tombstone.
        gone = set(
            conn.execute(
                select(p.id).where(self._among(p.id, ids), ~exists(select(r.id).where(r.person_id == p.id)))
            ).scalars()
        )
        stones = [(self.hasher(f"person:{refs[i]}"), "person", as_of) for i in gone]
        conn.execute(delete(t.retention_units).where(self._among(u.id, [d.id for d in due])))
        if gone:
            conn.execute(delete(t.persons).where(self._among(p.id, gone)))
        # 4. Contracts and sites nothing refers to any more.
        c = t.contracts.c
        contract_refs = {v: k for k, v in contract_ids.items()}
        dead = (
            conn.execute(
                select(c.id).where(
                    self._among(c.id, contract_ids.values()),
                    ~exists(select(r.id).where(r.contract_id == c.id)),
                )
            )
            .scalars()
            .all()
        )
        stones += [(self.hasher(f"contract:{contract_refs[i]}"), "contract", as_of) for i in dead]
        conn.execute(delete(t.contracts).where(self._among(c.id, dead)))
        orphan_site = (
            ~exists(select(c.id).where(c.site_id == t.sites.c.id)),
            ~exists(select(r.id).where(r.site_id == t.sites.c.id)),
        )
        empty = conn.execute(
            select(t.sites.c.id, t.sites.c.ref).where(self._among(t.sites.c.id, sites), *orphan_site)
        ).all()
        stones += [(self.hasher(f"site:{ref}"), "site", as_of) for _, ref in empty]
        conn.execute(delete(t.site_fields).where(self._among(t.site_fields.c.site_id, [i for i, _ in empty])))
        conn.execute(delete(t.sites).where(self._among(t.sites.c.id, [i for i, _ in empty])))
        bury(conn, stones, redate=True)
        # 5. Proofs and orders, then the ledger line: written before the commit, it errs towards
        # erasure (adapters/erasure_ledger.py) if anything after it fails.
        now = self.clock.now().astimezone(UTC)
        proofs = self._proofs_and_orders(
            conn, due, refs, gone, erased_fields, now, totals, as_of, request, actor
        )
        if self.ledger is not None:
            self.ledger.write(ledger_record(now, proofs, stones, request))
        totals.persons_erased += len(gone)
        totals.fields_erased += sum(len(v) for v in erased_fields.values())
        return erased_fields  # the field names each person lost (for the answer to a request)

    def _proofs_and_orders(
        self,
        conn: Connection,
        due: Sequence[Any],
        refs: dict[int, str],
        gone: set[int],
        erased: dict[int, list[str]],
        now: datetime,
        totals: SweepTotals,
        as_of: date,
        request: tuple[int, str] | None,
        actor: str,
    ) -> list[tuple[Any, ...]]:
        proofs, orders, entries = [], [], []
        for d in due:
            pid, kind, context = d.person_id, d.kind, d.context
            fields = erased.get(pid, [])
            # Erased on request, a unit is due the day it goes, whatever its schedule said.
            due_on = as_of if request is not None else d.purge_due
            why = f"rights_request:{request[0]}" if request is not None else f"retention:{d.rule}"
            proofs.append(
                (
                    self.hasher(f"person:{refs[pid]}"),
                    kind,
                    self.hasher(f"{CONTEXT_KIND[kind]}:{context}") if context else None,
                    d.rule,
                    due_on,
                    now,
                    pid in gone,
                    json.dumps(fields),
                )
            )
            if self.audit is not None:
                entries.append(
                    Entry(
                        at=now,
                        actor=request[1] if request is not None else actor,
                        action=Action.ERASE,
                        purpose=None,
                        subject=proofs[-1][0],
                        fields=tuple(fields),
                        detail={
                            "unit": kind,
                            "rule": d.rule,
                            "purge_due": due_on.isoformat(),
                            "context": proofs[-1][2],
                            "person_erased": pid in gone,
                        },
                    )
                )
            totals.units[d.rule] += 1
            concerning = None if pid in gone else list(self.policy.subject_categories[kind].fields)
            orders += plan_orders(
                self.policy,
                kind=OrderKind.ERASURE_REQUIRED,
                person_ref=refs[pid],
                at=now,
                reason=f"{why}:{kind}" + (f":{context}" if context else ""),
                fields=None if pid in gone else fields,
                concerning=concerning,
            )
        insert_rows(
            conn,
            t.erasure_proofs,
            (
                "person_hmac",
                "unit",
                "context_hmac",
                "rule",
                "purge_due",
                "erased_at",
                "person_erased",
                "fields_erased",
            ),
            proofs,
        )
        add_orders(conn, orders)
        if self.audit is not None:
            self.audit.append(entries, conn)
        totals.orders += len(orders)
        return proofs


def ledger_record(
    at: datetime,
    proofs: Sequence[tuple[Any, ...]],
    stones: Sequence[tuple[str, str, date]],
    request: tuple[int, str] | None,
) -> dict[str, Any]:
    """The erasure ledger's line for one transaction's erasures: the proofs' HMACs and names, the
    tombstones, and the request that asked (none for the sweep)."""
    return {
        "at": at,
        "request": request[0] if request is not None else None,
        "units": [
            {
                "person": person,
                "unit": unit,
                "context": context,
                "rule": rule,
                "person_erased": whole,
                "fields": json.loads(fields),
            }
            for person, unit, context, rule, _due, _at, whole, fields in proofs
        ],
        "tombstones": [[ref_hmac, kind, on.isoformat()] for ref_hmac, kind, on in stones],
    }
