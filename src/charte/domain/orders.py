"""Orders to the operator's systems: what charte decided that they must carry out.

A promise kept only in charte's copy is not kept: when charte erases, rectifies or restricts, each
system holding the data concerned gets an order, written to a durable outbox in the same
transaction as the decision. An order carries refs and field names, and for a rectification the
new values of the fields that system holds — no more personal data than it needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from charte.domain.dates import add_period_to_instant
from charte.domain.policy import Policy


class OrderKind(StrEnum):
    ERASURE_REQUIRED = "erasure.required"
    RECTIFICATION_REQUIRED = "rectification.required"
    RESTRICTION_SET = "restriction.set"
    RESTRICTION_LIFTED = "restriction.lifted"
    OPPOSITION_RECORDED = "opposition.recorded"
    DESIGNATION_ENDED = "designation.ended"  # a trusted person objected: the client designates another
    CONSENT_WITHDRAWN = "consent.withdrawn"  # stop processing the person's data for the purpose
    # A breach reached the person's site access instructions: change the codes (GDPR Art. 33(3)(d),
    # a measure to mitigate the breach's possible adverse effects).
    ACCESS_CODES_ROTATE = "access_codes.rotate"


@dataclass(frozen=True, slots=True)
class Order:
    system: str
    kind: OrderKind
    person_ref: str
    fields: tuple[str, ...]  # empty: the whole person
    reason: str  # a rule or request id, never personal data
    created_at: datetime
    due_by: datetime
    values: Mapping[str, str | None] = field(default_factory=dict)  # rectifications only


def orders_due(policy: Policy, at: datetime) -> datetime:
    """When the systems must acknowledge an order made at ``at`` (the policy's ``acknowledge_within``)."""
    return add_period_to_instant(at, policy.acknowledge_within)


def plan_orders(
    policy: Policy,
    *,
    kind: OrderKind,
    person_ref: str,
    reason: str,
    at: datetime,
    fields: Sequence[str] | None = None,
    values: Mapping[str, str | None] | None = None,
    concerning: Sequence[str] | None = None,
    due_by: datetime | None = None,
) -> list[Order]:
    """One order per system that holds any of ``concerning`` (default: ``fields``; every system
    when both are None: the whole person).

    Each system is told only the fields it holds, and only their new values. ``concerning`` lets a
    role go without any field going (a designation ends, the person stays a client): the systems
    that hold that role's data still get the order. ``due_by``: the acknowledgement deadline when
    the caller computed it already (``orders_due``), for many orders made at the same instant.
    """
    due = due_by if due_by is not None else orders_due(policy, at)
    scope = concerning if concerning is not None else fields
    orders = []
    for system in policy.systems.values():
        if scope is not None and not any(policy.fields.get(f) in system.holds for f in scope):
            continue
        held = tuple(f for f in fields if policy.fields.get(f) in system.holds) if fields is not None else ()
        told = {f: v for f, v in (values or {}).items() if f in held}
        orders.append(Order(system.id, kind, person_ref, held, reason, at, due, told))
    return orders
