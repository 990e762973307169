"""/api/v1/calls: the recording decision at call start, the opt-out key, audio upload and listening.

The telephony (a system actor) asks the decision and reports the opt-out key and the audio; the
policy's listeners (person actors naming their purpose in ``X-Charte-Purpose``) read a call's
metadata, play its audio and read its transcript through the access gate (docs/calls.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, Reading
from charte.entrypoints.web.problems import BodyTooLarge
from charte.entrypoints.web.schemas import Input, Instant
from charte.services import actors
from charte.services import calls as use_cases
from charte.services.errors import NotFound

PARIS = ZoneInfo("Europe/Paris")
CallRef = Annotated[str, Path(min_length=1, max_length=128)]


class DecideIn(Input):
    number: str | None = Field(default=None, max_length=40, description="Null when withheld.")
    direction: str = Field(description="inbound or outbound.", max_length=16)
    at: Instant = Field(description="The call's start, with its UTC offset.")
    call: str | None = Field(default=None, max_length=128, description="The telephony's call id.")
    person: str | None = Field(default=None, max_length=128, description="The caller, if known.")
    opted_out: bool = Field(default=False, description="The caller pressed the opt-out key.")


class Decision(BaseModel):
    record: bool
    live_listening: bool
    purposes: list[str]
    why: list[str]


class OptOutIn(Input):
    number: str | None = Field(default=None, max_length=40)
    person: str | None = Field(default=None, max_length=128)
    at: Instant = Field(description="When the key was pressed, with its UTC offset.")


class OptedOut(BaseModel):
    purposes: list[str]
    erased: int
    kept: int


class KeepForIn(Input):
    purposes: list[str] = Field(max_length=20)


class CallOut(BaseModel):
    ref: str
    number: str | None
    person: str | None
    direction: str
    at: str
    recorded: bool
    listened_live: bool
    purposes: list[str]
    kept_for: list[str]
    audio: bool
    audio_bytes: int | None
    audio_pending: bool
    transcript: bool
    status: str
    retention_end: str | None
    purge_due: str | None
    held_by: list[str]


def _number(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return Container.phone_number(raw, "number")


async def _spooled(raw: Request, limit: int) -> IO[bytes]:
    """The request's body in a private temporary file (bounded memory), rewound; 413 past
    ``limit``, with the file already gone."""
    spool = tempfile.TemporaryFile(prefix="charte-upload-")  # noqa: SIM115  # returned open
    try:
        size = 0
        async for piece in raw.stream():
            size += len(piece)
            if size > limit:
                raise BodyTooLarge(limit)
            spool.write(piece)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/calls", tags=["calls"], responses=problems.documented())

    @api.post("/decide", response_model=Decision, openapi_extra=NO_PERSONAL)
    def decide(body: DecideIn, actor: Calling) -> dict[str, Any]:
        """Record this call or not, live double-listening or not, for which purposes, and why."""
        actors.as_system(actor, "ask for recording decisions")
        return use_cases.decision(
            container.call_desk(),
            number=_number(body.number),
            direction=body.direction,
            at=body.at,
            call=body.call,
            person=body.person,
            opted_out=body.opted_out,
        )

    @api.post("/opt-out", response_model=OptedOut, openapi_extra=NO_PERSONAL)
    def opt_out(body: OptOutIn, actor: Calling) -> dict[str, Any]:
        """The caller pressed the opt-out key: no recording of their later calls, and their
        recordings erased unless held or in use for a purpose an objection leaves standing."""
        actors.as_system(actor, "report opt-outs")
        day = body.at.astimezone(PARIS).date()
        return use_cases.opt_out(
            container.call_desk(), number=_number(body.number), person=body.person, on=day, actor=actor.name
        )

    @api.post(
        "/{ref}/audio",
        status_code=204,
        max_body_size=container.settings.audio_max_bytes,
        openapi_extra={
            **NO_PERSONAL,
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
        },
    )
    async def upload(ref: CallRef, raw: Request, actor: Calling) -> None:
        """The recording's audio as the body (at most CHARTE_AUDIO_MAX_BYTES, 200 MB by default),
        sealed under its own key."""
        actors.as_system(actor, "upload recordings")
        with await _spooled(raw, container.settings.audio_max_bytes) as spool:

            def seal() -> None:
                try:
                    container.calls().attach_audio(ref, iter(lambda: spool.read(1 << 16), b""))
                except KeyError:
                    raise NotFound("recorded call", ref) from None

            await run_in_threadpool(seal)

    @api.post(
        "/{ref}/analyses",
        status_code=201,
        max_body_size=container.settings.audio_max_bytes,
        openapi_extra={
            **NO_PERSONAL,
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
        },
    )
    async def add_analysis(
        ref: CallRef,
        raw: Request,
        reader: Reading,
        kind: Annotated[str, Query(max_length=16, description="result or document.")],
        anonymised: Annotated[bool, Query(description="A result declared irreversibly anonymised.")] = False,
    ) -> dict[str, Any]:
        """What analysing the recording produced (a result, or a document: scoring grid, report),
        sealed like the recording; a document is kept by the policy's analysis rule (12 months)."""
        with await _spooled(raw, container.settings.audio_max_bytes) as spool:
            return await run_in_threadpool(
                use_cases.add_analysis,
                container.call_desk(),
                reader,
                ref,
                kind,
                iter(lambda: spool.read(1 << 16), b""),
                anonymised=anonymised,
            )

    @api.get("/{ref}/analyses", openapi_extra=PERSONAL)
    def analyses(ref: CallRef, reader: Reading) -> dict[str, Any]:
        return {"analyses": use_cases.analyses(container.call_desk(), reader, ref)}

    @api.get(
        "/{ref}/analyses/{analysis}",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        },
        openapi_extra=PERSONAL,
    )
    def analysis(
        ref: CallRef, analysis: Annotated[int, Path(ge=1, le=2**31 - 1)], reader: Reading
    ) -> StreamingResponse:
        chunks = use_cases.analysis(container.call_desk(), reader, ref, analysis)
        return StreamingResponse(chunks, media_type="application/octet-stream")

    @api.get("/{ref}", response_model=CallOut, openapi_extra=PERSONAL)
    def show(ref: CallRef, reader: Reading) -> dict[str, Any]:
        """A call's metadata, for a role that may listen to recordings for the purpose."""
        return use_cases.show(container.call_desk(), reader, ref)

    @api.get(
        "/{ref}/audio",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        },
        openapi_extra=PERSONAL,
    )
    def play(ref: CallRef, reader: Reading) -> StreamingResponse:
        """The recording, decrypted as it streams; each playback is an audit entry."""
        chunks: Iterator[bytes] = use_cases.play(container.call_desk(), reader, ref)
        return StreamingResponse(chunks, media_type="application/octet-stream")

    @api.get("/{ref}/transcript", response_class=PlainTextResponse, openapi_extra=PERSONAL)
    def transcript(ref: CallRef, reader: Reading) -> str:
        return use_cases.transcript(container.call_desk(), reader, ref)

    @api.post("/{ref}/keep-for", openapi_extra=NO_PERSONAL)
    def keep_for(ref: CallRef, body: KeepForIn, actor: Calling) -> dict[str, Any]:
        """Keep a recording for purposes an objection leaves standing (rights handling, fraud control)."""
        return use_cases.keep_for(
            container.call_desk(),
            ref=ref,
            purposes=body.purposes,
            role=actors.as_person(actor),
            actor=actor.name,
        )

    return api
