"""The data subjects' portal: file a rights request, prove who you are, follow it, get the answer.

The portal acts for anonymous visitors through the rights desk (actor ``portal``), using only
the steps a requester may take: open a request (channel ``web``; its clock starts at once,
matched to the register or not), attach an identity document, ask for and give a one-time code,
read the request's public status, download the answer. Everything else (matching, checking a
document, fulfilling) stays with the DPO's team.

No enumeration of the register: the portal answers the same whether or not the requester is
known. A request is matched automatically only where the policy allows one-time codes (a code is
sent to a contact *on file*, never to the one typed in), and the visitor is never told whether it
was; asking for a code always says "if this contact is on file, a code was sent to it".

The requester follows the request with a secret shown once when filing (only its SHA-256 is
kept). The answer is downloaded through a link bound to the request and signed with an expiry
(``LINK_LIFETIME``); each download is audited like the DPO's.

Errors (``charte.services.errors``)::

    ServiceError
    ├── NotFound   an unknown follow-up secret; no answer (yet) for this request
    └── Refused    a field missing or too long (named); an expired or altered link; a step this
                   request does not take now (e.g. a document after verification)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from charte.domain.policy import Policy
from charte.domain.rights import Request, Status
from charte.domain.vocabulary import IdentityMethod
from charte.services import answers, identity, rights
from charte.services.errors import NotFound, Refused
from charte.services.rights_desk import Desk, load_request

LINK_LIFETIME = timedelta(hours=1)
DETAILS_MAX = 4000
SECRET_BYTES = 18  # 24 characters of URL-safe base64: 144 bits


class Tickets(Protocol):
    def add(self, request_id: int, secret_sha256: str, details: str | None, at: datetime) -> None: ...

    def request_of(self, secret_sha256: str) -> int | None: ...

    def details(self, request_id: int) -> str | None: ...


class ContactFinder(Protocol):
    def with_contact(self, fields: tuple[str, ...], value: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class PortalDesk:
    rights: Desk  # acting as "portal", in the policy's first rights.submit_to role
    tickets: Tickets
    finder: ContactFinder
    link_key: bytes


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def rectifiable_fields(policy: Policy) -> list[str]:
    """The fields a data subject may ask to correct from the portal: the values the register holds
    for the categories of persons (not staff), without the calls' metadata and recordings (kept
    from the telephony, corrected by no one) nor the contact log (kept from events)."""
    held = {f for s in policy.subject_categories.values() if not s.staff for f in s.fields}
    return sorted(held - set(policy.recordings.fields) - {"contact_log"})


def file_request(
    pd: PortalDesk,
    *,
    type_: str,
    claimed_name: str,
    contact: str,
    details: str | None = None,
    purpose: str | None = None,
    changes: dict[str, str] | None = None,
    ground: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Record the request (its clock starts today) and return the follow-up secret (shown once)
    with the request's public status. The same answer whether or not the requester is known."""
    for name, value, limit in (("name", claimed_name, 400), ("contact", contact, 400)):
        if not value.strip():
            raise Refused(f"{name}: required")
        if len(value) > limit:
            raise Refused(f"{name}: at most {limit} characters")
    if details is not None and len(details) > DETAILS_MAX:
        raise Refused(f"details: at most {DETAILS_MAX} characters")
    granted = [r.value for r in pd.rights.clerk.policy.rights.granted]
    if type_ not in granted:
        raise Refused(f"type: one of {', '.join(granted)}")
    # What each right needs, named by the portal's own fields (the desk's messages name CLI options).
    needs = {
        "opposition": (purpose, "purpose: choose the use you object to"),
        "rectification": (changes, "field and new_value: say which data to correct, and how"),
        "restriction": (ground, "ground: choose why the use of your data should be frozen"),
    }
    given, missing = needs.get(type_, (True, ""))
    if not given:
        raise Refused(missing)
    desk = pd.rights
    verification = desk.clerk.policy.rights.identity_verification
    person = None
    if IdentityMethod.CODE in verification.methods and verification.contact_fields:
        found = pd.finder.with_contact(tuple(verification.contact_fields), contact)
        person = found[0] if len(found) == 1 else None  # two persons share it: the DPO's team decides
    summary = rights.open_request(
        desk,
        type_=type_,
        received_on=desk.clerk.clock.today(),
        channel="web",
        claimed_name=claimed_name,
        contact=contact,
        person=person,
        purpose=purpose or None,
        changes=changes or None,
        ground=ground or None,
    )
    secret = secrets.token_urlsafe(SECRET_BYTES)
    pd.tickets.add(summary["id"], _digest(secret), (details or "").strip() or None, desk.clerk.clock.now())
    return secret, status_by_id(pd, summary["id"])


