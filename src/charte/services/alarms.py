"""Alarm handling at the monitoring station: the one legitimate use of trusted persons' data.

An alarm on a site (raised by the monitoring software, over the API or the event feed) waits
until an operator takes it; that opens a *session* bound to that operator. Inside it — and only
there — the operator sees the site's access instructions and its trusted persons in call order:
every view goes through the access gate with the session as its context
(``ReadContext("alarm_session", id, about={site, contract})``) and is audited under the
policy's ``alarms.purpose``. The operator records each call attempt and may dispatch a provider
of ``alarms.dispatch_to`` (a disclosure of that provider's view, in the ledger). Closing the
session ends the access: the next read is refused.

Errors (``charte.services.errors``)::

    ServiceError
    ├── NotFound     no such session, or a site with no contract (nothing to keep it with)
    ├── Refused      the policy handles no alarm; a person not to be called in this session; a
    │                provider not dispatchable; an unknown kind or outcome
    │   └── AccessDenied   the gate refused the read, or the session is not open and held by
    │                      the reader (reason ``outside_the_required_context``)
    └── Conflict     two operators took the same alarm: the second is told who has it
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from charte.domain.access import AccessGate, Decision, Denial, ReadContext, Standing
from charte.domain.audit import Action, Entry
from charte.domain.policy import Alarms, Policy
from charte.domain.register import ALARM_KIND
from charte.services import disclosures
from charte.services.access import AccessDenied, Reader, require
from charte.services.audit import Auditor
from charte.services.errors import Conflict, NotFound, Refused
from charte.services.queries import RegisterQueries, show_person
from charte.services.read_model import plain

CONTEXT = "alarm_session"  # the context kind a policy's exclusive uses may ask for


class Outcome(StrEnum):
    """What a call attempt gave."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class Closing(StrEnum):
    """How an alarm ended."""

    FALSE_ALARM = "false_alarm"
    RESOLVED_BY_PHONE = "resolved_by_phone"
    INTERVENTION = "intervention"
    EMERGENCY_SERVICES = "emergency_services"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class AlarmSession:
    """An alarm and the session it opens: no personal data (site and contract refs, operators)."""

    id: int
    site: str
    contract: str | None
    kind: str
    raised_at: datetime
    raised_by: str
    taken_by: str | None = None
    taken_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None

    @property
    def status(self) -> str:
        return "closed" if self.closed_at else "taken" if self.taken_by else "waiting"

    def as_dict(self) -> dict[str, Any]:
        """The session as the API gives it (``SessionOut``)."""
        return plain(self) | {"status": self.status}


@dataclass(frozen=True, slots=True)
class Callee:
    """A person to call for a session: a client of its contract or a trusted person of its site
    (``rank`` is the call order the client gave)."""

    ref: str
    role: str
    rank: int | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call attempt within a session and what came of it."""

    person: str | None  # None once the person called has been erased
    role: str
    rank: int | None
    outcome: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A provider dispatched for a session, with the disclosure it was sent."""

    to: str
    purpose: str
    disclosure: int
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class AlarmCall:
    """A call attempt that reached a person during an alarm, as their access answer tells it."""

    session: int
    role: str
    rank: int | None
    outcome: str
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"alarm": f"alarm-{self.session}", "as": self.role, "rank": self.rank,
                "outcome": self.outcome, "at": self.at.isoformat()}  # fmt: skip


class AlarmStore(Protocol):
    def raise_alarm(self, site: str, kind: str, at: datetime, by: str) -> int: ...

    def session(self, session_id: int) -> AlarmSession | None: ...

    def not_closed(self, limit: int = 200) -> list[AlarmSession]: ...

    def take(self, session_id: int, actor: str, at: datetime) -> bool: ...

    def release(self, session_id: int, actor: str) -> bool: ...

    def close(self, session_id: int, actor: str, at: datetime, outcome: str) -> bool: ...

    def people(self, session_id: int, today: date) -> list[Callee]: ...

    def attempt(
        self, session_id: int, person: str, role: str, rank: int | None, outcome: str, at: datetime, by: str
    ) -> None: ...

    def attempts(self, session_id: int) -> list[Attempt]: ...

    def dispatched(
        self, session_id: int, recipient: str, purpose: str, disclosure: int, at: datetime, by: str
    ) -> None: ...

    def dispatches(self, session_id: int) -> list[Dispatch]: ...

    def site_fields(self, sites: Collection[str], fields: Collection[str]) -> dict[str, dict[str, str]]: ...


