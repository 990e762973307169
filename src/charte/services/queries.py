"""Reading the register: the one path every read of personal data takes.

Issue 5 puts the access gate here: every reader (CLI, API, console, letters) comes through these
functions, so the gate has one place to stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from charte.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class PersonFilter:
    role: str | None = None
    source: str | None = None
    site: str | None = None
    limit: int = 50
    offset: int = 0


class RegisterQueries(Protocol):
    def person(self, ref: str) -> dict[str, Any] | None: ...

    def persons(self, criteria: PersonFilter) -> tuple[int, list[dict[str, Any]]]: ...


def show_person(*, queries: RegisterQueries, ref: str) -> dict[str, Any]:
    found = queries.person(ref)
    if found is None:
        raise NotFound("person", ref)
    return found


def list_persons(*, queries: RegisterQueries, criteria: PersonFilter) -> dict[str, Any]:
    total, page = queries.persons(criteria)
    return {"total": total, "limit": criteria.limit, "offset": criteria.offset, "persons": page}
