"""The breach register (GDPR Art. 33(5)): open, assess, decide, notify, follow up and close.

Only the roles of the policy's ``breaches.handled_by`` (default: ``rights.submit_to``, the DPO's
team) keep it. Every step is on the breach's timeline and in the audit (the step and its counts;
never a person). The rules — the 72-hour clock, the phases of a notification, the risk proposed —
are ``domain.breaches``; who was affected is ``services.breach_scope``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.audit import Action, Entry
from charte.domain.breaches import (
    URGENT_HOURS,
    BreachRefused,
    Declared,
    Factors,
    Found,
    Nature,
    Phase,
    Step,
    check_notification,
    check_times,
    clock,
    propose,
)
from charte.domain.dates import add_period
from charte.domain.durations import Duration
from charte.domain.policy import Policy
from charte.services.access import AccessDenied
from charte.services.audit import Auditor
from charte.services.breach_facts import clean_facts, optional, text
from charte.services.breach_records import (
    BreachRecord,
    BreachStore,
    BreachSummary,
    NewBreach,
)
from charte.services.documents.breach_words import reasons_json
from charte.services.errors import NotFound, Refused
from charte.services.read_model import JsonRecord, plain

DEFAULT_KEEP_FOR = Duration(years=5)  # no breaches section: 5 years after closing (an assumption)


@dataclass(frozen=True, slots=True)
class Keeper:
    """What the use cases of the register need: its store, the gate, the audit, the policy."""

    store: BreachStore
    gate: AccessGate
    auditor: Auditor
    policy: Policy


def handlers(policy: Policy) -> tuple[str, ...]:
    return policy.breaches.handled_by if policy.breaches is not None else policy.rights.submit_to


def keep_for(policy: Policy) -> Duration:
    return policy.breaches.keep_for if policy.breaches is not None else DEFAULT_KEEP_FOR


def factors(policy: Policy) -> Factors:
    b = policy.breaches
    if b is None:
        return Factors(frozenset(), 1000)
    return Factors(frozenset(b.severe_categories), b.many_persons)


def require(keeper: Keeper, actor: str, role: str, what: str, breach: int | None = None) -> None:
    """Only the breach register's roles; a refusal is audited before it is raised."""
    keeper.gate.require_role(role)
    if role in handlers(keeper.policy):
        return
    audit_step(keeper, actor, role, breach, what, decision=f"denied:{Denial.ROLE_PURPOSE}")
    raise AccessDenied(
        Decision(
            False,
            Denial.ROLE_PURPOSE,
            f"role '{role}' does not keep the breach register (policy: breaches.handled_by)",
        )
    )


def audit_step(
    keeper: Keeper,
    actor: str,
    role: str,
    breach: int | None,
    step: str,
    *,
    decision: str = "allowed",
    **detail: Any,
) -> None:
    """The step in the audit: its name and counts, never a person nor the DPO team's words."""
    keeper.auditor.record(
        [
            Entry(
                at=keeper.auditor.clock.now(),
                actor=actor,
                action=Action.BREACH,
                role=role,
                context=f"breach:{breach}" if breach is not None else None,
                decision=decision,
                detail={"step": step, **detail},
            )
        ]
    )


def open_breach(keeper: Keeper, *, actor: str, role: str, new: NewBreach) -> dict[str, Any]:
    """Record a breach (Art. 33(5)) and start its clock from the moment of awareness."""
    require(keeper, actor, role, "open")
    now = keeper.auditor.clock.now()
    title = text(new.title, "title", 200)
    if not new.natures:
        raise Refused("natures: name at least one of confidentiality, integrity, availability")
    check_times(new.discovered_at, new.aware_at, now)
    facts = clean_facts(new.facts, keeper.policy)
    when = clock(new.aware_at)
    audit_step(keeper, actor, role, None, Step.OPENED.value, natures=sorted(n.value for n in new.natures))
    number = keeper.store.open(
        NewBreach(title, new.discovered_at, text(new.discovered_by, "discovered_by", 200), new.aware_at,
                  new.natures, optional(new.processor, "processor", 200), facts),
        at=now, by=actor, deadline=when.deadline, target=when.target,
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=number, audited=False)


