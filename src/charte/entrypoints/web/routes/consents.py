"""/api/v1/consents: a consent withdrawn from an opt-out link, a STOP keyword or a call
(docs/prospecting.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.auth import Calling
from charte.entrypoints.web.schemas import WithdrawalIn, WithdrawalOut
from charte.services import consents


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

    return api
