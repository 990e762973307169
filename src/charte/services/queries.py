"""Reading the register: the one path every read of personal data takes, through the gate.

Every reader (CLI, API, console, letters) comes through these functions with a ``Reader``; the
access gate decides, and only what it lets through leaves (``charte.services.access``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.services.access import AccessDenied, Reader, decide, shape_person
from charte.services.errors import NotFound
from charte.services.ports import Clock


@dataclass(frozen=True, slots=True)
class PersonFilter:
    role: str | None = None
    source: str | None = None
    site: str | None = None
    limit: int = 50
    offset: int = 0
    # Set by the gate, not by callers: the role kinds the reader may see, and whether restricted
    # persons may be listed (only under a restriction exception).
    visible_roles: frozenset[str] | None = None
    include_restricted: bool = True
    include_archived: bool = True  # persons whose roles all ended (only for archive-access roles)


class RegisterQueries(Protocol):
    def person(self, ref: str) -> dict[str, Any] | None: ...

    def persons(self, criteria: PersonFilter) -> tuple[int, list[dict[str, Any]]]: ...


def show_person(
    *, queries: RegisterQueries, gate: AccessGate, reader: Reader, clock: Clock, ref: str
) -> dict[str, Any]:
    """A person as the reader may see them; refused with the gate's reason otherwise.

    An unknown ref and a refused read are told apart only after the role-purpose check, so a
    role that may not act under the purpose cannot probe which refs exist."""
    verdict = gate.check(reader.role, reader.purpose)
    if not verdict.allowed:
        raise AccessDenied(verdict)
    found = queries.person(ref)
    if found is None:
        raise NotFound("person", ref)
    today = clock.today()
    decision = decide(gate, reader, found, today)
    if not decision.allowed:
        raise AccessDenied(decision)
    return shape_person(found, decision, today)


def list_persons(
    *, queries: RegisterQueries, gate: AccessGate, reader: Reader, criteria: PersonFilter
) -> dict[str, Any]:
    """Persons with an open role the reader may see for the purpose, showing only those roles."""
    verdict = gate.check(reader.role, reader.purpose)
    if not verdict.allowed:
        raise AccessDenied(verdict)
    visible = gate.visible_categories(reader.role, reader.purpose, reader.context)
    scoped = replace(
        criteria,
        visible_roles=visible,
        include_restricted=reader.purpose in gate.restriction_exceptions,
        include_archived=reader.role in gate.archive_roles,
    )
    total, page = queries.persons(scoped)
    return {"total": total, "limit": criteria.limit, "offset": criteria.offset, "persons": page}
