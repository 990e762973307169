"""Informing people whose data came from someone else (GDPR Art. 14): what is owed, the text, the proof.

Handled by the policy's `rights.submit_to` roles (the DPO's team); every step is audited (action
`rights`, detail `information_notice`), naming the person by their keyed HMAC only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.information import COMMUNICATIONS, needs_notice, notice_due, sources_needing_notice
from charte.domain.policy import Policy
from charte.domain.register import Direction
from charte.domain.vocabulary import HolidayCalendar, SourceKind
from charte.services.audit import Auditor
from charte.services.documents.confirmation import Stating
from charte.services.documents.information_notice import notice_elements
from charte.services.documents.notices import information_notice
from charte.services.errors import Conflict, NotFound, Refused
from charte.services.ports import Clock
from charte.services.rights_desk import require_handler

CHANNELS = ("letter", "sms", "email")


@dataclass(frozen=True, slots=True)
class CollectedRole:
    """One role of a person, as informing them needs it: where its data came from, when, and the
    first communication with them since (GDPR Art. 14(3)(b))."""

    id: int
    person: str
    role: str
    context: str | None  # the contract or site it is for
    source_kind: SourceKind
    source_ref: str | None
    collected_on: date
    first_contact: date | None = None


class InformationStore(Protocol):
    def unnoticed(
        self,
        sources: frozenset[SourceKind],
        communications: frozenset[Direction],
        collected_before: date | None,
    ) -> Iterator[CollectedRole]:
        """Roles collected from ``sources`` with no notice recorded, oldest first, each with its
        ``collected_on`` and the day of its ``first_contact`` among ``communications`` (or None)."""
        ...

    def role(self, ref: str, role: str, context: str | None) -> CollectedRole | None: ...

    def record(
        self,
        role_id: int,
        sent_on: date | None,
        channel: str | None,
        exemption: str | None,
        by: str,
        at: datetime,
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class Informing:
    store: InformationStore
    policy: Policy
    gate: AccessGate
    auditor: Auditor
    clock: Clock
    actor: str
    role: str
    public_url: str | None = None  # where the full notice is published (the SMS links to it)

    def check(self) -> None:
        require_handler(self.gate, self.policy, self.role, "handle information notices")

    def audit(self, step: str, ref: str | None, **detail: Any) -> None:
        subject = self.auditor.subject("person", ref) if ref else None
        self.auditor.record(
            [
                Entry(
                    at=self.clock.now(),
                    actor=self.actor,
                    action=Action.RIGHTS,
                    role=self.role,
                    subject=subject,
                    detail={"step": step, **detail},
                )
            ]
        )


def owed(desk: Informing, before: date | None = None) -> Iterator[dict[str, Any]]:
    """The notices still owed (oldest collection first), with their due date; ``before``: only
    those due before that day (pass today for the late ones)."""
    desk.check()
    desk.audit("information_notices_listed", None)
    # A notice is never due before its collection: the store narrows by it, the rule decides.
    rows = desk.store.unnoticed(sources_needing_notice(), COMMUNICATIONS, before)
    return _due(rows, desk.policy.litigation.holiday_calendar, before)


def _due(
    rows: Iterator[CollectedRole], calendar: HolidayCalendar, before: date | None
) -> Iterator[dict[str, Any]]:
    for row in rows:
        due = notice_due(row.collected_on, row.first_contact, calendar)
        if before is not None and due >= before:
            continue
        yield {
            "person": row.person,
            "role": row.role,
            "context": row.context,
            "source": {"kind": row.source_kind.value, "ref": row.source_ref},
            "collected_on": row.collected_on.isoformat(),
            "first_contact": row.first_contact.isoformat() if row.first_contact else None,
            "due_on": due.isoformat(),
        }


def render(
    desk: Informing, ref: str, role: str, context: str | None, form: str, *, final: bool = False
) -> dict[str, Any]:
    """The notice for one role, from the policy: who we are, the source, the purposes, how long,
    the rights and whom to write to — as a letter or an SMS text. An element stating a value the
    policy only assumes is marked « [à confirmer : key] » and its key listed in ``unconfirmed``;
    ``final`` refuses such a notice, naming each key (``Unconfirmed``)."""
    desk.check()
    found = _role(desk, ref, role, context)
    p, lang = desk.policy, desk.policy.default_language
    category = p.subject_categories.get(found.role)
    if category is None:
        raise NotFound("subject category", found.role)
    if form not in ("letter", "sms"):
        raise Refused("--format must be letter or sms")
    link = f"{desk.public_url.rstrip('/')}/charter?lang={lang.value}" if desk.public_url else None
    if form == "sms" and link is None:
        raise Refused(
            "an Art. 14 notice by SMS links to the full notice: set CHARTE_PUBLIC_URL (the public "
            "address of the charter page)"
        )
    say = Stating(p, lang)
    elements = notice_elements(p, category, found.source_kind, lang, say)
    if final:
        say.settle(final=True)
    subject, text = information_notice(form, lang, **elements, name=p.controller.name, link=link or "")
    desk.audit("information_notice_rendered", ref, role=role)
    return {
        "person": ref,
        "role": found.role,
        "context": found.context,
        "format": form,
        "subject": subject,
        "text": text,
        "unconfirmed": sorted(set(say.found)),
    }


def record_sent(desk: Informing, ref: str, role: str, context: str | None, on: date, channel: str) -> None:
    desk.check()
    if channel not in CHANNELS:
        raise Refused(f"--channel must be one of: {', '.join(CHANNELS)}")
    if on > desk.clock.today():
        raise Refused(f"--on {on.isoformat()} is after today")
    found = _role(desk, ref, role, context)
    if not desk.store.record(found.id, on, channel, None, desk.actor, desk.clock.now()):
        raise Conflict("a notice or an exemption is already recorded for this role")
    desk.audit("information_notice_sent", ref, role=role, channel=channel)


def record_exemption(desk: Informing, ref: str, role: str, context: str | None, reason: str) -> None:
    """Art. 14(5): informing is impossible, would take a disproportionate effort, or is provided
    for by law — the reason is documented (and kept with the role)."""
    desk.check()
    if not reason.strip():
        raise Refused("an exemption needs its documented reason (--reason), GDPR Art. 14(5)")
    found = _role(desk, ref, role, context)
    if not desk.store.record(found.id, None, None, reason.strip(), desk.actor, desk.clock.now()):
        raise Conflict("a notice or an exemption is already recorded for this role")
    desk.audit("information_notice_exempted", ref, role=role)


def _role(desk: Informing, ref: str, role: str, context: str | None) -> CollectedRole:
    found = desk.store.role(ref, role, context)
    if found is None:
        raise NotFound(f"{role} role of person", ref + (f" ({context})" if context else ""))
    if not needs_notice(found.source_kind):
        raise Refused(
            "these data were collected from the person: Art. 13 applied at collection, no Art. 14 notice"
        )
    return found
