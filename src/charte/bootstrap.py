"""The composition root: the one place adapters are chosen and wired to use cases."""

from __future__ import annotations

from dataclasses import dataclass

from charte.adapters.clock import SystemClock
from charte.adapters.policy_file import YamlPolicyLoader
from charte.config import Settings
from charte.services.ports import Clock, PolicyLoader


@dataclass(frozen=True, slots=True)
class Container:
    settings: Settings
    policies: PolicyLoader
    clock: Clock


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or Settings.from_env()
    return Container(
        settings=settings,
        policies=YamlPolicyLoader(default=settings.policy_path),
        clock=clock or SystemClock(),
    )
