"""Rights requests from intake to answer: the clock, refusals, fees and closures, the trail.

Every use case takes the handler's role: only the policy's ``rights.submit_to`` roles (the DPO's
team in the shipped policy) handle requests. Every step is saved with its place on the request's
timeline and an audit entry (action ``rights``; the person's keyed HMAC once matched, never the
requester's name or contact). Steps that the requester must hear of go through the ``Notifier``
with their letter (``rights_desk.tell``).

Proving identity is in ``services.identity``; the answers to verified requests, per right, in
``services.answers``; the ``Desk`` they share in ``services.rights_desk`` (docs/rights.md).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from charte.domain.audit import Action, Entry
from charte.domain.contacts import unsafe_character
from charte.domain.dates import add_months
from charte.domain.objections import consent_purpose
from charte.domain.rights import (
    ClosingReason,
    Pause,
    Refusal,
    Request,
    Status,
    identity_answer_due,
    may_extend,
)
from charte.domain.vocabulary import Channel, RestrictionGround, Right
from charte.services.documents.notices import IDENTITY_METHODS
from charte.services.documents.wording import euros
from charte.services.errors import NotFound, Refused
from charte.services.read_model import plain
from charte.services.rights_desk import (
    Desk,
    Told,
    choose,
    forget_document,
    load_request,
    not_after_today,
    save_step,
    send_unsent,
    step_entry,
    tell,
)


def open_request(
    desk: Desk,
    *,
    type_: str,
    received_on: date,
    channel: str,
    claimed_name: str,
    contact: str,
    person: str | None = None,
    purpose: str | None = None,
    changes: dict[str, str] | None = None,
    ground: str | None = None,
) -> dict[str, Any]:
    """Record a request as received — whatever the channel, matched or not: its clock runs."""
    desk.clerk.check_role()
    rights = desk.clerk.policy.rights
    kind = choose(Right, type_, "--type")
    if kind not in rights.granted and kind is not Right.CONSENT_WITHDRAWAL:
        raise Refused(f"the policy does not grant the right '{kind.value}' (rights.granted)")
    way = choose(Channel, channel, "--channel")
    not_after_today(desk.clerk, received_on, "--received")
    if not claimed_name.strip() or not contact.strip():
        raise Refused(
            "a request needs the requester's claimed name (--claimed-name) and a contact (--contact)"
        )
    for what, value in (("claimed name (--claimed-name)", claimed_name), ("contact (--contact)", contact)):
        if (bad := unsafe_character(value)) is not None:
            raise Refused(f"the {what} holds a control character ({bad}): it is one line of plain text")
    if person is not None and desk.clerk.register.person(person) is None:
        raise NotFound("person", person)
    if kind in (Right.OPPOSITION, Right.CONSENT_WITHDRAWAL):
        if purpose is None:
            what = "an opposition" if kind is Right.OPPOSITION else "a withdrawal of consent"
            raise Refused(f"{what} names the purpose (--purpose)")
        if purpose not in desk.clerk.policy.purposes:
            raise Refused(f"unknown purpose '{purpose}' (--purpose)")
        if kind is Right.CONSENT_WITHDRAWAL and not consent_purpose(desk.clerk.policy, purpose):
            found = desk.clerk.policy.purposes[purpose]
            raise Refused(
                f"'{purpose}' does not rest on consent (its basis: {found.legal_basis.value}): there is no "
                "consent to withdraw — an objection (--type opposition) is the right to use"
            )
    elif purpose is not None:
        raise Refused("--purpose is for opposition and consent-withdrawal requests only")
    if kind is Right.RECTIFICATION:
        if not changes:
            raise Refused('a rectification lists the changes (--changes \'{"field": "new value"}\')')
        unknown = sorted(set(changes) - set(desk.clerk.policy.fields))
        if unknown:
            raise Refused(f"--changes names field(s) the policy does not declare: {', '.join(unknown)}")
        checks = desk.clerk.policy.rights.identity_verification
        for field, value in sorted(changes.items()):
            if (bad := unsafe_character(str(value), lines=not checks.one_line(field))) is not None:
                raise Refused(f"--changes: the new {field} holds a control character ({bad})")
    elif changes is not None:
        raise Refused("--changes is for rectification requests only")
    if kind is Right.RESTRICTION:
        reason = choose(RestrictionGround, ground or "", "--ground")
        if reason not in rights.restriction_grounds:
            raise Refused(f"the policy does not list the restriction ground '{reason.value}'")
    elif ground is not None:
        raise Refused("--ground is for restriction requests only")
    request = Request(
        id=0,
        type=kind,
        channel=way,
        received_on=received_on,
        status=Status.RECEIVED,
        claimed_name=claimed_name.strip(),
        contact=contact.strip(),
        person_ref=person,
        purpose=purpose,
        changes=changes,
        ground=ground,
    )
    request.recompute(desk.clerk.terms)
    request.id = desk.clerk.store.add(
        request, desk.clerk.clock.now(), desk.clerk.actor, step_entry(desk.clerk, request, "opened")
    )
    return request.summary()


def match(desk: Desk, request_id: int, person: str) -> dict[str, Any]:
    """Say which person of the register the request concerns (a request filed on the portal, or
    by post, arrives unmatched). Refused once identity is verified against a person: the check
    was of that person, and moving the request would skip it."""
    request = load_request(desk.clerk, request_id)
    if not request.status.open:
        raise Refused(f"a {request.status.value} request is not matched any more")
    if request.verified_on is not None and request.person_ref != person:
        raise Refused("the requester's identity was verified against another person: open a new request")
    if desk.clerk.register.person(person) is None:
        raise NotFound("person", person)
    request.person_ref = person
    return save_step(desk.clerk, request, desk.clerk.clock.today(), "matched")


def ask_identity(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """Ask the requester for what identifies them (Art. 12(6)); the policy says what the clock does."""
    request = load_request(desk.clerk, request_id)
    not_after_today(desk.clerk, on, "--on")
    if request.status is not Status.RECEIVED:
        raise Refused(f"identity can be asked of a received request, not of a {request.status.value} one")
    if on < request.received_on:
        raise Refused("--on is before the request was received")
    request.pauses.append(Pause(on))
    request.status = Status.AWAITING_IDENTITY
    answer_by = identity_answer_due(request.pauses[-1], desk.clerk.terms)
    lang = desk.clerk.policy.default_language
    methods = ", ".join(
        IDENTITY_METHODS[m.value][lang] for m in desk.clerk.policy.rights.identity_verification.methods
    )
    told = tell(desk.clerk, desk.mail, request, "identity_asked", methods=methods, by=answer_by.isoformat())
    return save_step(desk.clerk, request, on, "identity_asked", told=told, answer_by=answer_by.isoformat())


def identity_received(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """The requester answered the request for information: the clock runs again."""
    request = load_request(desk.clerk, request_id)
    not_after_today(desk.clerk, on, "--on")
    pause = request.open_pause
    if request.status is not Status.AWAITING_IDENTITY or pause is None:
        raise Refused(f"no request for information is open on this {request.status.value} request")
    if on < pause.asked_on:
        raise Refused(f"--on is before the request for information ({pause.asked_on.isoformat()})")
    request.pauses[-1] = Pause(pause.asked_on, on)
    request.status = Status.RECEIVED
    return save_step(desk.clerk, request, on, "identity_received", paused_days=(on - pause.asked_on).days)


def extend(desk: Desk, request_id: int, on: date, reason: str) -> dict[str, Any]:
    """Extend the reply by the policy's ``extension_up_to``, telling the requester why."""
    request = load_request(desk.clerk, request_id)
    not_after_today(desk.clerk, on, "--on")
    try:
        may_extend(request.status, request.extended_on is not None, request.first_due_on, on, reason)
    except Refusal as refusal:
        raise Refused(str(refusal)) from None
    request.extended_on, request.extension_reason = on, reason.strip()
    request.recompute(desk.clerk.terms)
    due = request.due_on.isoformat() if request.due_on else "-"
    told = tell(desk.clerk, desk.mail, request, "extended", due=due, reason=reason.strip())
    return save_step(desk.clerk, request, on, "extended", told=told)


