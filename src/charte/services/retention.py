"""Reading the retention schedule: what is due when, and what falls due month by month."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.dates import add_months
from charte.services.access import require
from charte.services.audit import Auditor
from charte.services.erasure import SweepTotals
from charte.services.errors import Refused


@dataclass(frozen=True, slots=True)
class ScheduleFilter:
    person: str | None = None
    status: str | None = None
    due_before: date | None = None


@dataclass(frozen=True, slots=True)
class UnitView:
    """One line of the retention schedule: a person's unit, a call or an alarm session, with its
    rule, its dates and the cases holding it."""

    unit: str  # a subject category, "recording", "call" or "alarm_session"
    person: str | None  # the person's ref (a call may have none)
    context: str | None  # the contract, site, call or session it is for
    retention_end: date | None
    purge_due: date | None
    status: str  # a domain.retention.UnitStatus value
    rule: str
    held_by: tuple[str, ...] = ()
    review_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The line as `charte retention schedule` prints it (docs/cli.md): dates in ISO 8601."""
        return {
            "unit": self.unit,
            "person": self.person,
            "context": self.context,
            "retention_end": self.retention_end.isoformat() if self.retention_end else None,
            "purge_due": self.purge_due.isoformat() if self.purge_due else None,
            "status": self.status,
            "held_by": list(self.held_by),
            "rule": self.rule,
            "review_reason": self.review_reason,
        }


class RetentionQueries(Protocol):
    def units(self, criteria: ScheduleFilter) -> Iterator[UnitView]: ...

    def due_counts(self, start: date, end: date) -> list[tuple[date, int]]: ...


def schedule(
    *,
    queries: RetentionQueries,
    gate: AccessGate,
    auditor: Auditor,
    actor: str,
    role: str,
    criteria: ScheduleFilter,
) -> Iterator[UnitView]:
    """Every unit matching the filter, streamed (a register of a million persons fits no list).

    The schedule names persons by ref: only the roles that answer for retention see it
    (``AccessGate.may_see_retention``), and each listing — allowed or denied — is one audit entry
    naming the filter (the person's HMAC when one is asked for), written before any row."""
    decision = gate.may_see_retention(role)
    auditor.record(
        [
            Entry(
                at=auditor.clock.now(),
                actor=actor,
                action=Action.LIST,
                role=role,
                subject=auditor.subject("person", criteria.person) if criteria.person else None,
                decision="allowed" if decision.allowed else f"denied:{decision.reason}",
                detail={
                    "listing": "retention_schedule",
                    "status": criteria.status,
                    "due_before": criteria.due_before.isoformat() if criteria.due_before else None,
                },
            )
        ]
    )
    require(decision)
    return queries.units(criteria)


def forecast(*, queries: RetentionQueries, today: date, months: int) -> list[dict[str, Any]]:
    """Units falling due per calendar month from this month on, after those already overdue."""
    first = today.replace(day=1)
    counts: dict[str, int] = {"overdue": 0}  # due before today and not swept yet
    counts |= {add_months(first, i).strftime("%Y-%m"): 0 for i in range(months)}
    for due, count in queries.due_counts(date.min, add_months(first, months)):
        counts["overdue" if due < today else due.strftime("%Y-%m")] += count
    return [{"month": month, "units": count} for month, count in counts.items()]


@dataclass(slots=True)
class SweepReport:
    as_of: date
    dry_run: bool
    batches: int
    units_by_rule: dict[str, int]
    persons_erased: int
    fields_erased: int
    orders: int
    kept_by_holds: dict[str, int]
    recordings_erased: int = 0
    analysis_documents_erased: int = 0
    proofs_purged: dict[str, int] = field(default_factory=dict)
    datasets_expired: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "batches": self.batches,
            "units_erased": sum(self.units_by_rule.values()),
            "units_by_rule": dict(sorted(self.units_by_rule.items())),
            "persons_erased": self.persons_erased,
            "fields_erased": self.fields_erased,
            "orders": self.orders,
            "kept_by_holds": dict(sorted(self.kept_by_holds.items())),
            "recordings_erased": self.recordings_erased,
            "analysis_documents_erased": self.analysis_documents_erased,
            "proofs_purged": dict(sorted(self.proofs_purged.items())),
            "datasets_expired": self.datasets_expired,
        }


# Persons per sweep transaction. Larger batches cost fewer statements and commits (100,000 persons:
# 13.5 s at 500 -> 10.6 s at 2,000 on SQLite, -7 % on PostgreSQL; BENCHMARKS.md) and hold the
# lock longer: on SQLite the register's write lock for about a second per batch on a 2-core
# machine (other writers wait, within the 30 s busy timeout; audited reads go to the audit's own
# file and do not wait); on PostgreSQL only the batch's persons' rows (SKIP LOCKED). Memory grows
# with it: 126 -> 157 MB for the CLI's sweep.
SWEEP_BATCH = 2000


class Sweeper(Protocol):
    def sweep(self, as_of: date, *, dry_run: bool, batch_size: int) -> SweepTotals: ...


def sweep(
    *,
    sweeper: Sweeper,
    as_of: date,
    today: date,
    dry_run: bool = False,
    batch_size: int = SWEEP_BATCH,
    auditor: Auditor | None = None,
) -> SweepReport:
    """Erase every unit due on ``as_of``; a date after today only as a dry run (nothing early).

    Each erasure is chained in the audit by the sweeper, batch by batch; ``auditor`` then signs a
    checkpoint of the chains' heads."""
    if as_of > today and not dry_run:
        raise Refused(
            f"--as-of {as_of} is after today ({today}): data would go early; use --dry-run to preview"
        )
    totals = sweeper.sweep(as_of, dry_run=dry_run, batch_size=batch_size)
    if auditor is not None and not dry_run:
        auditor.checkpoint()
    return SweepReport(
        as_of,
        dry_run,
        totals.batches,
        dict(totals.units),
        totals.persons_erased,
        totals.fields_erased,
        totals.orders,
        dict(totals.kept_by_holds),
        totals.recordings_erased,
        totals.analysis_documents_erased,
        dict(totals.proofs_purged),
        totals.datasets_expired,
    )
