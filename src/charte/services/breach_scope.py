"""Who a breach affected, computed from the audit and the disclosure ledger.

Given what was compromised — an actor (its token or password) over a window, a recipient's copy,
a system of the outbox, one disclosure — the scope gathers every allowed read, listing, disclosure
or order that reached a person in the window, with the fields each time. The audit names persons by
a keyed HMAC; they resolve to the persons still in the register (``persons.subject``), and those
erased since are counted from their tombstones, never named. The audit chain of every period the
window touches is verified first, and the result says so: a scope computed over a broken chain is
flagged (an adversary who could edit the log could have removed their reads from it).

The scope is set-based: one indexed range of the audit per actor, grouped by subject and field
list in SQL; the subjects resolve in chunks by index. Memory grows with the persons found, not
with the audit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from charte.domain.breaches import Compromised, Step
from charte.domain.policy import Policy
from charte.services import audit as audit_service
from charte.services.actors import valid_name
from charte.services.audit import AuditStore, Checkpoints
from charte.services.breaches import Keeper, audit_step, get_record, require, show, still_open
from charte.services.errors import Refused

MAX_WINDOW = timedelta(days=3660)


@dataclass(frozen=True, slots=True)
class Item:
    """One thing compromised. ``name``: the actor, recipient role or system id; ``number``: the
    disclosure's; ``since``/``until``: the window (aware instants)."""

    kind: Compromised
    name: str | None = None
    number: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.name is not None:
            out["name"] = self.name
        if self.number is not None:
            out["number"] = self.number
        if self.since is not None:
            out["since"] = self.since.isoformat()
        if self.until is not None:
            out["until"] = self.until.isoformat()
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    """What reached one subject: the field names, how many times, first and last."""

    subject: str
    fields: tuple[str, ...]
    times: int
    first: datetime
    last: datetime


@dataclass(slots=True)
class Reached:
    fields: set[str]
    times: int
    first: datetime
    last: datetime


class ScopeSource(Protocol):
    """The facts a scope reads (adapters.db.breach_scope)."""

    def actor_hits(self, actor: str, since: datetime, until: datetime) -> Iterator[Hit]:
        """The audit's allowed reads, listings and disclosures by ``actor`` in the window."""
        ...

    def recipient_hits(self, recipient: str, since: datetime, until: datetime) -> Iterator[Hit]: ...

    def disclosure_hits(self, number: int) -> Iterator[Hit]: ...

    def system_hits(self, system: str, since: datetime, until: datetime) -> Iterator[Hit]: ...

    def answer_hits(self, request: int) -> Iterator[Hit]:
        """What answering the rights request read of its person (the reads in its context)."""
        ...

    def resolve(self, subjects: Collection[str]) -> dict[str, int]:
        """subject -> person id, for the persons still in the register."""
        ...

    def erased(self, subjects: Collection[str]) -> int:
        """How many of ``subjects`` are persons erased since (their tombstones)."""
        ...

    def keep(self, breach: int, persons: Iterable[tuple[int, Reached]]) -> None:
        """Replace the breach's persons with these."""
        ...

    def subject_categories(self, breach: int) -> dict[str, int]:
        """The breach's persons by the kinds of role they have (or had)."""
        ...


def _window(item: Item) -> tuple[datetime, datetime]:
    if item.since is None or item.until is None:
        raise Refused(f"{item.kind.value}: give the window (since and until)")
    if item.until <= item.since:
        raise Refused(f"{item.kind.value}: until must come after since")
    if item.until - item.since > MAX_WINDOW:
        # The audit keeps months, not decades (its retention); a window of centuries would verify
        # thousands of empty periods.
        raise Refused(f"{item.kind.value}: a window of at most {MAX_WINDOW.days} days")
    return item.since, item.until


