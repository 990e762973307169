"""The outbox in SQL: orders added inside the caller's transaction, listed and acknowledged."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.times import utc
from charte.domain.orders import Order
from charte.services.outbox import QueuedOrder


def add_orders(conn: Connection, orders: Sequence[Order]) -> None:
    """Write orders in the caller's transaction: they exist if and only if the decision does.

    Rows go to the driver as tuples (a sweep writes hundreds of thousands of orders, whose field
    lists are a few dozen distinct ones: each written as JSON once)."""
    listed: dict[tuple[str, ...], str] = {}
    insert_rows(
        conn,
        t.outbox,
        ("system", "kind", "person_ref", "fields", "new_values", "reason", "created_at", "due_by"),
        [
            (
                o.system,
                o.kind.value,
                o.person_ref,
                listed.get(o.fields) or listed.setdefault(o.fields, json.dumps(list(o.fields))),
                json.dumps(dict(o.values), ensure_ascii=False) if o.values else None,
                o.reason,
                o.created_at.astimezone(UTC),
                o.due_by.astimezone(UTC),
            )
            for o in orders
        ],
    )


class SqlOutbox:
    """Implements ``Outbox`` (services.outbox) on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, orders: Sequence[Order]) -> None:
        with self.engine.begin() as conn:
            add_orders(conn, orders)

    def overdue_counts(self, now: datetime) -> dict[str, int]:
        """Orders not acknowledged past their due time, counted per system by the database."""
        o = t.outbox.c
        query = (
            select(o.system, func.count())
            .where(o.acked_at.is_(None), o.due_by < now.astimezone(UTC))
            .group_by(o.system)
            .order_by(o.system)
        )
        with self.engine.connect() as conn:
            return {system: int(n) for system, n in conn.execute(query)}

    def orders(
        self,
        *,
        system: str | None,
        pending_only: bool,
        due_before: datetime | None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[QueuedOrder]:
        o = t.outbox.c
        query = select(t.outbox).order_by(o.id)
        if system:
            query = query.where(o.system == system)
        if pending_only:
            query = query.where(o.acked_at.is_(None))
        if due_before is not None:
            query = query.where(o.due_by < due_before.astimezone(UTC))
        if after is not None:
            query = query.where(o.id > after)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            QueuedOrder(
                id=r["id"],
                system=r["system"],
                kind=r["kind"],
                person=r["person_ref"],
                fields=tuple(json.loads(r["fields"])),
                values=json.loads(r["new_values"]) if r["new_values"] else {},
                reason=r["reason"],
                created_at=utc(r["created_at"]),
                due_by=utc(r["due_by"]),
                acked_at=utc(r["acked_at"]),
                acked_by=r["acked_by"],
            )
            for r in rows
        ]

    def acknowledge_many(
        self,
        ids: Sequence[int] | None,
        up_to: int | None,
        *,
        by: str,
        at: datetime,
        system: str | None = None,
    ) -> tuple[int, int, list[int]]:
        """Acknowledge the listed orders, or every pending order up to an id, in one statement:
        (newly acknowledged, already acknowledged, ids not found for that system)."""
        o = t.outbox.c
        mine = [o.system == system] if system is not None else []
        chosen = [o.id.in_(ids)] if ids is not None else [o.id <= (up_to or 0)]
        with self.engine.begin() as conn:
            newly = conn.execute(
                update(t.outbox)
                .where(*mine, *chosen, o.acked_at.is_(None))
                .values(acked_at=at.astimezone(UTC), acked_by=by, new_values=None)
            ).rowcount
            if ids is None:
                return newly, 0, []
            # Which of the ids are this system's (the others are reported, never touched).
            found = set(conn.execute(select(o.id).where(*mine, o.id.in_(ids))).scalars())
        unknown = sorted(set(ids) - found)
        return newly, len(found) - newly, unknown

    def acknowledge(
        self, order_id: int, *, by: str, at: datetime, system: str | None = None
    ) -> tuple[bool, datetime | None] | None:
        """(newly acknowledged?, when) — or None when no such order exists (for that system)."""
        o = t.outbox.c
        mine = (o.id == order_id, o.system == system) if system is not None else (o.id == order_id,)
        with self.engine.begin() as conn:
            row = conn.execute(select(o.acked_at).where(*mine).with_for_update()).first()
            if row is None:
                return None
            if row.acked_at is not None:
                return False, utc(row.acked_at)
            conn.execute(
                update(t.outbox)
                .where(o.id == order_id)
                .values(acked_at=at.astimezone(UTC), acked_by=by, new_values=None)
            )
        return True, at
