"""Staff training that gates access (docs/accountability.md): who was trained when, each account's
standing on the day of a read, the roster the DPO watches, the reads made under an exempt purpose
with a lapsed training.

The rule is the domain's (``domain.accountability.Training``, applied by the access gate); this
module records, looks up and lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.accountability import Trained, Training
from charte.domain.policy import Policy
from charte.domain.vocabulary import RoleKind
from charte.services.access import AccessDenied
from charte.services.actors import Actor
from charte.services.errors import NotFound, Refused
from charte.services.ports import Clock

EARLIEST = date(2000, 1, 1)  # a training before this is a typing mistake, not a record


@dataclass(frozen=True, slots=True)
class Account:
    """An active person's account and the day of its latest training of the policy's courses."""

    actor: str
    role: str
    completed_on: date | None


@dataclass(frozen=True, slots=True)
class Completed:
    course: str
    completed_on: date
    recorded_by: str


@dataclass(frozen=True, slots=True)
class ExemptRead:
    """A read under an exempt purpose with a lapsed training: the first of the day, per purpose."""

    actor: str
    purpose: str
    day: date


class Trainings(Protocol):
    def record(
        self, actor: str, course: str, completed_on: date, purge_due: date, at: datetime, by: str, role: str
    ) -> int: ...

    def latest(self, actor: str, courses: tuple[str, ...]) -> date | None: ...

    def roster(self, courses: tuple[str, ...]) -> list[Account]: ...

    def history(self, actor: str) -> list[Completed]: ...

    def warn(self, actor: str, purpose: str, day: date, at: datetime, purge_due: date) -> bool: ...

    def warnings(self, since: date) -> list[ExemptRead]: ...


class NoTraining(Refused):
    """The policy has no ``training`` section: there is nothing to record."""

    def __init__(self) -> None:
        super().__init__("the policy has no `training` section: trainings are not recorded")


@dataclass(frozen=True, slots=True)
class TrainingDesk:
    policy: Policy
    gate: AccessGate
    trainings: Trainings
    clock: Clock

    @property
    def rule(self) -> Training:
        if self.policy.training is None:
            raise NoTraining
        return self.policy.training


def _may_manage(desk: TrainingDesk, role: str) -> None:
    desk.gate.require_role(role)
    if role not in desk.rule.managed_by:
        raise AccessDenied(
            Decision(
                False,
                Denial.ROLE_PURPOSE,
                f"role '{role}' may not record trainings (policy: training.managed_by)",
            )
        )


def record(
    desk: TrainingDesk, *, actor: str, course: str, completed_on: date, by: str, role: str
) -> dict[str, Any]:
    """Record that ``actor`` completed ``course`` on ``completed_on`` (by the DPO's team)."""
    rule = desk.rule
    _may_manage(desk, role)
    if course not in rule.courses:
        raise Refused(
            f"unknown course '{course}' (--course): one of {', '.join(rule.courses)} "
            "(policy: training.courses)"
        )
    today = desk.clock.today()
    if completed_on > today:
        raise Refused(f"--on {completed_on} is in the future: a training is recorded once completed")
    if completed_on < EARLIEST:
        raise Refused(f"--on {completed_on} is before {EARLIEST}: check the date")
    if not any(row.actor == actor for row in desk.trainings.roster(rule.courses)):
        raise NotFound("actor", actor)
    new_id = desk.trainings.record(
        actor, course, completed_on, rule.purge_due(completed_on), desk.clock.now(), by, role
    )
    return {
        "id": new_id,
        "actor": actor,
        "course": course,
        "completed_on": completed_on.isoformat(),
        "valid_until": rule.valid_until(completed_on).isoformat(),
    }


def standing(desk: TrainingDesk, actor: Actor) -> Trained | None:
    """An account's training on the day, for the gate; ``None`` for a system's account, or when
    the policy gates nothing on training. A read under an exempt purpose with a lapsed training
    is allowed by the gate and noted here for the DPO (``note_exempt``)."""
    if desk.policy.training is None or actor.system is not None:
        return None
    rule = desk.policy.training
    return rule.standing(desk.trainings.latest(actor.name, rule.courses), desk.clock.today())


def note_exempt(desk: TrainingDesk, actor: Actor, role: str, purpose: str, trained: Trained | None) -> None:
    """The DPO's warning: a staff account read under an exempt purpose (alarm handling) with its
    training not current — once per account, purpose and day, audited."""
    rule = desk.policy.training
    if rule is None or trained is None or trained.current or purpose not in rule.exempt:
        return
    if desk.policy.roles.get(role) is None or desk.policy.roles[role].kind is not RoleKind.STAFF:
        return
    today = desk.clock.today()
    desk.trainings.warn(actor.name, purpose, today, desk.clock.now(), rule.purge_due(today))


def roster(desk: TrainingDesk, *, role: str) -> dict[str, Any]:
    """Every staff account with its latest training, its last valid day and its status —
    ``current``, ``lapsing`` (within ``training.warn_before``), ``lapsed`` or ``never`` — and the
    reads made under an exempt purpose with a lapsed training in the last 30 days."""
    rule = desk.rule
    _may_manage(desk, role)
    today = desk.clock.today()
    staff = {r.id for r in desk.policy.roles.values() if r.kind is RoleKind.STAFF}
    accounts = []
    for row in desk.trainings.roster(rule.courses):
        if row.role not in staff:
            continue
        done = row.completed_on
        accounts.append(
            {
                "actor": row.actor,
                "role": row.role,
                "completed_on": done.isoformat() if done else None,
                "valid_until": rule.valid_until(done).isoformat() if done else None,
                "status": rule.status(done, today),
            }
        )
    warnings = [
        {"actor": w.actor, "purpose": w.purpose, "day": w.day.isoformat()}
        for w in desk.trainings.warnings(today - timedelta(days=30))
    ]
    counts = {
        s: sum(1 for a in accounts if a["status"] == s) for s in ("current", "lapsing", "lapsed", "never")
    }
    return {"as_of": today.isoformat(), "counts": counts, "accounts": accounts, "exempt_reads": warnings}


def history(desk: TrainingDesk, *, actor: str, role: str) -> dict[str, Any]:
    _may_manage(desk, role)
    rows = desk.trainings.history(actor)
    return {
        "actor": actor,
        "trainings": [
            {
                "course": r.course,
                "completed_on": r.completed_on.isoformat(),
                "valid_until": desk.rule.valid_until(r.completed_on).isoformat(),
                "recorded_by": r.recorded_by,
            }
            for r in rows
        ],
    }
