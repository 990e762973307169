"""/api/v1/consents: a consent withdrawn from an opt-out link, a STOP keyword or a call
(docs/prospecting.md)."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.auth import Calling
from charte.entrypoints.web.problems import ImportRefused
from charte.entrypoints.web.schemas import ConsentIn, ImportSummary, WithdrawalIn, WithdrawalOut
from charte.services import consents
from charte.services.importing import import_events


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/consents", tags=["consents"], responses=problems.documented())

    @api.post("/withdraw", response_model=WithdrawalOut, openapi_extra=NO_PERSONAL)
    def withdraw(body: WithdrawalIn, actor: Calling) -> dict[str, Any]:
        """End every consent covering `contact` on `channel` (for `purpose`, or every purpose the
        prospecting gate decides for), at once, with an order to the systems holding the contact
        (GDPR Art. 7(3)). Any actor may record a withdrawal — the SMS gateway's STOP, the link in an
        e-mail, customer service on the phone: it only ever stops processing. Audited (counts, never
        the contact)."""
        ended = consents.withdraw(
            policy=container.policy,
            store=container.consents(),
            contacts=container.consent_contacts,
            auditor=container.auditor,
            actor=actor.name,
            channel=body.channel,
            contact=body.contact,
            how=body.how,
            purpose=body.purpose,
        )
        return {"withdrawn": ended.consents, "orders": ended.orders}

    @api.post("", response_model=ImportSummary, openapi_extra=NO_PERSONAL, status_code=201)
    async def give(body: ConsentIn, actor: Calling) -> dict[str, Any]:
        """Record a consent given (the feed's `consent.given`, docs/events.md): checked and applied as
        the feed applies it, audited as an import. A system records what its policy entry lets it
        send; a person, a consent for a purpose their role acts under. 422 names what is wrong."""
        if actor.system is None:
            consents.may_record(container.gate, actor.role or "", body.purpose)
        line = consents.as_event(body.model_dump(mode="json", exclude_none=True))
        report = await run_in_threadpool(
            import_events,
            source=io.BytesIO(line),
            parser=container.feed_reader(sender=actor.system),
            store=container.register_store(),
            audit=(container.auditor, actor.name),
        )
        summary = {**report.as_dict(), "rejects": []}
        if not report.committed:
            raise ImportRefused(summary)
        return summary

    return api