@dataclass(frozen=True, slots=True)
class AlarmDesk:
    """What alarm handling needs, wired by the composition root."""

    store: AlarmStore
    queries: RegisterQueries
    ledger: disclosures.Ledger
    policy: Policy
    gate: AccessGate
    auditor: Auditor

    @property
    def rules(self) -> Alarms:
        if self.policy.alarms is None:
            raise Refused("the policy declares no alarm handling (no 'alarms' section)")
        return self.policy.alarms


def _kind(kind: str) -> str:
    if not ALARM_KIND.fullmatch(kind):
        raise Refused("kind: 1 to 32 letters, digits, '_' or '-' (e.g. intrusion, fire, panic)")
    return kind


def raise_alarm(
    desk: AlarmDesk, *, site: str, kind: str, at: datetime, by: str, system: str
) -> dict[str, Any]:
    """Record an alarm on ``site`` raised by ``by`` for ``system``; it waits for an operator.

    Only a system of ``alarms.raised_by`` may raise one: an alarm opens the site's trusted persons
    and access instructions to the station. Every attempt is audited (the site as its keyed
    HMAC), the refused ones before they are refused."""
    _ = desk.rules  # refuses when the policy handles no alarm
    refused = desk.policy.refuses_feed(system, "alarm.raised")

    def entry(decision: str, **detail: Any) -> Entry:
        return Entry(
            at=desk.auditor.clock.now(),
            actor=by,
            action=Action.ALARM,
            subject=desk.auditor.subject("site", site),
            decision=decision,
            detail={"step": "raise", "system": system, "kind": kind[:32], **detail},
        )

    if refused is not None:
        desk.auditor.record([entry(f"denied:{Denial.ROLE_PURPOSE}")])
        raise AccessDenied(Decision(False, Denial.ROLE_PURPOSE, refused))
    session_id = desk.store.raise_alarm(site, _kind(kind), at, by)
    desk.auditor.record([entry("allowed", session=session_id)])
    return _session(desk, session_id).as_dict()


def handler(desk: AlarmDesk, reader: Reader) -> Reader:
    """The reader as alarm handling sees them: under the policy's alarm purpose, which their role
    must be allowed to act under."""
    purpose = desk.rules.purpose
    if reader.purpose != purpose:
        raise Refused(f"alarms are handled under the purpose '{purpose}', not '{reader.purpose}'")
    require(desk.gate.check(reader.role, purpose, trained=reader.trained))
    return reader


def waiting(desk: AlarmDesk, reader: Reader) -> list[dict[str, Any]]:
    """Alarms not closed yet (site refs, kinds, who holds them): no personal data. The most urgent
    kind first (the policy's ``alarms.kinds``), the one waiting longest first within a kind."""
    return [session.as_dict() for session in pending(desk, reader)]


def pending(desk: AlarmDesk, reader: Reader) -> list[AlarmSession]:
    handler(desk, reader)
    rules = desk.rules
    return sorted(desk.store.not_closed(), key=lambda s: (rules.urgency(s.kind), s.raised_at, s.id))


def list_version(sessions: Sequence[AlarmSession]) -> str:
    """What the waiting list shows, as a short digest: a screen that polls gets nothing new — and
    nothing is read — while it is unchanged."""
    shown = "|".join(f"{s.id}:{s.kind}:{s.status}:{s.taken_by or ''}" for s in sessions)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def sites_listed(
    desk: AlarmDesk, reader: Reader, sessions: Sequence[AlarmSession]
) -> dict[str, dict[str, str]]:
    """The policy's ``list_fields`` of each listed alarm's site (its address), as far as the gate
    lets this reader see them for the client outside any session — access instructions, bound to
    a session, never — each site shown audited as a list read before anything is returned."""
    rules = desk.rules
    reader = handler(desk, reader)
    sites = sorted({s.site for s in sessions})
    if not rules.list_fields or not sites:
        return {}
    decision = desk.gate.decide(
        reader.role, reader.purpose, [Standing(rules.kept_with, None, archived=False)], trained=reader.trained
    )
    fields = [f for f in rules.list_fields if decision.allowed and f in decision.fields]
    if not fields:
        return {}
    found = desk.store.site_fields(sites, fields)
    now = desk.auditor.clock.now()
    desk.auditor.record(
        [
            Entry(
                at=now,
                actor=reader.actor,
                action=Action.LIST,
                role=reader.role,
                purpose=reader.purpose,
                subject=desk.auditor.subject("site", site),
                fields=tuple(sorted(values)),
                detail={"of": "alarms"},
            )
            for site, values in sorted(found.items())
        ]
    )
    return found


