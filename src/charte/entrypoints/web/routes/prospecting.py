"""/api/v1/prospecting: the sales tools ask before each call, e-mail or SMS, and screen their
campaigns (docs/prospecting.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.domain.prospecting import Channel
from charte.entrypoints.web import body_limits, problems
from charte.entrypoints.web.audited_reads import PERSONAL
from charte.entrypoints.web.auth import Reading
from charte.entrypoints.web.routes.register import spool
from charte.entrypoints.web.schemas import Instant, SolicitationAnswer, SolicitationIn
from charte.services import prospecting

SCREEN_BODY = body_limits.EVENTS  # a campaign of a few million contacts; more goes through the CLI


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/prospecting", tags=["prospecting"], responses=problems.documented())

    @api.post("/decide", response_model=SolicitationAnswer, openapi_extra=PERSONAL)
    def decide(body: SolicitationIn, reader: Reading) -> dict[str, Any]:
        """Whether a solicitation of `contact` on `channel` at `at` is allowed for the purpose
        (X-Charte-Purpose), with every reason and its source. Kept as the proof of the answer
        (`decision`) and audited without the contact. POST, so that the contact stays out of URLs."""
        asked = prospecting.Asked(
            contact=body.contact,
            channel=body.channel,
            purpose=reader.purpose,
            moment=body.at or container.clock.now(),
            person_ref=body.person,
            campaign=body.campaign,
        )
        return prospecting.decide_solicitation(
            policy=container.policy,
            store=container.prospecting_store(),
            contacts=container.consent_contacts,
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            asked=asked,
        ).as_dict()

    @api.post(
        "/screen",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}}, "description": "One answer a line"}},
        openapi_extra=PERSONAL,
        max_body_size=SCREEN_BODY,
    )
    async def screen(
        request: Request,
        reader: Reading,
        channel: Annotated[Channel | None, Query(description="The channel of lines that name none.")] = None,
        at: Annotated[Instant | None, Query(description="The planned time of lines that give none.")] = None,
        campaign: Annotated[str | None, Query(max_length=200, description="The campaign.")] = None,
    ) -> StreamingResponse:
        """Each contact of a campaign (the body: JSON Lines or CSV, docs/prospecting.md) with the
        gate's answer and its reason codes, streamed as JSON Lines in the file's order, batch by
        batch; a line that cannot be read is answered with its `error`. Audited per batch (counts,
        never a contact)."""
        body = await spool(request, SCREEN_BODY)
        lines = container.read_screen(body, channel=channel, moment=at or container.clock.now())
        answers = prospecting.screen(
            policy=container.policy,
            store=container.prospecting_store(),
            contacts=container.consent_contacts,
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            lines=lines,
            campaign=campaign,
        )
        # The gate and the first batch before the answer starts: a refusal is a problem document,
        # not a 200 cut short.
        first = await run_in_threadpool(next, answers, None)

        def stream() -> Iterator[bytes]:
            try:
                if first is not None:
                    yield orjson.dumps(first) + b"\n"
                for answer in answers:
                    yield orjson.dumps(answer) + b"\n"
            finally:
                body.close()

        return StreamingResponse(stream(), media_type="application/x-ndjson")

    return api
