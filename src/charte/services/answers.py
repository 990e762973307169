"""Answering a verified rights request, per right (GDPR Art. 15-18, 20, 21), with its orders and notices.

``fulfil`` refuses a request whose requester is not verified before reading anything. Access writes
a ZIP and its letter; portability the data given under contract or consent; rectification,
restriction, erasure and opposition change the register through the ``Effects`` and ``Eraser``
ports, which also write the orders to the operator's systems and the Art. 19 notices owed to
recipients. Intake and the clock are in ``services.rights``, identity in ``services.identity``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from charte.domain.access import ReadContext
from charte.domain.audit import Action, Entry
from charte.domain.orders import OrderKind
from charte.domain.register import Role
from charte.domain.rights import Request, Status
from charte.domain.vocabulary import Language, Right
from charte.services import objection_answers
from charte.services.access import Reader
from charte.services.alarms import AlarmCall
from charte.services.audit import Consultation
from charte.services.calls import CallView
from charte.services.consents import ConsentView
from charte.services.disclosures import Disclosure
from charte.services.documents import access_answer
from charte.services.documents.notices import KEPT_WHY, NOTHING, RECIPIENT_NOTICE, UNTIL, notice
from charte.services.errors import NotFound, NotSent, Refused
from charte.services.person_view import Designated
from charte.services.queries import show_person
from charte.services.read_model import plain
from charte.services.retention import UnitView
from charte.services.rights import refuse
from charte.services.rights_desk import (
    Desk,
    RecipientNotice,
    choose,
    load_request,
    matched_ref,
    request_orders,
    save_step,
    step_entry,
    tell,
)


def fulfil(desk: Desk, request_id: int, out: Path | None = None, lang: str | None = None) -> dict[str, Any]:
    """Answer a verified request; the summary gains ``paths``, the files written. A request whose
    requester is not verified gets nothing: no read, no file, no change. ``lang``: the access
    letter's language (default: the policy's first), one of the policy's languages."""
    letter_lang = (
        choose(Language, lang, "--lang") if lang else desk.clerk.policy.default_language
    )  # checked first: nothing done
    if letter_lang not in desk.clerk.policy.languages:
        known = ", ".join(x.value for x in desk.clerk.policy.languages)
        raise Refused(f"the policy has no text in '{letter_lang.value}' (languages: {known})")
    request = load_request(desk.clerk, request_id)
    if request.status is not Status.VERIFIED:
        raise Refused(
            f"the request is {request.status.value}: nothing is disclosed, changed or erased before the "
            "requester's identity is verified (`charte rights verify`)"
        )
    if request.fee_due:
        raise Refused(
            f"the fee asked on {request.fee_asked_on} is not paid: record it (`charte rights fee-paid`) "
            "or refuse the request with its reasons"
        )
    today = desk.clerk.clock.today()
    paths: list[Path] = []
    detail: dict[str, Any] = {}
    if request.type is Right.ACCESS:
        paths = _answer_access(desk, request, out, letter_lang)
    elif request.type is Right.PORTABILITY:
        found = _answer_portability(desk, request, out)
        if found is None:
            return _refuse_portability(desk, request)
        paths = found
    elif request.type is Right.RESTRICTION:
        now = desk.clerk.clock.now()
        orders = request_orders(desk.clerk, request, OrderKind.RESTRICTION_SET, now)
        detail = desk.answering.effects.restrict(
            request.id, matched_ref(request), today, request.ground, now, orders
        )
    elif request.type is Right.RECTIFICATION:
        changes, now = request.changes or {}, desk.clerk.clock.now()
        orders = request_orders(
            desk.clerk, request, OrderKind.RECTIFICATION_REQUIRED, now, fields=list(changes), values=changes
        )
        detail = desk.answering.effects.rectify(request.id, matched_ref(request), changes, now, orders)
    elif request.type is Right.ERASURE:
        detail = _erase(desk, request)
    else:  # an objection, or a withdrawal of consent
        refused, detail = objection_answers.answer(desk, request)
        if refused is not None:
            return refuse(desk, request.id, refused)
    request.status, request.finished_on = Status.FULFILLED, today
    step = f"fulfilled.{request.type.value}"
    if detail.get("designations_ended"):
        step += ".designation"  # a trusted person told their designations ended (Art. 21(1))
    told = tell(
        desk.clerk,
        desk.mail,
        request,
        step,
        lang=letter_lang,
        detail=detail | {"ground": request.ground},
        out=out,
        letter=request.type is not Right.ACCESS,  # the access answer carries its own letter
        secret=False,
        **_erasure_words(desk, detail, letter_lang),
    )
    summary = save_step(
        desk.clerk, request, today, "fulfilled", told=told, files=[p.name for p in paths], **detail
    )
    return summary | {"paths": [str(p) for p in [*paths, *told.paths]]} | detail


