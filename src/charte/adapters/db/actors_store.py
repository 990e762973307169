"""API actors in SQL: token digests, roles, revocation (``charte.services.actors``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.times import utc
from charte.domain.audit import Action, Entry
from charte.services.actors import Actor
from charte.services.sessions import Credentials


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

    # Console login (services.sessions).

    def credentials(self, name: str) -> Credentials | None:
        a = t.actors.c
        with self.engine.connect() as c:
            row = c.execute(
                select(a.name, a.role, a.password_hash, a.failed_logins, a.locked_until).where(
                    a.name == name, a.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        return Credentials(
            Actor(row.name, row.role), row.password_hash, row.failed_logins, utc(row.locked_until)
        )

    def set_password(self, name: str, password_hash: str, at: datetime, by: str) -> None:
        a, s = t.actors.c, t.console_sessions.c
        with self.engine.begin() as c:
            actor_id = c.execute(
                update(t.actors)
                .where(a.name == name, a.revoked_at.is_(None))
                .values(password_hash=password_hash, failed_logins=0, locked_until=None)
                .returning(a.id)
            ).scalar_one()
            # A new password ends every open session: whoever knew the old one is out.
            c.execute(
                update(t.console_sessions)
                .where(s.actor_id == actor_id, s.ended_at.is_(None))
                .values(ended_at=at.astimezone(UTC))
            )
            self._audit(c, at, by, "password set", name, None)

    def clear_passwords(self, names: Sequence[str] | None, at: datetime, by: str) -> list[str]:
        """Clear the console passwords of ``names`` (every actor with one when None) and end their
        sessions, in one transaction: each must be given a new one (`charte actors passwd`). The
        names cleared, each change audited."""
        a, s = t.actors.c, t.console_sessions.c
        with self.engine.begin() as c:
            query = select(a.id, a.name).where(a.revoked_at.is_(None), a.password_hash.is_not(None))
            if names is not None:
                query = query.where(a.name.in_(list(names)))
            rows = c.execute(query.order_by(a.name)).all()
            ids = [r.id for r in rows]
            if ids:
                c.execute(update(t.actors).where(a.id.in_(ids)).values(password_hash=None, failed_logins=0))
                c.execute(
                    update(t.console_sessions)
                    .where(s.actor_id.in_(ids), s.ended_at.is_(None))
                    .values(ended_at=at.astimezone(UTC))
                )
                for r in rows:
                    self._audit(c, at, by, "password cleared", r.name, None)
        return [r.name for r in rows]

    def failed_login(self, name: str, failures: int, locked_until: datetime | None) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(t.actors)
                .where(t.actors.c.name == name)
                .values(
                    failed_logins=failures,
                    locked_until=locked_until.astimezone(UTC) if locked_until else None,
                )
            )

    def open_session(
        self, name: str, secret_sha256: str, at: datetime, expires_at: datetime, rehashed: str | None
    ) -> None:
        a = t.actors.c
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if rehashed is not None:
            values["password_hash"] = rehashed
        with self.engine.begin() as c:
            actor_id = c.execute(
                update(t.actors).where(a.name == name).values(**values).returning(a.id)
            ).scalar_one()
            c.execute(
                insert(t.console_sessions).values(
                    secret_sha256=secret_sha256,
                    actor_id=actor_id,
                    created_at=at.astimezone(UTC),
                    expires_at=expires_at.astimezone(UTC),
                )
            )

    def session_actor(self, secret_sha256: str, at: datetime) -> Actor | None:
        a, s = t.actors.c, t.console_sessions.c
        with self.engine.connect() as c:
            row = c.execute(
                select(a.name, a.role)
                .join_from(t.console_sessions, t.actors, s.actor_id == a.id)
                .where(
                    s.secret_sha256 == secret_sha256,
                    s.ended_at.is_(None),
                    s.expires_at > at.astimezone(UTC),
                    a.revoked_at.is_(None),
                )
            ).first()
        return Actor(row.name, row.role) if row else None

    def end_session(self, secret_sha256: str, at: datetime) -> Actor | None:
        a, s = t.actors.c, t.console_sessions.c
        with self.engine.begin() as c:
            row = c.execute(
                select(a.name, a.role)
                .join_from(t.console_sessions, t.actors, s.actor_id == a.id)
                .where(s.secret_sha256 == secret_sha256, s.ended_at.is_(None))
            ).first()
            if row is None:
                return None
            c.execute(
                update(t.console_sessions)
                .where(s.secret_sha256 == secret_sha256)
                .values(ended_at=at.astimezone(UTC))
            )
        return Actor(row.name, row.role)
