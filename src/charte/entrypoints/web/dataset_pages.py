"""The console's analysis datasets page (docs/datasets.md): the datasets the policy declares, every
build the signed-in role may see with its data sheet — who built it, when it expires, what it
achieves — and, for the DPO's roles, the button that destroys a build at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.console_refusals import refusal
from charte.entrypoints.web.dataset_words import LEVELS, TRANSFORMS
from charte.services import datasets
from charte.services.documents import wording as w
from charte.services.errors import NotFound, Refused

Csrf = Annotated[str, Form(max_length=100)]


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def shown(request: Request, status: int = 200, error: str | None = None) -> Response:
        actor = pages.require_actor(container, request)
        desk = container.dataset_desk()
        lang = pages.language(request).value
        declared = [
            (d, d.label.get(lang, d.id))
            for d in container.policy.datasets.values()
            if actor.role in container.policy.rights.submit_to or actor.role in d.recipients
        ]
        builds = list(reversed(datasets.builds(desk, actor.role)))  # the latest first
        policy = container.policy
        names = {d.id: d.label.get(lang, d.id) for d in policy.datasets.values()}
        kept = {d.id: w.duration(policy.retention[d.retention].period, pages.language(request))
                for d in policy.datasets.values() if d.retention in policy.retention}  # fmt: skip
        return pages.console_page(
            container, request, actor, "datasets.html.j2", status, declared=declared, builds=builds,
            may_revoke=actor.role in policy.rights.submit_to, error=error, names=names, kept=kept,
            transforms=TRANSFORMS, levels=LEVELS,
        )  # fmt: skip

    @r.get("/console/datasets", openapi_extra=NO_PERSONAL)
    def page(request: Request) -> Response:
        return shown(request)

    @r.post("/console/datasets/{name}/{number}/revoke", openapi_extra=NO_PERSONAL)
    def revoke(request: Request, name: str, number: int, csrf: Csrf) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        try:
            datasets.revoke(container.dataset_desk(), actor.name, actor.role, name, number)
        except (Refused, NotFound) as why:
            return shown(request, 422, refusal(str(why), pages.language(request)))
        return RedirectResponse("/console/datasets", 303, headers=pages.SECURITY_HEADERS)

    return r
