"""The retention schedule in SQL: streamed rows, and due dates counted by the database.

Persons' units and calls (issue 7) share the schedule: a DPO asks what falls due when, whatever
it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Engine, case, func, literal, null, select, union_all

from charte.adapters.db import tables as t
from charte.services.retention import ScheduleFilter


class SqlRetentionQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def units(self, criteria: ScheduleFilter) -> Iterator[dict[str, Any]]:
        """Persons' units and calls (issue 7: a recorded call is a `recording` unit, another a
        `call` unit, its context the call's ref), in one stream ordered by purge date."""
        u, p, k = t.retention_units.c, t.persons.c, t.calls.c
        units = select(
            u.kind.label("kind"),
            p.ref.label("ref"),
            u.context.label("context"),
            u.retention_end.label("retention_end"),
            u.purge_due.label("purge_due"),
            u.status.label("status"),
            u.rule.label("rule"),
            u.review_reason.label("review_reason"),
            u.held_by.label("held_by"),
        ).join(t.persons, p.id == u.person_id)
        calls = select(
            case((k.recorded.is_(True), literal("recording")), else_=literal("call")).label("kind"),
            k.person_ref.label("ref"),
            k.ref.label("context"),
            k.retention_end.label("retention_end"),
            k.purge_due.label("purge_due"),
            k.status.label("status"),
            k.rule.label("rule"),
            null().label("review_reason"),
            k.held_by.label("held_by"),
        )
        if criteria.person:
            units = units.where(p.ref == criteria.person)
            calls = calls.where(k.person_ref == criteria.person)
        if criteria.status:
            units = units.where(u.status == criteria.status)
            calls = calls.where(k.status == criteria.status)
        if criteria.due_before:
            units = units.where(u.purge_due < criteria.due_before)
            calls = calls.where(k.purge_due < criteria.due_before)
        both = union_all(units, calls).subquery()
        query = select(both).order_by(
            both.c.purge_due.is_(None), both.c.purge_due, both.c.ref, both.c.kind, both.c.context
        )
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
        """Units and calls falling due each day in [start, end), counted by the database."""
        counts: dict[date, int] = {}
        with self.engine.connect() as conn:
            for table in (t.retention_units, t.calls):
                due = table.c.purge_due
                query = select(due, func.count()).where(due >= start, due < end).group_by(due)
                for day, count in conn.execute(query):
                    counts[day] = counts.get(day, 0) + count
        return sorted(counts.items())
