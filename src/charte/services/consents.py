"""Withdrawing a consent as easily as it was given (GDPR Art. 7(3)): from the portal, an opt-out
link or a STOP keyword, a call — with nothing but the contact itself.

Every consent covering the contact on the channel, for the purposes named (default: every purpose
the prospecting gate decides for), ends at once; the systems holding the contact for a person on
file get a ``consent.withdrawn`` order in the same transaction (a promise kept only in charte's copy
is not kept); each ended consent's proof is then kept for the policy's ``consent_proof`` period.
The answer never says whether the contact had consents (the same answer for any contact: nobody
learns from the portal whose number is on file); the audit records the counts, never the contact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import orjson

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.orders import Order, OrderKind, orders_due, plan_orders
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel, Reason, proof_purge_due
from charte.services.access import AccessDenied, Reader
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.prospecting import Contacts, rules_of
from charte.services.read_model import plain

# The fields a contact of each channel is held in: the systems holding them get the order.
CONTACT_FIELDS = {
    Channel.PHONE: "phone",
    Channel.SMS: "phone",
    Channel.EMAIL: "email",
    Channel.POST: "postal_address",
}


@dataclass(frozen=True, slots=True)
class TextShown:
    name: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CollectedBy:
    kind: str  # subject, partner
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentView:
    """A consent as its proof keeps it."""

    purpose: str
    channel: str
    given_at: datetime
    method: str
    text: TextShown
    source: CollectedBy
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None  # how (WithdrawnBy), "erasure", or the feed's event id
    kept_until: date | None = None
    event: str | None = None  # the feed's event that recorded it

    def as_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass(frozen=True, slots=True)
class GateAnswer:
    """An answer the prospecting gate kept."""

    decision: int
    moment: datetime
    channel: str
    purpose: str
    campaign: str | None
    answer: str  # allowed, refused
    reasons: tuple[Reason, ...]
    asked_by: str
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class Solicitation:
    """An outbound contact of a person holding the contact, with the gate's answers of its day."""

    person: str
    on: date
    channel: str | None
    direction: str
    answered: bool
    outcome: str | None
    event: str
    decisions: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentProof:
    consents: tuple[ConsentView, ...]
    decisions: tuple[GateAnswer, ...]
    solicitations: tuple[Solicitation, ...]


@dataclass(frozen=True, slots=True)
class InForce:
    purpose: str
    channel: str
    count: int


@dataclass(frozen=True, slots=True)
class ConsentCounts:
    in_force: tuple[InForce, ...]
    withdrawn: tuple[tuple[str, int], ...]  # (channel, count) since the day asked
    allowed: int
    refused: int
    refused_by_reason: tuple[tuple[str, int], ...]  # most frequent first


class WithdrawnBy(StrEnum):
    """How the person withdrew: the portal, an opt-out link in a message, a STOP keyword, a call."""

    PORTAL = "portal"
    LINK = "link"
    KEYWORD = "keyword"
    CALL = "call"


@dataclass(frozen=True, slots=True)
class Ended:
    consents: int  # consents ended
    persons: tuple[str, ...]  # refs of the persons on file holding the contact
    orders: int


class ConsentStore(Protocol):
    def withdraw(
        self,
        contact: str,
        channel: Channel,
        purposes: Sequence[str],
        *,
        at: datetime,
        by: str,
        purge_due: date,
        plan: Callable[[Sequence[str]], list[Order]],
    ) -> Ended:
        """End the consents in one transaction with the orders ``plan`` makes for the persons
        holding the contact."""
        ...


def withdraw(
    *,
    policy: Policy,
    store: ConsentStore,
    contacts: Contacts,
    auditor: Auditor,
    actor: str,
    channel: Channel,
    contact: str,
    how: WithdrawnBy,
    purpose: str | None = None,
) -> Ended:
    rules = rules_of(policy)
    if purpose is not None and purpose not in rules.purposes:
        raise Refused(
            f"purpose: '{purpose}' is not one the prospecting gate decides for (policy: prospecting.purposes)"
        )
    try:
        canonical = contacts.canonical(channel, contact)
    except ValueError as exc:
        raise Refused(f"contact: {exc}") from None
    at = auditor.clock.now()
    purposes = (purpose,) if purpose else rules.purposes
    kept = policy.retention[rules.consent_retention].period
    day = at.astimezone(ZoneInfo(rules.time_zone)).date()
    # The systems holding persons' contacts (the policy's search.contacts fields) are told; the
    # order names the person, the channel and the purpose (its reason), no value.
    held = list(policy.search.contacts) or None
    due = orders_due(policy, at)

    def plan(refs: Sequence[str]) -> list[Order]:
        return [
            order
            for ref in refs
            for p in purposes
            for order in plan_orders(
                policy,
                kind=OrderKind.CONSENT_WITHDRAWN,
                person_ref=ref,
                reason=f"consent_withdrawn:{how.value}:{channel.value}:{p}",
                at=at,
                fields=[],
                concerning=held,
                due_by=due,
            )
        ]

    ended = store.withdraw(
        canonical, channel, purposes, at=at, by=how.value, purge_due=proof_purge_due(day, kept), plan=plan
    )
    detail: dict[str, Any] = {
        "withdrawn": ended.consents,
        "channel": channel.value,
        "how": how.value,
        "purposes": list(purposes),
        "orders": ended.orders,
    }
    auditor.record(
        [
            Entry(
                at=at,
                actor=actor,
                action=Action.PROSPECTING,
                subject=auditor.subject("person", ref),
                purpose=purposes[0],
                decision="allowed",
                detail=detail,
            )
            for ref in ended.persons
        ]
        or [
            Entry(
                at=at,
                actor=actor,
                action=Action.PROSPECTING,
                purpose=purposes[0],
                decision="allowed",
                detail=detail,
            )
        ]
    )
    return ended


