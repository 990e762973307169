"""Portal tickets in SQL: a request's follow-up secret (as its SHA-256) and the requester's details."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from charte.adapters.db import tables as t


class SqlPortalTickets:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, request_id: int, secret_sha256: str, details: str | None, at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.portal_tickets).values(
                    request_id=request_id,
                    secret_sha256=secret_sha256,
                    details=details,
                    created_at=at.astimezone(UTC),
                )
            )

    def request_of(self, secret_sha256: str) -> int | None:
        p = t.portal_tickets.c
        with self.engine.connect() as conn:
            found = conn.execute(select(p.request_id).where(p.secret_sha256 == secret_sha256)).scalar()
        return int(found) if found is not None else None

    def details(self, request_id: int) -> str | None:
        p = t.portal_tickets.c
        with self.engine.connect() as conn:
            found = conn.execute(select(p.details).where(p.request_id == request_id)).scalar()
        return str(found) if found is not None else None
