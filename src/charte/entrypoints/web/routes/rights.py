"""/api/v1/rights: the rights workflow of `charte rights`, for the DPO's team's tools (docs/rights.md).

The caller is a person actor whose role is one of the policy's `rights.submit_to`; everything
else is the CLI's: the same use cases, the same refusals (mapped in ``problems``), the same
summary (`id`, `status`, `due_on`...). An answer's files are downloaded from `/answer`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from charte.bootstrap import Container
from charte.entrypoints.web import body_limits, problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, trained
from charte.entrypoints.web.schemas import Day, Input
from charte.services import actors, answers, identity
from charte.services import rights as use_cases
from charte.services.rights_desk import Desk

RequestId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The request's number.")]


class RequestIn(Input):
    type: str = Field(max_length=16, description="access, rectification, erasure, opposition, restriction...")
    received_on: Day = Field(description="The day any channel of the operator received it.")
    channel: str = Field(max_length=16, description="post, email, phone, web, in_person")
    claimed_name: str = Field(max_length=400)
    contact: str = Field(max_length=400)
    person: str | None = Field(
        default=None, max_length=128, description="The register's person, once matched."
    )
    purpose: str | None = Field(
        default=None, max_length=64, description="Opposition: the purpose objected to."
    )
    changes: dict[str, str] | None = Field(default=None, description="Rectification: field -> new value.")
    ground: str | None = Field(default=None, max_length=32, description="Restriction: the Art. 18(1) ground.")


class MatchIn(Input):
    person: str = Field(min_length=1, max_length=128, description="The person's ref in the register.")


class OnIn(Input):
    on: Day


class ExtendIn(Input):
    on: Day
    reason: str = Field(max_length=2000)


class ReasonIn(Input):
    reason: str = Field(max_length=2000)


class FeeIn(Input):
    cents: int = Field(gt=0, le=10_000_000, description="The fee in euro cents.")
    reason: str = Field(min_length=1, max_length=2000)


class VerifyIn(Input):
    method: str = Field(max_length=16, description="code, client-number or document")
    code: str | None = Field(default=None, max_length=16)
    client_number: str | None = Field(default=None, max_length=64)


class Summary(BaseModel):
    id: int
    type: str
    status: str
    received_on: str
    due_on: str | None
    first_due_on: str | None
    extended: bool
    channel: str
    claimed_name: str
    contact: str
    person: str | None
    purpose: str | None
    changes: dict[str, str] | None
    ground: str | None
    paused: bool
    verified_by: str | None
    finished_on: str | None
    reason: str | None
    overdue: bool | None = None
    timeline: list[dict[str, Any]] | None = None
    earlier_same_type: list[int] | None = None
    files: list[str] | None = None
    letters: list[str] | None = None
    not_sent: str | None = Field(
        default=None, description="Why the notice of this step could not be sent (then: `/resend`)."
    )
    fee: dict[str, Any] | None = None


class SummaryPage(BaseModel):
    requests: list[Summary]


class Notices(BaseModel):
    notices: list[dict[str, Any]]


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/rights", tags=["rights"], responses=problems.documented())

    def desk(actor: Any) -> Desk:
        role = actors.as_person(actor)
        purpose = container.policy.rights.purpose
        return container.rights_desk(
            actor.name, role, trained(container, actor, purpose) if purpose else None
        )

    def answered(summary: dict[str, Any]) -> dict[str, Any]:
        """The server's paths stay on the server: the caller gets the files' names (a letter is
        downloaded by its name from `/letters/{name}`)."""
        paths = summary.pop("paths", None)
        if paths is not None:
            summary["files"] = [p.rsplit("/", 1)[-1] for p in paths]
        if "letters" in summary:
            summary["letters"] = [p.rsplit("/", 1)[-1] for p in summary["letters"]]
        return summary

    @api.post("", response_model=Summary, status_code=201, openapi_extra=PERSONAL)
    def open_(body: RequestIn, actor: Calling) -> dict[str, Any]:
        """Record a request as received; its clock starts, matched to a person or not."""
        return use_cases.open_request(
            desk(actor),
            type_=body.type,
            received_on=body.received_on,
            channel=body.channel,
            claimed_name=body.claimed_name,
            contact=body.contact,
            person=body.person,
            purpose=body.purpose,
            changes=body.changes,
            ground=body.ground,
        )

    @api.get("", response_model=SummaryPage, openapi_extra=PERSONAL)
    def list_(
        actor: Calling,
        overdue: Annotated[bool, Query(description="Only open requests past their due date.")] = False,
        due_before: Annotated[Day | None, Query(description="Only those due before this day.")] = None,
    ) -> dict[str, Any]:
        """Requests by due date (stopped clocks last)."""
        return {"requests": use_cases.listing(desk(actor), overdue=overdue, due_before=due_before)}

    @api.get("/notices", response_model=Notices, openapi_extra=PERSONAL)
    def notices(
        actor: Calling, pending: Annotated[bool, Query(description="Only those not yet sent.")] = False
    ) -> dict[str, Any]:
        """The notices owed to recipients of rectified, erased or restricted data (GDPR Art. 19)."""
        return {"notices": answers.notices(desk(actor), pending_only=pending)}

    @api.post("/notices/send", openapi_extra=NO_PERSONAL)
    def send_notices(actor: Calling) -> dict[str, Any]:
        """Send the Art. 19 notices still owed to recipients with a contact in the policy
        (`roles.<id>.contact`), recording each as sent: `{sent, no_contact, failed}`."""
        return answers.send_notices(desk(actor))

    @api.post("/notices/{notice}/sent", status_code=204, openapi_extra=NO_PERSONAL)
    def notice_sent(notice: RequestId, actor: Calling) -> None:
        """Record that a recipient notice was sent."""
        answers.notice_sent(desk(actor), notice)

    @api.get("/{request}", response_model=Summary, openapi_extra=PERSONAL)
    def show(request: RequestId, actor: Calling) -> dict[str, Any]:
        """One request with its timeline."""
        return use_cases.show(desk(actor), request)

    @api.post("/{request}/match", response_model=Summary, openapi_extra=PERSONAL)
    def match(request: RequestId, body: MatchIn, actor: Calling) -> dict[str, Any]:
        """Say which person of the register the request concerns (refused once verified against another)."""
        return use_cases.match(desk(actor), request, body.person)

    @api.post("/{request}/ask-identity", response_model=Summary, openapi_extra=PERSONAL)
    def ask_identity(request: RequestId, body: OnIn, actor: Calling) -> dict[str, Any]:
        return answered(use_cases.ask_identity(desk(actor), request, body.on))

    @api.post("/{request}/identity-received", response_model=Summary, openapi_extra=PERSONAL)
    def identity_received(request: RequestId, body: OnIn, actor: Calling) -> dict[str, Any]:
        return use_cases.identity_received(desk(actor), request, body.on)

    @api.post(
        "/{request}/document",
        response_model=Summary,
        max_body_size=body_limits.identity_document(container.policy),
        openapi_extra={
            **PERSONAL,
            "requestBody": {
                "required": True,
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                },
            },
        },
    )
    async def document(request: RequestId, raw: Request, actor: Calling) -> dict[str, Any]:
        """The requester's identity document as the body (PDF, JPEG or PNG, at most the policy's
        rights.identity_verification.document_max_bytes: 10 MiB by default), kept encrypted until
        it is checked."""
        data = bytearray()
        async for piece in raw.stream():  # bounded before it is read (body_limits): 413 past it
            data += piece
        return identity.attach_document(desk(actor), request, bytes(data))

    @api.post("/{request}/send-code", response_model=Summary, openapi_extra=PERSONAL)
    def send_code(request: RequestId, actor: Calling) -> dict[str, Any]:
        return identity.send_code(desk(actor), request)

    @api.post("/{request}/verify", response_model=Summary, openapi_extra=PERSONAL)
    def verify(request: RequestId, body: VerifyIn, actor: Calling) -> dict[str, Any]:
        return identity.verify(
            desk(actor), request, body.method, code=body.code, client_number=body.client_number
        )

    @api.post("/{request}/extend", response_model=Summary, openapi_extra=PERSONAL)
    def extend(request: RequestId, body: ExtendIn, actor: Calling) -> dict[str, Any]:
        return answered(use_cases.extend(desk(actor), request, body.on, body.reason))

    @api.post("/{request}/fee", response_model=Summary, openapi_extra=PERSONAL)
    def ask_fee(request: RequestId, body: FeeIn, actor: Calling) -> dict[str, Any]:
        """Ask a reasonable fee for a manifestly unfounded or excessive request (GDPR Art. 12(5)(a))."""
        return answered(use_cases.ask_fee(desk(actor), request, body.cents, body.reason))

    @api.post("/{request}/resend", response_model=Summary, openapi_extra=PERSONAL)
    def resend(request: RequestId, actor: Calling) -> dict[str, Any]:
        """Send again the notices that could not be sent, with the letters of their steps."""
        return answered(use_cases.resend(desk(actor), request))

    @api.post("/{request}/fee-paid", response_model=Summary, openapi_extra=PERSONAL)
    def fee_paid(request: RequestId, body: OnIn, actor: Calling) -> dict[str, Any]:
        return use_cases.fee_paid(desk(actor), request, body.on)

    @api.post("/{request}/refuse", response_model=Summary, openapi_extra=PERSONAL)
    def refuse(request: RequestId, body: ReasonIn, actor: Calling) -> dict[str, Any]:
        return answered(use_cases.refuse(desk(actor), request, body.reason))

    @api.post("/{request}/close", response_model=Summary, openapi_extra=PERSONAL)
    def close(request: RequestId, body: ReasonIn, actor: Calling) -> dict[str, Any]:
        return answered(use_cases.close(desk(actor), request, body.reason))

    @api.post("/{request}/fulfil", response_model=Summary, openapi_extra=PERSONAL)
    def fulfil(
        request: RequestId,
        actor: Calling,
        lang: Annotated[str | None, Query(max_length=2, description="The access letter's language.")] = None,
    ) -> dict[str, Any]:
        """Answer a verified request (nothing for an unverified one); `files` names what was written."""
        return answered(answers.fulfil(desk(actor), request, lang=lang))

    @api.post("/{request}/lift-restriction", response_model=Summary, openapi_extra=PERSONAL)
    def lift_restriction(request: RequestId, actor: Calling) -> dict[str, Any]:
        return answered(answers.lift_restriction(desk(actor), request))

    @api.get(
        "/{request}/answer",
        response_class=FileResponse,
        responses={200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}},
        openapi_extra=PERSONAL,
    )
    def answer(request: RequestId, actor: Calling) -> FileResponse:
        """The answer's archive (the access ZIP, or the portability ZIP), once fulfilled."""
        path = answers.answer_archive(desk(actor), request)
        return FileResponse(path, media_type="application/zip", filename=path.name)

    @api.get(
        "/{request}/letters/{name}",
        response_class=FileResponse,
        responses={
            200: {
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "text/html": {"schema": {"type": "string"}},
                }
            }
        },
        openapi_extra=PERSONAL,
    )
    def letter(
        request: RequestId, name: Annotated[str, Path(max_length=120)], actor: Calling
    ) -> FileResponse:
        """A letter sent to the requester at one step, by the name the step's `letters` gave."""
        path = answers.letter_file(desk(actor), request, name)
        kind = "application/pdf" if path.suffix == ".pdf" else "text/html; charset=utf-8"
        return FileResponse(path, media_type=kind, filename=path.name)

    return api
