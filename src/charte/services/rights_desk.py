"""What every rights use case shares: the ports, the ``Desk`` that wires them in four parts (the
``Clerk`` every step needs, the ``Mail`` that tells the requester, the ``Proofs`` of identity and
what ``Answering`` reads and changes), and the plumbing of a step — loading a request for a
handler, saving the step on the timeline with its audit entry, telling the requester (a notice
and, but for a code, its letter in HTML and PDF).

The steps themselves are in ``services.rights`` (intake, the clock, refusals, closures),
``services.identity`` (proving who the requester is) and ``services.answers`` (the answer per right).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.accountability import Trained
from charte.domain.audit import Action, Entry
from charte.domain.orders import Order, OrderKind, plan_orders
from charte.domain.policy import Policy
from charte.domain.rights import Request, Terms
from charte.domain.vocabulary import DocumentDeletion, Language
from charte.services.access import AccessDenied, require
from charte.services.alarms import AlarmCall
from charte.services.audit import Auditor, Consultation
from charte.services.calls import CallView
from charte.services.consents import ConsentView
from charte.services.disclosures import Disclosure
from charte.services.documents import step_letter
from charte.services.documents.model import Document
from charte.services.documents.notices import notice
from charte.services.errors import NotFound, NotSent, Refused
from charte.services.person_view import Designated, PersonView
from charte.services.ports import Clock
from charte.services.queries import Listed, PersonFilter
from charte.services.read_model import JsonRecord
from charte.services.retention import UnitView

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Step:
    """One step on a request's timeline: when, what, by whom, and its detail (the JSON record the
    step wrote: the letters named, the counts, why a notice was not sent...)."""

    on: date
    at: datetime
    step: str
    actor: str
    detail: Mapping[str, Any]


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

    def steps(self, request_id: int) -> list[Step]: ...

    def earlier(self, request: Request, since: date) -> list[int]: ...


class Notifier(Protocol):
    def send(self, to: str, subject: str, text: str, attachments: Sequence[tuple[str, bytes]] = ()) -> str:
        """Deliver the message; ``NotSent`` (the kind of failure, never the server's words) when
        it cannot be."""
        ...


@dataclass(frozen=True, slots=True)
class Told:
    """What telling the requester produced: the letter's paths, and why it was not sent, if so."""

    paths: list[Path]
    unsent: str | None = None


class Documents(Protocol):
    def put(self, request_id: int, data: bytes) -> str: ...

    def get(self, request_id: int, name: str) -> bytes: ...

    def erase(self, name: str) -> bool: ...


class Register(Protocol):
    """What identity checks and answers need of the register."""

    def person(self, ref: str) -> PersonView | None: ...

    def persons(self, criteria: PersonFilter) -> tuple[int, list[Listed]]: ...

    def designated_by(self, ref: str) -> list[Designated]: ...


class AnswerSources(Protocol):
    """What else an access answer reads: retention units, disclosures, consultations."""

    def units(self, ref: str) -> list[UnitView]: ...

    def disclosures(self, person_hmac: str) -> list[Disclosure]: ...

    def consultations(self, person_hmac: str) -> list[Consultation]: ...

    def calls_of(self, ref: str) -> list[CallView]:
        """The person's calls (metadata: the audio and transcripts are given on request)."""
        ...

    def alarm_calls_to(self, ref: str) -> list[AlarmCall]: ...

    def consents_of(self, ref: str) -> list[ConsentView]:
        """The person's consents with their proof (``services.consents``), newest first."""
        ...


class Answers(Protocol):
    def write(
        self, request_id: int, archive: str, files: dict[str, bytes], loose: tuple[str, ...], out: Path | None
    ) -> list[Path]: ...

    def archive(self, request_id: int) -> Path | None: ...

    def letter(self, request_id: int, stem: str, html: str, pdf: bytes, out: Path | None) -> list[Path]: ...

    def find(self, request_id: int, name: str) -> Path | None: ...

    def keep_unsent(self, request_id: int, record: dict[str, Any]) -> None: ...

    def unsent(self, request_id: int) -> list[tuple[str, JsonRecord]]: ...

    def sent(self, request_id: int, name: str) -> None: ...


@dataclass(frozen=True, slots=True)
class RecipientNotice:
    """A GDPR Art. 19 notice owed to a recipient: which request, which person, which fields, and
    whether (and by whom) it has been sent. With ``site``, a notice owed to the client ``person``:
    the trusted person designated at that site objected and is designated no more (Art. 21(1)),
    so the client is asked to designate another."""

    id: int
    request: int | None
    recipient: str
    kind: str
    person: str | None
    fields: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None = None
    sent_by: str | None = None
    site: str | None = None


class Effects(Protocol):
    """What answering a right changes in the register, with its orders and Art. 19 notices."""

    def restrict(
        self,
        request_id: int,
        ref: str,
        since: date | None,
        ground: str | None,
        at: datetime,
        orders: Sequence[Order],
    ) -> JsonRecord: ...

    def rectify(
        self, request_id: int, ref: str, changes: dict[str, str], at: datetime, orders: Sequence[Order]
    ) -> JsonRecord: ...

    def oppose(
        self,
        request_id: int,
        ref: str | None,
        purpose: str,
        contacts: list[str],
        suppress_until: date | None,
        at: datetime,
        orders: Sequence[Order],
    ) -> JsonRecord: ...

    def notices(self, *, pending_only: bool) -> list[RecipientNotice]: ...

    def notice_sent(self, notice_id: int, at: datetime, by: str) -> bool: ...


class Eraser(Protocol):
    """``services.erasure.Eraser``: the one erasure use case."""

    def on_request(
        self,
        request_id: int,
        ref: str,
        actor: str,
        kinds: frozenset[str] | None = None,
        also: Sequence[Order] = (),
        notes: Mapping[str, Any] | None = None,
        clients_of: Sequence[str] = (),
    ) -> JsonRecord: ...


class RecordingEraser(Protocol):
    def erase_objected(self, number: str | None, person: str | None, actor: str) -> dict[str, int]: ...


class Letters(Protocol):
    def html(self, doc: Document) -> str: ...

    def pdf(self, doc: Document) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Clerk:
    """Who handles requests, under which policy: the requests' store, the register to look a
    person up, the gate, the audit and the clock. Every rights use case needs it."""

    store: RightsStore
    register: Register
    policy: Policy
    gate: AccessGate
    auditor: Auditor
    clock: Clock
    actor: str
    role: str
    trained: Trained | None = None  # the handler's account's training (the console, the API)

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
        """The handler's role, and — behind an account — its training (requests name their
        requesters: a staff account with a lapsed training handles none, GDPR Art. 24(1), 32(4))."""
        require_handler(self.gate, self.policy, self.role, "handle rights requests")
        untrained = self.gate.untrained(self.role, self.policy.rights.purpose or "", self.trained)
        if untrained is not None:
            raise AccessDenied(untrained)


@dataclass(frozen=True, slots=True)
class Mail:
    """Telling the requester: the notifier, the letters and the folder they are kept in."""

    notifier: Notifier
    answers: Answers
    letters: Letters


@dataclass(frozen=True, slots=True)
class Proofs:
    """Proving who the requester is (``services.identity``): their documents, the codes' key."""

    documents: Documents
    code_key: bytes


@dataclass(frozen=True, slots=True)
class Answering:
    """What answering a right reads and changes (``services.answers``)."""

    sources: AnswerSources
    effects: Effects
    eraser: Eraser
    recordings: RecordingEraser


@dataclass(frozen=True, slots=True)
class Desk:
    """The parts of the rights desk, wired once per handler by the composition root: intake and
    the clock use the clerk and the mail; identity adds the proofs; answers add the answering."""

    clerk: Clerk
    mail: Mail
    proofs: Proofs
    answering: Answering


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


def step_entry(clerk: Clerk, request: Request, step: str, **detail: Any) -> Entry:
    subject = clerk.auditor.subject("person", request.person_ref) if request.person_ref else None
    return Entry(
        at=clerk.clock.now(),
        actor=clerk.actor,
        action=Action.RIGHTS,
        role=clerk.role,
        context=f"rights_request:{request.id}" if request.id else None,  # a new one: set when stored
        subject=subject,
        detail={"step": step, "type": request.type.value, **detail},
    )


def load_request(clerk: Clerk, request_id: int) -> Request:
    clerk.check_role()
    found = clerk.store.get(request_id)
    if found is None:
        raise NotFound("rights request", str(request_id))
    return found


def save_step(
    clerk: Clerk, request: Request, on: date, step: str, *, told: Told | None = None, **detail: Any
) -> dict[str, Any]:
    """The step on the request's timeline (in the register, with its detail) and in the audit
    (counts, names of fields, roles and systems — never the refs of contracts or sites). The
    letters ``told`` at this step are named on the timeline and listed in the summary returned; a
    notice that could not be sent is recorded as such (``notice: not sent (why)``), to send again."""
    request.recompute(clerk.terms)
    letters = told.paths if told else []
    if letters:
        detail["letters"] = [p.name for p in letters]
    if told and told.unsent:
        detail["notice"] = f"not sent ({told.unsent})"
    counted = {
        k: len(v) if isinstance(v, list) and v and isinstance(v[0], dict) else v for k, v in detail.items()
    }
    clerk.store.save(
        request, clerk.clock.now(), on, step, clerk.actor, detail, step_entry(clerk, request, step, **counted)
    )
    summary = request.summary() | ({"letters": [str(p) for p in letters]} if letters else {})
    return summary | ({"not_sent": told.unsent} if told and told.unsent else {})


def not_after_today(clerk: Clerk, day: date, what: str) -> None:
    if day > clerk.clock.today():
        raise Refused(f"{what} {day.isoformat()} is after today")


def tell(
    clerk: Clerk,
    mail: Mail,
    request: Request,
    key: str,
    *,
    to: str | None = None,
    lang: Language | None = None,
    detail: dict[str, Any] | None = None,
    out: Path | None = None,
    letter: bool = True,
    secret: bool = False,
    **values: object,
) -> Told:
    """Send the requester the notice ``key`` (to their contact, or ``to``) and, unless ``letter``
    is false (a code must never lie in a file), the same message as a letter in HTML and PDF,
    written beside the request's answers and attached to the message. Rendered before anything is
    sent: a rendering failure leaves nothing sent. A delivery failure does not undo the step (the
    decision stands, its deadline runs): the notice is kept beside the letter to send again
    (``send_unsent``), and ``Told.unsent`` says why — unless it is ``secret`` (a code is never kept:
    a new one is sent instead)."""
    lang = lang or clerk.policy.default_language
    subject, text = notice(key, lang, n=request.id, **values)
    recipient = to or request.contact
    if not letter:
        try:
            mail.notifier.send(recipient, subject, text)
        except NotSent as failure:
            if not secret:
                mail.answers.keep_unsent(request.id, {"to": recipient, "subject": subject, "text": text})
            return Told([], failure.why)
        return Told([])
    doc = step_letter.build(
        policy=clerk.policy,
        lang=lang,
        request_id=request.id,
        received_on=request.received_on,
        today=clerk.clock.today(),
        subject=subject,
        text=text,
        detail=detail,
    )
    pdf = mail.letters.pdf(doc)
    paths = mail.answers.letter(
        request.id, f"courrier-{key.replace('.', '-')}", mail.letters.html(doc), pdf, out
    )
    try:
        mail.notifier.send(recipient, subject, text, [(paths[-1].name, pdf)])
    except NotSent as failure:
        kept = {"to": recipient, "subject": subject, "text": text, "letter": paths[-1].name}
        mail.answers.keep_unsent(request.id, kept | {"pdf": base64.b64encode(pdf).decode()})
        return Told(paths, failure.why)
    return Told(paths)


def send_unsent(mail: Mail, request: Request) -> Told:
    """Send again every notice of the request that could not be sent, oldest first; those that
    fail again stay kept. The letters are the ones written at their step (never re-rendered: the
    requester receives what the timeline records)."""
    sent: list[Path] = []
    for name, kept in mail.answers.unsent(request.id):
        letter = [(kept["letter"], base64.b64decode(kept["pdf"]))] if "letter" in kept else []
        try:
            mail.notifier.send(kept["to"], kept["subject"], kept["text"], letter)
        except NotSent as failure:
            return Told(sent, failure.why)
        mail.answers.sent(request.id, name)
        sent += [Path(name) for name, _ in letter]
    return Told(sent)


def choose(kind: type[E], value: str, option: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise Refused(f"{option} must be one of: {allowed} (not '{value}')") from None


def forget_document(policy: Policy, proofs: Proofs, request: Request, *, on_verification: bool) -> None:
    """Erase the identity document when the policy says: on verification, or on closure."""
    when = policy.rights.identity_verification.delete_document
    if request.document and (not on_verification or when is DocumentDeletion.ON_VERIFICATION):
        proofs.documents.erase(request.document)
        request.document = None


def matched_ref(request: Request) -> str:
    """The person a request was matched to; refused when it was not (nothing to change)."""
    if request.person_ref is None:
        raise Refused("the request is not matched to a person of the register: there is nothing to change")
    return request.person_ref


def request_orders(
    clerk: Clerk,
    request: Request,
    kind: OrderKind,
    at: datetime,
    *,
    reason: str | None = None,
    fields: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> list[Order]:
    """The orders to the systems that carry an answer out (a promise kept only in charte's copy is
    not kept); a rectification tells each system the new values of the fields it holds."""
    return plan_orders(
        clerk.policy,
        kind=kind,
        person_ref=matched_ref(request),
        reason=reason or f"rights_request:{request.id}",
        at=at,
        fields=fields,
        values=dict(values) if values is not None else None,
    )
