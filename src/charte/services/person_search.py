"""Finding a person from what a requester wrote: a name, an e-mail address, a phone number, a ref.

A search goes through the gate like any read: a role that may not act under the purpose is
refused (and audited) before anything is looked up. The search itself is audited as one entry
saying how it searched (by ref, contact or name) and how many it found — never what was typed,
which is personal data. Each candidate is then read through ``queries.show_person``, the one
path of a person's data: shaped by the gate and narrowed to the searched fields (names, contacts)
and the roles, audited as a read of those fields of that person (so an access answer tells them
they were looked up). A candidate the gate refuses this reader is counted, not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.policy import Search
from charte.domain.search import Query, parse
from charte.services.access import AccessDenied, Reader
from charte.services.audit import Auditor
from charte.services.errors import NotFound
from charte.services.queries import RegisterQueries, show_person

LIMIT = 10  # candidates shown at most: more means the DPO should type more of the name
MAX_LIMIT = 50


class PersonFinder(Protocol):
    """The register's search index (``adapters.db.person_search``); ``search``: the policy's
    fields it looks in, the only ones a candidate is shown with."""

    search: Search

    def find(self, query: Query, limit: int) -> list[str]:
        """The refs of at most ``limit`` persons the query names, the closest first (a whole
        word before a word's beginning)."""
        ...


@dataclass(frozen=True, slots=True)
class Found:
    """What a search gives the reader: the candidates as the gate lets them see each."""

    by: tuple[str, ...] = ()  # how it searched: "ref", "contact", "name"
    candidates: list[dict[str, Any]] = field(default_factory=list)
    withheld: int = 0  # found, but this reader may not see them for the purpose
    more: bool = False  # more were found than shown
    # For each candidate shown, which of the texts searched found them (their positions): a
    # requester found by their contact as well as their name is a stronger candidate.
    matched: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": list(self.by),
            "candidates": self.candidates,
            "withheld": self.withheld,
            "more": self.more,
        }


def ways(query: Query) -> tuple[str, ...]:
    """How a query searches, as the audit records it (never the text itself)."""
    return ("ref",) + (("contact",) if query.contact else ()) + (("name",) if query.words else ())


def search(
    *,
    finder: PersonFinder,
    queries: RegisterQueries,
    gate: AccessGate,
    auditor: Auditor,
    reader: Reader,
    text: str | Sequence[str],
    limit: int = LIMIT,
) -> Found:
    """The persons ``text`` names, each as the reader may see them for the purpose. Several texts
    (a requester's name and their contact) are one search: the persons any of them names, those
    named by more of them first, then as the index ranks them (whole words before beginnings)."""
    limit = max(1, min(limit, MAX_LIMIT))
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not verdict.allowed:
        auditor.record([_entry(auditor, reader, f"denied:{verdict.reason}", {})])
        raise AccessDenied(verdict)
    texts = [text] if isinstance(text, str) else list(text)
    asked = [parse(t) for t in texts]
    if all(q.empty for q in asked):
        return Found()
    by_text: dict[str, list[int]] = {}
    for i, q in enumerate(asked):
        for ref in finder.find(q, limit + 1) if not q.empty else ():
            by_text.setdefault(ref, []).append(i)
    refs = sorted(by_text, key=lambda ref: -len(by_text[ref]))  # by more texts first, else as ranked
    by = tuple(w for w in ("ref", "contact", "name") if any(w in ways(q) for q in asked if not q.empty))
    shown = refs[:limit]
    auditor.record([_entry(auditor, reader, "allowed", {"by": list(by), "found": len(shown)})])
    # GDPR Art. 5(1)(c): a candidate is shown with what says who they are — the searched names
    # and contacts, and their roles — not with everything the gate would let this reader see.
    only = frozenset(finder.search.fields)
    candidates, withheld = [], 0
    for ref in shown:
        try:
            candidates.append(
                show_person(queries=queries, gate=gate, auditor=auditor, reader=reader, ref=ref, only=only)
            )
        except AccessDenied:
            withheld += 1
        except NotFound:
            continue  # erased between the search and the read
    matched = {p["ref"]: tuple(by_text[p["ref"]]) for p in candidates}
    return Found(by=by, candidates=candidates, withheld=withheld, more=len(refs) > limit, matched=matched)


def _entry(auditor: Auditor, reader: Reader, decision: str, detail: dict[str, Any]) -> Entry:
    return Entry(
        at=auditor.clock.now(),
        actor=reader.actor,
        action=Action.SEARCH,
        role=reader.role,
        purpose=reader.purpose,
        context=f"{reader.context.kind}:{reader.context.ref}" if reader.context else None,
        decision=decision,
        detail=detail,
    )