def _erase(desk: Desk, request: Request) -> dict[str, Any]:
    """Art. 17: per unit, as the policy's rule says; the systems ordered, recipients owed a notice
    (all in the eraser's one transaction)."""
    return desk.answering.eraser.on_request(request.id, matched_ref(request), desk.clerk.actor)


def _erasure_words(desk: Desk, detail: dict[str, Any], lang: Language) -> dict[str, str]:
    """What an erasure answer tells: what went, and what is kept, why and until when."""
    if "kept" not in detail or "erased" not in detail:
        return {}
    labels = {sid: c.label(lang).lower() for sid, c in desk.clerk.policy.subject_categories.items()}
    erased = ", ".join(f"{labels.get(u['unit'], u['unit'])}{_in(u)}" for u in detail["erased"])
    kept = "; ".join(
        f"{labels.get(k['unit'], k['unit'])}{_in(k)} : {KEPT_WHY[k['why']][lang]}"
        + (f" ({UNTIL[lang]} {k['until']})" if k["until"] else "")
        for k in detail["kept"]
    )
    none = NOTHING[lang]
    return {"erased": erased or none, "kept": kept or none}


def _in(unit: dict[str, Any]) -> str:
    return f" ({unit['context']})" if unit.get("context") else ""


def answer_archive(desk: Desk, request_id: int) -> Path:
    """The answer's ZIP, for the handler to download and send; the download is audited."""
    request = load_request(desk.clerk, request_id)
    path = desk.mail.answers.archive(request.id) if request.status is Status.FULFILLED else None
    if path is None:
        raise NotFound("answer of rights request", str(request_id))
    desk.clerk.auditor.record([step_entry(desk.clerk, request, "answer_downloaded")])
    return path


def letter_file(desk: Desk, request_id: int, name: str) -> Path:
    """A letter sent at one of the request's steps, by the name its timeline records (only such a
    name is looked up: nothing else of the folder is reachable); the download is audited."""
    request = load_request(desk.clerk, request_id)
    recorded = {n for s in desk.clerk.store.steps(request.id) for n in s.detail.get("letters", [])}
    path = desk.mail.answers.find(request.id, name) if name in recorded else None
    if path is None:
        raise NotFound("letter of rights request", f"{request_id}/{name}")
    desk.clerk.auditor.record([step_entry(desk.clerk, request, "letter_downloaded")])
    return path


def lift_restriction(desk: Desk, request_id: int) -> dict[str, Any]:
    """Lift a restriction this request set — after telling the person (GDPR Art. 18(3))."""
    request = load_request(desk.clerk, request_id)
    if request.type is not Right.RESTRICTION or request.status is not Status.FULFILLED:
        raise Refused("only a fulfilled restriction request can have its restriction lifted")
    told = tell(desk.clerk, desk.mail, request, "restriction_lifting")
    now = desk.clerk.clock.now()
    orders = request_orders(desk.clerk, request, OrderKind.RESTRICTION_LIFTED, now)
    detail = desk.answering.effects.restrict(request.id, matched_ref(request), None, None, now, orders)
    return (
        save_step(desk.clerk, request, desk.clerk.clock.today(), "restriction_lifted", told=told, **detail)
        | detail
    )


def notices(desk: Desk, *, pending_only: bool = False) -> list[dict[str, Any]]:
    """The Art. 19 notices owed to recipients, and whether the DPO's team has sent them. Each
    names a person, a recipient and fields: each listed is an audited read of its person (an
    empty list, one entry), written before the list is returned."""
    desk.clerk.check_role()
    found = desk.answering.effects.notices(pending_only=pending_only)

    def entry(subject: str | None, fields: Any, **detail: Any) -> Entry:
        return Entry(
            at=desk.clerk.clock.now(),
            actor=desk.clerk.actor,
            action=Action.LIST,
            role=desk.clerk.role,
            purpose=desk.clerk.policy.rights.purpose,
            subject=subject,
            fields=tuple(fields),
            detail={"of": "recipient_notices", **detail},
        )

    desk.clerk.auditor.record(
        [
            entry(
                desk.clerk.auditor.subject("person", n.person) if n.person else None,
                n.fields,
                notice=n.id,
                to=n.recipient,
            )
            for n in found
        ]
        or [entry(None, (), notices=0)]
    )
    return [plain(n) for n in found]


def notice_sent(desk: Desk, notice_id: int) -> None:
    desk.clerk.check_role()
    if not desk.answering.effects.notice_sent(notice_id, desk.clerk.clock.now(), desk.clerk.actor):
        raise NotFound("unsent recipient notice", str(notice_id))


