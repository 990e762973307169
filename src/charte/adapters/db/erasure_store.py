"""Erasure in SQL: the facts of a batch of locked persons read, and an erasure plan carried out.

What goes and what stays is decided by ``charte.domain.erasure``; this module only reads the facts
the plan needs and applies it, set-based: a batch of persons costs the same fixed number of
statements whatever its size (ids in one array parameter on PostgreSQL, deletes of pairs as one
``executemany``). Erasure deletes rows: a soft-delete flag is not erasure. On PostgreSQL a sweep
locks its persons with SKIP LOCKED, so two sweeps may run at once without erasing twice or
deadlocking; on SQLite a batch made stale by another writer is rolled back whole (``Conflict``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import OperationalError

from charte.adapters.db import tables as t
from charte.adapters.db.applied_effects import already, remember
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.batch_lookups import among
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.engine import another_writer
from charte.adapters.db.erasure_marks import bury
from charte.adapters.db.outbox_store import add_orders
from charte.adapters.db.rights_effects import owe_client_notices, owe_notices
from charte.adapters.db.times import utc
from charte.adapters.ref_hmac import RefHasher
from charte.domain.audit import Entry
from charte.domain.durations import Duration
from charte.domain.erasure import Contract, ErasurePlan, Facts, Needed, Person, Role, Site, Unit
from charte.domain.orders import OrderKind
from charte.domain.prospecting import proof_purge_due
from charte.domain.retention import UnitStatus, context_name
from charte.domain.vocabulary import RestrictionGround
from charte.services.erasure import ERASURE_EFFECT, Applied, Proof, SweepRun
from charte.services.errors import Conflict

STATUSES = {s.value: s for s in UnitStatus}
NO_KIND: frozenset[str] = frozenset()
PROOF_COLUMNS = (
    "person_hmac",
    "unit",
    "context_hmac",
    "rule",
    "purge_due",
    "erased_at",
    "person_erased",
    "fields_erased",
)


class SqlErasureStore:
    def __init__(
        self,
        engine: Engine,
        hasher: RefHasher,
        *,
        audit: SqlAuditStore | None = None,
        consent_kept: Duration | None = None,
    ) -> None:
        self.engine, self.hasher, self.audit = engine, hasher, audit
        self.consent_kept = consent_kept  # the policy's consent_proof period; None: no prospecting

    @contextmanager
    def transaction(self, *, keep: bool = True) -> Iterator[SqlErasureTransaction]:
        try:
            with self.engine.connect() as conn:
                tx = conn.begin()
                try:
                    yield SqlErasureTransaction(conn, self.hasher, self.audit, self.consent_kept)
                except BaseException:
                    tx.rollback()
                    raise
                if keep:
                    tx.commit()
                else:
                    tx.rollback()
        except OperationalError as e:
            # SQLite: another writer's commit made this transaction's snapshot stale ("database is
            # locked" at its first write); it was rolled back whole. Any other failure is told as it is.
            if another_writer(e):
                raise Conflict("another writer changed the register during the erasure; retry") from e
            raise

    def due_persons(self, as_of: date, after: int, size: int, spared: frozenset[str]) -> list[int]:
        u, p = t.retention_units.c, t.persons.c
        spare = select(p.id).where(p.id == u.person_id, p.restriction_ground.in_(sorted(spared))).exists()
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(u.person_id)
                    .where(u.purge_due <= as_of, u.person_id > after, ~spare)
                    .group_by(u.person_id)
                    .order_by(u.person_id)
                    .limit(size)
                ).scalars()
            )

    def held(self) -> dict[str, int]:
        u = t.retention_units.c
        counts: dict[str, int] = defaultdict(int)
        query = select(u.held_by, func.count()).where(u.status == UnitStatus.HELD.value).group_by(u.held_by)
        with self.engine.connect() as conn:
            for held_by, count in conn.execute(query):  # one row per set of cases
                for case in held_by.split(",") if held_by else ["(unknown)"]:
                    counts[case] += count
        return dict(counts)

    def purge_suppressions(self, as_of: date) -> int:
        """Objections past the suppression list's retention."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    delete(t.suppression_list).where(t.suppression_list.c.purge_due <= as_of)
                ).rowcount
            )

    def purge_prospecting(self, as_of: date, *, apply: bool = True) -> dict[str, int]:
        """Ended consents, the gate's kept answers, Bloctel lists (with their numbers), closed
        breaches and staff trainings past their retention: one statement each, on an index of
        ``purge_due``; counted
        only when ``apply`` is false (a dry run)."""
        purged = {}
        with self.engine.begin() as conn:
            for name, table in (
                ("consents", t.consents),
                ("prospecting_decisions", t.prospecting_decisions),
                ("bloctel_lists", t.bloctel_lists),
                # Closed breaches past breaches.keep_for, with their timeline and persons (cascade).
                ("breaches", t.breaches),
                # Staff trainings and the DPO's warnings past training.keep_for.
                ("trainings", t.trainings),
                ("training_warnings", t.training_warnings),
            ):
                due = table.c.purge_due <= as_of
                if not apply:
                    purged[name] = int(
                        conn.execute(select(func.count()).select_from(table).where(due)).scalar_one()
                    )
                    continue
                if table is t.bloctel_lists:  # the numbers first, in one statement (not row by row)
                    listed = select(t.bloctel_lists.c.id).where(due)
                    conn.execute(delete(t.bloctel_numbers).where(t.bloctel_numbers.c.list_id.in_(listed)))
                purged[name] = int(conn.execute(delete(table).where(due)).rowcount)
        return purged

    def record_run(self, as_of: date, at: datetime, counts: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.sweep_runs).values(
                    as_of=as_of, finished_at=at.astimezone(UTC), totals=json.dumps(counts)
                )
            )

    def last_run(self) -> SweepRun | None:
        """The last sweep that ran (not a dry run): its day, when it finished, its counts."""
        r = t.sweep_runs.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(r.as_of, r.finished_at, r.totals).order_by(r.id.desc()).limit(1)
            ).first()
        if row is None:
            return None
        return SweepRun(row.as_of, utc(row.finished_at), json.loads(row.totals))


