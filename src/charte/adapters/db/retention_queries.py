"""The retention schedule in SQL: streamed rows, and due dates counted by the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select

from charte.adapters.db import tables as t
from charte.services.retention import ScheduleFilter


class SqlRetentionQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def units(self, criteria: ScheduleFilter) -> Iterator[dict[str, Any]]:
        u, p = t.retention_units.c, t.persons.c
        query = (
            select(
                u.kind,
                p.ref,
                u.context,
                u.retention_end,
                u.purge_due,
                u.status,
                u.rule,
                u.review_reason,
                u.held_by,
            )
            .join(t.persons, p.id == u.person_id)
            .order_by(u.purge_due.is_(None), u.purge_due, p.ref, u.kind, u.context)
        )
        if criteria.person:
            query = query.where(p.ref == criteria.person)
        if criteria.status:
            query = query.where(u.status == criteria.status)
        if criteria.due_before:
            query = query.where(u.purge_due < criteria.due_before)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=2000).execute(query):
                yield {
                    "unit": row.kind,
                    "person": row.ref,
                    "context": row.context or None,
                    "retention_end": row.retention_end,
                    "purge_due": row.purge_due,
                    "status": row.status,
                    "held_by": row.held_by.split(",") if row.held_by else [],
                    "rule": row.rule,
                    "review_reason": row.review_reason,
                }

    def due_counts(self, start: date, end: date) -> list[tuple[date, int]]:
        u = t.retention_units.c
        query = (
            select(u.purge_due, func.count())
            .where(u.purge_due >= start, u.purge_due < end)
            .group_by(u.purge_due)
            .order_by(u.purge_due)
        )
        with self.engine.connect() as conn:
            return [(day, count) for day, count in conn.execute(query)]
