"""Answering an objection (GDPR Art. 21) or a withdrawal of consent (Art. 7(3)).

Who may object, or withdraw, is judged on the basis the purpose rests on for the requester — their
categories of person, read through the gate (``domain.objections``). Answered, the objection or
the withdrawal is recorded for the purpose with the person's contacts, the systems are ordered,
and what it ends goes: the units an absolute objection's purpose served (with the suppression
list), the data no purpose serves any more (a trusted person's designations). An answer whose
erasure committed before a crash completes on rerun from what was applied.
"""

from __future__ import annotations

from typing import Any

from charte.domain.access import ReadContext
from charte.domain.contacts import canonical_phone
from charte.domain.dates import add_period
from charte.domain.objections import consent_purpose, designations_ended, left_without_purpose, objection_open
from charte.domain.orders import OrderKind
from charte.domain.register import Role
from charte.domain.rights import Request
from charte.domain.vocabulary import Objection, Right
from charte.services.access import Reader
from charte.services.documents.notices import notice
from charte.services.documents.wording import LEGAL_BASIS
from charte.services.errors import NotFound
from charte.services.queries import show_person
from charte.services.rights_desk import Desk, request_orders


def answer(desk: Desk, request: Request) -> tuple[str | None, dict[str, Any]]:
    """(why it is refused, {}) or (None, what the answer did)."""
    purpose = request.purpose or ""
    person = _shown(desk, request)
    categories = frozenset(r["role"] for r in person.get("roles", []) if r.get("ended_on") is None)
    withdrawal = request.type is Right.CONSENT_WITHDRAWAL
    # A matched person no longer in the register was erased by this answer before a crash (or
    # since): the answer completes from what was applied, it is not judged again on no roles.
    if not person.get("gone"):
        if withdrawal and not consent_purpose(desk.clerk.policy, purpose, categories):
            return _not_objectable(desk, purpose, categories, "not_consented"), {}
        if not withdrawal and objection_open(desk.clerk.policy, purpose, categories) is Objection.NONE:
            return _not_objectable(desk, purpose, categories), {}
    return None, _oppose(desk, request, person, categories, withdrawal=withdrawal)


def _shown(desk: Desk, request: Request) -> dict[str, Any]:
    """The requester as the rights purpose sees them, read through the gate in the request's
    context (audited): their roles decide the basis a purpose rests on for them, and so their
    right to object; their contacts go on the objection. Empty when not in the register."""
    policy = desk.clerk.policy
    if request.person_ref is None or policy.rights.purpose is None:
        return {"fields": {}, "roles": []}
    reader = Reader(
        desk.clerk.actor,
        desk.clerk.role,
        policy.rights.purpose,
        ReadContext("rights_request", str(request.id)),
        trained=desk.clerk.trained,
    )
    try:
        return show_person(
            queries=desk.clerk.register,
            gate=desk.clerk.gate,
            auditor=desk.clerk.auditor,
            reader=reader,
            ref=request.person_ref,
        )
    except NotFound:  # erased by this very answer before a crash, or since: what was applied stands
        return {"fields": {}, "roles": [], "gone": True}


