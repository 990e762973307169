"""The breach register in SQL: a breach's row, its timeline, and the persons its scope found."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, or_, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.times import utc
from charte.adapters.field_cipher import FieldCipher
from charte.domain.breaches import Step
from charte.services.breach_notices import Untold
from charte.services.breach_records import Affected, BreachRecord, BreachSummary, NewBreach, TimelineStep
from charte.services.read_model import JsonRecord

JSON_COLUMNS = ("facts", "assessment", "scope", "natures")


def _status(row: Any) -> str:
    if row.closed_at is not None:
        return "closed"
    return "notified" if row.cnil_first_at is not None else "open"


def _summary(row: Any) -> BreachSummary:
    return BreachSummary(
        breach=int(row.id),
        title=row.title,
        aware_at=utc(row.aware_at),
        deadline_at=utc(row.deadline_at),
        target_at=utc(row.target_at),
        status=_status(row),
        notify_cnil=row.notify_cnil,
        cnil_first_at=utc(row.cnil_first_at),
        closed_at=utc(row.closed_at),
    )


class SqlBreaches:
    def __init__(
        self, engine: Engine, cipher: FieldCipher | None = None, sealed: frozenset[str] = frozenset()
    ) -> None:
        self.engine, self.cipher, self.sealed = engine, cipher, sealed

    def open(self, new: NewBreach, *, at: datetime, by: str, deadline: datetime, target: datetime) -> int:
        with self.engine.begin() as conn:
            number = conn.execute(
                insert(t.breaches)
                .values(
                    title=new.title,
                    opened_at=at.astimezone(UTC),
                    opened_by=by,
                    discovered_at=new.discovered_at.astimezone(UTC),
                    discovered_by=new.discovered_by,
                    aware_at=new.aware_at.astimezone(UTC),
                    processor=new.processor,
                    deadline_at=deadline.astimezone(UTC),
                    target_at=target.astimezone(UTC),
                    natures=json.dumps(sorted(n.value for n in new.natures)),
                    facts=json.dumps(new.facts, ensure_ascii=False),
                )
                .returning(t.breaches.c.id)
            ).scalar_one()
            detail: JsonRecord = {"natures": sorted(n.value for n in new.natures)}
            if new.processor:
                detail["processor_notice"] = True  # Art. 33(2): awareness from the processor's notice
            conn.execute(
                insert(t.breach_steps).values(
                    breach_id=number,
                    at=at.astimezone(UTC),
                    step=Step.OPENED.value,
                    actor=by,
                    detail=json.dumps(detail),
                )
            )
        return int(number)

    def get(self, breach: int) -> BreachRecord | None:
        b, s = t.breaches.c, t.breach_steps.c
        with self.engine.connect() as conn:
            row = conn.execute(select(t.breaches).where(b.id == breach)).first()
            if row is None:
                return None
            steps = conn.execute(
                select(s.at, s.step, s.actor, s.detail).where(s.breach_id == breach).order_by(s.at, s.id)
            ).all()
        loaded = {
            k: json.loads(getattr(row, k)) if getattr(row, k) is not None else None for k in JSON_COLUMNS
        }
        return BreachRecord(
            summary=_summary(row),
            opened_at=utc(row.opened_at),
            opened_by=row.opened_by,
            discovered_at=utc(row.discovered_at),
            discovered_by=row.discovered_by,
            processor=row.processor,
            natures=tuple(loaded["natures"] or ()),
            facts=loaded["facts"] or {},
            assessment=loaded["assessment"],
            scope=loaded["scope"],
            notify_cnil_why=row.notify_cnil_why,
            tell_persons=row.tell_persons,
            tell_persons_why=row.tell_persons_why,
            cnil_reference=row.cnil_reference,
            cnil_complete=bool(row.cnil_complete),
            purge_due=row.purge_due,
            timeline=tuple(TimelineStep(utc(a), st, who, json.loads(d)) for a, st, who, d in steps),
        )

    def all(self, *, open_only: bool) -> list[BreachSummary]:
        b = t.breaches.c
        query = select(t.breaches).order_by(b.target_at.desc() if not open_only else b.target_at, b.id)
        if open_only:
            query = query.where(b.closed_at.is_(None))
        with self.engine.connect() as conn:
            return [_summary(r) for r in conn.execute(query)]

    def change(
        self,
        breach: int,
        *,
        at: datetime,
        step: Step,
        actor: str,
        detail: JsonRecord,
        values: Mapping[str, Any],
    ) -> None:
        stored = {
            k: json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS and v is not None else v
            for k, v in values.items()
        }
        stored = {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in stored.items()}
        with self.engine.begin() as conn:
            if stored:
                conn.execute(update(t.breaches).where(t.breaches.c.id == breach).values(**stored))
            conn.execute(
                insert(t.breach_steps).values(
                    breach_id=breach, at=at.astimezone(UTC), step=step.value, actor=actor,
                    detail=json.dumps(detail, ensure_ascii=False),
                )
            )  # fmt: skip

    def refs_reached(self, breach: int, fields: Sequence[str]) -> Iterator[str]:
        """Refs of the breach's persons whose reached fields include any of ``fields`` (each kept
        as a JSON list of names: matched as the quoted name)."""
        bp, p = t.breach_persons.c, t.persons.c
        query = (
            select(p.ref)
            .join(t.persons, p.id == bp.person_id)
            .where(
                bp.breach_id == breach,
                or_(*(bp.fields.contains(json.dumps(f), autoescape=True) for f in fields)),
            )
            .order_by(p.ref)
            .execution_options(yield_per=5000)
        )
        with self.engine.connect() as conn:
            yield from conn.execute(query).scalars()

    def untold(self, breach: int, contact_fields: Sequence[str], *, after: int, limit: int) -> list[Untold]:
        """The next page of the breach's persons not yet told (by person id after ``after``), each
        with the fields reached and their contacts on file (decrypted where the policy seals them)."""
        bp, p, f = t.breach_persons.c, t.persons.c, t.person_fields.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(bp.person_id, p.ref, bp.fields)
                .join(t.persons, p.id == bp.person_id)
                .where(bp.breach_id == breach, bp.told_at.is_(None), bp.person_id > after)
                .order_by(bp.person_id)
                .limit(limit)
            ).all()
            ids = [r.person_id for r in rows]
            contacts: dict[int, dict[str, str]] = {}
            if ids and contact_fields:
                for pid, field, value in conn.execute(
                    select(f.person_id, f.field, f.value).where(
                        f.person_id.in_(ids), f.field.in_(contact_fields)
                    )
                ):
                    clear = (
                        self.cipher.decrypt(field, value) if self.cipher and field in self.sealed else value
                    )
                    contacts.setdefault(int(pid), {})[field] = clear
        return [
            Untold(int(r.person_id), r.ref, tuple(json.loads(r.fields)), contacts.get(int(r.person_id), {}))
            for r in rows
        ]

    def told(self, breach: int, person_ids: Sequence[int], at: datetime) -> None:
        bp = t.breach_persons.c
        with self.engine.begin() as conn:
            conn.execute(
                update(t.breach_persons)
                .where(bp.breach_id == breach, bp.person_id.in_(person_ids))
                .values(told_at=at.astimezone(UTC))
            )

    def persons(self, breach: int, *, limit: int, offset: int) -> tuple[int, list[Affected]]:
        """A page of the breach's persons, by ref; and how many in all."""
        bp, p = t.breach_persons.c, t.persons.c
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).where(bp.breach_id == breach)).scalar_one()
            rows = conn.execute(
                select(p.ref, bp.fields, bp.times)
                .join(t.persons, p.id == bp.person_id)
                .where(bp.breach_id == breach)
                .order_by(p.ref)
                .limit(limit)
                .offset(offset)
            ).all()
        return int(total), [Affected(r.ref, tuple(json.loads(r.fields)), int(r.times)) for r in rows]
