"""The prospecting gate: may the sales team call, e-mail or text this contact now?

Asked before every solicitation (``charte prospecting decide``, ``POST
/api/v1/prospecting/decide``). The asker's role must act under the purpose (the access gate);
the register's facts about the contact are read (consents, objections, contract, calls made,
the Bloctel list) and the domain decides (``domain.prospecting.decide``) by the rules of the
solicitation's day. The answer is kept with every reason — the proof Code de la consommation
L223-1 puts on the professional — and audited as one entry naming the person's keyed hash, the
channel and the reason codes, never the contact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel, Decision, Facts, Prospecting, decide, proof_purge_due
from charte.services.access import AccessDenied, Reader
from charte.services.audit import Auditor
from charte.services.errors import Refused

CAMPAIGN_MAX = 200


@dataclass(frozen=True, slots=True)
class Asked:
    """One solicitation the sales tools ask about."""

    contact: str  # as typed; the contacts port reads it
    channel: Channel
    purpose: str
    moment: datetime  # aware: when the call, e-mail or SMS would go
    person_ref: str | None = None
    campaign: str | None = None


class Contacts(Protocol):
    """Reads a typed contact (``adapters.consent_contacts``)."""

    def canonical(self, channel: Channel, raw: str) -> str:
        """The contact's canonical form; raises ``ValueError`` saying why it is not one."""
        ...

    def zones(self, contact: str) -> tuple[str, ...]:
        """The time zones the contact's number may be in (none: the policy's)."""
        ...


class ProspectingStore(Protocol):
    def facts(self, asked: Asked, contact: str, day: date) -> tuple[Facts, tuple[str, ...]]:
        """What the register knows of the contact for the purpose and channel, and the refs of
        the persons it concerns."""
        ...

    def record(
        self,
        asked: Asked,
        contact: str,
        person: str | None,
        decision: Decision,
        *,
        actor: str,
        at: datetime,
        purge_due: date,
    ) -> int:
        """Keep the answer; its id."""
        ...


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    asked: Asked
    decision: Decision
    zones: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision": self.id,
            "answer": "allowed" if self.decision.allowed else "refused",
            "reasons": [
                {"code": r.code, "source": r.source, "detail": r.detail} for r in self.decision.reasons
            ],
            "channel": self.asked.channel.value,
            "purpose": self.asked.purpose,
            "moment": self.asked.moment.isoformat(),
            "time_zones": list(self.zones),
            "campaign": self.asked.campaign,
        }


def rules_of(policy: Policy) -> Prospecting:
    if policy.prospecting is None:
        raise Refused("the policy has no prospecting section: charte cannot answer (policy: prospecting)")
    return policy.prospecting


def check_asked(policy: Policy, asked: Asked) -> Prospecting:
    """What the request must be before anything is read: a purpose the gate decides for, an
    instant with its offset, a campaign name of one line."""
    rules = rules_of(policy)
    if asked.purpose not in rules.purposes:
        raise Refused(
            f"purpose: '{asked.purpose}' is not one the prospecting gate decides for "
            f"(policy: prospecting.purposes = {', '.join(rules.purposes)})"
        )
    if asked.moment.tzinfo is None:
        raise Refused("moment: an ISO 8601 date and time with its offset (2026-12-07T11:00:00+01:00)")
    if asked.campaign is not None and (
        not asked.campaign.strip() or len(asked.campaign) > CAMPAIGN_MAX or not asked.campaign.isprintable()
    ):
        raise Refused(f"campaign: one line of printable text, at most {CAMPAIGN_MAX} characters")
    return rules


def decide_solicitation(
    *,
    policy: Policy,
    store: ProspectingStore,
    contacts: Contacts,
    gate: AccessGate,
    auditor: Auditor,
    reader: Reader,
    asked: Asked,
) -> Answer:
    """The gate's answer for one solicitation, kept and audited."""
    rules = check_asked(policy, asked)
    if reader.purpose != asked.purpose:
        raise Refused(f"purpose: asked for '{asked.purpose}' while acting for '{reader.purpose}'")
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not verdict.allowed:
        auditor.record(
            [_entry(auditor, reader, None, f"denied:{verdict.reason}", {"channel": asked.channel.value})]
        )
        raise AccessDenied(verdict)
    try:
        contact = contacts.canonical(asked.channel, asked.contact)
    except ValueError as exc:
        raise Refused(f"contact: {exc}") from None
    day = asked.moment.astimezone(ZoneInfo(rules.time_zone)).date()  # the day the rules judge
    facts, persons = store.facts(asked, contact, day)
    zones = contacts.zones(contact)
    decision = decide(rules, asked.channel, asked.moment, facts, zones)
    person = persons[0] if persons else None
    kept = policy.retention[rules.consent_retention].period
    at = auditor.clock.now()
    found = store.record(
        asked, contact, person, decision, actor=reader.actor, at=at, purge_due=proof_purge_due(day, kept)
    )
    detail = {
        "decision": found,
        "channel": asked.channel.value,
        "answer": "allowed" if decision.allowed else "refused",
        "reasons": [r.code for r in decision.reasons],
        "persons": len(persons),
    }
    auditor.record([_entry(auditor, reader, person, "allowed", detail)])
    return Answer(found, asked, decision, zones)


