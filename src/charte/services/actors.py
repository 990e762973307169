"""Who may call the API: an actor per person or system, with a token and the role it acts in.

A token is shown once, when the actor is added, and stored only as its SHA-256. An actor acts
either in a policy role (its reads go through the access gate under the purpose it names) or
for one of the policy's systems (``system:crm``...), which may feed events and read its own
orders but reads no person.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from charte.domain.access import AccessGate, Decision, Denial
from charte.services.access import AccessDenied
from charte.services.errors import Conflict, NotFound, Refused
from charte.services.outbox import UnknownSystem
from charte.services.ports import Clock

SYSTEM_PREFIX = "system:"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$")


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str  # a policy role, or "system:<id>"

    @property
    def system(self) -> str | None:
        return self.role.removeprefix(SYSTEM_PREFIX) if self.role.startswith(SYSTEM_PREFIX) else None


class Actors(Protocol):
    def add(self, name: str, role: str, token_sha256: str, at: datetime, by: str) -> bool: ...  # False: taken

    def by_token(self, token_sha256: str) -> Actor | None: ...

    def revoke(self, name: str, at: datetime, by: str) -> bool: ...  # False: no such active actor

    def all(self) -> list[dict[str, object]]: ...


def valid_name(name: str) -> bool:
    return _NAME.match(name) is not None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_actor(
    *,
    actors: Actors,
    gate: AccessGate,
    systems: frozenset[str],
    clock: Clock,
    name: str,
    role: str | None,
    system: str | None,
    by: str,
) -> str:
    """Create the actor and return its token (shown once; only its digest is kept)."""
    if not valid_name(name):
        raise Refused(
            "an actor name is 1 to 200 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    if (role is None) == (system is None):
        raise Refused("give exactly one of --role ROLE (a person) or --system ID (a feeding system)")
    if role is not None:
        gate.require_role(role)
        acting = role
    elif system in systems:
        acting = SYSTEM_PREFIX + system
    else:
        raise UnknownSystem(str(system), sorted(systems))
    token = "charte_" + secrets.token_urlsafe(32)
    if not actors.add(name, acting, digest(token), clock.now(), by):
        raise Conflict(f"an actor named '{name}' already exists: revoke it first or choose another name")
    return token


def authenticate(*, actors: Actors, token: str) -> Actor | None:
    if not token.startswith("charte_"):
        return None
    return actors.by_token(digest(token))


def revoke(*, actors: Actors, clock: Clock, name: str, by: str) -> None:
    if not actors.revoke(name, clock.now(), by):
        raise NotFound("actor", name)


def as_system(actor: Actor, what: str) -> str:
    """The system a system actor acts for; a person actor is refused ``what`` (feeding events,
    acknowledging orders: the systems' jobs)."""
    if actor.system is None:
        raise AccessDenied(
            Decision(False, Denial.ROLE_PURPOSE, f"role '{actor.role}' may not {what}: a system actor does")
        )
    return actor.system


def as_person(actor: Actor) -> str:
    """The policy role a person actor acts in; a system actor reads no person."""
    if actor.system is not None:
        raise AccessDenied(
            Decision(
                False, Denial.ROLE_PURPOSE, f"system actor '{actor.name}' feeds events and reads no person"
            )
        )
    return actor.role