def request_id(pd: PortalDesk, secret: str) -> int:
    found = pd.tickets.request_of(_digest(secret.strip())) if secret.strip() else None
    if found is None:
        raise NotFound("request with this follow-up number", "(given)")
    return found


def status_by_id(pd: PortalDesk, rid: int) -> dict[str, Any]:
    """What the requester may see of their request: no register data, only its course."""
    return _status(pd, load_request(pd.rights.clerk, rid))


def _status(pd: PortalDesk, request: Request) -> dict[str, Any]:
    methods = pd.rights.clerk.policy.rights.identity_verification.methods
    waiting_identity = request.status.open and request.verified_on is None
    return {
        "id": request.id,
        "type": request.type.value,
        "status": request.status.value,
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat() if request.due_on else None,
        "verified": request.verified_on is not None,
        "document_received": request.document is not None,
        "may_upload_document": waiting_identity and IdentityMethod.DOCUMENT in methods,
        "may_use_code": waiting_identity and IdentityMethod.CODE in methods,
        "answer_ready": request.status is Status.FULFILLED
        and pd.rights.mail.answers.archive(request.id) is not None,
        "reason": request.finish_reason if request.status in (Status.REFUSED, Status.CLOSED) else None,
    }


def status(pd: PortalDesk, secret: str) -> dict[str, Any]:
    return status_by_id(pd, request_id(pd, secret))


def _taking(pd: PortalDesk, secret: str, step: str, refusal: str) -> Request:
    """The visitor's request, if it takes this step now (``step``: a ``may_*`` key of the status)."""
    request = load_request(pd.rights.clerk, request_id(pd, secret))
    if not _status(pd, request)[step]:
        raise Refused(refusal)
    return request


def attach_document(pd: PortalDesk, secret: str, data: bytes) -> dict[str, Any]:
    request = _taking(pd, secret, "may_upload_document", "this request takes no identity document now")
    identity.attach_document(pd.rights, request.id, data)
    if request.status is Status.AWAITING_IDENTITY:  # the answer the DPO asked for
        rights.identity_received(pd.rights, request.id, pd.rights.clerk.clock.today())
    return status_by_id(pd, request.id)


CODE_SENT = "if this contact is on file for the request, a code was sent to it"


def send_code(pd: PortalDesk, secret: str) -> str:
    """Send a code to the contact on file — or, for a request not matched, nothing: the visitor
    reads the same sentence either way."""
    request = _taking(pd, secret, "may_use_code", "this request does not take a code now")
    if request.person_ref is not None:
        with suppress(Refused):  # no contact on file: said the same way, as to anyone
            identity.send_code(pd.rights, request.id)
    return CODE_SENT


def verify_code(pd: PortalDesk, secret: str, code: str) -> dict[str, Any]:
    request = _taking(pd, secret, "may_use_code", "this request does not take a code now")
    if request.person_ref is None:
        raise Refused("the code does not match")  # nothing was sent: the same words as a wrong code
    identity.verify(pd.rights, request.id, "code", code=code.strip())
    return status_by_id(pd, request.id)


def answer_link(pd: PortalDesk, secret: str) -> tuple[int, str]:
    """The answer's download link parameters, ``(expires, signature)``, bound to the request."""
    rid = request_id(pd, secret)
    if not status_by_id(pd, rid)["answer_ready"]:
        raise NotFound("answer of rights request", str(rid))
    expires = int((pd.rights.clerk.clock.now() + LINK_LIFETIME).timestamp())
    return expires, _sign(pd, rid, expires)


def _sign(pd: PortalDesk, rid: int, expires: int) -> str:
    return hmac.new(pd.link_key, f"answer:{rid}:{expires}".encode(), hashlib.sha256).hexdigest()


def answer_file(pd: PortalDesk, secret: str, expires: int, signature: str) -> Path:
    """The answer's ZIP through a link ``answer_link`` made, before it expires; audited."""
    rid = request_id(pd, secret)
    if not hmac.compare_digest(_sign(pd, rid, expires), signature):
        raise Refused("this download link is not valid for this request: open the request's page again")
    if pd.rights.clerk.clock.now().timestamp() > expires:
        raise Refused("this download link has expired: open the request's page again for a new one")
    return answers.answer_archive(pd.rights, rid)