def send_notices(desk: Desk) -> dict[str, Any]:
    """Send every Art. 19 notice still owed to a recipient with a contact in the policy
    (``roles.<id>.contact``), by the notifier, and record each as sent — the recipient told of
    the person's ref, the request and the fields, in the policy's first language. A recipient
    without a contact is listed (its notices stay owed); a delivery that fails stays owed too,
    with the kind of failure, and is tried again at the next sending. Each notice sent is an
    audited disclosure of the person's ref to that recipient."""
    desk.clerk.check_role()
    policy, lang = desk.clerk.policy, desk.clerk.policy.default_language
    sent, no_contact, failed = 0, set(), {}
    for n in desk.answering.effects.notices(pending_only=True):
        if n.site is not None:  # a client asked to designate another trusted person
            outcome = _tell_client(desk, n)
            if outcome is None:
                sent += 1
            elif outcome == "no_contact":
                no_contact.add(n.recipient)
            else:
                failed[n.id] = outcome
            continue
        role = policy.roles.get(n.recipient)
        if role is None or role.contact is None:
            no_contact.add(n.recipient)
            continue
        done = RECIPIENT_NOTICE.get(n.kind, RECIPIENT_NOTICE["erasure.required"])[lang]
        fields = ", ".join(dict.fromkeys(policy.field_label(f, lang) for f in n.fields))
        subject, text = notice(
            "recipient_notice", lang, done=done, person=n.person or "—", n=n.request or "—",
            fields=fields, notice=n.id,
        )  # fmt: skip
        # Audited before it goes (a crash after the send leaves no untraced disclosure).
        now = desk.clerk.clock.now()
        desk.clerk.auditor.record(
            [
                Entry(
                    at=now,
                    actor=desk.clerk.actor,
                    action=Action.DISCLOSE,
                    role=desk.clerk.role,
                    purpose=policy.rights.purpose,
                    subject=desk.clerk.auditor.subject("person", n.person) if n.person else None,
                    fields=n.fields,
                    detail={"to": n.recipient, "art_19_notice": n.id},
                )
            ]
        )
        try:
            desk.mail.notifier.send(role.contact, subject, text)
        except NotSent as why:
            failed[n.id] = str(why)
            continue
        if desk.answering.effects.notice_sent(n.id, now, desk.clerk.actor):
            sent += 1
    return {"sent": sent, "no_contact": sorted(no_contact), "failed": failed}


def _tell_client(desk: Desk, n: RecipientNotice) -> str | None:
    """The notice to a client whose trusted person at ``n.site`` objected (GDPR Art. 21(1)) and is
    designated there no more: asked to designate another, so that someone can still be called on
    an alarm. It names the site, not the person (the client knows whom they designated; why
    they left is theirs). Sent to the client's first e-mail address on file — their contact read
    through the gate for the rights purpose, audited. None when sent, else why it was not."""
    policy = desk.clerk.policy
    if policy.rights.purpose is None or n.person is None:
        return "no_contact"
    reader = Reader(
        desk.clerk.actor,
        desk.clerk.role,
        policy.rights.purpose,
        ReadContext("rights_request", str(n.request)),
        trained=desk.clerk.trained,
    )
    try:
        client = show_person(
            queries=desk.clerk.register,
            gate=desk.clerk.gate,
            auditor=desk.clerk.auditor,
            reader=reader,
            ref=n.person,
        )
    except NotFound:  # the client erased since: nobody left to tell
        desk.answering.effects.notice_sent(n.id, desk.clerk.clock.now(), desk.clerk.actor)
        return None
    on_file = [
        str(v) for f in policy.rights.identity_verification.contact_fields if (v := client["fields"].get(f))
    ]
    if not on_file:
        return "no_contact"
    to = next((c for c in on_file if "@" in c), on_file[0])
    subject, text = notice("designation_ended_client", policy.default_language, site=n.site, notice=n.id)
    try:
        desk.mail.notifier.send(to, subject, text)
    except NotSent as why:
        return str(why)
    desk.answering.effects.notice_sent(n.id, desk.clerk.clock.now(), desk.clerk.actor)
    return None


def _refuse_portability(desk: Desk, request: Request) -> dict[str, Any]:
    """Art. 20(1)(a): portability covers only data provided on the basis of consent or a contract."""
    _, reason = notice("portability_refused", desk.clerk.policy.default_language)
    return refuse(desk, request.id, reason) | {"paths": []}


