"""Litigation holds placed and lifted by hand (the legal team), every change with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from charte.domain.litigation import Judgment
from charte.domain.vocabulary import CourtKind
from charte.services.errors import Refused


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
    ) -> None: ...

    def cases(self) -> list[dict[str, Any]]: ...


def _reason(reason: str) -> str:
    if not reason.strip():
        raise Refused("a hold change needs a reason (--reason): the DPO must be able to justify it")
    return reason.strip()


def place(
    *, holds: Holds, case: str, kind: CourtKind, subjects: Sequence[tuple[str, str]], reason: str, actor: str
) -> None:
    """Keep everything the case names (for a person, all their units) until the case releases it."""
    if not subjects:
        raise Refused("name what the hold keeps: --person, --contract or --call")
    detail = {"reason": _reason(reason), "subjects": [f"{k}:{r}" for k, r in subjects]}
    holds.change(case, "placed", detail, actor, kind=kind, subjects=subjects)


def record_judgment(*, holds: Holds, case: str, judgment: Judgment, reason: str, actor: str) -> None:
    detail = {
        "reason": _reason(reason),
        "pronounced_on": judgment.pronounced_on.isoformat(),
        "recourse": judgment.recourse.value if judgment.recourse else None,
    }
    holds.change(case, "judgment", detail, actor, judgment=judgment)


def record_appeal(*, holds: Holds, case: str, reason: str, actor: str) -> None:
    holds.change(case, "appealed", {"reason": _reason(reason)}, actor, appealed=True)


def lift(*, holds: Holds, case: str, reason: str, actor: str) -> None:
    """Close the case by hand (settlement, withdrawal): its units go back to their own dates."""
    holds.change(case, "lifted", {"reason": _reason(reason)}, actor, closed="lifted")


def list_cases(*, holds: Holds) -> list[dict[str, Any]]:
    return holds.cases()
