"""Proving who the requester is (GDPR Art. 12(6)): a one-time code sent to a contact already on
file, a client number with a contact on file, or an identity document checked by the DPO's team and
then erased. Nothing is disclosed, changed or erased for a request until one of these succeeded.
"""

from __future__ import annotations

import secrets
from typing import Any

from charte.domain.rights import (
    CODE_DIGITS,
    CODE_LIFETIME,
    CodeCheck,
    Request,
    Status,
    check_code,
    code_digest,
)
from charte.domain.vocabulary import DocumentRequired, IdentityMethod
from charte.services.errors import NotFound, Refused
from charte.services.person_view import PersonView
from charte.services.rights_desk import Desk, choose, forget_document, load_request, save_step, tell


def attach_document(desk: Desk, request_id: int, data: bytes) -> dict[str, Any]:
    """Keep the requester's identity document, encrypted, until it is checked."""
    request = load_request(desk.clerk, request_id)
    if not request.status.open or request.status is Status.VERIFIED:
        raise Refused(f"a {request.status.value} request takes no identity document")
    previous = request.document
    request.document = desk.proofs.documents.put(request.id, data)
    if previous:
        desk.proofs.documents.erase(previous)
    return save_step(desk.clerk, request, desk.clerk.clock.today(), "document_attached", bytes=len(data))


def document(desk: Desk, request_id: int) -> bytes:
    """The attached identity document, for the DPO's team to check it; each look is a step on
    the timeline and in the audit."""
    request = load_request(desk.clerk, request_id)
    if request.document is None:
        raise NotFound("identity document of rights request", str(request_id))
    data = desk.proofs.documents.get(request.id, request.document)
    save_step(desk.clerk, request, desk.clerk.clock.today(), "document_viewed")
    return data


def send_code(desk: Desk, request_id: int) -> dict[str, Any]:
    """Send a one-time code to a contact already on file for the matched person (never to the
    contact the requester gave: an impostor gives their own)."""
    request = load_request(desk.clerk, request_id)
    _allowed_method(desk, IdentityMethod.CODE)
    _verifiable(request)
    person = _matched(desk, request)
    fields = desk.clerk.policy.rights.identity_verification.contact_fields
    if not fields:
        raise Refused(
            "the policy names no field to send codes to (rights.identity_verification.contact_fields)"
        )
    on_file = [person.fields[f] for f in fields if person.fields.get(f)]
    if not on_file:
        raise Refused("the person has no contact on file to send a code to: use another method")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    request.code_hash = code_digest(desk.proofs.code_key, request.id, code)
    request.code_expires_at = desk.clerk.clock.now() + CODE_LIFETIME
    request.code_attempts = 0
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    told = tell(
        desk.clerk,
        desk.mail,
        request,
        "code",
        to=on_file[0],
        letter=False,
        secret=True,
        code=code,
        minutes=minutes,
    )
    if told.unsent:  # a code that never arrived must not be guessable for its lifetime: send a new one
        request.code_hash, request.code_expires_at = None, None
    return save_step(desk.clerk, request, desk.clerk.clock.today(), "code_sent", told=told)


def verify(
    desk: Desk, request_id: int, method: str, *, code: str | None = None, client_number: str | None = None
) -> dict[str, Any]:
    """Establish the requester's identity by one of the policy's methods; nothing is disclosed,
    changed or erased for a request until this has succeeded."""
    request = load_request(desk.clerk, request_id)
    how = choose(IdentityMethod, method.replace("-", "_"), "--method")
    _allowed_method(desk, how)
    _verifiable(request)
    if (
        desk.clerk.policy.rights.identity_verification.document_required is DocumentRequired.ALWAYS
        and how is not IdentityMethod.DOCUMENT
    ):
        raise Refused(
            "the policy asks an identity document for every request (identity_verification.document_required)"
        )
    today = desk.clerk.clock.today()
    if how is IdentityMethod.CODE:
        if not code:
            raise Refused(
                "--code is the code the requester received (send one with `charte rights send-code`)"
            )
        outcome = check_code(
            key=desk.proofs.code_key,
            request_id=request.id,
            given=code,
            stored=request.code_hash,
            expires_at=request.code_expires_at,
            attempts=request.code_attempts,
            now=desk.clerk.clock.now(),
        )
        if outcome is not CodeCheck.OK:
            request.code_attempts += 1
            save_step(desk.clerk, request, today, "code_refused", why=outcome.value)
            raise Refused(_CODE_REFUSALS[outcome])
        request.code_hash, request.code_expires_at = None, None
    elif how is IdentityMethod.CLIENT_NUMBER:
        person = _matched(desk, request)
        iv = desk.clerk.policy.rights.identity_verification
        if iv.client_number_field is None:
            raise Refused(
                "the policy names no client number field (rights.identity_verification.client_number_field)"
            )
        on_file = {str(person.fields.get(f, "")).strip().lower() for f in iv.contact_fields} - {""}
        number = person.fields.get(iv.client_number_field)
        given = (client_number or "").strip()
        if not given or number is None or not secrets.compare_digest(given.encode(), str(number).encode()):
            save_step(desk.clerk, request, today, "client_number_refused")
            raise Refused("the client number does not match the person's")
        if request.contact.strip().lower() not in on_file:
            save_step(desk.clerk, request, today, "client_number_refused")
            raise Refused("the requester's contact is not one on file for this person: use another method")
    elif request.document is None:
        raise Refused("no identity document is attached to this request (`charte rights attach-document`)")
    request.status, request.verified_on, request.verified_by = Status.VERIFIED, today, how.value
    forget_document(desk.clerk.policy, desk.proofs, request, on_verification=True)
    return save_step(desk.clerk, request, today, "verified", method=how.value)


_CODE_REFUSALS = {
    CodeCheck.WRONG: "the code does not match",
    CodeCheck.EXPIRED: "the code has expired: send a new one",
    CodeCheck.EXHAUSTED: "too many wrong codes: send a new one",
    CodeCheck.NONE_SENT: "no code was sent for this request (`charte rights send-code`)",
}


def _allowed_method(desk: Desk, how: IdentityMethod) -> None:
    allowed = desk.clerk.policy.rights.identity_verification.methods
    if how not in allowed:
        names = ", ".join(m.value.replace("_", "-") for m in allowed)
        raise Refused(
            f"the policy does not allow identity method '{how.value.replace('_', '-')}' (allowed: {names})"
        )


def _verifiable(request: Request) -> None:
    if request.status is not Status.RECEIVED:
        raise Refused(f"a {request.status.value} request cannot be verified")


def _matched(desk: Desk, request: Request) -> PersonView:
    if request.person_ref is None:
        raise Refused("the request is not matched to a person of the register (open it with --person)")
    person = desk.clerk.register.person(request.person_ref)
    if person is None:
        raise NotFound("person", request.person_ref)
    return person