def get_record(keeper: Keeper, breach: int) -> BreachRecord:
    found = keeper.store.get(breach)
    if found is None:
        raise NotFound("breach", str(breach))
    return found


def still_open(record: BreachRecord) -> None:
    if record.summary.closed_at is not None:
        raise BreachRefused(f"breach {record.summary.breach} is closed: nothing more is recorded on it")


def view(record: BreachRecord, now: datetime) -> dict[str, Any]:
    """The breach as the CLI, the API and the console give it, with its clock against ``now``."""
    s = record.summary
    when = clock(s.aware_at)
    out = plain(record)
    out.update(out.pop("summary"))
    out["clock"] = {
        "deadline_at": when.deadline.isoformat(),
        "target_at": when.target.isoformat(),
        "hours_left": None
        if s.cnil_first_at or s.closed_at or s.notify_cnil is False
        else round(when.hours_left(now), 1),
        "late": bool(s.cnil_first_at and when.late(s.cnil_first_at)),
    }
    return out


def show(keeper: Keeper, *, actor: str, role: str, breach: int, audited: bool = True) -> dict[str, Any]:
    require(keeper, actor, role, "show", breach)
    record = get_record(keeper, breach)
    if audited:
        audit_step(keeper, actor, role, breach, "show")
    return view(record, keeper.auditor.clock.now())


def list_breaches(keeper: Keeper, *, actor: str, role: str, open_only: bool = False) -> list[dict[str, Any]]:
    require(keeper, actor, role, "list")
    audit_step(keeper, actor, role, None, "list")
    now = keeper.auditor.clock.now()
    return [summary_view(s, now) for s in keeper.store.all(open_only=open_only)]


def summary_view(s: BreachSummary, now: datetime) -> dict[str, Any]:
    out = plain(s)
    waiting = s.cnil_first_at is None and s.closed_at is None and s.notify_cnil is not False
    left = clock(s.aware_at).hours_left(now) if waiting else None
    out["hours_left"] = None if left is None else round(left, 1)
    out["urgent"] = left is not None and left < URGENT_HOURS
    return out


