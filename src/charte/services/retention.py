"""Reading the retention schedule: what is due when, and what falls due month by month."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from charte.domain.dates import add_months


@dataclass(frozen=True, slots=True)
class ScheduleFilter:
    person: str | None = None
    status: str | None = None
    due_before: date | None = None


class RetentionQueries(Protocol):
    def units(self, criteria: ScheduleFilter) -> Iterator[dict[str, Any]]: ...

    def due_counts(self, start: date, end: date) -> list[tuple[date, int]]: ...


def schedule(*, queries: RetentionQueries, criteria: ScheduleFilter) -> Iterator[dict[str, Any]]:
    """Every unit matching the filter, streamed (a register of a million persons fits no list)."""
    return queries.units(criteria)


def forecast(*, queries: RetentionQueries, today: date, months: int) -> list[dict[str, Any]]:
    """Units falling due per calendar month from this month on, after those already overdue."""
    first = today.replace(day=1)
    counts: dict[str, int] = {"overdue": 0}  # due before today and not swept yet
    counts |= {add_months(first, i).strftime("%Y-%m"): 0 for i in range(months)}
    for due, count in queries.due_counts(date.min, add_months(first, months)):
        counts["overdue" if due < today else due.strftime("%Y-%m")] += count
    return [{"month": month, "units": count} for month, count in counts.items()]