def _answer_portability(desk: Desk, request: Request, out: Path | None) -> list[Path] | None:
    """The data the person provided, under a role whose processing rests on a portable basis
    (the policy's ``portability_bases``), as JSON and CSV; None when there is none."""
    policy = desk.clerk.policy
    if request.person_ref is None or policy.rights.purpose is None:
        return None
    reader = Reader(
        desk.clerk.actor,
        desk.clerk.role,
        policy.rights.purpose,
        ReadContext("rights_request", str(request.id)),
        trained=desk.clerk.trained,
    )
    person = show_person(
        queries=desk.clerk.register,
        gate=desk.clerk.gate,
        auditor=desk.clerk.auditor,
        reader=reader,
        ref=request.person_ref,
    )
    bases = set(policy.rights.portability_bases)

    def portable(role: dict[str, Any]) -> bool:
        if role["source"]["kind"] != "subject" or role["role"] not in policy.subject_categories:
            return False
        purposes = {x for a in policy.activities_for_subject(role["role"]) for x in a.purposes}
        return any(policy.purposes[x].legal_basis in bases for x in purposes)

    roles = [r for r in person["roles"] if portable(r)]
    if not roles:
        return None
    kinds = {r["role"] for r in roles}
    fields = {f: v for f, v in person["fields"].items() if kinds & set(person["field_sources"].get(f, []))}
    contracts = {r["contract"] for r in roles if r["contract"]}
    shown = [c for c in person["contracts"] if c.get("ref") in contracts]
    sites = {c.get("site") for c in shown}
    data = {
        "fields": fields,
        "contracts": shown,
        "sites": [s for s in person["sites"] if s["ref"] in sites],
    }
    rows = [("field", k, v) for k, v in fields.items()]
    rows += [
        ("contract", f"{c['ref']}.{k}", str(v))
        for c in shown
        for k, v in c.items()
        if k != "ref" and v is not None
    ]
    rows += [("site", f"{s['ref']}.{k}", v) for s in data["sites"] for k, v in s["fields"].items()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("section", "key", "value"))
    writer.writerows(rows)
    files = {
        "portabilite.json": json.dumps(data, ensure_ascii=False, indent=2).encode(),
        "portabilite.csv": buffer.getvalue().encode(),
    }
    return desk.mail.answers.write(request.id, f"portabilite-{request.id}.zip", files, (), out)


def _answer_access(desk: Desk, request: Request, out: Path | None, lang: Language) -> list[Path]:
    """Art. 15: everything about the person, read through the gate (audited, in the request's
    context) under the policy's rights purpose; the letter in the policy's first language."""
    policy = desk.clerk.policy
    person: dict[str, Any] | None = None
    designated: list[Designated] = []
    units: list[UnitView] = []
    disclosures: list[Disclosure] = []
    consultations: list[Consultation] = []
    calls: list[CallView] = []
    alarm_calls: list[AlarmCall] = []
    consented: list[ConsentView] = []
    if request.person_ref is not None:
        if policy.rights.purpose is None:
            raise Refused("the policy names no purpose to answer requests under (rights.purpose)")
        subject = desk.clerk.auditor.subject("person", request.person_ref)
        consultations = desk.answering.sources.consultations(subject)  # before this answer's own read
        reader = Reader(
            desk.clerk.actor,
            desk.clerk.role,
            policy.rights.purpose,
            ReadContext("rights_request", str(request.id)),
            trained=desk.clerk.trained,
        )
        person = show_person(
            queries=desk.clerk.register,
            gate=desk.clerk.gate,
            auditor=desk.clerk.auditor,
            reader=reader,
            ref=request.person_ref,
        )
        if any(r["role"] == Role.CLIENT.value for r in person["roles"]):
            designated = desk.clerk.register.designated_by(request.person_ref)
        units = desk.answering.sources.units(request.person_ref)
        disclosures = desk.answering.sources.disclosures(subject)
        calls = desk.answering.sources.calls_of(request.person_ref)
        alarm_calls = desk.answering.sources.alarm_calls_to(request.person_ref)
        consented = desk.answering.sources.consents_of(request.person_ref)
    answer = access_answer.build(
        policy=policy,
        lang=lang,
        request_id=request.id,
        received_on=request.received_on,
        today=desk.clerk.clock.today(),
        person=person,
        designated=designated,
        units=units,
        disclosures=disclosures,
        consultations=consultations,
        calls=calls,
        alarm_calls=alarm_calls,
        # The feed's event id is the operator's bookkeeping, not the person's data: left out.
        consents=[{k: v for k, v in c.as_dict().items() if k != "event"} for c in consented],
    )
    files = {
        "data.json": json.dumps(answer.data, ensure_ascii=False, indent=2, default=str).encode(),
        "lettre.html": desk.mail.letters.html(answer.letter).encode(),
        "lettre.pdf": desk.mail.letters.pdf(answer.letter),
    }
    return desk.mail.answers.write(
        request.id, f"acces-{request.id}.zip", files, ("lettre.html", "lettre.pdf"), out
    )
