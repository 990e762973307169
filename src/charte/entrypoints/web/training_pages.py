"""The console's trainings page for the roles of ``training.managed_by`` (docs/accountability.md):
every staff account with its latest training and status, the reads made with a lapsed training
under an exempt purpose, and the form to record a training completed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.console_refusals import refusal
from charte.entrypoints.web.training_words import TRAINING_STATUSES
from charte.services import training
from charte.services.documents import wording as w
from charte.services.errors import Refused

Csrf = Annotated[str, Form(max_length=100)]


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def shown(request: Request, status: int = 200, error: str | None = None) -> Response:
        actor = pages.require_actor(container, request)
        desk = container.training_desk()
        roster = training.roster(desk, role=actor.role)
        rule, lang = desk.rule, pages.language(request)
        return pages.console_page(
            container, request, actor, "trainings.html.j2", status, roster=roster,
            courses=[(c, rule.course_label(c, lang.value)) for c in rule.courses],
            exempt_labels=", ".join(pages.policy_label(container, "purpose", p, pages.language(request))
                                    for p in rule.exempt),
            valid_for=w.duration(rule.valid_for, lang), statuses=TRAINING_STATUSES, error=error,
            today=container.clock.today().isoformat(),
        )  # fmt: skip

    def refused(request: Request, why: str) -> Response:
        return shown(request, 422, refusal(why, pages.language(request)))

    @r.get("/console/trainings", openapi_extra=NO_PERSONAL)
    def page(request: Request) -> Response:
        return shown(request)

    @r.post("/console/trainings", openapi_extra=NO_PERSONAL)
    def record(
        request: Request,
        csrf: Csrf,
        account: Annotated[str, Form(max_length=200)],
        course: Annotated[str, Form(max_length=64)],
        completed_on: Annotated[str, Form(max_length=10)],
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        try:
            day = date.fromisoformat(completed_on)
        except ValueError:
            return refused(request, "completed_on: not a date (YYYY-MM-DD)")
        try:
            training.record(
                container.training_desk(), actor=account, course=course, completed_on=day, by=actor.name,
                role=actor.role,
            )  # fmt: skip
        except Refused as why:
            return refused(request, str(why))
        return RedirectResponse("/console/trainings", 303, headers=pages.SECURITY_HEADERS)

    return r
