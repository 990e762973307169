"""The monitoring station's alarm screen: waiting alarms, and the session an operator holds.

Every step goes through ``charte.services.alarms`` exactly as the API does; the pages only render
and post forms (CSRF-checked). The list refreshes itself with htmx (``/console/alarms/list``,
every 5 s); without JavaScript it is an ordinary page to reload.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.console_words import CLOSINGS, OUTCOMES
from charte.services import alarms as use_cases
from charte.services.access import Reader
from charte.services.actors import Actor

SessionId = Annotated[int, Path(ge=1, le=2**62)]


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def operator(request: Request) -> tuple[Actor, Reader]:
        actor = pages.require_actor(container, request)
        desk = container.alarm_desk()
        reader = Reader(actor.name, actor.role, desk.rules.purpose)
        return actor, use_cases.handler(desk, reader)

    def acting(request: Request, csrf: str) -> Reader:
        """A posted form: its anti-forgery token checked, then the operator behind it."""
        pages.check_csrf(request, csrf)
        return operator(request)[1]

    def listing(request: Request, actor: Actor, reader: Reader, name: str) -> Response:
        alarms = [
            a | {"raised_local": pages.paris(a["raised_at"])}
            for a in use_cases.waiting(container.alarm_desk(), reader)
        ]
        return pages.console_page(container, request, actor, name, alarms=alarms)

    @r.get("/console/alarms", openapi_extra=NO_PERSONAL)
    def alarm_list(request: Request) -> Response:
        actor, reader = operator(request)
        return listing(request, actor, reader, "alarms.html.j2")

    @r.get("/console/alarms/list", openapi_extra=NO_PERSONAL)
    def alarm_list_fragment(request: Request) -> Response:
        actor, reader = operator(request)
        return listing(request, actor, reader, "_alarm_list.html.j2")

    @r.post("/console/alarms/{session_id}/take", openapi_extra=NO_PERSONAL)
    def take(request: Request, session_id: SessionId, csrf: Annotated[str, Form(max_length=100)]) -> Response:
        reader = acting(request, csrf)
        use_cases.take(container.alarm_desk(), reader, session_id)
        return RedirectResponse(f"/console/alarms/{session_id}", 303, headers=pages.SECURITY_HEADERS)

    @r.get("/console/alarms/{session_id}", openapi_extra=PERSONAL)
    def screen(request: Request, session_id: SessionId) -> Response:
        actor, reader = operator(request)
        shown: dict[str, Any] = use_cases.screen(container.alarm_desk(), reader, session_id)
        shown["attempts"] = [a | {"at_local": pages.paris(a["at"])} for a in shown["attempts"]]
        lang = pages.language(request)
        labels = {role: container.policy.roles[role].label(lang) for role in shown["dispatch_to"]}
        return pages.console_page(
            container,
            request,
            actor,
            "alarm.html.j2",
            s=shown,
            outcomes=OUTCOMES,
            closings=CLOSINGS,
            labels=labels,
        )

    def back(session_id: int) -> Response:
        return RedirectResponse(f"/console/alarms/{session_id}", 303, headers=pages.SECURITY_HEADERS)

    @r.post("/console/alarms/{session_id}/attempts", openapi_extra=PERSONAL)
    def attempt(
        request: Request,
        session_id: SessionId,
        csrf: Annotated[str, Form(max_length=100)],
        person: Annotated[str, Form(max_length=128)],
        outcome: Annotated[str, Form(max_length=32)],
    ) -> Response:
        reader = acting(request, csrf)
        use_cases.record_attempt(container.alarm_desk(), reader, session_id, person=person, outcome=outcome)
        return back(session_id)

    @r.post("/console/alarms/{session_id}/dispatch", openapi_extra=PERSONAL)
    def dispatch(
        request: Request,
        session_id: SessionId,
        csrf: Annotated[str, Form(max_length=100)],
        to: Annotated[str, Form(max_length=64)],
    ) -> Response:
        reader = acting(request, csrf)
        use_cases.dispatch(container.alarm_desk(), reader, session_id, to=to)
        return back(session_id)

    @r.post("/console/alarms/{session_id}/release", openapi_extra=NO_PERSONAL)
    def release(
        request: Request, session_id: SessionId, csrf: Annotated[str, Form(max_length=100)]
    ) -> Response:
        reader = acting(request, csrf)
        use_cases.release(container.alarm_desk(), reader, session_id)
        return RedirectResponse("/console/alarms", 303, headers=pages.SECURITY_HEADERS)

    @r.post("/console/alarms/{session_id}/close", openapi_extra=NO_PERSONAL)
    def close(
        request: Request,
        session_id: SessionId,
        csrf: Annotated[str, Form(max_length=100)],
        outcome: Annotated[str, Form(max_length=32)],
    ) -> Response:
        reader = acting(request, csrf)
        use_cases.close(container.alarm_desk(), reader, session_id, outcome=outcome)
        return RedirectResponse("/console/alarms", 303, headers=pages.SECURITY_HEADERS)

    return r
