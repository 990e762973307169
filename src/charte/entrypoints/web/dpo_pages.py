"""The DPO's console: the dashboard at /console and a rights request's page.

Each page calls the same use cases as the CLI and the API, in the signed-in actor's role; what a
role may not see is simply not on its dashboard (``charte.services.dashboard``), and a request's
actions are refused by the rights desk for a role that does not handle requests.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import PurePath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from charte.bootstrap import Container
from charte.domain.access import Decision, Denial
from charte.domain.dates import out_of_range
from charte.domain.litigation import Judgment, Residence
from charte.domain.rights import Status
from charte.domain.vocabulary import CourtKind, CourtSeat, Recourse, Right
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL, nothing_read
from charte.entrypoints.web.auth import trained
from charte.entrypoints.web.console_words import (
    BREACH_STATUSES,
    COURTS,
    NOT_SENT,
    RECOURSES,
    RESIDENCES,
    SEATS,
    STATUSES,
    STEPS,
    TRAINING_STATUSES,
)
from charte.entrypoints.web.person_pages import candidates
from charte.services import (
    answers,
    audit,
    dashboard,
    holds,
    identity,
    outbox,
    rights,
)
from charte.services.access import AccessDenied, require
from charte.services.actors import Actor
from charte.services.documents.wording import RIGHT
from charte.services.errors import Refused
from charte.services.rights_desk import Desk

RequestId = Annotated[int, Path(ge=1, le=2**62)]
Csrf = Annotated[str, Form(max_length=100)]
KINDS = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def bars(months: list[dict[str, Any]], width: int = 960, height: int = 220) -> dict[str, Any]:
    """The forecast as SVG bar geometry (server-side: no script, no inline style). What is due
    already is a figure of its own on the page, not a bar: it would flatten the months."""
    months = [m for m in months if m["month"] != "overdue"]
    top = max((m["units"] for m in months), default=0) or 1
    step = (width - 40) / max(len(months), 1)  # room on the right for the last label
    out = []
    for i, m in enumerate(months):
        h = round(m["units"] / top * (height - 40))
        x, w = round(20 + i * step + 2), max(round(step - 4), 1)
        out.append({"x": x, "y": height - 20 - h, "w": w, "h": h, "label": m["month"], "units": m["units"]})
        out[-1]["tx"] = round(20 + i * step + step / 2)
    return {"width": width, "height": height, "bars": out, "top": top}


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def right_names(request: Request) -> dict[str, str]:
        lang = pages.language(request)
        return {right.value: RIGHT[right][lang][0] for right in Right}

    def desk_for(actor: Actor) -> Desk:
        purpose = container.policy.rights.purpose
        return container.rights_desk(
            actor.name, actor.role, trained(container, actor, purpose) if purpose else None
        )

    @r.post("/console/audit/verify", openapi_extra=NO_PERSONAL)
    def verify_audit(request: Request, csrf: Csrf) -> Response:
        """Verify the whole audit chain against its signed checkpoints (it reads every entry: a
        button, not something every dashboard load does), for the roles that see the chain."""
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        require(container.gate.may_see_retention(actor.role))
        report = audit.verify(
            store=container.audit_store(),
            checkpoints=container.auditor.checkpoints,
            now=container.clock.now(),
            unsigned_for=timedelta(seconds=container.settings.audit_unsigned_for),
        )
        return dashboard_page(request, verified=report.as_dict())

    @r.get("/console", openapi_extra=PERSONAL)
    def board(request: Request) -> Response:
        actor = pages.signed_in(container, request)
        if actor is not None and (home := pages.home(container, actor)) != "/console":
            nothing_read(request)
            return RedirectResponse(home, status_code=303, headers=pages.SECURITY_HEADERS)
        return dashboard_page(request)

    def dashboard_page(request: Request, verified: dict[str, Any] | None = None) -> Response:
        actor = pages.signed_in(container, request)
        if actor is None:
            return RedirectResponse("/login", status_code=303, headers=pages.SECURITY_HEADERS)
        sources = dashboard.Sources(
            policy=container.policy,
            gate=container.gate,
            rights=desk_for(actor),
            # The heavy counts and the forecast off the primary when a standby is configured;
            # the requests, breaches, trainings and the audit's heads stay on the primary.
            retention=container.retention_queries(standby=True),
            sweeps=container.sweep_runs(standby=True),
            holds=container.holds(standby=True),
            outbox=container.outbox(standby=True),
            audit=container.audit_store(),
            checkpoints=container.auditor.checkpoints,
            breaches=container.breach_store(),
            trainings=container.training_desk(),
        )
        today = container.clock.today()
        shown = dashboard.overview(sources, actor.role, today)
        chart = bars(shown["retention"]["forecast"]) if shown["retention"] else None
        names = right_names(request)
        context: dict[str, Any] = {"b": shown, "chart": chart, "statuses": STATUSES, "rights": names,
                                   "breach_statuses": BREACH_STATUSES,
                                   "training_statuses": TRAINING_STATUSES,
                                   "read_from": container.read_from()}  # fmt: skip
        return pages.console_page(
            container, request, actor, "dashboard.html.j2", verified=verified, **context
        )

    @r.get("/console/requests/{request_id}", openapi_extra=PERSONAL)
    def request_page(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        desk = desk_for(actor)
        shown = rights.show(desk, request_id)
        status = Status(shown["status"])
        details = container.portal_tickets().details(request_id)
        # Each letter named by the step it was sent at and its format, not by its file name.
        letters = [
            (n, number, s["step"], PurePath(n).suffix.lstrip(".").upper())
            for s in shown["timeline"]
            for n in s["detail"].get("letters", [])
            for number in [n.split("-", 1)[0].lstrip("0") or "0"]
        ]
        for s in shown["timeline"]:  # "not sent (why)", recorded by the step (services.rights_desk)
            notice = str(s["detail"].get("notice", ""))
            why = (
                notice.removeprefix("not sent (").removesuffix(")")
                if notice.startswith("not sent (")
                else None
            )
            s["unsent"] = NOT_SENT.get(why, why) if why else None
        # Who the requester may be, from the name and contact they gave (read for the rights
        # purpose, audited as a search and a read of each candidate), while no one is matched.
        found = (
            candidates(
                container,
                actor,
                container.policy.rights.purpose,
                [shown["claimed_name"], shown["contact"]],
                pages.language(request),
            )
            if status.open and shown["person"] is None and status is not Status.VERIFIED
            else None
        )
        return pages.console_page(
            container,
            request,
            actor,
            "request.html.j2",
            q=shown,
            steps=STEPS,
            statuses=STATUSES,
            rights=right_names(request),
            details=details,
            letters=letters,
            open=status.open,
            verified=status is Status.VERIFIED,
            received=status is Status.RECEIVED,
            answer=status is Status.FULFILLED and desk.mail.answers.archive(request_id) is not None,
            unsent=len(desk.mail.answers.unsent(request_id)),
            found=found,
            rights_purpose=container.policy.rights.purpose,
        )

    def back(request_id: int) -> Response:
        return RedirectResponse(f"/console/requests/{request_id}", 303, headers=pages.SECURITY_HEADERS)

    def acting(request: Request, csrf: str) -> Desk:
        pages.check_csrf(request, csrf)
        return desk_for(pages.require_actor(container, request))

    @r.post("/console/requests/{request_id}/match", openapi_extra=PERSONAL)
    def match(
        request: Request, request_id: RequestId, csrf: Csrf, person: Annotated[str, Form(max_length=128)]
    ) -> Response:
        rights.match(acting(request, csrf), request_id, person.strip())
        return back(request_id)

    @r.post("/console/requests/{request_id}/ask-identity", openapi_extra=PERSONAL)
    def ask_identity(request: Request, request_id: RequestId, csrf: Csrf) -> Response:
        desk = acting(request, csrf)
        rights.ask_identity(desk, request_id, desk.clerk.clock.today())
        return back(request_id)

    @r.post("/console/requests/{request_id}/verify", openapi_extra=PERSONAL)
    def verify(request: Request, request_id: RequestId, csrf: Csrf) -> Response:
        identity.verify(acting(request, csrf), request_id, "document")
        return back(request_id)

    @r.post("/console/requests/{request_id}/extend", openapi_extra=PERSONAL)
    def extend(
        request: Request, request_id: RequestId, csrf: Csrf, reason: Annotated[str, Form(max_length=2000)]
    ) -> Response:
        desk = acting(request, csrf)
        rights.extend(desk, request_id, desk.clerk.clock.today(), reason)
        return back(request_id)

    @r.post("/console/requests/{request_id}/resend", openapi_extra=PERSONAL)
    def resend(request: Request, request_id: RequestId, csrf: Csrf) -> Response:
        rights.resend(acting(request, csrf), request_id)
        return back(request_id)

    @r.post("/console/requests/{request_id}/refuse", openapi_extra=PERSONAL)
    def refuse(
        request: Request, request_id: RequestId, csrf: Csrf, reason: Annotated[str, Form(max_length=2000)]
    ) -> Response:
        rights.refuse(acting(request, csrf), request_id, reason)
        return back(request_id)

    @r.post("/console/requests/{request_id}/fulfil", openapi_extra=PERSONAL)
    def fulfil(
        request: Request, request_id: RequestId, csrf: Csrf, lang: Annotated[str, Form(max_length=2)] = "fr"
    ) -> Response:
        answers.fulfil(acting(request, csrf), request_id, lang=lang)
        return back(request_id)

    @r.get("/console/requests/{request_id}/document", openapi_extra=PERSONAL)
    def document(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        data = identity.document(desk_for(actor), request_id)
        kind = next((k for magic, k in KINDS.items() if data.startswith(magic)), "application/octet-stream")
        headers = pages.SECURITY_HEADERS | {"Content-Disposition": "inline"}
        return Response(data, media_type=kind, headers=headers)

    @r.get("/console/requests/{request_id}/answer", openapi_extra=PERSONAL)
    def answer(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        path = answers.answer_archive(desk_for(actor), request_id)
        return FileResponse(
            path, media_type="application/zip", filename=path.name, headers=pages.SECURITY_HEADERS
        )

    @r.get("/console/requests/{request_id}/letters/{name}", openapi_extra=PERSONAL)
    def letter(
        request: Request, request_id: RequestId, name: Annotated[str, Path(max_length=120)]
    ) -> Response:
        actor = pages.require_actor(container, request)
        path = answers.letter_file(desk_for(actor), request_id, name)
        kind = "application/pdf" if path.suffix == ".pdf" else "text/html; charset=utf-8"
        return FileResponse(path, media_type=kind, headers=pages.SECURITY_HEADERS)

    return r


def more_pages(container: Container) -> APIRouter:
    """Holds, audit search and the outbox (the person pages: ``person_pages``)."""
    r = APIRouter(include_in_schema=False)

    @r.get("/console/holds", openapi_extra=PERSONAL)
    def holds_page(request: Request) -> Response:
        actor = pages.require_actor(container, request)
        cases = holds.list_cases(
            holds=container.holds(),
            litigation=container.policy.litigation,
            gate=container.gate,
            auditor=container.auditor,
            actor=actor.name,
            role=actor.role,
        )
        may_manage = container.gate.may_manage_holds(actor.role).allowed
        lang = pages.language(request)
        query = request.query_params
        pending = query.get("pending", "0")
        return pages.console_page(
            container,
            request,
            actor,
            "holds.html.j2",
            cases=[c | {"kind_label": COURTS[c["kind"]]} for c in cases],
            may_manage=may_manage,
            kinds=[(k.value, COURTS[k.value]) for k in CourtKind],
            placed=query.get("placed"),
            pending=int(pending) if pending.isdigit() else 0,
            judged=query.get("judged"),
            recourses=RECOURSES,
            residences=RESIDENCES,
            seats=SEATS,
            lang_value=lang.value,
        )

    @r.post("/console/holds/place", openapi_extra=NO_PERSONAL)
    def place(
        request: Request,
        csrf: Csrf,
        case: Annotated[str, Form(max_length=128)],
        kind: Annotated[CourtKind, Form()],
        reason: Annotated[str, Form(max_length=2000)],
        persons: Annotated[str, Form(max_length=2000)] = "",
        contracts: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        subjects = [("person", p) for p in persons.split()] + [("contract", c) for c in contracts.split()]
        pending = holds.place(
            holds=container.holds(),
            gate=container.gate,
            role=actor.role,
            case=case.strip(),
            kind=kind,
            subjects=subjects,
            reason=reason,
            actor=actor.name,
        )
        # The count only in the URL: refs name persons, and a URL lands in histories and logs.
        return RedirectResponse(
            f"/console/holds?placed={quote(case.strip())}&pending={len(pending)}",
            303,
            headers=pages.SECURITY_HEADERS,
        )

    @r.post("/console/holds/judgment", openapi_extra=NO_PERSONAL)
    def judgment(
        request: Request,
        csrf: Csrf,
        case: Annotated[str, Form(max_length=128)],
        pronounced: Annotated[date, Form()],
        recourse: Annotated[str, Form(max_length=16)],
        reason: Annotated[str, Form(max_length=2000)],
        served: Annotated[str, Form(max_length=10)] = "",  # an empty date field posts ""
        residence: Annotated[Residence, Form()] = Residence.METROPOLITAN,
        court_seat: Annotated[CourtSeat, Form()] = CourtSeat.METROPOLITAN,
    ) -> Response:
        """A judgment recorded from the console, as `charte holds judgment` does: the release date
        follows from the policy's recourse table."""
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        if recourse not in ("none", *(r.value for r in Recourse)):
            raise Refused(f"recourse: one of none, {', '.join(r.value for r in Recourse)}")
        try:
            served_on = date.fromisoformat(served) if served.strip() else None
        except ValueError:
            raise Refused(f"served: {served!r} is not a date (YYYY-MM-DD)") from None
        for name, day_ in (("pronounced", pronounced), ("served", served_on)):
            if day_ is not None and (problem := out_of_range(day_)) is not None:
                raise Refused(f"{name}: {problem}")
        open_recourse = None if recourse == "none" else Recourse(recourse)
        found = Judgment(pronounced, open_recourse, served_on, residence, court_seat)
        holds.record_judgment(
            holds=container.holds(),
            gate=container.gate,
            role=actor.role,
            case=case.strip(),
            judgment=found,
            reason=reason,
            actor=actor.name,
        )
        return RedirectResponse(
            f"/console/holds?judged={quote(case.strip())}", 303, headers=pages.SECURITY_HEADERS
        )

    @r.post("/console/holds/lift", openapi_extra=NO_PERSONAL)
    def lift(
        request: Request,
        csrf: Csrf,
        case: Annotated[str, Form(max_length=128)],
        reason: Annotated[str, Form(max_length=2000)],
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        holds.lift(
            holds=container.holds(),
            gate=container.gate,
            role=actor.role,
            case=case.strip(),
            reason=reason,
            actor=actor.name,
        )
        return RedirectResponse("/console/holds", 303, headers=pages.SECURITY_HEADERS)

    @r.get("/console/audit", openapi_extra=PERSONAL)
    def audit_page(
        request: Request,
        person: Annotated[str | None, Query(max_length=128)] = None,
        actor_name: Annotated[str | None, Query(alias="actor", max_length=200)] = None,
        purpose: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        actor = pages.require_actor(container, request)
        asked = any((person, actor_name, purpose))
        criteria = audit.AuditFilter(
            subject=container.auditor.subject("person", person.strip()) if person else None,
            actor=actor_name or None,
            purpose=purpose or None,
            limit=200,
        )
        entries = (
            audit.search(
                store=container.audit_store(),
                gate=container.gate,
                auditor=container.auditor,
                actor=actor.name,
                role=actor.role,
                criteria=criteria,
            )
            if asked
            else None
        )
        if not asked and actor.role not in container.gate.archive_roles:
            raise AccessDenied(
                Decision(False, Denial.ROLE_PURPOSE, f"role '{actor.role}' may not search the audit log")
            )
        if not asked:
            nothing_read(request)  # the empty search form
        q = {"person": person, "actor": actor_name, "purpose": purpose}
        return pages.console_page(container, request, actor, "audit.html.j2", entries=entries, q=q)

    @r.get("/console/outbox", openapi_extra=PERSONAL)
    def outbox_page(
        request: Request,
        system: Annotated[str | None, Query(max_length=64)] = None,
        overdue: Annotated[str | None, Query(max_length=1)] = None,
    ) -> Response:
        actor = pages.require_actor(container, request)
        policy = container.policy
        mine = policy.roles[actor.role].purposes if actor.role in policy.roles else ()
        orders = outbox.list_orders(
            outbox=container.outbox(standby=True),  # a listing: off the primary when configured
            policy=policy,
            gate=container.gate,
            auditor=container.auditor,
            reader=outbox.OrderReader(
                actor.name,
                role=actor.role,
                purpose=mine[0] if mine else "",
                trained=trained(container, actor, mine[0]) if mine else None,
            ),
            system=system or None,
            overdue=bool(overdue),
        )
        return pages.console_page(
            container,
            request,
            actor,
            "outbox.html.j2",
            orders=orders,
            systems=sorted(policy.systems),
            system=system,
            overdue=bool(overdue),
            read_from=container.read_from(),
        )

    return r
