"""API response schemas (the public contract of /api/v1)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from charte.domain.policy import Policy


class PolicySummary(BaseModel):
    id: str
    source: str
    charter_updated_on: date
    languages: list[str]
    purposes: list[str]
    roles: list[str]
    subject_categories: list[str]
    activities: list[str]
    assumptions: int

    @classmethod
    def of(cls, p: Policy, source: str) -> PolicySummary:
        return cls(
            id=p.id,
            source=source,
            charter_updated_on=p.updated_on,
            languages=[lang.value for lang in p.languages],
            purposes=list(p.purposes),
            roles=list(p.roles),
            subject_categories=list(p.subject_categories),
            activities=list(p.activities),
            assumptions=len(p.assumptions),
        )