# -- a withdrawal the feed reports -------------------------------------------------------------

FeedWithdrawal = tuple[str, str, Channel | None]  # (person ref, purpose, channel; None: every one)


def feed_withdrawal_orders(policy: Policy) -> Callable[[Sequence[FeedWithdrawal], datetime], list[Order]]:
    """The orders a withdrawal the feed reports owes the systems (GDPR Art. 7(3): it takes effect
    everywhere, not only in the system that took it): a ``consent.withdrawn`` order for the person
    to each system holding persons' contacts, in the import's transaction, at the import's time."""
    held = list(policy.search.contacts) or None

    def plan(ended: Sequence[FeedWithdrawal], at: datetime) -> list[Order]:
        due = orders_due(policy, at)
        return [
            order
            for ref, purpose, channel in dict.fromkeys(ended)
            for order in plan_orders(
                policy,
                kind=OrderKind.CONSENT_WITHDRAWN,
                person_ref=ref,
                reason=f"consent_withdrawn:feed:{channel.value if channel else 'every'}:{purpose}",
                at=at,
                fields=[],
                concerning=held,
                due_by=due,
            )
        ]

    return plan


# -- the proof of a contact's consents --------------------------------------------------------


class ProofStore(Protocol):
    def proof(self, contact: str) -> ConsentProof:
        """Every consent covering the contact, every answer of the gate about it, and the
        solicitations the register knows of the persons holding it."""
        ...


def proof(
    *,
    store: ProofStore,
    contacts: Contacts,
    gate: AccessGate,
    auditor: Auditor,
    reader: Reader,
    channel: Channel,
    contact: str,
) -> dict[str, Any]:
    """What Code de la consommation L223-1 asks the professional to show for a contact: each
    consent and withdrawal with the text shown, its source and time, and each solicitation with
    the gate's answers of that day. Through the gate; audited as a read of each person holding
    the contact (never the contact itself)."""
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    at = auditor.clock.now()
    if not verdict.allowed:
        denied = f"denied:{verdict.reason}"
        auditor.record(
            [
                Entry(at=at, actor=reader.actor, action=Action.READ, role=reader.role, purpose=reader.purpose,
                      decision=denied, detail={"of": "consent_proof"})
            ]
        )  # fmt: skip
        raise AccessDenied(verdict)
    try:
        canonical = contacts.canonical(channel, contact)
    except ValueError as exc:
        raise Refused(f"contact: {exc}") from None
    found = store.proof(canonical)
    detail = {"of": "consent_proof", "consents": len(found.consents), "decisions": len(found.decisions)}
    persons: list[str | None] = [*sorted({s.person for s in found.solicitations})]
    auditor.record(
        [
            Entry(at=at, actor=reader.actor, action=Action.READ, role=reader.role, purpose=reader.purpose,
                  subject=auditor.subject("person", ref) if ref else None, decision="allowed", detail=detail)
            for ref in persons or [None]
        ]
    )  # fmt: skip
    return {"contact": contact, "channel": channel.value, **plain(found)}


# -- what the DPO sees -------------------------------------------------------------------------


class ConsentReadings(Protocol):
    def of_person(self, ref: str) -> list[ConsentView]: ...

    def summary(self, since: datetime) -> ConsentCounts: ...


def history(
    *, store: ConsentReadings, gate: AccessGate, auditor: Auditor, reader: Reader, ref: str
) -> list[ConsentView]:
    """A person's consents with their proof, for the roles answering for what is kept (the DPO's
    team: ``may_see_retention``); an audited read of the person."""
    verdict = gate.may_see_retention(reader.role)
    at = auditor.clock.now()

    def entry(decision: str, detail: dict[str, Any]) -> Entry:
        return Entry(at=at, actor=reader.actor, action=Action.READ, role=reader.role, purpose=reader.purpose,
                     subject=auditor.subject("person", ref), decision=decision, detail=detail)  # fmt: skip

    if not verdict.allowed:
        auditor.record([entry(f"denied:{verdict.reason}", {"of": "consents"})])
        raise AccessDenied(verdict)
    found = store.of_person(ref)
    auditor.record([entry("allowed", {"of": "consents", "consents": len(found)})])
    return found


def summary(*, store: ConsentReadings, gate: AccessGate, role: str, since: datetime) -> ConsentCounts:
    """Counts for the DPO's team (no person in them): consents in force by purpose and channel,
    withdrawals and the gate's answers since ``since``, its refusals by reason."""
    verdict = gate.may_see_retention(role)
    if not verdict.allowed:
        raise AccessDenied(verdict)
    return store.summary(since)


# -- recording a consent outside the feed ------------------------------------------------------


def as_event(given: dict[str, Any]) -> bytes:
    """A consent given, as the feed's ``consent.given`` line: the API and the CLI record a consent
    through the feed's own checks and transaction (docs/events.md), nothing of their own."""
    return orjson.dumps({"type": "consent.given", **given}) + b"\n"


def may_record(gate: AccessGate, role: str, purpose: str) -> None:
    """A person records a consent for a purpose their role acts under (the sales team for
    prospecting, customer service on the phone for theirs)."""
    verdict = gate.check(role, purpose)
    if not verdict.allowed:
        raise AccessDenied(verdict)