def ask_fee(desk: Desk, request_id: int, cents: int, reason: str) -> dict[str, Any]:
    """Ask a reasonable fee, based on the administrative costs, for a manifestly unfounded or
    excessive request (Art. 12(5)(a)) or a further copy (Art. 15(3)), with the written reasons the
    controller must be able to show, the CNIL complaint and the judicial remedy. The request is not
    answered until the fee is paid (`fee_paid`); the clock does not stop: the GDPR gives no pause
    for a fee, so an unpaid fee ends in a refusal with reasons, in time."""
    request = load_request(desk.clerk, request_id)
    if not request.status.open:
        raise Refused(f"no fee can be asked for a {request.status.value} request")
    if request.fee_cents is not None:
        raise Refused(
            f"a fee was already asked on {request.fee_asked_on}: it is asked once, with its reasons"
        )
    if not reason.strip():
        raise Refused("a fee needs its written reasons (--reason): the requester must be told why")
    if not 0 < cents <= 100_000_00:
        raise Refused("--amount must be a positive amount in euros (at most 100000)")
    today = desk.clerk.clock.today()
    request.fee_cents, request.fee_reason, request.fee_asked_on = cents, reason.strip(), today
    url = desk.clerk.policy.supervisory_authority.complaint_url
    amount = euros(cents, desk.clerk.policy.default_language)
    told = tell(desk.clerk, desk.mail, request, "fee_asked", amount=amount, reason=reason.strip(), url=url)
    return save_step(desk.clerk, request, today, "fee_asked", told=told, cents=cents)


