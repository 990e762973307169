"""The DPO's annual report (docs/accountability.md, "Metrics"): the year's rights requests — by
type, channel and month, lead times (median and 95th percentile), late answers, extensions,
refusals, identity failures —, the sweeps' erasures by rule and month, litigation holds, breaches,
consents given and withdrawn. Counts and dates only: no name, no contact, no ref but a breach's
number.

The figures are computed here from the register's facts (``ReportSource``, set-based queries);
``services.documents.annual_report`` puts them in words, tables and charts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from charte.domain.access import Decision, Denial
from charte.domain.metrics import Month, months, percentile
from charte.domain.policy import Policy
from charte.domain.rights import ClosingReason, Status
from charte.services.access import AccessDenied
from charte.services.breach_records import BreachStore
from charte.services.errors import Refused


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """A rights request as the report counts it (no requester, no content)."""

    type: str
    channel: str
    received_on: date
    due_on: date | None
    extended_on: date | None
    finished_on: date | None
    status: str
    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class SweepFacts:
    as_of: date
    units_by_rule: Mapping[str, int]
    persons_erased: int


@dataclass(frozen=True, slots=True)
class HoldFacts:
    kind: str
    opened_on: date
    closed_on: date | None


@dataclass(frozen=True, slots=True)
class ConsentMonth:
    """Consents given and withdrawn in one month, for one purpose and channel."""

    month: str
    purpose: str
    channel: str
    given: int
    withdrawn: int


class ReportSource(Protocol):
    def requests(self, first: date, after: date) -> list[RequestFacts]: ...  # received, or finished, within

    def sweeps(self, first: date, after: date) -> list[SweepFacts]: ...

    def holds(self, after: date) -> list[HoldFacts]: ...  # opened before ``after``

    def consents(self, year: tuple[Month, ...]) -> list[ConsentMonth]: ...


ANSWERED = (Status.FULFILLED.value, Status.REFUSED.value)


def _may_report(policy: Policy, role: str) -> None:
    if role not in policy.rights.submit_to:
        raise AccessDenied(
            Decision(
                False,
                Denial.ROLE_PURPOSE,
                f"role '{role}' may not read the annual report (policy: rights.submit_to)",
            )
        )


def _rights(facts: list[RequestFacts], year: tuple[Month, ...], cutoff: date) -> dict[str, Any]:
    first, after = year[0].first, year[-1].after
    received = [r for r in facts if first <= r.received_on < after]
    finished = [r for r in facts if r.finished_on is not None and first <= r.finished_on < after]
    answered = [r for r in finished if r.status in ANSWERED]
    leads = {r: (r.finished_on - r.received_on).days for r in answered if r.finished_on is not None}
    by_type: dict[str, list[int]] = {}
    for r, days in leads.items():
        by_type.setdefault(r.type, []).append(days)
    late_answers = [
        r for r in answered if r.due_on is not None and r.finished_on is not None and r.finished_on > r.due_on
    ]
    open_late = [
        r for r in facts
        if r.received_on < after and (r.finished_on is None or r.finished_on >= cutoff)
        and r.due_on is not None and r.due_on < cutoff and Status(r.status).open
    ]  # fmt: skip
    # One reason however it was capitalised or punctuated, shown as first written.
    refusals: Counter[str] = Counter()
    spelt: dict[str, str] = {}
    for r in finished:
        if r.status == Status.REFUSED:
            text = " ".join((r.finish_reason or "").split()).rstrip(".")
            refusals[spelt.setdefault(text.casefold(), text)] += 1
    return {
        "received": len(received),
        "by_type": dict(sorted(Counter(r.type for r in received).items())),
        "by_channel": dict(sorted(Counter(r.channel for r in received).items())),
        "by_month": {
            m.label: dict(Counter(r.type for r in received if m.holds(r.received_on))) for m in year
        },
        "answered": len(answered),
        "lead_days": {
            "median": percentile(list(leads.values()), 50),
            "p95": percentile(list(leads.values()), 95),
            "by_type": {
                t: {"answered": len(v), "median": percentile(v, 50), "p95": percentile(v, 95)}
                for t, v in sorted(by_type.items())
            },
        },
        "late_answers": len(late_answers),
        "open_past_due": len(open_late),
        "extended": sum(1 for r in facts if r.extended_on is not None and first <= r.extended_on < after),
        "refused": sum(refusals.values()),
        "refusals_by_reason": dict(refusals.most_common()),
        "identity_failures": sum(
            1
            for r in finished
            if r.status == Status.CLOSED and r.finish_reason == ClosingReason.NOT_IDENTIFIABLE
        ),
        "withdrawn": sum(
            1 for r in finished if r.status == Status.CLOSED and r.finish_reason == ClosingReason.WITHDRAWN
        ),
    }


def metrics(
    *, source: ReportSource, breaches: BreachStore, policy: Policy, role: str, year: int, today: date
) -> dict[str, Any]:
    """The year's figures (a year not over yet: up to ``today``)."""
    _may_report(policy, role)
    if not 2000 <= year <= today.year:
        raise Refused(f"--year {year}: a year from 2000 to {today.year}")
    span = months(year)
    first, after = span[0].first, span[-1].after
    cutoff = min(after, today)
    sweeps = source.sweeps(first, after)
    erased: dict[str, dict[str, int]] = {m.label: {} for m in span}
    for run in sweeps:
        shelf = erased[run.as_of.strftime("%Y-%m")]
        for rule, units in run.units_by_rule.items():
            shelf[rule] = shelf.get(rule, 0) + units
    holds = source.holds(after)
    in_year = [b for b in breaches.all(open_only=False) if first <= b.aware_at.date() < after]
    consents = source.consents(span)
    return {
        "year": year,
        "as_of": cutoff.isoformat() if cutoff < after else None,  # a year not over: its figures so far
        "policy": policy.id,
        "months": [m.label for m in span],
        "rights": _rights(source.requests(first, after), span, cutoff),
        "erasures": {
            "sweeps": len(sweeps),
            "persons_erased": sum(r.persons_erased for r in sweeps),
            "units_by_rule": _sum_rules(erased),
            "by_month": erased,
        },
        "holds": {
            "opened": sum(1 for h in holds if h.opened_on >= first),
            "closed": sum(1 for h in holds if h.closed_on is not None and first <= h.closed_on < after),
            "active_at_end": sum(1 for h in holds if h.closed_on is None or h.closed_on >= cutoff),
        },
        "breaches": {
            "recorded": len(in_year),
            "notified_to_cnil": sum(1 for b in in_year if b.cnil_first_at is not None),
            "not_notified": sum(1 for b in in_year if b.notify_cnil is False),
            "closed": sum(1 for b in in_year if b.closed_at is not None),
            "numbers": [b.breach for b in sorted(in_year, key=lambda b: b.breach)],
        },
        "consents": {
            "given": sum(c.given for c in consents),
            "withdrawn": sum(c.withdrawn for c in consents),
            "by_month": {
                m.label: {
                    "given": sum(c.given for c in consents if c.month == m.label),
                    "withdrawn": sum(c.withdrawn for c in consents if c.month == m.label),
                }
                for m in span
            },
            "by_purpose_channel": [
                {"purpose": p, "channel": ch, "given": g, "withdrawn": w}
                for (p, ch), (g, w) in sorted(_by_purpose_channel(consents).items())
            ],
        },
    }


def _sum_rules(by_month: dict[str, dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for rules in by_month.values():
        total.update(rules)
    return dict(sorted(total.items()))


def _by_purpose_channel(consents: list[ConsentMonth]) -> dict[tuple[str, str], tuple[int, int]]:
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for c in consents:
        g, w = out.get((c.purpose, c.channel), (0, 0))
        out[(c.purpose, c.channel)] = (g + c.given, w + c.withdrawn)
    return out
