"""The disclosures ledger in SQL, each row written with its audit entry in one transaction."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from sqlalchemy import Engine, insert, select

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.domain.audit import Chained, Entry


class SqlDisclosures:
    def __init__(self, engine: Engine, audit: SqlAuditStore) -> None:
        self.engine, self.audit = engine, audit

    def record(self, entry: Entry) -> tuple[int, list[Chained]]:
        with self.engine.begin() as conn:
            number = conn.execute(
                insert(t.disclosures)
                .values(
                    person_hmac=entry.subject,
                    recipient=entry.detail["to"],
                    purpose=entry.purpose,
                    fields=json.dumps(list(entry.fields)),
                    actor=entry.actor,
                    at=entry.at.astimezone(UTC),
                )
                .returning(t.disclosures.c.id)
            ).scalar_one()
            chained = self.audit.append([entry], conn)
        return int(number), chained

    def for_person(self, person_hmac: str) -> list[dict[str, Any]]:
        d = t.disclosures.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(d.id, d.recipient, d.purpose, d.fields, d.actor, d.at)
                .where(d.person_hmac == person_hmac)
                .order_by(d.at, d.id)
            ).all()
        return [
            {
                "disclosure": r.id,
                "to": r.recipient,
                "purpose": r.purpose,
                "fields": json.loads(r.fields),
                "actor": r.actor,
                "at": (r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)).isoformat(),
            }
            for r in rows
        ]
