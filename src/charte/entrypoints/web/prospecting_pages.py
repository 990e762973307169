"""The console's prospecting page for the DPO's team: consents in force by purpose and channel,
withdrawals and the gate's answers this month, its refusals by reason — counts, no person."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.services import consents
from charte.services.documents.wording import day
from charte.services.documents.words import word


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/console/prospecting", openapi_extra=NO_PERSONAL)
    def prospecting_page(request: Request) -> Response:
        actor = pages.require_actor(container, request)
        lang = pages.language(request)
        now = container.clock.now()
        since = datetime.combine(now.date().replace(day=1), time(), tzinfo=now.tzinfo)
        counts = consents.summary(
            store=container.consents(), gate=container.gate, role=actor.role, since=since
        )
        policy = container.policy
        return pages.console_page(
            container,
            request,
            actor,
            "prospecting.html.j2",
            since=day(since.date(), lang),
            in_force=[
                {
                    "purpose": policy.purposes[row.purpose].label(lang)
                    if row.purpose in policy.purposes
                    else row.purpose,
                    "channel": word("prospecting_channel", row.channel, lang),
                    "count": row.count,
                }
                for row in counts.in_force
            ],
            withdrawn=[(word("prospecting_channel", ch, lang), n) for ch, n in counts.withdrawn],
            answers={"allowed": counts.allowed, "refused": counts.refused},
            refused=[(word("prospecting_reason", code, lang), n) for code, n in counts.refused_by_reason],
        )

    return r