def _oppose(
    desk: Desk,
    request: Request,
    person: dict[str, Any],
    categories: frozenset[str],
    *,
    withdrawal: bool = False,
) -> dict[str, Any]:
    """Art. 21: the objection recorded for its purpose, with the person's contacts (and the one the
    requester gave). An absolute objection (direct marketing, 21(2)-(3)) also erases now the units
    that served the purpose and puts the contacts on the suppression list for the policy's time;
    one that leaves data serving no purpose erases them (a trusted person's designations end).
    With ``withdrawal`` (Art. 7(3)) the consent is withdrawn, which stops the purpose for the
    person as an objection does."""
    policy, today, purpose = desk.clerk.policy, desk.clerk.clock.today(), request.purpose or ""
    contacts = [request.contact]
    on_file = policy.rights.identity_verification.contact_fields
    contacts += [str(person["fields"][f]) for f in on_file if person["fields"].get(f)]
    suppress_until = None
    if policy.purposes[purpose].objection is Objection.ABSOLUTE:
        rule = policy.retention[policy.rights.suppression_list_retention]
        suppress_until = add_period(today, rule.period)
    # Recorded (with the contacts on the suppression list) before anything is erased: a crash
    # between the two leaves the contacts listed, and the rerun still finds the person to erase.
    now = desk.clerk.clock.now()
    kind = OrderKind.CONSENT_WITHDRAWN if withdrawal else OrderKind.OPPOSITION_RECORDED
    orders = (
        request_orders(desk.clerk, request, kind, now, reason=f"rights_request:{request.id}:{purpose}")
        if request.person_ref is not None
        else []
    )
    recorded = desk.answering.effects.oppose(
        request.id, request.person_ref, purpose, contacts, suppress_until, now, orders
    )
    detail: dict[str, Any] = {}
    objected, withdrawn = (set(), {purpose}) if withdrawal else ({purpose}, set())
    gone: frozenset[str] = frozenset()
    if request.person_ref is not None:
        gone = left_without_purpose(policy, categories, objected, withdrawn=withdrawn)
    if suppress_until is None and gone and request.person_ref is not None:
        # Art. 21(1): no purpose is left for these data: they go as their rule says on erasure; a
        # trusted person's designations end, the systems that keep them are ordered to ask the
        # client for another, and each client is owed a notice saying so (sent by send_notices) —
        # orders and notices written in the erasure's own transaction.
        sites = sorted(
            {
                r["site"]
                for r in person.get("roles", [])
                if r["role"] == Role.TRUSTED_PERSON.value and r.get("ended_on") is None and r.get("site")
            }
        )
        also = designations_ended(
            policy, request.person_ref, sites, f"rights_request:{request.id}:{purpose}", now
        )
        notes = {"designations_ended": sites}
        detail = desk.answering.eraser.on_request(
            request.id, request.person_ref, desk.clerk.actor, gone, also, notes, clients_of=sites
        )
        detail.setdefault("designations_ended", sites)
    elif person.get("gone") and request.person_ref is not None and suppress_until is None:
        # The rerun of an answer whose erasure committed: what it did, as it was remembered.
        detail = desk.answering.eraser.on_request(
            request.id, request.person_ref, desk.clerk.actor, frozenset()
        )
    if suppress_until is not None and request.person_ref is not None:
        # The units whose processing activity (the one that keeps them) serves the purpose.
        homes = [a for a in policy.activities.values() if purpose in a.purposes]
        served = frozenset(
            sid
            for sid, c in policy.subject_categories.items()
            if any(c.retention in a.retention for a in homes)
        )
        detail = desk.answering.eraser.on_request(request.id, request.person_ref, desk.clerk.actor, served)
    detail |= recorded
    detail["suppressed_until"] = suppress_until.isoformat() if suppress_until else None
    if purpose in policy.recordings.opposition_stops:
        # Art. 21(1): the recordings of this person or their numbers go, unless held or in use for
        # a purpose an objection leaves standing (the recording decision reads the objection at
        # each later call: services/calls).
        numbers: list[str | None] = list(
            dict.fromkeys(n for c in contacts if "@" not in c and (n := canonical_phone(c)))
        )
        erased = kept = 0
        for number in numbers or [None]:
            done = desk.answering.recordings.erase_objected(number, request.person_ref, desk.clerk.actor)
            erased, kept = erased + done["erased"], kept + done["kept"]
        detail |= {"recordings_erased": erased, "recordings_kept": kept}
    return detail


def _not_objectable(desk: Desk, purpose: str, categories: frozenset[str], key: str = "not_objectable") -> str:
    lang = desk.clerk.policy.default_language
    found = desk.clerk.policy.purposes[purpose]
    label = found.label(lang).lower()
    bases = dict.fromkeys(found.basis_for(c) for c in sorted(categories) or [""])
    basis = " / ".join(LEGAL_BASIS[b][lang] for b in bases)
    _, text = notice(key, lang, purpose=label, basis=basis)
    return text
