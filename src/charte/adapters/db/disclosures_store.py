"""The disclosures ledger in SQL, each row written with its audit entry in one transaction."""

from __future__ import annotations

import json
from datetime import UTC

from sqlalchemy import Engine, insert, select

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.times import utc
from charte.domain.audit import Chained, Entry
from charte.services.disclosures import Disclosure


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

    def for_person(self, person_hmac: str) -> list[Disclosure]:
        d = t.disclosures.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(d.id, d.recipient, d.purpose, d.fields, d.actor, d.at)
                .where(d.person_hmac == person_hmac)
                .order_by(d.at, d.id)
            ).all()
        return [
            Disclosure(r.id, r.recipient, r.purpose, tuple(json.loads(r.fields)), r.actor, utc(r.at))
            for r in rows
        ]