def amend(keeper: Keeper, *, actor: str, role: str, breach: int, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Add to or correct the facts (what is learnt as the investigation goes): each key replaced."""
    require(keeper, actor, role, "amend", breach)
    record = get_record(keeper, breach)
    still_open(record)
    cleaned = clean_facts(facts, keeper.policy)
    now = keeper.auditor.clock.now()
    audit_step(keeper, actor, role, breach, Step.AMENDED.value, keys=sorted(cleaned))
    keeper.store.change(
        breach, at=now, step=Step.AMENDED, actor=actor, detail={"amended": sorted(cleaned)},
        values={"facts": {**record.facts, **cleaned}},
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def assess(
    keeper: Keeper,
    *,
    actor: str,
    role: str,
    breach: int,
    declared: Declared,
    facts: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What charte proposes (the risk, notify the CNIL or not, tell the persons or not) from the
    scope and the team's estimates together — the larger number of persons, every category either
    names (a stolen laptop's export holds what the audit's reads never showed); the DPO decides."""
    require(keeper, actor, role, "assess", breach)
    record = get_record(keeper, breach)
    still_open(record)
    merged = {**record.facts, **clean_facts(facts or {}, keeper.policy)}
    scope = record.scope or {}
    counted = int(scope["persons"]["in_register"]) + int(scope["persons"]["erased"]) if scope else 0
    estimated = int(merged.get("persons_estimate", 0))
    found = Found(
        max(counted, estimated),
        frozenset(scope.get("data_categories", [])) | frozenset(merged.get("data_categories", [])),
        frozenset(scope.get("subject_categories", [])) | frozenset(merged.get("subject_categories", [])),
    )
    source = "scope" if scope and counted >= estimated else "estimate"
    natures = declared.natures or frozenset(Nature(n) for n in record.natures)
    proposal = propose(
        found,
        Declared(
            natures, declared.vulnerable, declared.unintelligible, declared.mitigated, declared.restored
        ),
        factors(keeper.policy),
    )
    told: JsonRecord = {"level": proposal.level.value, "notify_cnil": proposal.notify_cnil,
                        "tell_persons": proposal.tell_persons,
                        "reasons": reasons_json(proposal.reasons, keeper.policy)}  # fmt: skip
    assessment: JsonRecord = {
        "from": source,
        "persons": found.persons,
        "data_categories": sorted(found.categories),
        "declared": {"natures": sorted(n.value for n in natures), "vulnerable": declared.vulnerable,
                     "unintelligible": declared.unintelligible, "mitigated": declared.mitigated,
                     "restored": declared.restored},
        "proposal": told,
    }  # fmt: skip
    now = keeper.auditor.clock.now()
    audit_step(
        keeper, actor, role, breach, Step.ASSESSED.value, level=proposal.level.value, persons=found.persons
    )
    keeper.store.change(
        breach, at=now, step=Step.ASSESSED, actor=actor, detail=told,
        values={"assessment": assessment, "facts": merged, "natures": sorted(n.value for n in natures)},
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def decide(
    keeper: Keeper,
    *,
    actor: str,
    role: str,
    breach: int,
    notify_cnil: bool,
    notify_cnil_why: str,
    tell_persons: bool,
    tell_persons_why: str,
) -> dict[str, Any]:
    """The DPO's decisions, each with its reasons (Art. 33(5): a breach not notified is documented
    with why). A decision against charte's proposal is allowed; its reasons say why."""
    require(keeper, actor, role, "decide", breach)
    record = get_record(keeper, breach)
    still_open(record)
    why_cnil, why_persons = (
        text(notify_cnil_why, "notify_cnil_why"),
        text(tell_persons_why, "tell_persons_why"),
    )
    proposal = (record.assessment or {}).get("proposal")
    as_proposed = (
        None
        if proposal is None
        else (proposal["notify_cnil"], proposal["tell_persons"]) == (notify_cnil, tell_persons)
    )
    detail: JsonRecord = {
        "notify_cnil": notify_cnil,
        "tell_persons": tell_persons,
        "as_proposed": as_proposed,
    }
    now = keeper.auditor.clock.now()
    audit_step(keeper, actor, role, breach, Step.DECIDED.value, **detail)
    keeper.store.change(
        breach, at=now, step=Step.DECIDED, actor=actor, detail=detail,
        values={"notify_cnil": notify_cnil, "notify_cnil_why": why_cnil, "tell_persons": tell_persons,
                "tell_persons_why": why_persons},
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def notify_cnil(
    keeper: Keeper,
    *,
    actor: str,
    role: str,
    breach: int,
    at: datetime,
    phase: Phase,
    reference: str | None = None,
    delay_reasons: str | None = None,
) -> dict[str, Any]:
    """Record a notification to the CNIL, or a phase of it (Art. 33(4)): when it was sent and the
    CNIL's reference; a first notification after the 72 hours needs the reasons for the delay."""
    require(keeper, actor, role, "notify", breach)
    record = get_record(keeper, breach)
    still_open(record)
    now = keeper.auditor.clock.now()
    if at > now:
        raise Refused("at: a notification cannot be recorded as sent in the future")
    if at < record.summary.aware_at:
        raise Refused("at: a notification cannot precede the moment of awareness")
    earlier = [Phase(s.detail["phase"]) for s in record.timeline if s.step == Step.CNIL_NOTIFIED.value]
    when = clock(record.summary.aware_at)
    check_notification(when, at, phase, delay_reasons, earlier)
    reference = optional(reference, "reference", 64)
    detail: JsonRecord = {
        "phase": phase.value,
        "sent_at": at.isoformat(),
        "late": not earlier and when.late(at),
    }
    if delay_reasons:
        detail["delay_reasons"] = text(delay_reasons, "delay_reasons")
    values: dict[str, Any] = {"cnil_complete": phase is Phase.COMPLETE}
    if not earlier:
        values["cnil_first_at"] = at
    if reference:
        values["cnil_reference"] = reference.strip()
    audit_step(keeper, actor, role, breach, Step.CNIL_NOTIFIED.value, phase=phase.value, late=detail["late"])
    keeper.store.change(breach, at=now, step=Step.CNIL_NOTIFIED, actor=actor, detail=detail, values=values)
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def note_action(
    keeper: Keeper, *, actor: str, role: str, breach: int, step: Step, detail: JsonRecord
) -> None:
    """A follow-up recorded on the timeline (the caller did it: revoked, ordered, told)."""
    require(keeper, actor, role, step.value, breach)
    record = get_record(keeper, breach)
    still_open(record)
    audit_step(
        keeper,
        actor,
        role,
        breach,
        step.value,
        **{k: v for k, v in detail.items() if k in ("kind", "orders", "letters", "count")},
    )
    keeper.store.change(
        breach, at=keeper.auditor.clock.now(), step=step, actor=actor, detail=detail, values={}
    )


def close(keeper: Keeper, *, actor: str, role: str, breach: int, summary: str) -> dict[str, Any]:
    """Close the breach: only once the DPO decided on both notifications (Art. 33(5): the register
    says what was decided and why); its purge date is set from ``breaches.keep_for``."""
    require(keeper, actor, role, "close", breach)
    record = get_record(keeper, breach)
    still_open(record)
    s = record.summary
    if s.notify_cnil is None or record.tell_persons is None:
        raise BreachRefused(
            f"breach {breach}: decide first whether to notify the CNIL and to tell the persons (with reasons)"
        )
    if s.notify_cnil and s.cnil_first_at is None:
        raise BreachRefused(
            f"breach {breach}: the CNIL is to be notified and was not: record the notification first"
        )
    now = keeper.auditor.clock.now()
    due = add_period(keeper.auditor.clock.today(), keep_for(keeper.policy))
    audit_step(keeper, actor, role, breach, Step.CLOSED.value)
    keeper.store.change(
        breach, at=now, step=Step.CLOSED, actor=actor, detail={"summary": text(summary, "summary")},
        values={"closed_at": now, "purge_due": due},
    )  # fmt: skip
    return show(keeper, actor=actor, role=role, breach=breach, audited=False)


def affected(
    keeper: Keeper, *, actor: str, role: str, breach: int, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """A page of the persons the breach's scope found: their refs and the fields reached. Each
    person shown is an audited listing (an empty page, one entry without a subject)."""
    require(keeper, actor, role, "persons", breach)
    get_record(keeper, breach)
    total, page = keeper.store.persons(breach, limit=limit, offset=offset)
    at = keeper.auditor.clock.now()

    def listed(subject: str | None, fields: tuple[str, ...] = ()) -> Entry:
        return Entry(at=at, actor=actor, action=Action.LIST, role=role, context=f"breach:{breach}",
                     subject=subject, fields=fields, detail={"of": "breach_persons"})  # fmt: skip

    keeper.auditor.record(
        [listed(keeper.auditor.subject("person", p.ref), ("ref",)) for p in page] or [listed(None)]
    )
    return {"total": total, "limit": limit, "offset": offset, "persons": [plain(p) for p in page]}


def dashboard(store: BreachStore, now: datetime) -> list[dict[str, Any]]:
    """The open breaches with the hours left before the prudent target (no personal data)."""
    return [summary_view(s, now) for s in store.all(open_only=True)]


def natures_of(values: Sequence[str]) -> tuple[Nature, ...]:
    """Natures named by the caller; the message names the one that is not."""
    out = []
    for v in values:
        try:
            out.append(Nature(v))
        except ValueError:
            raise Refused(f"natures: '{v}' is not one of {', '.join(n.value for n in Nature)}") from None
    return tuple(dict.fromkeys(out))
