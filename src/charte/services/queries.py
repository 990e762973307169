"""Reading the register: the one path every read of personal data takes, through the gate.

Every reader (CLI, API, console, letters) comes through these functions with a ``Reader``; the
access gate decides, the audit records it, and only what the gate lets through leaves
(``charte.services.access``, ``charte.services.audit``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.services.access import AccessDenied, Reader, decide, fields_shown, shape_person
from charte.services.audit import Auditor
from charte.services.errors import NotFound
from charte.services.person_view import PersonView
from charte.services.read_model import plain


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
    today: date | None = None  # what "ended" is judged against


@dataclass(frozen=True, slots=True)
class Listed:
    """A person as a listing shows them: their ref and the kinds of their open roles."""

    ref: str
    open_roles: tuple[str, ...] = ()


class PersonLookup(Protocol):
    """One person by ref: what a use case about one person (a disclosure) needs of the register."""

    def person(self, ref: str) -> PersonView | None: ...


class RegisterQueries(PersonLookup, Protocol):
    def persons(self, criteria: PersonFilter) -> tuple[int, list[Listed]]: ...


def _entry(
    auditor: Auditor, reader: Reader, action: Action, ref: str | None, decision: str, fields: Any = ()
) -> Entry:
    return Entry(
        at=auditor.clock.now(),
        actor=reader.actor,
        action=action,
        role=reader.role,
        purpose=reader.purpose,
        context=f"{reader.context.kind}:{reader.context.ref}" if reader.context else None,
        subject=auditor.subject("person", ref) if ref is not None else None,
        fields=tuple(sorted(fields)),
        decision=decision,
    )


def show_person(
    *,
    queries: RegisterQueries,
    gate: AccessGate,
    auditor: Auditor,
    reader: Reader,
    ref: str,
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A person as the reader may see them; refused with the gate's reason otherwise. With
    ``only``, no more than those fields of what the gate allows (and the audit says so).

    Every attempt is audited before anything is returned — allowed (with the field names), denied
    (with the reason) or not found — and a read whose entry cannot be written fails. An unknown
    ref and a refused read are told apart only after the role-purpose check, so a role that may
    not act under the purpose cannot probe which refs exist."""
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not verdict.allowed:
        auditor.record([_entry(auditor, reader, Action.READ, ref, f"denied:{verdict.reason}")])
        raise AccessDenied(verdict)
    found = queries.person(ref)
    if found is None:
        auditor.record([_entry(auditor, reader, Action.READ, ref, "not_found")])
        raise NotFound("person", ref)
    today = auditor.clock.today()
    decision = decide(gate, reader, found, today)
    if not decision.allowed:
        auditor.record([_entry(auditor, reader, Action.READ, ref, f"denied:{decision.reason}")])
        raise AccessDenied(decision)
    if only is not None:
        decision = decision.narrowed(only)
    shaped = shape_person(found, decision, today)
    # The fields the view carries — values present, not merely allowed: a breach's scope and its
    # letters say which data were reached, and an access answer which were consulted.
    auditor.record(
        [_entry(auditor, reader, Action.READ, ref, "allowed", fields_shown(shaped, decision.fields))]
    )
    return shaped


def list_persons(
    *, queries: RegisterQueries, gate: AccessGate, auditor: Auditor, reader: Reader, criteria: PersonFilter
) -> dict[str, Any]:
    """Persons with an open role the reader may see for the purpose, showing only those roles.

    Each person listed is an audited disclosure of their ref and role kinds (one entry each; an
    empty page, one entry without a subject)."""
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not verdict.allowed:
        auditor.record([_entry(auditor, reader, Action.LIST, None, f"denied:{verdict.reason}")])
        raise AccessDenied(verdict)
    visible = gate.visible_categories(reader.role, reader.purpose, reader.context)
    scoped = replace(
        criteria,
        visible_roles=visible,
        include_restricted=reader.purpose in gate.restriction_exceptions,
        include_archived=reader.role in gate.archive_roles,
        today=auditor.clock.today(),
    )
    total, page = queries.persons(scoped)
    # One entry per person listed; an empty page is one entry too (every listing is recorded).
    auditor.record(
        [_entry(auditor, reader, Action.LIST, p.ref, "allowed", ["open_roles"]) for p in page]
        or [_entry(auditor, reader, Action.LIST, None, "allowed")]
    )
    persons = [plain(p) for p in page]
    return {"total": total, "limit": criteria.limit, "offset": criteria.offset, "persons": persons}
