"""What an access answer reads besides the person: retention units, disclosures, consultations."""

from __future__ import annotations

from typing import Any

from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.disclosures_store import SqlDisclosures
from charte.adapters.db.retention_queries import SqlRetentionQueries
from charte.services.retention import ScheduleFilter


class SqlAnswerSources:
    def __init__(self, retention: SqlRetentionQueries, ledger: SqlDisclosures, audit: SqlAuditStore) -> None:
        self.retention, self.ledger, self.audit = retention, ledger, audit

    def units(self, ref: str) -> list[dict[str, Any]]:
        return list(self.retention.units(ScheduleFilter(person=ref)))

    def disclosures(self, person_hmac: str) -> list[dict[str, Any]]:
        return self.ledger.for_person(person_hmac)

    def consultations(self, person_hmac: str) -> list[dict[str, Any]]:
        return self.audit.consultations(person_hmac)
