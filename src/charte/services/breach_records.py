"""The breach register's records: what a use case hands the store and gets back (services.breaches)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.breaches import Nature, Step
from charte.services.read_model import JsonRecord


@dataclass(frozen=True, slots=True)
class NewBreach:
    title: str
    discovered_at: datetime
    discovered_by: str
    aware_at: datetime
    natures: tuple[Nature, ...]
    processor: str | None = None  # Art. 33(2): the processor's notice is the moment of awareness
    facts: JsonRecord = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BreachSummary:
    """A breach as the list and the dashboard show it."""

    breach: int
    title: str
    aware_at: datetime
    deadline_at: datetime
    target_at: datetime
    status: str  # open, notified (the CNIL has a first notification), closed
    notify_cnil: bool | None
    cnil_first_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Affected:
    """A person the scope found: their ref, the fields reached, how many times."""

    ref: str
    fields: tuple[str, ...]
    times: int


@dataclass(frozen=True, slots=True)
class TimelineStep:
    at: datetime
    step: str
    actor: str
    detail: JsonRecord


@dataclass(frozen=True, slots=True)
class BreachRecord:
    """One breach whole: what the register keeps of it."""

    summary: BreachSummary
    opened_at: datetime
    opened_by: str
    discovered_at: datetime
    discovered_by: str
    processor: str | None
    natures: tuple[str, ...]
    facts: JsonRecord
    assessment: JsonRecord | None
    scope: JsonRecord | None
    notify_cnil_why: str | None
    tell_persons: bool | None
    tell_persons_why: str | None
    cnil_reference: str | None
    cnil_complete: bool
    purge_due: date | None
    timeline: tuple[TimelineStep, ...]


class BreachStore(Protocol):
    def open(self, new: NewBreach, *, at: datetime, by: str, deadline: datetime, target: datetime) -> int: ...

    def get(self, breach: int) -> BreachRecord | None: ...

    def all(self, *, open_only: bool) -> list[BreachSummary]: ...

    def change(
        self,
        breach: int,
        *,
        at: datetime,
        step: Step,
        actor: str,
        detail: JsonRecord,
        values: Mapping[str, Any],
    ) -> None:
        """Set ``values`` on the breach and add the step to its timeline, in one transaction."""
        ...

    def persons(self, breach: int, *, limit: int, offset: int) -> tuple[int, list[Affected]]: ...
