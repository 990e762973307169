"""Litigation holds placed and lifted by hand by the roles the policy names (access.holds_managed_by),
every change with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.litigation import Case, Judgment, release
from charte.domain.policy import Litigation
from charte.domain.vocabulary import CourtKind
from charte.services.access import require
from charte.services.audit import Auditor
from charte.services.errors import Refused


@dataclass(frozen=True, slots=True)
class HeldCase:
    """A litigation case as the register holds it, and what it names (``person:P1``,
    ``contract:C1``, ``call:K1``)."""

    case: Case
    subjects: tuple[str, ...] = ()


def standing(held: HeldCase, litigation: Litigation, today: date) -> dict[str, Any]:
    """The case as the console, the CLI and the dashboard show it: what it keeps and until when,
    with the steps that give the date (``domain.litigation.release``: recourse windows, CPC)."""
    c = held.case
    r = release(c, litigation, as_of=today)
    return {
        "case": c.ref,
        "kind": c.kind.value,
        "opened_on": c.opened_on.isoformat(),
        "closed_on": c.closed_on.isoformat() if c.closed_on else None,
        "subjects": list(held.subjects),
        "release": r.on.isoformat() if r.on else None,
        "why": r.why,
        "steps": list(r.steps),
        "review": r.review,
    }


class Holds(Protocol):
    def change(
        self,
        case_ref: str,
        action: str,
        detail: dict[str, Any],
        actor: str,
        *,
        kind: CourtKind | None = None,
        subjects: Sequence[tuple[str, str]] = (),
        judgment: Judgment | None = None,
        appealed: bool = False,
        closed: str | None = None,
        role: str | None = None,
    ) -> None: ...

    def cases(self) -> list[HeldCase]: ...

    def unknown(self, subjects: Sequence[tuple[str, str]]) -> list[tuple[str, str]]: ...


def _reason(reason: str) -> str:
    if not reason.strip():
        raise Refused("a hold change needs a reason (--reason): the DPO must be able to justify it")
    return reason.strip()


def place(
    *,
    holds: Holds,
    gate: AccessGate,
    role: str,
    case: str,
    kind: CourtKind,
    subjects: Sequence[tuple[str, str]],
    reason: str,
    actor: str,
) -> list[tuple[str, str]]:
    """Keep everything the case names (for a person, all their units) until the case releases it.

    A hold may name what the register does not hold yet (a person the CRM has not sent, a
    contract still in the feed): it is kept by its ref and applies the day the ref arrives. Those
    are returned, for the one who placed the hold to be told."""
    require(gate.may_manage_holds(role))
    if not subjects:
        raise Refused("name what the hold keeps: --person, --contract or --call")
    detail = {"reason": _reason(reason), "subjects": [f"{k}:{r}" for k, r in subjects]}
    holds.change(case, "placed", detail, actor, kind=kind, subjects=subjects, role=role)
    return holds.unknown(subjects)


def record_judgment(
    *, holds: Holds, gate: AccessGate, role: str, case: str, judgment: Judgment, reason: str, actor: str
) -> None:
    require(gate.may_manage_holds(role))
    detail = {
        "reason": _reason(reason),
        "pronounced_on": judgment.pronounced_on.isoformat(),
        "recourse": judgment.recourse.value if judgment.recourse else None,
    }
    holds.change(case, "judgment", detail, actor, judgment=judgment, role=role)


def record_appeal(*, holds: Holds, gate: AccessGate, role: str, case: str, reason: str, actor: str) -> None:
    require(gate.may_manage_holds(role))
    holds.change(case, "appealed", {"reason": _reason(reason)}, actor, appealed=True, role=role)


def lift(*, holds: Holds, gate: AccessGate, role: str, case: str, reason: str, actor: str) -> None:
    """Close the case by hand (settlement, withdrawal): its units go back to their own dates."""
    require(gate.may_manage_holds(role))
    holds.change(case, "lifted", {"reason": _reason(reason)}, actor, closed="lifted", role=role)


def list_cases(
    *, holds: Holds, litigation: Litigation, gate: AccessGate, auditor: Auditor, actor: str, role: str
) -> list[dict[str, Any]]:
    """The litigation cases and what each keeps, for the roles that answer for retention. Each
    subject named (a person, a contract, a call, by its ref) is an audited read; a refusal and an
    empty list are one entry each."""
    decision = gate.may_see_retention(role)

    def entry(subject: str | None, decision: str, **detail: Any) -> Entry:
        return Entry(
            at=auditor.clock.now(),
            actor=actor,
            action=Action.LIST,
            role=role,
            subject=subject,
            decision=decision,
            detail={"of": "holds", **detail},
        )

    if not decision.allowed:
        auditor.record([entry(None, f"denied:{decision.reason}")])
    require(decision)
    cases = holds.cases()
    named = [
        entry(auditor.subject(*subject.split(":", 1)), "allowed", case=c.case.ref)
        for c in cases
        for subject in c.subjects
    ]
    auditor.record(named or [entry(None, "allowed", cases=len(cases))])
    today = auditor.clock.today()
    return [standing(c, litigation, today) for c in cases]
