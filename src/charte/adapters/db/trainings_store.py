"""Trainings in SQL (``charte.services.training``): recorded with their audit entry in one
transaction; an actor's latest training found on its index at every read."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.domain.audit import Action, Entry
from charte.services.actors import SYSTEM_PREFIX
from charte.services.training import Account, Completed, ExemptRead


class SqlTrainings:
    def __init__(self, engine: Engine, *, audit: SqlAuditStore) -> None:
        self.engine, self.audit = engine, audit

    def record(
        self, actor: str, course: str, completed_on: date, purge_due: date, at: datetime, by: str, role: str
    ) -> int:
        with self.engine.begin() as c:
            new_id = c.execute(
                insert(t.trainings)
                .values(
                    actor=actor,
                    course=course,
                    completed_on=completed_on,
                    recorded_at=at.astimezone(UTC),
                    recorded_by=by,
                    purge_due=purge_due,
                )
                .returning(t.trainings.c.id)
            ).scalar_one()
            detail = {
                "event": "recorded",
                "actor": actor,
                "course": course,
                "completed_on": completed_on.isoformat(),
            }
            self.audit.append([Entry(at=at, actor=by, action=Action.TRAINING, role=role, detail=detail)], c)
        return int(new_id)

    def latest(self, actor: str, courses: tuple[str, ...]) -> date | None:
        r = t.trainings.c
        with self.engine.connect() as c:
            found = c.execute(
                select(func.max(r.completed_on)).where(r.actor == actor, r.course.in_(courses))
            ).scalar_one()
        return found if isinstance(found, date) else None

    def roster(self, courses: tuple[str, ...]) -> list[Account]:
        """Every active person's account (not a system's) with its latest training, if any."""
        a, r = t.actors.c, t.trainings.c
        latest = (
            select(r.actor, func.max(r.completed_on).label("completed_on"))
            .where(r.course.in_(courses))
            .group_by(r.actor)
            .subquery()
        )
        query = (
            select(a.name, a.role, latest.c.completed_on)
            .outerjoin(latest, latest.c.actor == a.name)
            .where(a.revoked_at.is_(None), ~a.role.startswith(SYSTEM_PREFIX))
            .order_by(a.name)
        )
        with self.engine.connect() as c:
            return [Account(row.name, row.role, row.completed_on) for row in c.execute(query)]

    def history(self, actor: str) -> list[Completed]:
        r = t.trainings.c
        with self.engine.connect() as c:
            rows = c.execute(
                select(r.course, r.completed_on, r.recorded_at, r.recorded_by)
                .where(r.actor == actor)
                .order_by(r.completed_on.desc(), r.id.desc())
            )
            return [Completed(row.course, row.completed_on, row.recorded_by) for row in rows]

    def warn(self, actor: str, purpose: str, day: date, at: datetime, purge_due: date) -> bool:
        """Note a read under an exempt purpose with a lapsed training, once per actor, purpose and
        day (with its audit entry); ``False`` when already noted that day."""
        w = t.training_warnings.c
        with self.engine.connect() as c:
            seen = c.execute(
                select(w.day).where(w.actor == actor, w.purpose == purpose, w.day == day)
            ).first()
        if seen is not None:  # the common case at every later read of the day: no write
            return False
        try:
            with self.engine.begin() as c:
                c.execute(
                    insert(t.training_warnings).values(
                        actor=actor,
                        purpose=purpose,
                        day=day,
                        first_at=at.astimezone(UTC),
                        purge_due=purge_due,
                    )
                )
                detail = {"event": "exempt_read", "actor": actor, "purpose": purpose}
                self.audit.append(
                    [Entry(at=at, actor=actor, action=Action.TRAINING, purpose=purpose, detail=detail)], c
                )
        except IntegrityError:
            return False
        return True

    def warnings(self, since: date) -> list[ExemptRead]:
        w = t.training_warnings.c
        with self.engine.connect() as c:
            rows = c.execute(
                select(w.actor, w.purpose, w.day).where(w.day >= since).order_by(w.day.desc(), w.actor)
            )
            return [ExemptRead(row.actor, row.purpose, row.day) for row in rows]
