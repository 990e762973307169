"""What an access answer reads besides the person: retention units, calls, disclosures, consultations."""

from __future__ import annotations

from charte.adapters.db.alarms_store import SqlAlarms
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.consent_store import SqlConsents
from charte.adapters.db.disclosures_store import SqlDisclosures
from charte.adapters.db.retention_queries import SqlRetentionQueries
from charte.services.alarms import AlarmCall
from charte.services.audit import Consultation
from charte.services.calls import CallView
from charte.services.consents import ConsentView
from charte.services.disclosures import Disclosure
from charte.services.retention import ScheduleFilter, UnitView


class SqlAnswerSources:
    def __init__(
        self,
        retention: SqlRetentionQueries,
        ledger: SqlDisclosures,
        audit: SqlAuditStore,
        calls: SqlCalls,
        alarms: SqlAlarms,
        consents: SqlConsents,
    ) -> None:
        self.retention, self.ledger, self.audit, self.calls = retention, ledger, audit, calls
        self.alarms, self.consents = alarms, consents

    def consents_of(self, ref: str) -> list[ConsentView]:
        return self.consents.of_person(ref)

    def alarm_calls_to(self, ref: str) -> list[AlarmCall]:
        """The station's call attempts that reached the person during alarms."""
        return self.alarms.calls_to(ref)

    def calls_of(self, ref: str) -> list[CallView]:
        return self.calls.calls_of(ref)

    def units(self, ref: str) -> list[UnitView]:
        return list(self.retention.units(ScheduleFilter(person=ref)))

    def disclosures(self, person_hmac: str) -> list[Disclosure]:
        return self.ledger.for_person(person_hmac)

    def consultations(self, person_hmac: str) -> list[Consultation]:
        return self.audit.consultations(person_hmac)
