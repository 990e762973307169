"""The console's breach register for the DPO's team (docs/breaches.md): the list with the hours
left, a form to record a breach, and each breach's page — its clock, facts, scope, proposal,
decisions and timeline, with the forms of each next step. Times typed in the forms are Paris
time. The persons a scope found are on a page of their own, each listing audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.domain.breaches import Compromised, Declared, Phase
from charte.domain.dates import out_of_range
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.breach_words import BREACH_NATURES, BREACH_STATUSES, BREACH_STEPS
from charte.services import breach_scope, breaches
from charte.services.breach_records import NewBreach
from charte.services.breach_scope import Item
from charte.services.documents.breach_words import FACTS, KINDS, fact_value
from charte.services.errors import Refused

PARIS = ZoneInfo("Europe/Paris")
Csrf = Annotated[str, Form(max_length=100)]
BreachId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=4000)]


def _moment(value: str, field: str) -> datetime:
    """A ``datetime-local`` field (Paris time, no offset) or an ISO time with its offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(f"{field}: not a date and time") from None
    if (outside := out_of_range(moment)) is not None:
        raise Refused(f"{field}: {outside}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def keeper() -> breaches.Keeper:
        return container.breach_keeper()

    def back(number: int) -> Response:
        return RedirectResponse(f"/console/breaches/{number}", 303, headers=pages.SECURITY_HEADERS)

    @r.get("/console/breaches", openapi_extra=NO_PERSONAL)
    def list_page(request: Request) -> Response:
        actor = pages.require_actor(container, request)
        shown = breaches.list_breaches(keeper(), actor=actor.name, role=actor.role)
        return pages.console_page(
            container, request, actor, "breaches.html.j2", listed=shown, statuses=BREACH_STATUSES,
            natures=BREACH_NATURES, now=container.clock.now().astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        )  # fmt: skip

    @r.post("/console/breaches/open", openapi_extra=NO_PERSONAL)
    def open_breach(
        request: Request,
        csrf: Csrf,
        title: Annotated[str, Form(max_length=200)],
        discovered_at: Annotated[str, Form(max_length=40)],
        discovered_by: Annotated[str, Form(max_length=200)],
        natures: Annotated[list[str], Form(max_length=3)],
        aware_at: Annotated[str, Form(max_length=40)] = "",
        processor: Annotated[str, Form(max_length=200)] = "",
        cause: Text = "",
        description: Text = "",
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        discovered = _moment(discovered_at, "discovered_at")
        facts = {k: v for k, v in (("cause", cause), ("description", description)) if v.strip()}
        new = NewBreach(
            title=title, discovered_at=discovered, discovered_by=discovered_by,
            aware_at=_moment(aware_at, "aware_at") if aware_at else discovered,
            natures=breaches.natures_of(natures), processor=processor.strip() or None, facts=facts,
        )  # fmt: skip
        opened = breaches.open_breach(keeper(), actor=actor.name, role=actor.role, new=new)
        return back(opened["breach"])

    @r.get("/console/breaches/{number}", openapi_extra=NO_PERSONAL)
    def breach_page(request: Request, number: BreachId) -> Response:
        actor = pages.require_actor(container, request)
        shown = breaches.show(keeper(), actor=actor.name, role=actor.role, breach=number)
        policy, lang = container.policy, pages.language(request)
        categories = {c: policy.data_categories[c].label(lang) for c in policy.data_categories}
        labels = categories | {x: policy.systems[x].label(lang) for x in policy.systems}
        labels |= {x: policy.roles[x].label(lang) for x in policy.roles}
        labels |= {x: policy.subject_categories[x].label(lang) for x in policy.subject_categories}
        facts = [
            (FACTS[k][lang], fact_value(v, lang, labels)) for k, v in shown["facts"].items() if k in FACTS
        ]
        reasons = [
            r[lang.value] for r in ((shown["assessment"] or {}).get("proposal") or {}).get("reasons", [])
        ]
        kinds = {k: words[lang] for k, words in KINDS.items()}
        return pages.console_page(
            container, request, actor, "breach.html.j2", v=shown, statuses=BREACH_STATUSES,
            natures=BREACH_NATURES, steps=BREACH_STEPS, categories=categories, facts=facts, reasons=reasons,
            kinds=kinds,
            phases=[p.value for p in Phase],
            actors=[a["name"] for a in container.actors().all()], recipients=sorted(policy.roles),
            systems=sorted(policy.systems),
        )  # fmt: skip

    @r.get("/console/breaches/{number}/persons", openapi_extra=PERSONAL)
    def persons_page(
        request: Request, number: BreachId, offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
    ) -> Response:
        actor = pages.require_actor(container, request)
        page = breaches.affected(keeper(), actor=actor.name, role=actor.role, breach=number, offset=offset)
        return pages.console_page(
            container, request, actor, "breach_persons.html.j2", number=number, page=page
        )

    @r.post("/console/breaches/{number}/scope", openapi_extra=NO_PERSONAL)
    def scope(
        request: Request,
        number: BreachId,
        csrf: Csrf,
        kind: Annotated[Compromised, Form()],
        since: Annotated[str, Form(max_length=40)],
        until: Annotated[str, Form(max_length=40)],
        name: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        item = Item(kind, name.strip() or None, None, _moment(since, "since"), _moment(until, "until"))
        breach_scope.compute(
            keeper(), source=container.breach_scope(), audit_store=container.audit_store(),
            checkpoints=container.auditor.checkpoints, actor=actor.name, role=actor.role, breach=number,
            items=[item],
        )  # fmt: skip
        return back(number)

    @r.post("/console/breaches/{number}/amend", openapi_extra=NO_PERSONAL)
    def amend(
        request: Request,
        number: BreachId,
        csrf: Csrf,
        cause: Text = "",
        description: Text = "",
        consequences: Text = "",
        measures_taken: Text = "",
        measures_proposed: Text = "",
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        typed = {"cause": cause, "description": description, "consequences": consequences,
                 "measures_taken": measures_taken, "measures_proposed": measures_proposed}  # fmt: skip
        facts = {k: v for k, v in typed.items() if v.strip()}  # an empty field keeps what was written
        breaches.amend(keeper(), actor=actor.name, role=actor.role, breach=number, facts=facts)
        return back(number)

    @r.post("/console/breaches/{number}/assess", openapi_extra=NO_PERSONAL)
    def assess(
        request: Request,
        number: BreachId,
        csrf: Csrf,
        vulnerable: Annotated[bool, Form()] = False,
        unintelligible: Annotated[bool, Form()] = False,
        mitigated: Annotated[bool, Form()] = False,
        restored: Annotated[bool, Form()] = False,
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        declared = Declared(frozenset(), vulnerable, unintelligible, mitigated, restored)
        breaches.assess(keeper(), actor=actor.name, role=actor.role, breach=number, declared=declared)
        return back(number)

    @r.post("/console/breaches/{number}/decide", openapi_extra=NO_PERSONAL)
    def decide(
        request: Request,
        number: BreachId,
        csrf: Csrf,
        notify_cnil: Annotated[str, Form(max_length=3)],
        notify_cnil_why: Text,
        tell_persons: Annotated[str, Form(max_length=3)],
        tell_persons_why: Text,
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        breaches.decide(
            keeper(), actor=actor.name, role=actor.role, breach=number,
            notify_cnil=notify_cnil == "yes", notify_cnil_why=notify_cnil_why,
            tell_persons=tell_persons == "yes", tell_persons_why=tell_persons_why,
        )  # fmt: skip
        return back(number)

    @r.post("/console/breaches/{number}/notify", openapi_extra=NO_PERSONAL)
    def notify(
        request: Request,
        number: BreachId,
        csrf: Csrf,
        at: Annotated[str, Form(max_length=40)],
        phase: Annotated[Phase, Form()],
        reference: Annotated[str, Form(max_length=64)] = "",
        delay_reasons: Text = "",
    ) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        breaches.notify_cnil(
            keeper(), actor=actor.name, role=actor.role, breach=number, at=_moment(at, "at"), phase=phase,
            reference=reference.strip() or None, delay_reasons=delay_reasons.strip() or None,
        )  # fmt: skip
        return back(number)

    @r.post("/console/breaches/{number}/close", openapi_extra=NO_PERSONAL)
    def close(request: Request, number: BreachId, csrf: Csrf, summary: Text) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        breaches.close(keeper(), actor=actor.name, role=actor.role, breach=number, summary=summary)
        return back(number)

    return r
