"""The DPO's dashboard: what needs attention today, each part shown only to the roles it is for.

- open rights requests by due date (overdue, due within ``SOON`` days) — the rights handlers;
- today's sweep plan (what is due now), the last sweep that ran, active litigation holds with
  their release dates, the retention forecast — the roles that may see retention;
- overdue orders to the operator's systems — the roles with archive access (orders name persons
  whose data may be archived or erased);
- open personal-data breaches with the hours left to notify the CNIL — the breach register's roles;
- staff accounts whose training lapses soon, has lapsed or never was, and the reads made under an
  exempt purpose with a lapsed one — the roles that record trainings;
- the audit chain: periods, entries, the last signed checkpoint of each period (a full
  verification is its own action: it reads every entry).

Reads of counts and refs only; opening a request or a person is a separate, audited read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, ChainKey, Checkpoint, Entry
from charte.domain.policy import Policy
from charte.services import rights, training
from charte.services.access import AccessDenied
from charte.services.breach_records import BreachStore
from charte.services.breaches import dashboard as open_breaches
from charte.services.breaches import handlers
from charte.services.erasure import SweepRun
from charte.services.holds import HeldCase, standing
from charte.services.retention import RetentionQueries, forecast
from charte.services.rights_desk import Desk
from charte.services.training import TrainingDesk

SOON = timedelta(days=5)
FORECAST_MONTHS = 24


class SweepLog(Protocol):
    def last_run(self) -> SweepRun | None: ...


class CaseList(Protocol):
    def cases(self) -> list[HeldCase]: ...


class PendingOrders(Protocol):
    def overdue_counts(self, now: datetime) -> dict[str, int]: ...


class AuditHeads(Protocol):
    def heads(self) -> dict[ChainKey, tuple[int, str]]: ...


class CheckpointsLatest(Protocol):
    def latest(self) -> Mapping[str, Checkpoint]: ...


@dataclass(frozen=True, slots=True)
class Sources:
    policy: Policy
    gate: AccessGate
    rights: Desk
    retention: RetentionQueries
    sweeps: SweepLog
    holds: CaseList
    outbox: PendingOrders
    audit: AuditHeads
    checkpoints: CheckpointsLatest
    breaches: BreachStore | None = None  # the breach register (its roles see its open breaches)
    trainings: TrainingDesk | None = None  # staff trainings (training.managed_by see who lapses)


def overview(src: Sources, role: str, today: date) -> dict[str, Any]:
    """The dashboard's parts this role may see; a part it may not see is ``None``."""
    src.gate.require_role(role)
    sees_retention = src.gate.may_see_retention(role).allowed
    board: dict[str, Any] = {"today": today.isoformat(), "requests": None, "retention": None, "orders": None,
                             "breaches": None, "trainings": None}  # fmt: skip
    if src.breaches is not None and role in handlers(src.policy):
        # Open breaches with the hours left before the prudent target (GDPR Art. 33(1)); red under 12.
        board["breaches"] = open_breaches(src.breaches, src.rights.clerk.clock.now())
    rule = src.policy.training
    if src.trainings is not None and rule is not None and role in rule.managed_by:
        # Accounts whose training lapses within training.warn_before, has lapsed or never was, and
        # the reads made under an exempt purpose with a lapsed one (GDPR Art. 24(1), 39(1)(b)).
        roster = training.roster(src.trainings, role=role)
        roster["accounts"] = [a for a in roster["accounts"] if a["status"] != "current"]
        board["trainings"] = roster
    if role in src.policy.rights.submit_to:
        try:
            board["requests"] = [
                r | {"urgency": _urgency(r.get("due_on"), today)}
                for r in rights.listing(src.rights, open_only=True)
            ]
        except AccessDenied as refused:  # the account's training lapsed: the rest of the board stays
            board["requests_refused"] = refused.reason
    if sees_retention:
        months = forecast(queries=src.retention, today=today, months=FORECAST_MONTHS)
        due_now = sum(n for _, n in src.retention.due_counts(date.min, today + timedelta(days=1)))
        board["retention"] = {
            "due_now": due_now,
            "last_sweep": last.as_dict() if (last := src.sweeps.last_run()) else None,
            "holds": [
                shown
                for shown in (standing(c, src.policy.litigation, today) for c in src.holds.cases())
                if shown["release"] is None or date.fromisoformat(shown["release"]) >= today
            ],
            "forecast": months,
        }
        heads = src.audit.heads()
        latest = src.checkpoints.latest()
        board["audit"] = {
            "periods": len({period for period, _ in heads}),
            "entries": sum(seq for seq, _ in heads.values()),
            "checkpoints": {period: c.at for period, c in sorted(latest.items())},
        }
    else:
        board["audit"] = None
    if role in src.gate.archive_roles:
        late = src.outbox.overdue_counts(src.rights.clerk.clock.now())
        board["orders"] = {"overdue": sum(late.values()), "by_system": late}
    # The board names requesters and the persons under litigation holds: opening it is recorded
    # (the requests' listing has an entry of its own).
    shown = sorted(k for k, v in board.items() if v is not None and k != "today")
    src.rights.clerk.auditor.record(
        [
            Entry(
                at=src.rights.clerk.clock.now(),
                actor=src.rights.clerk.actor,
                action=Action.LIST,
                role=role,
                detail={"of": "dashboard", "parts": shown},
            )
        ]
    )
    return board


def _urgency(due_on: str | None, today: date) -> str:
    if due_on is None:
        return "paused"
    due = date.fromisoformat(due_on)
    if due < today:
        return "overdue"
    return "soon" if due <= today + SOON else "later"
