"""API actors in SQL: token digests, roles, revocation (``charte.services.actors``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.domain.audit import Action, Entry
from charte.services.actors import Actor


class SqlActors:
    def __init__(self, engine: Engine, *, audit: SqlAuditStore | None = None) -> None:
        self.engine, self.audit = engine, audit

    def _audit(
        self, conn: Connection, at: datetime, by: str, change: str, name: str, role: str | None
    ) -> None:
        if self.audit is not None:
            detail = {"change": change, "name": name, "acts_as": role}
            self.audit.append([Entry(at=at, actor=by, action=Action.ACTOR, detail=detail)], conn)

    def add(self, name: str, role: str, token_sha256: str, at: datetime, by: str) -> bool:
        try:
            with self.engine.begin() as c:
                c.execute(
                    insert(t.actors).values(
                        name=name, role=role, token_sha256=token_sha256, created_at=at.astimezone(UTC)
                    )
                )
                self._audit(c, at, by, "added", name, role)
        except IntegrityError:
            return False
        return True

    def by_token(self, token_sha256: str) -> Actor | None:
        a = t.actors.c
        with self.engine.connect() as c:
            row = c.execute(
                select(a.name, a.role).where(a.token_sha256 == token_sha256, a.revoked_at.is_(None))
            ).first()
        return Actor(row.name, row.role) if row else None

    def revoke(self, name: str, at: datetime, by: str) -> bool:
        a = t.actors.c
        with self.engine.begin() as c:
            done = c.execute(
                update(t.actors)
                .where(a.name == name, a.revoked_at.is_(None))
                .values(revoked_at=at.astimezone(UTC))
            )
            if done.rowcount == 1:
                self._audit(c, at, by, "revoked", name, None)
        return done.rowcount == 1

    def all(self) -> list[dict[str, object]]:
        a = t.actors.c
        with self.engine.connect() as c:
            rows = c.execute(select(a.name, a.role, a.created_at, a.revoked_at).order_by(a.name)).all()
        return [
            {
                "name": r.name,
                "role": r.role,
                "created_at": r.created_at.isoformat(),
                "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
            }
            for r in rows
        ]
