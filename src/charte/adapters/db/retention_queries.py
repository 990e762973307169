"""The retention schedule in SQL: streamed rows, and due dates counted by the database.

Persons' units, calls and alarm sessions share the schedule: a DPO asks what
falls due when, whatever it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Engine, String, case, cast, func, literal, null, select, union_all

from charte.adapters.db import tables as t
from charte.services.retention import ScheduleFilter, UnitView


class SqlRetentionQueries:
    def __init__(self, engine: Engine, kept_with: str | None = None) -> None:
        self.engine = engine
        self.kept_with = kept_with or ""  # the policy's alarms.kept_with: no alarms, no sessions shown

    def units(self, criteria: ScheduleFilter) -> Iterator[UnitView]:
        """Persons' units and calls (a recorded call is a `recording` unit, another a
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
        # Alarm sessions are kept with their contract's client data: each shows the
        # dates of the client unit of its contract, and leaves with it.
        client, owner, a, c = (
            t.retention_units.alias("client_unit"),
            t.persons.alias("owner"),
            t.alarm_sessions.c,
            t.contracts.c,
        )
        sessions = (
            select(
                literal("alarm_session").label("kind"),
                owner.c.ref.label("ref"),
                (literal("alarm-") + cast(a.id, String)).label("context"),
                client.c.retention_end.label("retention_end"),
                client.c.purge_due.label("purge_due"),
                client.c.status.label("status"),
                client.c.rule.label("rule"),
                null().label("review_reason"),
                client.c.held_by.label("held_by"),
            )
            .join(t.contracts, c.id == a.contract_id)
            .join(client, (client.c.kind == self.kept_with) & (client.c.context == c.ref))
            .join(owner, owner.c.id == client.c.person_id)
        )
        if criteria.person:
            units = units.where(p.ref == criteria.person)
            calls = calls.where(k.person_ref == criteria.person)
            sessions = sessions.where(owner.c.ref == criteria.person)
        if criteria.status:
            units = units.where(u.status == criteria.status)
            calls = calls.where(k.status == criteria.status)
            sessions = sessions.where(client.c.status == criteria.status)
        if criteria.due_before:
            units = units.where(u.purge_due < criteria.due_before)
            calls = calls.where(k.purge_due < criteria.due_before)
            sessions = sessions.where(client.c.purge_due < criteria.due_before)
        both = union_all(units, calls, sessions).subquery()
        query = select(both).order_by(
            both.c.purge_due.is_(None), both.c.purge_due, both.c.ref, both.c.kind, both.c.context
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=2000).execute(query):
                yield UnitView(
                    unit=row.kind,
                    person=row.ref,
                    context=row.context or None,
                    retention_end=row.retention_end,
                    purge_due=row.purge_due,
                    status=row.status,
                    rule=row.rule,
                    held_by=tuple(row.held_by.split(",")) if row.held_by else (),
                    review_reason=row.review_reason,
                )

    def due_counts(self, start: date, end: date) -> list[tuple[date, int]]:
        """Units and calls falling due each day in [start, end), counted by the database."""
        counts: dict[date, int] = {}
        with self.engine.connect() as conn:
            for table in (t.retention_units, t.calls):
                due = table.c.purge_due
                query = select(due, func.count()).where(due >= start, due < end).group_by(due)
                for day, count in conn.execute(query):
                    counts[day] = counts.get(day, 0) + count
            u, a, c = t.retention_units.c, t.alarm_sessions.c, t.contracts.c
            sessions = (
                select(u.purge_due, func.count(a.id))
                .select_from(t.alarm_sessions)
                .join(t.contracts, c.id == a.contract_id)
                .join(t.retention_units, (u.kind == self.kept_with) & (u.context == c.ref))
                .where(u.purge_due >= start, u.purge_due < end)
                .group_by(u.purge_due)
            )
            for day, count in conn.execute(sessions):
                counts[day] = counts.get(day, 0) + count
        return sorted(counts.items())
