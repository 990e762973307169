"""The controller's records as the DPO reads them (docs/accountability.md): processors and their
transfers, DPIA screenings and records, balancing tests — each with what lint finds about it on
the day. The records live in the policy; this is their read side, for the API and the console."""

from __future__ import annotations

from datetime import date
from typing import Any

from charte.domain.access import Decision, Denial
from charte.domain.accountability_lint import AccountabilityCode, lint_accountability, screening
from charte.domain.policy import Policy
from charte.domain.problems import format_path
from charte.services.access import AccessDenied
from charte.services.read_model import plain


def may_read(policy: Policy, role: str) -> None:
    """The DPO's team (rights.submit_to) and the roles with archive access (internal audit)."""
    found = policy.roles.get(role)
    if role not in policy.rights.submit_to and (found is None or not found.archive_access):
        raise AccessDenied(
            Decision(False, Denial.ROLE_PURPOSE, f"role '{role}' may not read the accountability records")
        )


def processors(p: Policy) -> dict[str, Any]:
    return {
        "processors": [
            plain(x) | {"review_due": x.agreement.review_due.isoformat() if x.agreement else None}
            for x in p.processors.values()
        ],
        "transfers_by_activity": {
            aid: [{"processor": x.id, **plain(t)} for x, t in p.transfers_outside_eu(aid)]
            for aid in p.activities
        },
    }


def assessments(p: Policy) -> dict[str, Any]:
    activities = {}
    for aid, a in p.activities.items():
        criteria, required = screening(p, a)
        record = a.dpia.record if a.dpia else None
        activities[aid] = {
            "screened": a.dpia is not None,
            "criteria": {str(k): v for k, v in criteria.items()},
            "cnil_list": [str(x) for x in a.dpia.cnil_list] if a.dpia else [],
            "dpia_required": required,
            "record": plain(record) | {"review_due": record.review_due.isoformat()} if record else None,
        }
    return {
        "dpia": activities,
        "balancing_tests": [plain(t) | {"review_due": t.review_due.isoformat()} for t in p.balancing_tests],
    }


def records(policy: Policy, *, role: str, today: date) -> dict[str, Any]:
    """Every record, and lint's accountability findings as of ``today`` (errors first)."""
    may_read(policy, role)
    codes = {c.value for c in AccountabilityCode}
    findings = [
        f.as_dict() | {"path": format_path(f.path), "at": list(f.path)}
        for f in sorted(
            lint_accountability(policy, as_of=today),
            key=lambda f: ("error", "warning", "note").index(f.severity),
        )
        if f.code in codes
    ]
    return {"as_of": today.isoformat(), "findings": findings, **processors(policy), **assessments(policy)}