def _session(desk: AlarmDesk, session_id: int) -> AlarmSession:
    found = desk.store.session(session_id)
    if found is None:
        raise NotFound("alarm session", str(session_id))
    return found


def _held(desk: AlarmDesk, reader: Reader, session_id: int) -> tuple[AlarmSession, Reader]:
    """The session, open and held by this reader, and the reader inside it; refused otherwise
    (and the refusal audited: a look at trusted persons outside a session leaves a trace)."""
    reader = handler(desk, reader)
    session = _session(desk, session_id)
    problem = None
    if session.status == "closed":
        problem = f"alarm session {session_id} is closed: its access ended"
    elif session.taken_by != reader.actor:
        problem = f"alarm session {session_id} is not held by '{reader.actor}': take it first"
    if problem is not None:
        desk.auditor.record([_entry(desk, reader, session_id, f"denied:{Denial.CONTEXT}")])
        raise AccessDenied(Decision(False, Denial.CONTEXT, problem))
    about = frozenset(x for x in (session.site, session.contract) if x)
    return session, replace(reader, context=ReadContext(CONTEXT, str(session_id), about))


def _entry(
    desk: AlarmDesk, reader: Reader, session_id: int, decision: str, subject: str | None = None, **detail: Any
) -> Entry:
    return Entry(
        at=desk.auditor.clock.now(),
        actor=reader.actor,
        action=Action.READ,
        role=reader.role,
        purpose=reader.purpose,
        context=f"{CONTEXT}:{session_id}",
        subject=subject,
        decision=decision,
        detail=detail,
    )


def take(desk: AlarmDesk, reader: Reader, session_id: int) -> dict[str, Any]:
    """Open the session for this operator; another operator's alarm is refused with their name."""
    reader = handler(desk, reader)
    session = _session(desk, session_id)
    if session.status == "closed":
        raise Refused(f"alarm session {session_id} is closed")
    if session.taken_by == reader.actor:
        return session.as_dict()
    if not desk.store.take(session_id, reader.actor, desk.auditor.clock.now()):
        again = _session(desk, session_id)
        raise Conflict(f"alarm session {session_id} is already held by '{again.taken_by}'")
    desk.auditor.record([_entry(desk, reader, session_id, "allowed", step="take")])
    return _session(desk, session_id).as_dict()


def screen(desk: AlarmDesk, reader: Reader, session_id: int) -> dict[str, Any]:
    """What the operator sees: the site (address, access instructions), the clients, the trusted
    persons in call order, the attempts and dispatches so far. Each person is read through the
    gate inside the session (one audit entry each)."""
    session, inside = _held(desk, reader, session_id)
    people = []
    site: dict[str, Any] = {"ref": session.site, "fields": {}}
    for who in desk.store.people(session_id, desk.auditor.clock.today()):
        try:
            view = show_person(
                queries=desk.queries, gate=desk.gate, auditor=desk.auditor, reader=inside, ref=who.ref
            )
        except (AccessDenied, NotFound):
            continue  # e.g. a role the policy does not open to the station: not on the screen
        for s in view["sites"]:
            if s["ref"] == session.site:
                site["fields"] |= s["fields"]
        people.append(
            {
                "ref": who.ref,
                "role": who.role,
                "rank": who.rank,
                "fields": view["fields"],
                "restricted": view["restricted"] is not None,
            }
        )
    return {
        "session": session.as_dict(),
        "site": site,
        "clients": [p for p in people if p["role"] != "trusted_person"],
        "trusted_persons": [p for p in people if p["role"] == "trusted_person"],
        "attempts": [plain(a) for a in desk.store.attempts(session_id)],
        "dispatches": [plain(d) for d in desk.store.dispatches(session_id)],
        "dispatch_to": list(desk.rules.dispatch_to),
    }


