"""Errors raised by the domain: rules refusing something.

    DomainError
     ├── PolicyInvalid        a policy breaks its format or a rule (carries every problem)
     ├── UnknownName          a role or purpose the policy does not declare (an input error)
     │    ├── UnknownRole
     │    └── UnknownPurpose
     ├── Refusal              a rights step the request's state or the rules do not allow
     │                        (``domain.rights``; also a ValueError)
     ├── DurationSyntaxError  not an ISO 8601 duration (``domain.durations``; also a ValueError)
     └── CheckpointBehind     the audit chain's head is behind its last signed checkpoint
                              (``domain.audit``; also a ValueError)

Messages name keys, fields and rules, never personal values (brief: no personal data in errors).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from charte.domain.problems import Problem


class DomainError(Exception):
    """Base of every error a domain rule raises."""


class PolicyInvalid(DomainError):
    """The policy cannot be used; ``problems`` lists every reason, located where known."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0].describe() if self.problems else "invalid policy"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class UnknownName(DomainError):
    """A name given by the caller is not declared in the policy; the message lists those that are."""

    what = "name"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        super().__init__(f"unknown {self.what} '{name}' (the policy declares: {', '.join(sorted(known))})")


class UnknownRole(UnknownName):
    what = "role"


class UnknownPurpose(UnknownName):
    what = "purpose"