def fee_paid(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """The requester paid the fee asked: the request may be answered."""
    request = load_request(desk.clerk, request_id)
    not_after_today(desk.clerk, on, "--on")
    if not request.fee_due or request.fee_asked_on is None:
        raise Refused("no unpaid fee is asked for this request")
    if on < request.fee_asked_on:
        raise Refused(f"--on is before the fee was asked ({request.fee_asked_on.isoformat()})")
    request.fee_paid_on = on
    return save_step(desk.clerk, request, on, "fee_paid")


def resend(desk: Desk, request_id: int) -> dict[str, Any]:
    """Send again the notices of a request that could not be sent (the relay was down, the
    address bounced); a step on the timeline says how many went and, if one failed again, why."""
    request = load_request(desk.clerk, request_id)
    waiting = len(desk.mail.answers.unsent(request.id))
    if not waiting:
        raise Refused(f"every notice of request {request.id} was sent: nothing to send again")
    told = send_unsent(desk.mail, request)
    return save_step(desk.clerk, request, desk.clerk.clock.today(), "resent", told=told, notices=waiting)


def refuse(desk: Desk, request_id: int, reason: str) -> dict[str, Any]:
    """Refuse with written reasons, the CNIL complaint and the judicial remedy (Art. 12(4), 12(5))."""
    request = load_request(desk.clerk, request_id)
    if not request.status.open:
        raise Refused(f"a {request.status.value} request cannot be refused")
    if not reason.strip():
        raise Refused("a refusal needs its reason (--reason): the requester must be told why")
    today = desk.clerk.clock.today()
    request.status, request.finished_on, request.finish_reason = Status.REFUSED, today, reason.strip()
    url = desk.clerk.policy.supervisory_authority.complaint_url
    told = tell(desk.clerk, desk.mail, request, "refused", reason=reason.strip(), url=url)
    forget_document(desk.clerk.policy, desk.proofs, request, on_verification=False)
    return save_step(desk.clerk, request, today, "refused", told=told)


def close(desk: Desk, request_id: int, reason: str) -> dict[str, Any]:
    """Close a request: not identifiable (no answer to the request for information within the
    policy's delay), or withdrawn by the requester."""
    request = load_request(desk.clerk, request_id)
    why = choose(ClosingReason, reason, "--reason")
    today = desk.clerk.clock.today()
    if not request.status.open:
        raise Refused(f"the request is already {request.status.value}")
    told: Told | None = None
    if why is ClosingReason.NOT_IDENTIFIABLE:
        pause = request.open_pause
        if pause is None:
            raise Refused(
                "only a request whose requester was asked to prove identity can close as not identifiable"
            )
        limit = identity_answer_due(pause, desk.clerk.terms)
        if today <= limit:
            raise Refused(f"the requester may still answer until {limit.isoformat()}")
        request.pauses[-1] = Pause(pause.asked_on, today)  # the clock stops for good
        told = tell(
            desk.clerk,
            desk.mail,
            request,
            "closed",
            url=desk.clerk.policy.supervisory_authority.complaint_url,
        )
    request.status, request.finished_on, request.finish_reason = Status.CLOSED, today, why.value
    forget_document(desk.clerk.policy, desk.proofs, request, on_verification=False)
    return save_step(desk.clerk, request, today, "closed", told=told, reason=why.value)


def close_expired(desk: Desk) -> list[int]:
    """Close as not identifiable every request whose requester did not answer the request for
    information within the policy's delay (what `charte serve` does each night); their numbers."""
    desk.clerk.check_role()
    today = desk.clerk.clock.today()
    closed = []
    for request in desk.clerk.store.listing(overdue_on=None, due_before=None, open_only=True):
        pause = request.open_pause
        if (
            request.status is Status.AWAITING_IDENTITY
            and pause
            and identity_answer_due(pause, desk.clerk.terms) < today
        ):
            close(desk, request.id, ClosingReason.NOT_IDENTIFIABLE.value)
            closed.append(request.id)
    return closed


def listing(
    desk: Desk, *, overdue: bool = False, due_before: date | None = None, open_only: bool = False
) -> list[dict[str, Any]]:
    desk.clerk.check_role()
    today = desk.clerk.clock.today()
    found = desk.clerk.store.listing(
        overdue_on=today if overdue else None, due_before=due_before, open_only=open_only
    )
    desk.clerk.auditor.record(
        [
            Entry(
                at=desk.clerk.clock.now(),
                actor=desk.clerk.actor,
                action=Action.RIGHTS,
                role=desk.clerk.role,
                detail={"step": "listed", "count": len(found), "overdue": overdue},
            )
        ]
    )
    return [r.summary() | {"overdue": r.overdue(today)} for r in found]


def show(desk: Desk, request_id: int) -> dict[str, Any]:
    """One request, its timeline, and the same person's requests of the same type in the twelve
    months before it: repeated identical requests are what may make one excessive (Art. 12(5)) —
    the handler decides, and a refusal needs its written reasons."""
    request = load_request(desk.clerk, request_id)
    desk.clerk.auditor.record([step_entry(desk.clerk, request, "shown")])
    earlier = desk.clerk.store.earlier(request, add_months(request.received_on, -12))
    return request.summary() | {
        "overdue": request.overdue(desk.clerk.clock.today()),
        "timeline": [plain(s) for s in desk.clerk.store.steps(request.id)],
        "earlier_same_type": earlier,
    }


def parse_changes(text: str | None) -> dict[str, str] | None:
    """--changes: a JSON object of field -> new value."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(f"--changes is not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise Refused(
            '--changes must be a JSON object of field names to new text values, e.g. {"phone": "0600000000"}'
        )
    return value