class SqlErasureTransaction:
    def __init__(
        self,
        conn: Connection,
        hasher: RefHasher,
        audit: SqlAuditStore | None,
        consent_kept: Duration | None = None,
    ) -> None:
        self.conn, self.hasher, self._audit = conn, hasher, audit
        self.consent_kept = consent_kept

    def _among(self, column: Any, values: Any) -> ColumnElement[bool]:
        """`column IN values` as one parameter (`= ANY(array)` on PostgreSQL, `json_each` on
        SQLite) rather than one per value: a batch's statements are then rendered, sent and
        planned once, not with thousands of placeholders each time (measured: BENCHMARKS.md)."""
        return among(column, values, self.conn.dialect.name)

    # -- locks ----------------------------------------------------------------------------------

    def lock_due(self, candidates: Sequence[int]) -> dict[int, str]:
        p = t.persons.c
        query = select(p.id, p.ref).where(self._among(p.id, candidates)).order_by(p.id)
        return dict(self.conn.execute(query.with_for_update(skip_locked=True)).all())

    def lock(self, ref: str) -> int | None:
        p = t.persons.c
        found = self.conn.execute(select(p.id).where(p.ref == ref).with_for_update()).scalar()
        return int(found) if found is not None else None

    # -- facts ----------------------------------------------------------------------------------

    def facts(self, persons: Mapping[int, str]) -> Facts:
        ids = list(persons)
        conn = self.conn
        u, r, c, s, p = t.retention_units.c, t.roles.c, t.contracts.c, t.sites.c, t.persons.c
        grounds = dict(conn.execute(select(p.id, p.restriction_ground).where(self._among(p.id, ids))).all())
        units = tuple(
            Unit(uid, pid, kind, context, rule, STATUSES[status], due)
            for uid, pid, kind, context, rule, status, due in conn.execute(
                select(u.id, u.person_id, u.kind, u.context, u.rule, u.status, u.purge_due).where(
                    self._among(u.person_id, ids)
                )
            )
        )
        roles = tuple(
            Role(rid, pid, kind, contract, site)
            for rid, pid, kind, contract, site in conn.execute(
                select(r.id, r.person_id, r.role, c.ref.label("contract"), s.ref.label("site"))
                .outerjoin(t.contracts, c.id == r.contract_id)
                .outerjoin(t.sites, s.id == r.site_id)
                .where(self._among(r.person_id, ids))
            )
        )
        people = {
            pid: Person(pid, ref, {}, RestrictionGround(grounds[pid]) if grounds.get(pid) else None)
            for pid, ref in persons.items()
        }
        return Facts(people, units, roles)

    def details(self, facts: Facts, needed: Needed) -> Facts:
        conn = self.conn
        r, c, s, pf, fs = t.roles.c, t.contracts.c, t.sites.c, t.person_fields.c, t.field_sources.c
        fields: dict[int, dict[str, frozenset[str]]] = defaultdict(dict)
        if needed.kinds:
            # Each field with the kinds of role that justify it, joined by the database (one row
            # per field; none: the field is on file with no kind left).
            kinds = func.aggregate_strings(fs.role, ",")
            for pid, name, joined in conn.execute(
                select(pf.person_id, pf.field, kinds)
                .outerjoin(t.field_sources, (fs.person_id == pf.person_id) & (fs.field == pf.field))
                .where(self._among(pf.person_id, needed.kinds))
                .group_by(pf.person_id, pf.field)
            ):
                fields[pid][name] = frozenset(joined.split(",")) if joined else NO_KIND
        if needed.names:
            for pid, name in conn.execute(
                select(pf.person_id, pf.field).where(self._among(pf.person_id, needed.names))
            ):
                fields[pid][name] = NO_KIND
        persons = {pid: replace(x, fields=fields.get(pid, {})) for pid, x in facts.persons.items()}
        outside = ~self._among(r.person_id, list(facts.persons))
        contracts: dict[str, Contract] = {}
        if needed.contracts:
            others_on_contract = (
                select(func.count(r.id)).where(r.contract_id == c.id, outside).scalar_subquery()
            )
            contracts = {
                ref: Contract(ref, site, others)
                for ref, site, others in conn.execute(
                    select(c.ref, s.ref, others_on_contract)
                    .join(t.sites, s.id == c.site_id)
                    .where(self._among(c.ref, needed.contracts))
                )
            }
        site_refs = set(needed.sites) | {k.site for k in contracts.values()}
        sites: dict[str, Site] = {}
        if site_refs:
            others_on_site = select(func.count(r.id)).where(r.site_id == s.id, outside).scalar_subquery()
            on_site: dict[str, set[str]] = defaultdict(set)
            for site, contract in conn.execute(
                select(s.ref, c.ref).join(t.contracts, c.site_id == s.id).where(self._among(s.ref, site_refs))
            ):
                on_site[site].add(contract)
            sites = {
                ref: Site(ref, frozenset(on_site[ref]), n)
                for ref, n in conn.execute(select(s.ref, others_on_site).where(self._among(s.ref, site_refs)))
            }
        return Facts(persons, facts.units, facts.roles, contracts, sites)

    # -- carrying a plan out ----------------------------------------------------------------------

    def _end_consents(self, persons: list[str], on: date, at: datetime) -> None:
        """A person erased whole leaves no consent standing: each of theirs ends with the erasure
        (its proof then kept for the policy's consent_proof period, domain.prospecting)."""
        if not persons or self.consent_kept is None:
            return
        c = t.consents.c
        self.conn.execute(
            update(t.consents)
            .where(self._among(c.person_hmac, persons), c.withdrawn_at.is_(None))
            .values(
                withdrawn_at=at.astimezone(UTC),
                withdrawn_by="erasure",
                purge_due=proof_purge_due(on, self.consent_kept),
            )
        )

    def apply(self, plan: ErasurePlan, on: date, at: datetime) -> Applied:
        conn, among = self.conn, self._among
        r, u, p, pf, fs = t.roles.c, t.retention_units.c, t.persons.c, t.person_fields.c, t.field_sources.c
        if plan.roles:
            conn.execute(delete(t.roles).where(among(r.id, plan.roles)))
        if plan.contact_logs:
            conn.execute(delete(t.contact_log).where(among(t.contact_log.c.person_id, plan.contact_logs)))
        # A person erased whole loses every attribution and field: one statement by person;
        # the others lose exactly the pairs the plan names.
        whole = plan.persons
        if whole:
            conn.execute(delete(t.field_sources).where(among(fs.person_id, whole)))
            conn.execute(delete(t.person_fields).where(among(pf.person_id, whole)))
        pairs = [{"p": pid, "k": kind} for pid, kind in plan.attributions if pid not in whole]
        if pairs:
            conn.execute(
                delete(t.field_sources).where(fs.person_id == bindparam("p"), fs.role == bindparam("k")),
                pairs,
            )
        lost = [
            {"p": pid, "f": name} for pid, names in plan.fields.items() if pid not in whole for name in names
        ]
        if lost:
            conn.execute(
                delete(t.person_fields).where(pf.person_id == bindparam("p"), pf.field == bindparam("f")),
                lost,
            )
        conn.execute(delete(t.retention_units).where(among(u.id, [e.unit.id for e in plan.erased])))
        if plan.persons:
            conn.execute(delete(t.persons).where(among(p.id, plan.persons)))
        if plan.contracts:
            conn.execute(delete(t.contracts).where(among(t.contracts.c.ref, plan.contracts)))
        if plan.sites:
            site_ids = select(t.sites.c.id).where(among(t.sites.c.ref, plan.sites))
            conn.execute(delete(t.site_fields).where(t.site_fields.c.site_id.in_(site_ids)))
            conn.execute(delete(t.sites).where(among(t.sites.c.ref, plan.sites)))
        stones = tuple((self.hasher(f"{kind}:{ref}"), kind) for kind, ref in plan.tombstones)
        bury(self.conn, [(h, kind, on) for h, kind in stones], redate=True)
        self._end_consents([h for h, kind in stones if kind == "person"], on, at)
        proofs = tuple(
            Proof(
                self.hasher(f"person:{e.ref}"),
                e.unit.kind,
                self.hasher(named) if (named := context_name(e.unit.kind, e.unit.context)) else None,
                e.unit.rule,
                e.due_on,
                at,
                e.person_erased,
                e.fields,
            )
            for e in plan.erased
        )
        insert_rows(
            conn,
            t.erasure_proofs,
            PROOF_COLUMNS,
            [
                (
                    x.person,
                    x.unit,
                    x.context,
                    x.rule,
                    x.due_on,
                    x.erased_at,
                    x.person_erased,
                    json.dumps(list(x.fields)),
                )
                for x in proofs
            ],
        )
        add_orders(conn, plan.orders)
        return Applied(proofs, stones)

    def audit(self, entries: Sequence[Entry]) -> None:
        if self._audit is not None:
            self._audit.append(entries, self.conn)

    def owe_client_notices(self, request: int, sites: Sequence[str], at: datetime) -> list[str]:
        return owe_client_notices(self.conn, request, sites, at)

    def owe_notices(self, request: int, plan: ErasurePlan, at: datetime) -> list[str]:
        told: list[str] = []
        for notice in plan.notices:
            fields = None if notice.fields is None else set(notice.fields)
            told += owe_notices(
                self.conn, self.hasher, request, notice.ref, OrderKind.ERASURE_REQUIRED, fields, at
            )
        return told

    def already(self, request: int) -> dict[str, Any] | None:
        return already(self.conn, request, ERASURE_EFFECT)

    def remember(self, request: int, detail: dict[str, Any], at: datetime, actor: str) -> None:
        remember(self.conn, request, ERASURE_EFFECT, detail, at, actor)
