"""The ports use cases depend on; adapters implement them, the composition root wires them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.policy import Policy
from charte.domain.problems import Problem


class Clock(Protocol):
    """The only source of the current time (Europe/Paris calendar)."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class ErasureLedger(Protocol):
    """Every erasure, kept outside the database (HMAC refs, dates, field names; no personal data)
    so that restoring a backup cannot bring the erased back (`charte retention replay-erasures`)."""

    def write(self, record: dict[str, Any]) -> None: ...


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
