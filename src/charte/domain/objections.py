"""What an objection (GDPR Art. 21) allows and what it ends, for the person who makes it.

Whether a person may object to a purpose depends on the basis it rests on *for them*: the same
alarm handling rests on the contract for the client (no right to object) and on legitimate
interest for the trusted person the client designated (Art. 21(1): they may). A person with
several roles may object as soon as one of them allows it.

An objection on grounds stops the purpose for that person (unless compelling legitimate grounds,
which the DPO weighs before answering). When it leaves a category of the person's data serving
no purpose at all — every purpose of every activity that keeps that category's data objected —
those data go, as their retention rule says on erasure: a trusted person who objects to alarm
handling is no longer designated anywhere, and their data, kept « pour le temps où vous êtes
désigné comme personne de confiance », go with the designation. The systems that keep the
designations (those that send ``trusted_person.*`` events) are ordered to end them, which tells
the client to designate someone else.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from charte.domain.orders import Order, OrderKind, plan_orders
from charte.domain.policy import Policy
from charte.domain.register import Role
from charte.domain.vocabulary import LegalBasis, Objection

_STRENGTH = {Objection.NONE: 0, Objection.GROUNDS: 1, Objection.ABSOLUTE: 2}


def objection_open(policy: Policy, purpose: str, categories: Collection[str]) -> Objection:
    """The strongest objection the person's categories give them to ``purpose`` (the purpose's
    own when the person is not known to the register)."""
    found = policy.purposes[purpose]
    if not categories:
        return found.objection
    return max((found.objection_for(c) for c in categories), key=_STRENGTH.__getitem__)


def consent_purpose(policy: Policy, purpose: str, categories: Collection[str] = ()) -> bool:
    """Whether ``purpose`` rests on consent — for these categories of the person, or for any when
    the person is not known: the only purposes a consent can be withdrawn from (Art. 7(3))."""
    found = policy.purposes[purpose]
    among = list(categories) or [*found.by_subject, ""]
    return any(found.basis_for(c) is LegalBasis.CONSENT for c in among)


def left_without_purpose(
    policy: Policy, categories: Collection[str], objected: Collection[str], *, withdrawn: Collection[str] = ()
) -> frozenset[str]:
    """The person's categories whose data no purpose still serves once ``objected`` is stopped:
    every purpose of every activity keeping that category's data (its retention rule among the
    activity's) is objected — the objection open to that category — or its consent ``withdrawn``."""
    gone = set()
    for category in categories:
        subject = policy.subject_categories.get(category)
        if subject is None:
            continue
        keeping = [
            a
            for a in policy.activities.values()
            if category in a.subject_categories and subject.retention in a.retention
        ]
        purposes = {pid for a in keeping for pid in a.purposes}
        stopped = {
            pid
            for pid in purposes
            if (pid in objected and policy.purposes[pid].objection_for(category) is not Objection.NONE)
            or (pid in withdrawn and policy.purposes[pid].basis_for(category) is LegalBasis.CONSENT)
        }
        if purposes and purposes == stopped:
            gone.add(category)
    return frozenset(gone)


def designations_ended(
    policy: Policy, person_ref: str, sites: Collection[str], reason: str, at: datetime
) -> list[Order]:
    """The orders that end a trusted person's designations, one per site and system keeping
    designations: the system replaces them with the client (refs only, no personal data)."""
    keepers = [
        s for s in policy.systems if policy.refuses_feed(s, f"{Role.TRUSTED_PERSON.value}.designated") is None
    ]
    orders = []
    for site in sorted(sites):
        for order in plan_orders(
            policy,
            kind=OrderKind.DESIGNATION_ENDED,
            person_ref=person_ref,
            reason=f"{reason}:site:{site}",
            at=at,
        ):
            if order.system in keepers:
                orders.append(order)
    return orders
