"""Rights requests from intake to answer: the clock, the requester's identity, the trail.

Every use case takes the handler's role: only the policy's ``rights.submit_to`` roles (the DPO's
team in the shipped policy) handle requests. Every step is saved with its place on the request's
timeline and an audit entry (action ``rights``; the person's keyed HMAC once matched, never the
requester's name or contact). Steps that the requester must hear of (a request for information,
an identity code, an extension, a refusal, a closure) go through the ``Notifier``.

The answers to verified requests, per right, are in ``services.answers``; this module holds the
``Desk`` they share and the steps every request goes through (docs/rights.md).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.audit import Action, Entry
from charte.domain.dates import add_months
from charte.domain.policy import Policy
from charte.domain.rights import (
    CODE_DIGITS,
    CODE_LIFETIME,
    ClosingReason,
    CodeCheck,
    Pause,
    Refusal,
    Request,
    Status,
    Terms,
    check_code,
    code_digest,
    identity_answer_due,
    may_extend,
)
from charte.domain.vocabulary import (
    Channel,
    DocumentDeletion,
    DocumentRequired,
    IdentityMethod,
    Language,
    RestrictionGround,
    Right,
)
from charte.services.access import require
from charte.services.audit import Auditor
from charte.services.documents import step_letter
from charte.services.documents.model import Document
from charte.services.documents.notices import IDENTITY_METHODS, notice
from charte.services.documents.wording import euros
from charte.services.errors import NotFound, Refused
from charte.services.ports import Clock
from charte.services.queries import PersonFilter

E = TypeVar("E", bound=StrEnum)


class RightsStore(Protocol):
    def add(self, request: Request, at: datetime, actor: str, entry: Entry) -> int: ...

    def get(self, request_id: int) -> Request | None: ...

    def save(
        self,
        request: Request,
        at: datetime,
        on: date,
        step: str,
        actor: str,
        detail: dict[str, Any],
        entry: Entry,
    ) -> None: ...

    def listing(
        self, *, overdue_on: date | None, due_before: date | None, open_only: bool
    ) -> list[Request]: ...

    def steps(self, request_id: int) -> list[dict[str, Any]]: ...

    def earlier(self, request: Request, since: date) -> list[int]: ...


class Notifier(Protocol):
    def send(
        self, to: str, subject: str, text: str, attachments: Sequence[tuple[str, bytes]] = ()
    ) -> str: ...


class Documents(Protocol):
    def put(self, request_id: int, data: bytes) -> str: ...

    def erase(self, name: str) -> bool: ...


class Register(Protocol):
    """What identity checks and answers need of the register."""

    def person(self, ref: str) -> dict[str, Any] | None: ...

    def persons(self, criteria: PersonFilter) -> tuple[int, list[dict[str, Any]]]: ...

    def designated_by(self, ref: str) -> list[dict[str, Any]]: ...


class AnswerSources(Protocol):
    """What else an access answer reads: retention units, disclosures, consultations."""

    def units(self, ref: str) -> list[dict[str, Any]]: ...

    def disclosures(self, person_hmac: str) -> list[dict[str, Any]]: ...

    def consultations(self, person_hmac: str) -> list[dict[str, Any]]: ...

    def calls_of(self, ref: str) -> list[dict[str, Any]]: ...


class Answers(Protocol):
    def write(
        self, request_id: int, archive: str, files: dict[str, bytes], loose: tuple[str, ...], out: Path | None
    ) -> list[Path]: ...

    def archive(self, request_id: int) -> Path | None: ...

    def letter(self, request_id: int, stem: str, html: str, pdf: bytes, out: Path | None) -> list[Path]: ...

    def find(self, request_id: int, name: str) -> Path | None: ...


class Effects(Protocol):
    """What answering a right changes in the register, with its orders and Art. 19 notices."""

    def restrict(
        self, request_id: int, ref: str, since: date | None, ground: str | None, at: datetime
    ) -> dict[str, Any]: ...

    def rectify(self, request_id: int, ref: str, changes: dict[str, str], at: datetime) -> dict[str, Any]: ...

    def erased(self, request_id: int, ref: str, fields: set[str] | None, at: datetime) -> list[str]: ...

    def oppose(
        self,
        request_id: int,
        ref: str | None,
        purpose: str,
        contacts: list[str],
        suppress_until: date | None,
        at: datetime,
    ) -> dict[str, Any]: ...

    def notices(self, *, pending_only: bool) -> list[dict[str, Any]]: ...

    def notice_sent(self, notice_id: int, at: datetime, by: str) -> bool: ...


class Eraser(Protocol):
    def erase_on_request(
        self, request_id: int, ref: str, actor: str, kinds: frozenset[str] | None = None
    ) -> dict[str, Any]: ...


class RecordingEraser(Protocol):
    def erase_objected(self, number: str | None, person: str | None, actor: str) -> dict[str, int]: ...


class Letters(Protocol):
    def html(self, doc: Document) -> str: ...

    def pdf(self, doc: Document) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Desk:
    """What every rights use case needs, wired once by the composition root."""

    store: RightsStore
    policy: Policy
    gate: AccessGate
    auditor: Auditor
    clock: Clock
    notifier: Notifier
    documents: Documents
    register: Register
    sources: AnswerSources
    answers: Answers
    letters: Letters
    effects: Effects
    eraser: Eraser
    recordings: RecordingEraser
    code_key: bytes
    actor: str
    role: str

    @property
    def terms(self) -> Terms:
        r = self.policy.rights
        return Terms(
            r.reply_within,
            r.extension_up_to,
            r.identity_request,
            r.identity_answer_within,
            self.policy.litigation.holiday_calendar,
        )

    def check_role(self) -> None:
        require_handler(self.gate, self.policy, self.role, "handle rights requests")


def require_handler(gate: AccessGate, policy: Policy, role: str, what: str) -> None:
    """Rights requests and information notices are handled by the policy's `rights.submit_to`
    roles (the DPO's team in the shipped policy); another role is refused with the reason."""
    gate.require_role(role)
    if role not in policy.rights.submit_to:
        handlers = ", ".join(policy.rights.submit_to)
        require(
            Decision(
                False,
                Denial.ROLE_PURPOSE,
                f"role '{role}' may not {what} (policy: rights.submit_to = {handlers})",
            )
        )


def step_entry(desk: Desk, request: Request, step: str, **detail: Any) -> Entry:
    subject = desk.auditor.subject("person", request.person_ref) if request.person_ref else None
    return Entry(
        at=desk.clock.now(),
        actor=desk.actor,
        action=Action.RIGHTS,
        role=desk.role,
        context=f"rights_request:{request.id}" if request.id else None,  # a new one: set when stored
        subject=subject,
        detail={"step": step, "type": request.type.value, **detail},
    )


def load_request(desk: Desk, request_id: int) -> Request:
    desk.check_role()
    found = desk.store.get(request_id)
    if found is None:
        raise NotFound("rights request", str(request_id))
    return found


def save_step(
    desk: Desk, request: Request, on: date, step: str, *, letters: Sequence[Path] = (), **detail: Any
) -> dict[str, Any]:
    """The step on the request's timeline (in the register, with its detail) and in the audit
    (counts, names of fields, roles and systems — never the refs of contracts or sites). The
    ``letters`` sent at this step are named on the timeline and listed in the summary returned."""
    request.recompute(desk.terms)
    if letters:
        detail["letters"] = [p.name for p in letters]
    counted = {
        k: len(v) if isinstance(v, list) and v and isinstance(v[0], dict) else v for k, v in detail.items()
    }
    desk.store.save(
        request, desk.clock.now(), on, step, desk.actor, detail, step_entry(desk, request, step, **counted)
    )
    return request.summary() | ({"letters": [str(p) for p in letters]} if letters else {})


def _not_after_today(desk: Desk, day: date, what: str) -> None:
    if day > desk.clock.today():
        raise Refused(f"{what} {day.isoformat()} is after today")


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
    desk.check_role()
    rights = desk.policy.rights
    kind = choose(Right, type_, "--type")
    if kind not in rights.granted:
        raise Refused(f"the policy does not grant the right '{kind.value}' (rights.granted)")
    way = choose(Channel, channel, "--channel")
    _not_after_today(desk, received_on, "--received")
    if not claimed_name.strip() or not contact.strip():
        raise Refused(
            "a request needs the requester's claimed name (--claimed-name) and a contact (--contact)"
        )
    if person is not None and desk.register.person(person) is None:
        raise NotFound("person", person)
    if kind is Right.OPPOSITION:
        if purpose is None:
            raise Refused("an opposition names the purpose objected to (--purpose)")
        if purpose not in desk.policy.purposes:
            raise Refused(f"unknown purpose '{purpose}' (--purpose)")
    elif purpose is not None:
        raise Refused("--purpose is for opposition requests only")
    if kind is Right.RECTIFICATION:
        if not changes:
            raise Refused('a rectification lists the changes (--changes \'{"field": "new value"}\')')
        unknown = sorted(set(changes) - set(desk.policy.fields))
        if unknown:
            raise Refused(f"--changes names field(s) the policy does not declare: {', '.join(unknown)}")
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
    request.recompute(desk.terms)
    request.id = desk.store.add(request, desk.clock.now(), desk.actor, step_entry(desk, request, "opened"))
    return request.summary()


def ask_identity(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """Ask the requester for what identifies them (Art. 12(6)); the policy says what the clock does."""
    request = load_request(desk, request_id)
    _not_after_today(desk, on, "--on")
    if request.status is not Status.RECEIVED:
        raise Refused(f"identity can be asked of a received request, not of a {request.status.value} one")
    if on < request.received_on:
        raise Refused("--on is before the request was received")
    request.pauses.append(Pause(on))
    request.status = Status.AWAITING_IDENTITY
    answer_by = identity_answer_due(request.pauses[-1], desk.terms)
    lang = desk.policy.default_language
    methods = ", ".join(
        IDENTITY_METHODS[m.value][lang] for m in desk.policy.rights.identity_verification.methods
    )
    letters = tell(desk, request, "identity_asked", methods=methods, by=answer_by.isoformat())
    return save_step(desk, request, on, "identity_asked", letters=letters, answer_by=answer_by.isoformat())


def identity_received(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """The requester answered the request for information: the clock runs again."""
    request = load_request(desk, request_id)
    _not_after_today(desk, on, "--on")
    pause = request.open_pause
    if request.status is not Status.AWAITING_IDENTITY or pause is None:
        raise Refused(f"no request for information is open on this {request.status.value} request")
    if on < pause.asked_on:
        raise Refused(f"--on is before the request for information ({pause.asked_on.isoformat()})")
    request.pauses[-1] = Pause(pause.asked_on, on)
    request.status = Status.RECEIVED
    return save_step(desk, request, on, "identity_received", paused_days=(on - pause.asked_on).days)


def attach_document(desk: Desk, request_id: int, data: bytes) -> dict[str, Any]:
    """Keep the requester's identity document, encrypted, until it is checked."""
    request = load_request(desk, request_id)
    if not request.status.open or request.status is Status.VERIFIED:
        raise Refused(f"a {request.status.value} request takes no identity document")
    previous = request.document
    request.document = desk.documents.put(request.id, data)
    if previous:
        desk.documents.erase(previous)
    return save_step(desk, request, desk.clock.today(), "document_attached", bytes=len(data))


def send_code(desk: Desk, request_id: int) -> dict[str, Any]:
    """Send a one-time code to a contact already on file for the matched person (never to the
    contact the requester gave: an impostor gives their own)."""
    request = load_request(desk, request_id)
    _allowed_method(desk, IdentityMethod.CODE)
    _verifiable(request)
    person = _matched(desk, request)
    fields = desk.policy.rights.identity_verification.contact_fields
    if not fields:
        raise Refused(
            "the policy names no field to send codes to (rights.identity_verification.contact_fields)"
        )
    on_file = [person["fields"][f] for f in fields if person["fields"].get(f)]
    if not on_file:
        raise Refused("the person has no contact on file to send a code to: use another method")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    request.code_hash = code_digest(desk.code_key, request.id, code)
    request.code_expires_at = desk.clock.now() + CODE_LIFETIME
    request.code_attempts = 0
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    tell(desk, request, "code", to=on_file[0], letter=False, code=code, minutes=minutes)
    return save_step(desk, request, desk.clock.today(), "code_sent")


def verify(
    desk: Desk, request_id: int, method: str, *, code: str | None = None, client_number: str | None = None
) -> dict[str, Any]:
    """Establish the requester's identity by one of the policy's methods; nothing is disclosed,
    changed or erased for a request until this has succeeded."""
    request = load_request(desk, request_id)
    how = choose(IdentityMethod, method.replace("-", "_"), "--method")
    _allowed_method(desk, how)
    _verifiable(request)
    if (
        desk.policy.rights.identity_verification.document_required is DocumentRequired.ALWAYS
        and how is not IdentityMethod.DOCUMENT
    ):
        raise Refused(
            "the policy asks an identity document for every request (identity_verification.document_required)"
        )
    today = desk.clock.today()
    if how is IdentityMethod.CODE:
        if not code:
            raise Refused(
                "--code is the code the requester received (send one with `charte rights send-code`)"
            )
        outcome = check_code(
            key=desk.code_key,
            request_id=request.id,
            given=code,
            stored=request.code_hash,
            expires_at=request.code_expires_at,
            attempts=request.code_attempts,
            now=desk.clock.now(),
        )
        if outcome is not CodeCheck.OK:
            request.code_attempts += 1
            save_step(desk, request, today, "code_refused", why=outcome.value)
            raise Refused(_CODE_REFUSALS[outcome])
        request.code_hash, request.code_expires_at = None, None
    elif how is IdentityMethod.CLIENT_NUMBER:
        person = _matched(desk, request)
        iv = desk.policy.rights.identity_verification
        if iv.client_number_field is None:
            raise Refused(
                "the policy names no client number field (rights.identity_verification.client_number_field)"
            )
        on_file = {str(person["fields"].get(f, "")).strip().lower() for f in iv.contact_fields} - {""}
        number = person["fields"].get(iv.client_number_field)
        given = (client_number or "").strip()
        if not given or number is None or not secrets.compare_digest(given.encode(), str(number).encode()):
            save_step(desk, request, today, "client_number_refused")
            raise Refused("the client number does not match the person's")
        if request.contact.strip().lower() not in on_file:
            save_step(desk, request, today, "client_number_refused")
            raise Refused("the requester's contact is not one on file for this person: use another method")
    elif request.document is None:
        raise Refused("no identity document is attached to this request (`charte rights attach-document`)")
    request.status, request.verified_on, request.verified_by = Status.VERIFIED, today, how.value
    _forget_document(desk, request, on_verification=True)
    return save_step(desk, request, today, "verified", method=how.value)


def tell(
    desk: Desk,
    request: Request,
    key: str,
    *,
    to: str | None = None,
    lang: Language | None = None,
    detail: dict[str, Any] | None = None,
    out: Path | None = None,
    letter: bool = True,
    **values: object,
) -> list[Path]:
    """Send the requester the notice ``key`` (to their contact, or ``to``) and, unless ``letter``
    is false (a code must never lie in a file), the same message as a letter in HTML and PDF,
    written beside the request's answers and attached to the message. Rendered before anything is
    sent: a failure leaves nothing sent. Returns the letter's paths."""
    lang = lang or desk.policy.default_language
    subject, text = notice(key, lang, n=request.id, **values)
    if not letter:
        desk.notifier.send(to or request.contact, subject, text)
        return []
    doc = step_letter.build(
        policy=desk.policy,
        lang=lang,
        request_id=request.id,
        received_on=request.received_on,
        today=desk.clock.today(),
        subject=subject,
        text=text,
        detail=detail,
    )
    pdf = desk.letters.pdf(doc)
    paths = desk.answers.letter(
        request.id, f"courrier-{key.replace('.', '-')}", desk.letters.html(doc), pdf, out
    )
    desk.notifier.send(to or request.contact, subject, text, [(paths[-1].name, pdf)])
    return paths


def extend(desk: Desk, request_id: int, on: date, reason: str) -> dict[str, Any]:
    """Extend the reply by the policy's ``extension_up_to``, telling the requester why."""
    request = load_request(desk, request_id)
    _not_after_today(desk, on, "--on")
    try:
        may_extend(request.status, request.extended_on is not None, request.first_due_on, on, reason)
    except Refusal as refusal:
        raise Refused(str(refusal)) from None
    request.extended_on, request.extension_reason = on, reason.strip()
    request.recompute(desk.terms)
    due = request.due_on.isoformat() if request.due_on else "-"
    letters = tell(desk, request, "extended", due=due, reason=reason.strip())
    return save_step(desk, request, on, "extended", letters=letters)


def ask_fee(desk: Desk, request_id: int, cents: int, reason: str) -> dict[str, Any]:
    """Ask a reasonable fee, based on the administrative costs, for a manifestly unfounded or
    excessive request (Art. 12(5)(a)) or a further copy (Art. 15(3)), with the written reasons the
    controller must be able to show, the CNIL complaint and the judicial remedy. The request is not
    answered until the fee is paid (`fee_paid`); the clock does not stop: the GDPR gives no pause
    for a fee, so an unpaid fee ends in a refusal with reasons, in time."""
    request = load_request(desk, request_id)
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
    today = desk.clock.today()
    request.fee_cents, request.fee_reason, request.fee_asked_on = cents, reason.strip(), today
    url = desk.policy.supervisory_authority.complaint_url
    amount = euros(cents, desk.policy.default_language)
    letters = tell(desk, request, "fee_asked", amount=amount, reason=reason.strip(), url=url)
    return save_step(desk, request, today, "fee_asked", letters=letters, cents=cents)


def fee_paid(desk: Desk, request_id: int, on: date) -> dict[str, Any]:
    """The requester paid the fee asked: the request may be answered."""
    request = load_request(desk, request_id)
    _not_after_today(desk, on, "--on")
    if not request.fee_due or request.fee_asked_on is None:
        raise Refused("no unpaid fee is asked for this request")
    if on < request.fee_asked_on:
        raise Refused(f"--on is before the fee was asked ({request.fee_asked_on.isoformat()})")
    request.fee_paid_on = on
    return save_step(desk, request, on, "fee_paid")


def refuse(desk: Desk, request_id: int, reason: str) -> dict[str, Any]:
    """Refuse with written reasons, the CNIL complaint and the judicial remedy (Art. 12(4), 12(5))."""
    request = load_request(desk, request_id)
    if not request.status.open:
        raise Refused(f"a {request.status.value} request cannot be refused")
    if not reason.strip():
        raise Refused("a refusal needs its reason (--reason): the requester must be told why")
    today = desk.clock.today()
    request.status, request.finished_on, request.finish_reason = Status.REFUSED, today, reason.strip()
    url = desk.policy.supervisory_authority.complaint_url
    letters = tell(desk, request, "refused", reason=reason.strip(), url=url)
    _forget_document(desk, request, on_verification=False)
    return save_step(desk, request, today, "refused", letters=letters)


def close(desk: Desk, request_id: int, reason: str) -> dict[str, Any]:
    """Close a request: not identifiable (no answer to the request for information within the
    policy's delay), or withdrawn by the requester."""
    request = load_request(desk, request_id)
    why = choose(ClosingReason, reason, "--reason")
    today = desk.clock.today()
    if not request.status.open:
        raise Refused(f"the request is already {request.status.value}")
    letters: list[Path] = []
    if why is ClosingReason.NOT_IDENTIFIABLE:
        pause = request.open_pause
        if pause is None:
            raise Refused(
                "only a request whose requester was asked to prove identity can close as not identifiable"
            )
        limit = identity_answer_due(pause, desk.terms)
        if today <= limit:
            raise Refused(f"the requester may still answer until {limit.isoformat()}")
        request.pauses[-1] = Pause(pause.asked_on, today)  # the clock stops for good
        letters = tell(desk, request, "closed", url=desk.policy.supervisory_authority.complaint_url)
    request.status, request.finished_on, request.finish_reason = Status.CLOSED, today, why.value
    _forget_document(desk, request, on_verification=False)
    return save_step(desk, request, today, "closed", letters=letters, reason=why.value)


def close_expired(desk: Desk) -> list[int]:
    """Close as not identifiable every request whose requester did not answer the request for
    information within the policy's delay (what `charte serve` does each night); their numbers."""
    desk.check_role()
    today = desk.clock.today()
    closed = []
    for request in desk.store.listing(overdue_on=None, due_before=None, open_only=True):
        pause = request.open_pause
        if (
            request.status is Status.AWAITING_IDENTITY
            and pause
            and identity_answer_due(pause, desk.terms) < today
        ):
            close(desk, request.id, ClosingReason.NOT_IDENTIFIABLE.value)
            closed.append(request.id)
    return closed


def listing(desk: Desk, *, overdue: bool = False, due_before: date | None = None) -> list[dict[str, Any]]:
    desk.check_role()
    today = desk.clock.today()
    found = desk.store.listing(overdue_on=today if overdue else None, due_before=due_before, open_only=False)
    desk.auditor.record(
        [
            Entry(
                at=desk.clock.now(),
                actor=desk.actor,
                action=Action.RIGHTS,
                role=desk.role,
                detail={"step": "listed", "count": len(found), "overdue": overdue},
            )
        ]
    )
    return [r.summary() | {"overdue": r.overdue(today)} for r in found]


def show(desk: Desk, request_id: int) -> dict[str, Any]:
    """One request, its timeline, and the same person's requests of the same type in the twelve
    months before it: repeated identical requests are what may make one excessive (Art. 12(5)) —
    the handler decides, and a refusal needs its written reasons."""
    request = load_request(desk, request_id)
    desk.auditor.record([step_entry(desk, request, "shown")])
    earlier = desk.store.earlier(request, add_months(request.received_on, -12))
    return request.summary() | {
        "overdue": request.overdue(desk.clock.today()),
        "timeline": desk.store.steps(request.id),
        "earlier_same_type": earlier,
    }


# --- helpers -----------------------------------------------------------------------------------


_CODE_REFUSALS = {
    CodeCheck.WRONG: "the code does not match",
    CodeCheck.EXPIRED: "the code has expired: send a new one",
    CodeCheck.EXHAUSTED: "too many wrong codes: send a new one",
    CodeCheck.NONE_SENT: "no code was sent for this request (`charte rights send-code`)",
}


def choose(kind: type[E], value: str, option: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise Refused(f"{option} must be one of: {allowed} (not '{value}')") from None


def _allowed_method(desk: Desk, how: IdentityMethod) -> None:
    allowed = desk.policy.rights.identity_verification.methods
    if how not in allowed:
        names = ", ".join(m.value.replace("_", "-") for m in allowed)
        raise Refused(
            f"the policy does not allow identity method '{how.value.replace('_', '-')}' (allowed: {names})"
        )


def _verifiable(request: Request) -> None:
    if request.status is not Status.RECEIVED:
        raise Refused(f"a {request.status.value} request cannot be verified")


def _matched(desk: Desk, request: Request) -> dict[str, Any]:
    if request.person_ref is None:
        raise Refused("the request is not matched to a person of the register (open it with --person)")
    person = desk.register.person(request.person_ref)
    if person is None:
        raise NotFound("person", request.person_ref)
    return person


def _forget_document(desk: Desk, request: Request, *, on_verification: bool) -> None:
    """Erase the identity document when the policy says: on verification, or on closure."""
    when = desk.policy.rights.identity_verification.delete_document
    if request.document and (not on_verification or when is DocumentDeletion.ON_VERIFICATION):
        desk.documents.erase(request.document)
        request.document = None


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
