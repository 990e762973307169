"""The monitoring station's alarm screen: waiting alarms, and the session an operator holds.

Every step goes through ``charte.services.alarms`` exactly as the API does; the pages only render
and post forms (CSRF-checked). The list — the most urgent first, where each alarm is, since when —
refreshes itself with htmx (``/console/alarms/list``, every 5 s) and is swapped only when it
changed: the screen sends the version it shows and gets 204 while nothing moved, so the operator's
focus stays where it is (and nothing is read, nor audited, for nothing). Without JavaScript it is
an ordinary page to reload. Closing asks to confirm, then says what was done.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL, nothing_read
from charte.entrypoints.web.auth import account_reader
from charte.entrypoints.web.console_words import CLOSINGS, OUTCOMES
from charte.services import alarms as use_cases
from charte.services.access import Reader
from charte.services.actors import Actor
from charte.services.errors import Refused

SessionId = Annotated[int, Path(ge=1, le=2**62)]


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def operator(request: Request) -> tuple[Actor, Reader]:
        actor = pages.require_actor(container, request)
        desk = container.alarm_desk()
        reader = account_reader(container, actor, desk.rules.purpose)
        return actor, use_cases.handler(desk, reader)

    def acting(request: Request, csrf: str) -> Reader:
        """A posted form: its anti-forgery token checked, then the operator behind it."""
        pages.check_csrf(request, csrf)
        return operator(request)[1]

    def listing(request: Request, actor: Actor, reader: Reader, name: str, **context: Any) -> Response:
        desk, lang = container.alarm_desk(), pages.language(request)
        sessions = use_cases.pending(desk, reader)
        version = use_cases.list_version(sessions)
        if name == "_alarm_list.html.j2" and request.query_params.get("v") == version:
            nothing_read(request)
            return Response(status_code=204, headers=pages.SECURITY_HEADERS)  # htmx swaps nothing
        sites = use_cases.sites_listed(desk, reader, sessions)
        if not sites:
            nothing_read(request)  # no site's data on this list (none waiting, or none to show)
        now, rules = container.clock.now(), desk.rules
        alarms = [
            s.as_dict()
            | {
                "kind_label": rules.kind_label(s.kind, lang),
                "urgent": rules.urgency(s.kind) == 1,
                "raised_local": pages.paris(s.raised_at.isoformat()),
                "raised_iso": s.raised_at.isoformat(),
                "elapsed": pages.elapsed(s.raised_at.isoformat(), now, lang),
                "where": ", ".join(sites.get(s.site, {}).get(f, "") for f in rules.list_fields).strip(", "),
            }
            for s in sessions
        ]
        return pages.console_page(container, request, actor, name, alarms=alarms, version=version, **context)

    @r.get("/console/alarms", openapi_extra=PERSONAL)
    def alarm_list(request: Request) -> Response:
        actor, reader = operator(request)
        closed = request.query_params.get("closed")
        done = None
        if closed and closed.isdigit() and request.query_params.get("outcome") in CLOSINGS:
            done = {"id": closed, "outcome": CLOSINGS[request.query_params["outcome"]]}
        return listing(request, actor, reader, "alarms.html.j2", done=done)

    @r.get("/console/alarms/list", openapi_extra=PERSONAL)
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
        for person in (*shown["clients"], *shown["trusted_persons"]):
            person["tel"] = pages.tel(person["fields"].get("phone"))
        return pages.console_page(
            container,
            request,
            actor,
            "alarm.html.j2",
            s=shown,
            kind_label=container.alarm_desk().rules.kind_label(shown["session"]["kind"], lang),
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
        outcome: Annotated[str, Form(max_length=32)] = "",
        confirm: Annotated[str, Form(max_length=8)] = "",
    ) -> Response:
        """Two steps: the outcome chosen, a page asks to confirm (closing ends the access to the
        site's instructions and trusted persons); confirmed, the list says what was done."""
        reader = acting(request, csrf)
        if outcome not in CLOSINGS:
            raise Refused(f"outcome: choose how the alarm ended ({', '.join(CLOSINGS)})")
        if confirm != "yes":
            actor = pages.require_actor(container, request)
            return pages.console_page(
                container,
                request,
                actor,
                "alarm_close.html.j2",
                session_id=session_id,
                outcome=outcome,
                outcome_label=CLOSINGS[outcome],
            )
        use_cases.close(container.alarm_desk(), reader, session_id, outcome=outcome)
        return RedirectResponse(
            f"/console/alarms?closed={session_id}&outcome={outcome}", 303, headers=pages.SECURITY_HEADERS
        )

    return r
