"""The ports use cases depend on; adapters implement them, the composition root wires them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from charte.domain.policy import Policy
from charte.domain.problems import Problem


class Clock(Protocol):
    """The only source of the current time (Europe/Paris calendar)."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """A valid policy and the way back from a key path to its place in the source."""

    policy: Policy
    source: str
    locate: Callable[[Problem], Problem]


class PolicyLoader(Protocol):
    def load(self, location: str | None = None) -> LoadedPolicy:
        """Read and validate a policy (``None``: the configured one).

        Raises ``PolicyNotFound`` when nothing is there and ``PolicyInvalid`` with every located
        problem when the policy is unusable.
        """
        ...
