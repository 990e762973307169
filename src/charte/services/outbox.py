"""Orders to the operator's systems: list what a system must do, record that it did it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.accountability import Trained
from charte.domain.audit import Action, Entry
from charte.domain.orders import Order
from charte.domain.policy import Policy
from charte.services.access import AccessDenied
from charte.services.audit import Auditor
from charte.services.errors import NotFound, Refused
from charte.services.ports import Clock


@dataclass(frozen=True, slots=True)
class QueuedOrder:
    """An order in the outbox: to which system, about whom, which fields (and new values, for a
    rectification), why, by when, and whether the system acknowledged it."""

    id: int
    system: str
    kind: str
    person: str
    fields: tuple[str, ...]
    values: Mapping[str, str]
    reason: str | None
    created_at: datetime
    due_by: datetime
    acked_at: datetime | None = None
    acked_by: str | None = None

    def overdue(self, now: datetime) -> bool:
        return self.acked_at is None and self.due_by < now

    def as_dict(self, now: datetime) -> dict[str, Any]:
        """The order as the API, the CLI and the console give it (instants left to their encoder)."""
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        return shown | {
            "fields": list(self.fields),
            "values": dict(self.values),
            "overdue": self.overdue(now),
        }


class Outbox(Protocol):
    def add(self, orders: Sequence[Order]) -> None: ...

    def orders(
        self,
        *,
        system: str | None,
        pending_only: bool,
        due_before: datetime | None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[QueuedOrder]: ...

    def acknowledge(
        self, order_id: int, *, by: str, at: datetime, system: str | None = None
    ) -> tuple[bool, datetime | None] | None: ...

    def acknowledge_many(
        self,
        ids: Sequence[int] | None,
        up_to: int | None,
        *,
        by: str,
        at: datetime,
        system: str | None = None,
    ) -> tuple[int, int, list[int]]: ...


# A page of orders: a sweep orders every system to erase thousands of persons at once, which a
# connector fetches page by page, from the last id it saw (``after``), and acknowledges in bulk.
PAGE = 500
MAX_PAGE = 5000


def next_after(orders: Sequence[Mapping[str, Any]], limit: int | None) -> int | None:
    """The cursor of the next page: the last order's id when the page is full, else None."""
    return int(orders[-1]["id"]) if limit is not None and len(orders) == limit and orders else None


class UnknownSystem(NotFound):
    def __init__(self, system: str, known: Sequence[str]) -> None:
        super().__init__("system", f"{system} (the policy's systems: {', '.join(known)})")


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    order_id: int
    acknowledged_at: datetime | None
    already: bool


@dataclass(frozen=True, slots=True)
class OrderReader:
    """Who reads orders: a system actor (its own orders) or a person in a role, for a purpose."""

    actor: str
    system: str | None = None
    role: str | None = None
    purpose: str | None = None
    trained: Trained | None = None  # a person's account: their training on the day


def list_orders(
    *,
    outbox: Outbox,
    policy: Policy,
    gate: AccessGate,
    auditor: Auditor,
    reader: OrderReader,
    system: str | None,
    overdue: bool = False,
    include_acked: bool = False,
    after: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """A system's orders, oldest first: pending ones by default; ``overdue`` only those past due;
    with ``after`` and ``limit``, the page of ``limit`` orders whose ids follow ``after``.

    Orders name persons and may carry their new values (a rectified phone): each order listed is
    an audited read of its person (the ref's HMAC, the fields the order carries), written before
    the list is returned, whoever reads — the system carrying them out or the DPO's team; an
    empty list is one entry. A system reads its own orders only; a person in a role is checked
    by ``check_reader``."""
    if reader.system is not None:
        system = reader.system
    else:
        check_reader(gate, auditor, reader.actor, reader.role or "", reader.purpose or "", reader.trained)
    if system is not None and system not in policy.systems:
        raise UnknownSystem(system, list(policy.systems))
    now = auditor.clock.now()
    if limit is not None and not 1 <= limit <= MAX_PAGE:
        raise Refused(f"limit: a page holds 1 to {MAX_PAGE} orders (found {limit})")
    found = outbox.orders(
        system=system,
        pending_only=not include_acked or overdue,
        due_before=now if overdue else None,
        after=after,
        limit=limit,
    )

    def entry(subject: str | None, fields: Sequence[str], **detail: Any) -> Entry:
        return Entry(
            at=now,
            actor=reader.actor,
            action=Action.LIST,
            role=reader.role,
            purpose=reader.purpose,
            subject=subject,
            fields=tuple(fields),
            detail={"of": "orders", **detail},
        )

    auditor.record(
        [entry(auditor.subject("person", o.person), o.fields, order=o.id, system=o.system) for o in found]
        or [entry(None, (), orders=0, system=system)]
    )
    return [o.as_dict(now) for o in found]


def acknowledge(
    *, outbox: Outbox, clock: Clock, order_id: int, by: str, system: str | None = None
) -> Acknowledgement:
    """Record that a system carried out an order; acknowledging twice is harmless and says so.

    With ``system``, only that system's orders can be acknowledged (another's is not found)."""
    result = outbox.acknowledge(order_id, by=by, at=clock.now(), system=system)
    if result is None:
        raise NotFound("order", str(order_id))
    newly, when = result
    return Acknowledgement(order_id, when, already=not newly)


@dataclass(frozen=True, slots=True)
class BulkAcknowledgement:
    acknowledged: int  # newly, now
    already: int  # acknowledged before
    unknown: tuple[int, ...]  # ids that are not orders (of that system)


def acknowledge_many(
    *,
    outbox: Outbox,
    clock: Clock,
    by: str,
    ids: Sequence[int] | None = None,
    up_to: int | None = None,
    system: str | None = None,
) -> BulkAcknowledgement:
    """Record that a system carried out many orders at once: the ids listed, or every pending
    order up to an id (the last of the pages it fetched) — in one statement, whatever their
    number. With ``system``, only that system's orders are touched; others are reported unknown."""
    if (ids is None) == (up_to is None):
        raise Refused("give the orders' ids or up_to (the last id carried out), not both")
    if ids is not None and not 1 <= len(ids) <= MAX_PAGE:
        raise Refused(f"ids: 1 to {MAX_PAGE} orders at a time (found {len(ids)})")
    if up_to is not None and up_to < 1:
        raise Refused(f"up_to: an order's id is at least 1 (found {up_to})")
    chosen = sorted(set(ids)) if ids is not None else None
    newly, already, unknown = outbox.acknowledge_many(chosen, up_to, by=by, at=clock.now(), system=system)
    return BulkAcknowledgement(newly, already, tuple(unknown))


def check_reader(
    gate: AccessGate, auditor: Auditor, actor: str, role: str, purpose: str, trained: Trained | None = None
) -> None:
    """Who may read the orders of every system: a role acting under a purpose it holds, with
    archive access, since orders name persons whose data may be archived or already erased (a
    system reads its own orders without this check). A refusal is audited; an allowed reading is
    audited order by order (``list_orders``)."""
    verdict = gate.check(role, purpose, trained=trained)
    if verdict.allowed and role not in gate.archive_roles:
        verdict = Decision(False, Denial.ARCHIVED, f"role '{role}' has no archive access to read orders")
    if verdict.allowed:
        return
    entry = Entry(
        at=auditor.clock.now(),
        actor=actor,
        action=Action.LIST,
        role=role,
        purpose=purpose,
        decision=f"denied:{verdict.reason}",
        detail={"of": "orders"},
    )
    auditor.record([entry])
    raise AccessDenied(verdict)
