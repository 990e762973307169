"""Use cases on the policy itself: check it, lint it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charte.domain.errors import PolicyInvalid
from charte.domain.policy import Policy
from charte.domain.policy_lint import lint_policy
from charte.domain.problems import Problem
from charte.services.ports import PolicyLoader


@dataclass(frozen=True, slots=True)
class CheckReport:
    source: str
    policy: Policy | None
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return self.policy is not None


def check_policy(*, loader: PolicyLoader, location: str | None) -> CheckReport:
    """Validate a policy; an invalid one is a report, not an exception (the caller asked)."""
    try:
        loaded = loader.load(location)
    except PolicyInvalid as exc:
        source = exc.problems[0].file if exc.problems and exc.problems[0].file else str(location)
        return CheckReport(source=source, policy=None, problems=exc.problems)
    return CheckReport(source=loaded.source, policy=loaded.policy, problems=())


def lint(*, loader: PolicyLoader, location: str | None, as_of: date) -> list[Problem]:
    """Compliance notes, located in the source; raises ``PolicyInvalid`` on an invalid policy."""
    loaded = loader.load(location)
    return [loaded.locate(p) for p in lint_policy(loaded.policy, as_of=as_of)]
