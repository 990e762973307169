"""GDPR Art. 14 notices in SQL: the roles still owed one, streamed; a notice or exemption recorded.

Which sources need a notice, which contacts are a communication and when a notice is due are
``charte.domain.information``'s rules, passed in; this module only selects by them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, func, insert, select
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.domain.register import Direction
from charte.domain.vocabulary import SourceKind
from charte.services.information import CollectedRole


class SqlInformation:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def unnoticed(
        self,
        sources: frozenset[SourceKind],
        communications: frozenset[Direction],
        collected_before: date | None,
    ) -> Iterator[CollectedRole]:
        """Every role collected from one of ``sources`` with no notice nor exemption recorded,
        oldest collection first, with the first of ``communications`` since; streamed (a register
        may owe many)."""
        r, p, n, cl = t.roles.c, t.persons.c, t.information_notices.c, t.contact_log.c
        first_contact = (
            select(func.min(cl.on))
            .where(
                cl.person_id == r.person_id,
                cl.direction.in_(sorted(d.value for d in communications)),
                cl.on >= r.started_on,
            )
            .scalar_subquery()
        )
        query = (
            _roles(p.ref, first_contact.label("first_contact"))
            .outerjoin(t.information_notices, n.role_id == r.id)
            .where(r.source_kind.in_(sorted(k.value for k in sources)), n.role_id.is_(None))
            .order_by(r.started_on, r.id)
            .execution_options(yield_per=5000)
        )
        if collected_before is not None:
            query = query.where(r.started_on < collected_before)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield _collected(row, row.ref, row.first_contact)

    def role(self, ref: str, role: str, context: str | None) -> CollectedRole | None:
        """One of a person's roles (the context names the contract or site, when it has one)."""
        r, p = t.roles.c, t.persons.c
        query = _roles().where(p.ref == ref, r.role == role).order_by(r.started_on.desc(), r.id.desc())
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                if context is None or context in (row.contract, row.site):
                    return _collected(row, ref, None)
        return None

    def record(
        self,
        role_id: int,
        sent_on: date | None,
        channel: str | None,
        exemption: str | None,
        by: str,
        at: datetime,
    ) -> bool:
        """False when a notice or exemption was already recorded for the role."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.information_notices).values(
                        role_id=role_id,
                        sent_on=sent_on,
                        channel=channel,
                        exemption=exemption,
                        recorded_by=by,
                        recorded_at=at.astimezone(UTC),
                    )
                )
        except IntegrityError:
            return False
        return True


def _roles(*extra: Any) -> Select[Any]:
    """Roles with their person, provenance, start and contract or site ref, plus ``extra`` columns."""
    r = t.roles.c
    return (
        select(
            *extra,
            r.id.label("role_id"),
            r.role,
            r.source_kind,
            r.source_ref,
            r.started_on,
            t.contracts.c.ref.label("contract"),
            t.sites.c.ref.label("site"),
        )
        .join(t.persons, t.persons.c.id == r.person_id)
        .outerjoin(t.contracts, t.contracts.c.id == r.contract_id)
        .outerjoin(t.sites, t.sites.c.id == r.site_id)
    )


def _collected(row: Any, ref: str, first_contact: date | None) -> CollectedRole:
    return CollectedRole(
        id=row.role_id,
        person=ref,
        role=row.role,
        context=row.contract or row.site,
        source_kind=SourceKind(row.source_kind),
        source_ref=row.source_ref,
        collected_on=row.started_on,
        first_contact=first_contact,
    )
