"""Litigation holds in SQL: cases, their subjects and judgments, and the holds they put on units.

Placing, judging, appealing or lifting a case refreshes, in the same transaction, the retention
units of every person it names or who is tied to a contract it names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import Engine, insert, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.calls_schedule import refresh_call_holds
from charte.adapters.db.hold_releases import load_cases, persons_held_by
from charte.adapters.db.retention_units import refresh_units
from charte.domain.audit import Action, Entry
from charte.domain.litigation import Judgment
from charte.domain.policy import Policy
from charte.domain.vocabulary import CourtKind
from charte.services.errors import NotFound
from charte.services.holds import HeldCase
from charte.services.ports import Clock

SUBJECT_KINDS = ("person", "contract", "call")


class SqlHolds:
    """Implements the holds port (services.holds) on a SQLAlchemy engine."""

    def __init__(
        self, engine: Engine, policy: Policy, clock: Clock, *, audit: SqlAuditStore | None = None
    ) -> None:
        self.engine, self.policy, self.clock, self.audit = engine, policy, clock, audit

    def change(
        self,
        case_ref: str,
        action: str,
        detail: dict[str, Any],
        actor: str,
        *,
        kind: CourtKind | None = None,
        subjects: Sequence[tuple[str, str]] = (),
        judgment: Judgment | None = None,
        appealed: bool = False,
        closed: str | None = None,
        role: str | None = None,
    ) -> None:
        """One change to a case, logged and audited, with the units it holds refreshed, in one
        transaction."""
        today = self.clock.today()
        c = t.cases.c
        with self.engine.begin() as conn:
            case_id = conn.execute(select(c.id).where(c.ref == case_ref)).scalar()
            if case_id is None:
                if kind is None:
                    raise NotFound("case", case_ref)
                case_id = conn.execute(
                    insert(t.cases)
                    .values(ref=case_ref, kind=kind.value, opened_on=today, appealed=False)
                    .returning(c.id)
                ).scalar_one()
            insert_rows(
                conn,
                t.case_subjects,
                ("case_id", "kind", "ref"),
                [(case_id, k, r) for k, r in subjects],
                conflict=("case_id", "kind", "ref"),
            )
            if judgment is not None:
                conn.execute(
                    insert(t.case_judgments).values(
                        case_id=case_id,
                        pronounced_on=judgment.pronounced_on,
                        served_on=judgment.served_on,
                        recourse=judgment.recourse.value if judgment.recourse else None,
                        residence=judgment.residence.value,
                        court_seat=judgment.court_seat.value,
                    )
                )
                conn.execute(update(t.cases).where(c.id == case_id).values(appealed=False))
            if appealed:
                conn.execute(update(t.cases).where(c.id == case_id).values(appealed=True))
            if closed is not None:
                conn.execute(
                    update(t.cases).where(c.id == case_id).values(closed_on=today, closed_reason=closed)
                )
            conn.execute(
                insert(t.case_log).values(
                    case_ref=case_ref,
                    action=action,
                    detail=json.dumps(detail),
                    actor=actor,
                    at=self.clock.now().astimezone(UTC),
                )
            )
            refresh_units(conn, self.policy, persons_held_by(conn, [case_id]), today)
            refresh_call_holds(conn, self.policy, [case_id], today)
            if self.audit is not None:  # the case ref and counts, never the reason's free text
                counts = {"case": case_ref, "change": action, "subjects": len(subjects)}
                entry = Entry(at=self.clock.now(), actor=actor, action=Action.HOLD, role=role, detail=counts)
                self.audit.append([entry], conn)

    def unknown(self, subjects: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """The subjects the register does not hold (yet): one query per kind of subject."""
        tables = {"person": t.persons, "contract": t.contracts, "call": t.calls}
        missing: list[tuple[str, str]] = []
        with self.engine.connect() as conn:
            for kind, table in tables.items():
                refs = sorted({r for k, r in subjects if k == kind})
                if refs:
                    found = set(conn.execute(select(table.c.ref).where(table.c.ref.in_(refs))).scalars())
                    missing += [(kind, r) for r in refs if r not in found]
        return missing

    def cases(self) -> list[HeldCase]:
        with self.engine.connect() as conn:
            ids = list(conn.execute(select(t.cases.c.id).order_by(t.cases.c.ref)).scalars())
            cases = load_cases(conn, ids)
            subjects: dict[int, list[str]] = defaultdict(list)
            for cid, kind, ref in conn.execute(
                select(t.case_subjects).order_by(t.case_subjects.c.kind, t.case_subjects.c.ref)
            ):
                subjects[cid].append(f"{kind}:{ref}")
        return [HeldCase(cases[i], tuple(subjects[i])) for i in ids]
