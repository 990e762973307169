"""Rights requests in SQL: the request row, its pauses and its timeline
(``services.rights_desk.RightsStore``).

Each step is one transaction: the row as the use case left it, the pauses, and the timeline's
new step, with its audit entry when the audit shares the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.times import utc
from charte.domain.audit import Entry
from charte.domain.rights import Pause, Request, Status
from charte.domain.vocabulary import Channel, Right
from charte.services.rights_desk import Step

_MUTABLE = (
    "status",
    "person_ref",
    "first_due_on",
    "due_on",
    "extended_on",
    "extension_reason",
    "verified_on",
    "verified_by",
    "finished_on",
    "finish_reason",
    "code_hash",
    "code_expires_at",
    "code_attempts",
    "document",
    "fee_cents",
    "fee_reason",
    "fee_asked_on",
    "fee_paid_on",
)


class SqlRights:
    def __init__(self, engine: Engine, audit: SqlAuditStore) -> None:
        self.engine, self.audit = engine, audit

    def add(self, request: Request, at: datetime, actor: str, entry: Entry) -> int:
        values = {
            "type": request.type.value,
            "channel": request.channel.value,
            "received_on": request.received_on,
            "claimed_name": request.claimed_name,
            "contact": request.contact,
            "purpose": request.purpose,
            "changes": json.dumps(request.changes, ensure_ascii=False)
            if request.changes is not None
            else None,
            "ground": request.ground,
            "created_at": at.astimezone(UTC),
            **{name: _stored(getattr(request, name)) for name in _MUTABLE},
        }
        with self.engine.begin() as c:
            new_id = int(
                c.execute(
                    insert(t.rights_requests).values(**values).returning(t.rights_requests.c.id)
                ).scalar_one()
            )
            self._step(
                c, new_id, at, request.received_on, "opened", actor, {"channel": request.channel.value}
            )
            self.audit.append([_for(entry, new_id)], c)
        return new_id

    def get(self, request_id: int) -> Request | None:
        r, p = t.rights_requests.c, t.rights_pauses.c
        with self.engine.connect() as c:
            row = c.execute(select(t.rights_requests).where(r.id == request_id)).mappings().first()
            if row is None:
                return None
            pauses = [
                Pause(x.asked_on, x.answered_on)
                for x in c.execute(
                    select(p.asked_on, p.answered_on).where(p.request_id == request_id).order_by(p.id)
                )
            ]
        return _request(row, pauses)

    def save(
        self,
        request: Request,
        at: datetime,
        on: date,
        step: str,
        actor: str,
        detail: dict[str, Any],
        entry: Entry,
    ) -> None:
        """The request as the step left it, its pauses, and the step on the timeline."""
        p = t.rights_pauses.c
        with self.engine.begin() as c:
            c.execute(
                update(t.rights_requests)
                .where(t.rights_requests.c.id == request.id)
                .values(**{name: _stored(getattr(request, name)) for name in _MUTABLE})
            )
            c.execute(delete(t.rights_pauses).where(p.request_id == request.id))
            if request.pauses:
                c.execute(
                    insert(t.rights_pauses),
                    [
                        {"request_id": request.id, "asked_on": x.asked_on, "answered_on": x.answered_on}
                        for x in request.pauses
                    ],
                )
            self._step(c, request.id, at, on, step, actor, detail)
            self.audit.append([_for(entry, request.id)], c)

    def listing(self, *, overdue_on: date | None, due_before: date | None, open_only: bool) -> list[Request]:
        """Requests in due-date order (stopped clocks last), filtered in SQL."""
        r = t.rights_requests.c
        query = select(t.rights_requests).order_by(r.due_on.is_(None), r.due_on, r.id)
        if open_only or overdue_on is not None:
            query = query.where(r.status.in_([s.value for s in Status if s.open]))
        if overdue_on is not None:
            query = query.where(r.due_on < overdue_on)
        if due_before is not None:
            query = query.where(r.due_on < due_before)
        with self.engine.connect() as c:
            rows = c.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            pauses: dict[int, list[Pause]] = {}
            p = t.rights_pauses.c
            for x in c.execute(
                select(p.request_id, p.asked_on, p.answered_on).where(p.request_id.in_(ids)).order_by(p.id)
            ):
                pauses.setdefault(x.request_id, []).append(Pause(x.asked_on, x.answered_on))
        return [_request(row, pauses.get(row["id"], [])) for row in rows]

    def earlier(self, request: Request, since: date) -> list[int]:
        """The same person's requests of the same type received since ``since``, before this one."""
        r = t.rights_requests.c
        if request.person_ref is None:
            return []
        with self.engine.connect() as c:
            return list(
                c.execute(
                    select(r.id)
                    .where(
                        r.person_ref == request.person_ref,
                        r.type == request.type.value,
                        r.received_on >= since,
                        r.id != request.id,
                        r.id < request.id,
                    )
                    .order_by(r.id)
                ).scalars()
            )

    def steps(self, request_id: int) -> list[Step]:
        s = t.rights_steps.c
        with self.engine.connect() as c:
            rows = c.execute(
                select(s.at, s.on, s.step, s.actor, s.detail).where(s.request_id == request_id).order_by(s.id)
            ).all()
        return [Step(r.on, utc(r.at), r.step, r.actor, json.loads(r.detail)) for r in rows]

    def _step(
        self, c: Any, request_id: int, at: datetime, on: date, step: str, actor: str, detail: dict[str, Any]
    ) -> None:
        c.execute(
            insert(t.rights_steps).values(
                request_id=request_id,
                at=at.astimezone(UTC),
                on=on,
                step=step,
                actor=actor,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )


def _for(entry: Entry, request_id: int) -> Entry:
    """The audit entry names the request by its number (the row's id is known only now)."""
    return Entry(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        role=entry.role,
        purpose=entry.purpose,
        context=f"rights_request:{request_id}",
        subject=entry.subject,
        fields=entry.fields,
        decision=entry.decision,
        detail=entry.detail,
    )


def _stored(value: object) -> object:
    if isinstance(value, Status):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _request(row: Any, pauses: Sequence[Pause]) -> Request:
    return Request(
        id=row["id"],
        type=Right(row["type"]),
        channel=Channel(row["channel"]),
        received_on=row["received_on"],
        status=Status(row["status"]),
        claimed_name=row["claimed_name"],
        contact=row["contact"],
        person_ref=row["person_ref"],
        purpose=row["purpose"],
        changes=json.loads(row["changes"]) if row["changes"] else None,
        ground=row["ground"],
        pauses=list(pauses),
        first_due_on=row["first_due_on"],
        due_on=row["due_on"],
        extended_on=row["extended_on"],
        extension_reason=row["extension_reason"],
        verified_on=row["verified_on"],
        verified_by=row["verified_by"],
        finished_on=row["finished_on"],
        finish_reason=row["finish_reason"],
        code_hash=row["code_hash"],
        code_expires_at=utc(row["code_expires_at"]) if row["code_expires_at"] else None,
        code_attempts=row["code_attempts"],
        document=row["document"],
        fee_cents=row["fee_cents"],
        fee_reason=row["fee_reason"],
        fee_asked_on=row["fee_asked_on"],
        fee_paid_on=row["fee_paid_on"],
    )
