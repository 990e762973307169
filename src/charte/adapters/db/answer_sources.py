"""What an access answer reads besides the person: retention units, calls, disclosures, consultations."""

from __future__ import annotations

from typing import Any

from charte.adapters.db.alarms_store import SqlAlarms
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.disclosures_store import SqlDisclosures
from charte.adapters.db.retention_queries import SqlRetentionQueries
from charte.services.retention import ScheduleFilter, UnitView


class SqlAnswerSources:
    def __init__(
        self,
        retention: SqlRetentionQueries,
        ledger: SqlDisclosures,
        audit: SqlAuditStore,
        calls: SqlCalls,
        alarms: SqlAlarms,
    ) -> None:
        self.retention, self.ledger, self.audit, self.calls = retention, ledger, audit, calls
        self.alarms = alarms

    def alarm_calls_to(self, ref: str) -> list[dict[str, Any]]:
        """The station's call attempts that reached the person during alarms."""
        return self.alarms.calls_to(ref)

    def calls_of(self, ref: str) -> list[dict[str, Any]]:
        """The person's calls: metadata only (the audio and transcripts are given on request)."""
        keep = ("ref", "at", "direction", "number", "recorded", "listened_live", "purposes", "retention_end",
                "purge_due", "held_by")  # fmt: skip
        return [{k: c[k] for k in keep} | {"audio": c["audio"]} for c in self.calls.calls_of(ref)]

    def units(self, ref: str) -> list[UnitView]:
        return list(self.retention.units(ScheduleFilter(person=ref)))

    def disclosures(self, person_hmac: str) -> list[dict[str, Any]]:
        return self.ledger.for_person(person_hmac)

    def consultations(self, person_hmac: str) -> list[dict[str, Any]]:
        return self.audit.consultations(person_hmac)