def _entry(
    auditor: Auditor, reader: Reader, person: str | None, decision: str, detail: dict[str, Any]
) -> Entry:
    return Entry(
        at=auditor.clock.now(),
        actor=reader.actor,
        action=Action.PROSPECTING,
        role=reader.role,
        purpose=reader.purpose,
        subject=auditor.subject("person", person) if person is not None else None,
        decision=decision,
        detail=detail,
    )


# -- screening a campaign ---------------------------------------------------------------------

SCREEN_BATCH = 2_000  # lines decided together: one statement per kind of fact for the batch


@dataclass(frozen=True, slots=True)
class ScreenLine:
    """One contact of a campaign file, with what its line says or the file's defaults."""

    line: int
    contact: str
    channel: Channel
    moment: datetime
    person_ref: str | None = None


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of the file that is not a contact to screen: why, naming its field."""

    line: int
    error: str


class BatchStore(ProspectingStore, Protocol):
    def facts_many(self, batch: Sequence[tuple[Asked, str, date]]) -> list[tuple[Facts, tuple[str, ...]]]:
        """The facts of each solicitation of the batch, in one statement per kind of fact."""
        ...


def screen(
    *,
    policy: Policy,
    store: BatchStore,
    contacts: Contacts,
    gate: AccessGate,
    auditor: Auditor,
    reader: Reader,
    lines: Iterable[ScreenLine | BadLine],
    campaign: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Each contact of a campaign with the gate's answer, batch by batch: memory holds one batch,
    whatever the file's size. Each batch is audited (its counts and the campaign, never a contact)
    before its answers are given. The answers are not kept: the gate asked at the moment of each
    solicitation (``decide_solicitation``) is the proof."""
    rules = rules_of(policy)
    check_asked(policy, Asked("", Channel.POST, reader.purpose, auditor.clock.now(), campaign=campaign))
    verdict = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not verdict.allowed:
        auditor.record(
            [_entry(auditor, reader, None, f"denied:{verdict.reason}", {"screen": campaign or ""})]
        )
        raise AccessDenied(verdict)
    zone = ZoneInfo(rules.time_zone)
    for batch in _batches(lines, SCREEN_BATCH):
        answers: list[dict[str, Any] | None] = [None] * len(batch)
        asked: list[tuple[int, Asked, str, date]] = []
        for i, item in enumerate(batch):
            if isinstance(item, BadLine):
                answers[i] = {"line": item.line, "error": item.error}
                continue
            try:
                contact = contacts.canonical(item.channel, item.contact)
            except ValueError as exc:
                answers[i] = {"line": item.line, "error": f"contact: {exc}"}
                continue
            one = Asked(item.contact, item.channel, reader.purpose, item.moment, item.person_ref, campaign)
            asked.append((i, one, contact, item.moment.astimezone(zone).date()))
        found = store.facts_many([(a, c, d) for _, a, c, d in asked])
        for (i, one, contact, _), (facts, _) in zip(asked, found, strict=True):
            decision = decide(rules, one.channel, one.moment, facts, contacts.zones(contact))
            answers[i] = {
                "line": batch[i].line,
                "contact": one.contact,
                "answer": "allowed" if decision.allowed else "refused",
                "reasons": [{"code": r.code, "detail": r.detail} for r in decision.reasons],
            }
        shown = [a for a in answers if a is not None]
        counts = {
            k: sum(1 for a in shown if a.get("answer", "invalid") == k)
            for k in ("allowed", "refused", "invalid")
        }
        auditor.record(
            [
                _entry(
                    auditor,
                    reader,
                    None,
                    "allowed",
                    {"screen": campaign or "", "lines": len(shown), **counts},
                )
            ]
        )
        yield from shown


def _batches(items: Iterable[ScreenLine | BadLine], size: int) -> Iterator[list[ScreenLine | BadLine]]:
    batch: list[ScreenLine | BadLine] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
