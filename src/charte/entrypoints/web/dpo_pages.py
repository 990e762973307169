"""The DPO's console: the dashboard at /console and a rights request's page.

Each page calls the same use cases as the CLI and the API, in the signed-in actor's role; what a
role may not see is simply not on its dashboard (``charte.services.dashboard``), and a request's
actions are refused by the rights desk for a role that does not handle requests.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from charte.bootstrap import Container
from charte.domain.rights import Status
from charte.entrypoints.web import pages
from charte.services import answers, dashboard, identity, rights
from charte.services.actors import Actor
from charte.services.rights_desk import Desk

RequestId = Annotated[int, Path(ge=1, le=2**62)]
Csrf = Annotated[str, Form(max_length=100)]
STEP = {
    "opened": "Reçue",
    "matched": "Rattachée à une personne du registre",
    "document_attached": "Pièce d'identité déposée",
    "document_viewed": "Pièce d'identité consultée",
    "identity_asked": "Justificatif d'identité demandé",
    "identity_received": "Justificatif reçu",
    "code_sent": "Code envoyé",
    "code_refused": "Code refusé",
    "verified": "Identité vérifiée",
    "extended": "Délai prolongé",
    "fee_asked": "Frais demandés",
    "fee_paid": "Frais payés",
    "fulfilled": "Traitée",
    "refused": "Refusée",
    "closed": "Close",
    "answer_downloaded": "Réponse téléchargée",
    "letter_downloaded": "Courrier téléchargé",
}
KINDS = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def bars(months: list[dict[str, Any]], width: int = 720, height: int = 200) -> dict[str, Any]:
    """The forecast as SVG bar geometry (server-side: no script, no inline style)."""
    top = max((m["units"] for m in months), default=0) or 1
    step = width / max(len(months), 1)
    out = []
    for i, m in enumerate(months):
        h = round(m["units"] / top * (height - 30))
        x, w = round(i * step + 2), max(round(step - 4), 1)
        label = "échu" if m["month"] == "overdue" else m["month"]
        out.append({"x": x, "y": height - 20 - h, "w": w, "h": h, "label": label, "units": m["units"]})
        out[-1]["tx"] = round(i * step + step / 2)
    return {"width": width, "height": height, "bars": out, "top": top}


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def desk_for(actor: Actor) -> Desk:
        return container.rights_desk(actor.name, actor.role)

    def render(request: Request, actor: Actor, name: str, status: int = 200, **context: Any) -> Response:
        token = pages.csrf_token(request)
        alarms = container.policy.alarms
        may_handle = alarms is not None and container.gate.check(actor.role, alarms.purpose).allowed
        response = pages.page(name, status=status, actor=actor, csrf=token, may_handle_alarms=may_handle,
                              **context)  # fmt: skip
        return pages.with_csrf(request, response, token)

    @r.get("/console")
    def board(request: Request) -> Response:
        actor = pages.signed_in(container, request)
        if actor is None:
            return RedirectResponse("/login", status_code=303, headers=pages.SECURITY_HEADERS)
        sources = dashboard.Sources(
            policy=container.policy,
            gate=container.gate,
            rights=desk_for(actor),
            retention=container.retention_queries(),
            sweeps=container.sweeper(),
            holds=container.holds(),
            outbox=container.outbox(),
            audit=container.audit_store(),
            checkpoints=container.auditor.checkpoints,
        )
        today = container.clock.today()
        shown = dashboard.overview(sources, actor.role, today)
        chart = bars(shown["retention"]["forecast"]) if shown["retention"] else None
        return render(request, actor, "dashboard.html.j2", b=shown, chart=chart)

    @r.get("/console/requests/{request_id}")
    def request_page(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        desk = desk_for(actor)
        shown = rights.show(desk, request_id)
        status = Status(shown["status"])
        details = container.portal_desk().tickets.details(request_id)
        letters = [n for s in shown["timeline"] for n in s["detail"].get("letters", [])]
        return render(
            request, actor, "request.html.j2", q=shown, steps=STEP, details=details, letters=letters,
            open=status.open, verified=status is Status.VERIFIED, received=status is Status.RECEIVED,
            answer=status is Status.FULFILLED and desk.answers.archive(request_id) is not None,
        )  # fmt: skip

    def back(request_id: int) -> Response:
        return RedirectResponse(f"/console/requests/{request_id}", 303, headers=pages.SECURITY_HEADERS)

    def acting(request: Request, csrf: str) -> Desk:
        pages.check_csrf(request, csrf)
        return desk_for(pages.require_actor(container, request))

    @r.post("/console/requests/{request_id}/match")
    def match(
        request: Request, request_id: RequestId, csrf: Csrf, person: Annotated[str, Form(max_length=128)]
    ) -> Response:
        rights.match(acting(request, csrf), request_id, person.strip())
        return back(request_id)

    @r.post("/console/requests/{request_id}/ask-identity")
    def ask_identity(request: Request, request_id: RequestId, csrf: Csrf) -> Response:
        desk = acting(request, csrf)
        rights.ask_identity(desk, request_id, desk.clock.today())
        return back(request_id)

    @r.post("/console/requests/{request_id}/verify")
    def verify(request: Request, request_id: RequestId, csrf: Csrf) -> Response:
        identity.verify(acting(request, csrf), request_id, "document")
        return back(request_id)

    @r.post("/console/requests/{request_id}/extend")
    def extend(
        request: Request, request_id: RequestId, csrf: Csrf, reason: Annotated[str, Form(max_length=2000)]
    ) -> Response:
        desk = acting(request, csrf)
        rights.extend(desk, request_id, desk.clock.today(), reason)
        return back(request_id)

    @r.post("/console/requests/{request_id}/refuse")
    def refuse(
        request: Request, request_id: RequestId, csrf: Csrf, reason: Annotated[str, Form(max_length=2000)]
    ) -> Response:
        rights.refuse(acting(request, csrf), request_id, reason)
        return back(request_id)

    @r.post("/console/requests/{request_id}/fulfil")
    def fulfil(
        request: Request, request_id: RequestId, csrf: Csrf, lang: Annotated[str, Form(max_length=2)] = "fr"
    ) -> Response:
        answers.fulfil(acting(request, csrf), request_id, lang=lang)
        return back(request_id)

    @r.get("/console/requests/{request_id}/document")
    def document(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        data = identity.document(desk_for(actor), request_id)
        kind = next((k for magic, k in KINDS.items() if data.startswith(magic)), "application/octet-stream")
        headers = pages.SECURITY_HEADERS | {"Content-Disposition": "inline"}
        return Response(data, media_type=kind, headers=headers)

    @r.get("/console/requests/{request_id}/answer")
    def answer(request: Request, request_id: RequestId) -> Response:
        actor = pages.require_actor(container, request)
        path = answers.answer_archive(desk_for(actor), request_id)
        return FileResponse(
            path, media_type="application/zip", filename=path.name, headers=pages.SECURITY_HEADERS
        )

    @r.get("/console/requests/{request_id}/letters/{name}")
    def letter(
        request: Request, request_id: RequestId, name: Annotated[str, Path(max_length=120)]
    ) -> Response:
        actor = pages.require_actor(container, request)
        path = answers.letter_file(desk_for(actor), request_id, name)
        kind = "application/pdf" if path.suffix == ".pdf" else "text/html; charset=utf-8"
        return FileResponse(path, media_type=kind, headers=pages.SECURITY_HEADERS)

    return r