def periods_of(items: Iterable[Item]) -> set[str]:
    """The audit periods (UTC months) that the windows touch."""
    out: set[str] = set()
    for item in items:
        if item.since is None or item.until is None:
            continue
        # ``until`` is excluded: a window ending at midnight on the 1st does not reach that month.
        since, until = item.since.astimezone(UTC), item.until.astimezone(UTC) - timedelta(microseconds=1)
        year, month = since.year, since.month
        while (year, month) <= (until.year, until.month):
            out.add(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def hits(source: ScopeSource, item: Item, policy: Policy) -> Iterator[Hit]:
    if item.kind is Compromised.ACTOR:
        if not item.name or not valid_name(item.name):
            raise Refused("actor: name the actor whose token or password was compromised (an actor's name)")
        return source.actor_hits(item.name, *_window(item))
    if item.kind is Compromised.RECIPIENT:
        if item.name is None or item.name not in policy.roles:
            raise Refused(f"recipient: '{item.name}' is not a role of the policy")
        return source.recipient_hits(item.name, *_window(item))
    if item.kind is Compromised.SYSTEM:
        if item.name is None or item.name not in policy.systems:
            raise Refused(f"system: '{item.name}' is not a system of the policy")
        return source.system_hits(item.name, *_window(item))
    if item.number is None:
        raise Refused(f"{item.kind.value}: give its number")
    if item.kind is Compromised.ANSWER:
        return source.answer_hits(item.number)
    return source.disclosure_hits(item.number)


def compute(
    keeper: Keeper,
    *,
    source: ScopeSource,
    audit_store: AuditStore,
    checkpoints: Checkpoints,
    actor: str,
    role: str,
    breach: int,
    items: list[Item],
) -> dict[str, Any]:
    """The breach's scope from what was compromised; it replaces any earlier scope of the breach."""
    require(keeper, actor, role, "scope", breach)
    still_open(get_record(keeper, breach))
    if not items:
        raise Refused(
            "items: name at least one thing compromised (an actor, a recipient, a system, a disclosure)"
        )
    periods = periods_of(items)
    report = audit_service.verify(store=audit_store, checkpoints=checkpoints, only=periods)
    reached: dict[str, Reached] = {}
    per_item = []
    for item in items:
        count = 0
        for hit in hits(source, item, keeper.policy):
            count += hit.times
            had = reached.get(hit.subject)
            if had is None:
                reached[hit.subject] = Reached(set(hit.fields), hit.times, hit.first, hit.last)
            else:
                had.fields.update(hit.fields)
                had.times += hit.times
                had.first, had.last = min(had.first, hit.first), max(had.last, hit.last)
        per_item.append({**item.as_json(), "reached": count})
    ids = source.resolve(list(reached))
    unresolved = [s for s in reached if s not in ids]
    erased = source.erased(unresolved)
    source.keep(breach, ((ids[s], r) for s, r in reached.items() if s in ids))
    fields: dict[str, int] = {}
    for s, r in reached.items():
        if s in ids:
            for f in r.fields:
                fields[f] = fields.get(f, 0) + 1
    categories = categories_of(fields, keeper.policy)
    summary = {
        "items": per_item,
        "chain": {
            "ok": report.ok,
            "periods": sorted(periods),
            "broken": report.as_dict()["broken"],
        },
        "persons": {"in_register": len(ids), "erased": erased, "other_subjects": len(unresolved) - erased},
        "fields": dict(sorted(fields.items())),
        "data_categories": categories,
        "subject_categories": source.subject_categories(breach),
        "computed_at": keeper.auditor.clock.now().isoformat(),
    }
    audit_step(
        keeper, actor, role, breach, Step.SCOPED.value, persons=len(ids), erased=erased, chain_ok=report.ok
    )
    keeper.store.change(
        breach, at=keeper.auditor.clock.now(), step=Step.SCOPED, actor=actor,
        detail={"persons": summary["persons"], "chain_ok": report.ok, "items": per_item},
        values={"scope": summary},
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def categories_of(fields: Mapping[str, int], policy: Policy) -> list[str]:
    return sorted({policy.fields[f] for f in fields if f in policy.fields})