def record_attempt(
    desk: AlarmDesk, reader: Reader, session_id: int, *, person: str, outcome: str
) -> list[dict[str, Any]]:
    """One call attempt to a person of the session, with its outcome."""
    _, inside = _held(desk, reader, session_id)
    try:
        result = Outcome(outcome)
    except ValueError:
        raise Refused(f"outcome: one of {', '.join(o.value for o in Outcome)}") from None
    who = next(
        (p for p in desk.store.people(session_id, desk.auditor.clock.today()) if p.ref == person), None
    )
    if who is None:
        raise Refused(f"person '{person}' is not one to call for alarm session {session_id}")
    # The attempts name the persons called and what came of it: a read within the session,
    # audited before it is stored (an attempt is never stored unaudited).
    subject = desk.auditor.subject("person", person)
    desk.auditor.record(
        [_entry(desk, inside, session_id, "allowed", subject, step="attempt", outcome=result.value)]
    )
    desk.store.attempt(
        session_id, person, who.role, who.rank, result.value, desk.auditor.clock.now(), inside.actor
    )
    return [plain(a) for a in desk.store.attempts(session_id)]


def dispatch(desk: AlarmDesk, reader: Reader, session_id: int, *, to: str) -> dict[str, Any]:
    """Send a provider of ``alarms.dispatch_to`` the site's client as that provider's role sees
    them (address, access instructions, a contact for the incident) under the provider's own
    purpose: a disclosure, in the ledger and the audit."""
    session, inside = _held(desk, reader, session_id)
    if to not in desk.rules.dispatch_to:
        raise Refused(
            f"'{to}' is not a provider alarms may be dispatched to ({', '.join(desk.rules.dispatch_to)})"
        )
    purposes = desk.policy.roles[to].purposes
    if not purposes:
        raise Refused(f"role '{to}' has no purpose to receive data under")
    client = next(
        (p for p in desk.store.people(session_id, desk.auditor.clock.today()) if p.role == "client"), None
    )
    if client is None:
        raise Refused(
            f"alarm session {session_id} has no client to dispatch for (contract {session.contract})"
        )
    sent = disclosures.disclose(
        queries=desk.queries,
        gate=desk.gate,
        auditor=desk.auditor,
        ledger=desk.ledger,
        discloser=inside,
        recipient=to,
        purpose=purposes[0],
        ref=client.ref,
    )
    desk.store.dispatched(
        session_id, to, purposes[0], sent["disclosure"], desk.auditor.clock.now(), inside.actor
    )
    return sent


def release(desk: AlarmDesk, reader: Reader, session_id: int) -> dict[str, Any]:
    """Give the session back to the waiting list — the holder's access ends at once, and another
    operator may take it (a shift ends, a colleague is better placed). The attempts stay."""
    _held(desk, reader, session_id)
    if not desk.store.release(session_id, reader.actor):
        raise Conflict(f"alarm session {session_id} changed meanwhile: reload it")
    desk.auditor.record([_entry(desk, reader, session_id, "allowed", step="release")])
    return _session(desk, session_id).as_dict()


def close(desk: AlarmDesk, reader: Reader, session_id: int, *, outcome: str) -> dict[str, Any]:
    """End the session: from now on its trusted persons and instructions are refused."""
    reader = handler(desk, reader)
    try:
        result = Closing(outcome)
    except ValueError:
        raise Refused(f"outcome: one of {', '.join(o.value for o in Closing)}") from None
    _held(desk, reader, session_id)
    if not desk.store.close(session_id, reader.actor, desk.auditor.clock.now(), result.value):
        raise Conflict(f"alarm session {session_id} changed meanwhile: reload it")
    desk.auditor.record([_entry(desk, reader, session_id, "allowed", step="close")])
    return _session(desk, session_id).as_dict()
