"""Alarm sessions in SQL: raised, taken by one operator, closed; call attempts and dispatches.

Taking and closing are single conditional UPDATEs (``... WHERE taken_by IS NULL``): two
operators clicking the same alarm at once cannot both hold it. The site's people are read with
their open roles only — a trusted person removed yesterday is not called tonight.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.times import utc
from charte.domain.register import Role
from charte.services.alarms import AlarmCall, AlarmSession, Attempt, Callee, Dispatch
from charte.services.errors import NotFound


def latest_contracts(conn: Connection, site_ids: set[int]) -> dict[int, int]:
    """The contract each site has now: the one signed last (a site's contracts do not overlap)."""
    c = t.contracts.c
    if not site_ids:
        return {}
    ranked = (
        select(
            c.site_id,
            c.id,
            func.row_number()
            .over(partition_by=c.site_id, order_by=(c.signed_on.desc(), c.id.desc()))
            .label("n"),
        )
        .where(c.site_id.in_(site_ids))
        .subquery()
    )
    return {
        row.site_id: row.id
        for row in conn.execute(select(ranked.c.site_id, ranked.c.id).where(ranked.c.n == 1))
    }


class SqlAlarms:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def raise_alarm(self, site: str, kind: str, at: datetime, by: str) -> int:
        with self.engine.begin() as conn:
            site_id = conn.execute(select(t.sites.c.id).where(t.sites.c.ref == site)).scalar()
            contract = latest_contracts(conn, {site_id}).get(site_id) if site_id is not None else None
            if site_id is None or contract is None:  # nothing to keep the session with
                raise NotFound("site with a contract", site)
            return int(
                conn.execute(
                    insert(t.alarm_sessions)
                    .values(
                        site_id=site_id,
                        contract_id=contract,
                        kind=kind,
                        raised_at=at.astimezone(UTC),
                        raised_by=by,
                    )
                    .returning(t.alarm_sessions.c.id)
                ).scalar_one()
            )

    def _select(self) -> Any:
        a = t.alarm_sessions.c
        return (
            select(
                a.id,
                a.kind,
                a.raised_at,
                a.raised_by,
                a.taken_by,
                a.taken_at,
                a.closed_by,
                a.closed_at,
                a.outcome,
                t.sites.c.ref.label("site"),
                t.contracts.c.ref.label("contract"),
            )
            .join(t.sites, t.sites.c.id == a.site_id)
            .outerjoin(t.contracts, t.contracts.c.id == a.contract_id)
        )

    @staticmethod
    def _row(r: Any) -> AlarmSession:
        return AlarmSession(
            id=r.id,
            site=r.site,
            contract=r.contract,
            kind=r.kind,
            raised_at=utc(r.raised_at),
            raised_by=r.raised_by,
            taken_by=r.taken_by,
            taken_at=utc(r.taken_at) if r.taken_at else None,
            closed_by=r.closed_by,
            closed_at=utc(r.closed_at) if r.closed_at else None,
            outcome=r.outcome,
        )

    def session(self, session_id: int) -> AlarmSession | None:
        with self.engine.connect() as conn:
            row = conn.execute(self._select().where(t.alarm_sessions.c.id == session_id)).first()
        return self._row(row) if row else None

    def not_closed(self, limit: int = 200) -> list[AlarmSession]:
        """Waiting and taken alarms, oldest first (the one waiting longest is handled first)."""
        a = t.alarm_sessions.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                self._select().where(a.closed_at.is_(None)).order_by(a.raised_at, a.id).limit(limit)
            ).all()
        return [self._row(r) for r in rows]

    def take(self, session_id: int, actor: str, at: datetime) -> bool:
        a = t.alarm_sessions.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.alarm_sessions)
                .where(a.id == session_id, a.taken_by.is_(None), a.closed_at.is_(None))
                .values(taken_by=actor, taken_at=at.astimezone(UTC))
            ).rowcount
        return bool(done)

    def release(self, session_id: int, actor: str) -> bool:
        """Give a held session back to the waiting list (the holder's shift ends, say)."""
        a = t.alarm_sessions.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.alarm_sessions)
                .where(a.id == session_id, a.taken_by == actor, a.closed_at.is_(None))
                .values(taken_by=None, taken_at=None)
            ).rowcount
        return bool(done)

    def close(self, session_id: int, actor: str, at: datetime, outcome: str) -> bool:
        a = t.alarm_sessions.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.alarm_sessions)
                .where(a.id == session_id, a.taken_by == actor, a.closed_at.is_(None))
                .values(closed_by=actor, closed_at=at.astimezone(UTC), outcome=outcome)
            ).rowcount
        return bool(done)

    def site_fields(self, sites: Collection[str], fields: Collection[str]) -> dict[str, dict[str, str]]:
        """Some plain (not encrypted) fields of some sites, in one query: {site: {field: value}}."""
        s, f = t.sites.c, t.site_fields.c
        query = (
            select(s.ref, f.field, f.value)
            .join(t.site_fields, f.site_id == s.id)
            .where(s.ref.in_(list(sites)), f.field.in_(list(fields)))
        )
        found: dict[str, dict[str, str]] = {}
        with self.engine.connect() as conn:
            for ref, name, value in conn.execute(query):
                found.setdefault(ref, {})[name] = value
        return found

    def people(self, session_id: int, today: date) -> list[Callee]:
        """The persons to call for the session: the clients of its contract, then the site's
        trusted persons in call order (rank), each with a role open today."""
        a, r, p = t.alarm_sessions.c, t.roles.c, t.persons.c
        open_today = or_(r.ended_on.is_(None), r.ended_on >= today)
        session = select(a.site_id, a.contract_id).where(a.id == session_id).subquery()
        query = (
            select(p.ref, r.role, r.rank)
            .join(t.persons, p.id == r.person_id)
            .join(
                session,
                or_(
                    and_(r.role == Role.CLIENT.value, r.contract_id == session.c.contract_id),
                    and_(r.role == Role.TRUSTED_PERSON.value, r.site_id == session.c.site_id),
                ),
            )
            .where(open_today)
            .order_by((r.role == Role.TRUSTED_PERSON.value), r.rank.is_(None), r.rank, p.ref)
        )
        with self.engine.connect() as conn:
            return [Callee(ref, role, rank) for ref, role, rank in conn.execute(query)]

    def attempt(
        self, session_id: int, person: str, role: str, rank: int | None, outcome: str, at: datetime, by: str
    ) -> None:
        with self.engine.begin() as conn:
            person_id = conn.execute(select(t.persons.c.id).where(t.persons.c.ref == person)).scalar_one()
            conn.execute(
                insert(t.alarm_attempts).values(
                    session_id=session_id,
                    person_id=person_id,
                    role=role,
                    rank=rank,
                    outcome=outcome,
                    at=at.astimezone(UTC),
                    by=by,
                )
            )

    def attempts(self, session_id: int) -> list[Attempt]:
        x = t.alarm_attempts.c
        query = (
            select(t.persons.c.ref, x.role, x.rank, x.outcome, x.at, x.by)
            .outerjoin(t.persons, t.persons.c.id == x.person_id)
            .where(x.session_id == session_id)
            .order_by(x.at, x.id)
        )
        with self.engine.connect() as conn:
            return [
                Attempt(ref, role, rank, outcome, utc(at), by)
                for ref, role, rank, outcome, at, by in conn.execute(query)
            ]

    def calls_to(self, person: str) -> list[AlarmCall]:
        """The call attempts that reached this person during alarms (for their access answer)."""
        x, p = t.alarm_attempts.c, t.persons.c
        query = (
            select(x.session_id, x.role, x.rank, x.outcome, x.at)
            .join(t.persons, p.id == x.person_id)
            .where(p.ref == person)
            .order_by(x.at, x.id)
        )
        with self.engine.connect() as conn:
            return [
                AlarmCall(sid, role, rank, outcome, utc(at))
                for sid, role, rank, outcome, at in conn.execute(query)
            ]

    def dispatched(
        self, session_id: int, recipient: str, purpose: str, disclosure: int, at: datetime, by: str
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.alarm_dispatches).values(
                    session_id=session_id,
                    recipient=recipient,
                    purpose=purpose,
                    disclosure=disclosure,
                    at=at.astimezone(UTC),
                    by=by,
                )
            )

    def dispatches(self, session_id: int) -> list[Dispatch]:
        d = t.alarm_dispatches.c
        query = (
            select(d.recipient, d.purpose, d.disclosure, d.at, d.by)
            .where(d.session_id == session_id)
            .order_by(d.at, d.id)
        )
        with self.engine.connect() as conn:
            return [Dispatch(to, purpose, n, utc(at), by) for to, purpose, n, at, by in conn.execute(query)]
