"""The console's person pages: the search (a name, an e-mail, a phone, a ref) and a person as
the gate lets the signed-in role see them for the purpose chosen, with what is kept of them until
when. ``candidates`` also serves a request's page (who the requester may be).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import PERSONAL, nothing_read
from charte.entrypoints.web.auth import account_reader
from charte.services import consents, person_search, queries, retention
from charte.services.access import AccessDenied
from charte.services.actors import Actor
from charte.services.documents.wording import day
from charte.services.documents.words import word
from charte.services.errors import NotFound

Csrf = Annotated[str, Form(max_length=100)]
PARIS = ZoneInfo("Europe/Paris")


def moment(iso: str, lang: Language) -> str:
    """An instant as the reader writes it: the day, and the time in Paris."""
    at = datetime.fromisoformat(iso).astimezone(PARIS)
    return f"{day(at.date(), lang)} {at:%H:%M}"


def ended_by(by: str | None, lang: Language) -> str:
    """How a consent ended, in words: a route of the vocabulary, or the feed's event by its id."""
    if by in {"portal", "link", "keyword", "call", "erasure"}:
        return word("consent_end", by, lang)
    return f"{word('consent_end', 'feed', lang)} ({by})"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def candidates(
    container: Container, actor: Actor, purpose: str | None, texts: list[str], lang: Language
) -> dict[str, Any]:
    """The persons what was typed names, as the actor's role may see them for the purpose: each
    with their ref, the searched fields shown (name, e-mail, phone) and their roles in words. A
    role that may not act under the purpose gets the refusal in words, and nothing is looked up."""
    if purpose is None or not any(t.strip() for t in texts):
        return {"rows": [], "withheld": 0, "more": False, "error": None, "searched": False}
    reader = account_reader(container, actor, purpose)
    policy = container.policy
    try:
        found = person_search.search(
            finder=container.person_search(),
            queries=container.register_queries(),
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            text=texts,
        )
    except AccessDenied as refused:
        error = pages.said("decision", f"denied:{refused.reason}", lang)
        return {"rows": [], "withheld": 0, "more": False, "error": error, "searched": True}
    named = {c: s.label(lang) for c, s in policy.subject_categories.items()}
    rows = [
        {
            "ref": p["ref"],
            "values": [
                (upper_first(policy.field_label(f, lang)), p["fields"][f])
                for f in policy.search.fields
                if f in p["fields"]
            ],
            "roles": sorted({named.get(r["role"], r["role"]) for r in p["roles"]}),
            "matched": found.matched.get(p["ref"], ()),
        }
        for p in found.candidates
    ]
    return {"rows": rows, "withheld": found.withheld, "more": found.more, "error": None, "searched": True}


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/console/persons", openapi_extra=PERSONAL)
    def person(
        request: Request,
        ref: Annotated[str | None, Query(max_length=128)] = None,
        purpose: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        """A person as the gate lets this role see them for the purpose chosen: the purposes
        offered are the role's own; a refusal says why (and is audited, as every read). A ref the
        register does not hold is searched as a name, an e-mail or a phone number."""
        return person_page(request, ref=ref, purpose=purpose)

    @r.post("/console/persons/search", openapi_extra=PERSONAL)
    def search(
        request: Request,
        csrf: Csrf,
        q: Annotated[str, Form(max_length=200)],
        purpose: Annotated[str | None, Form(max_length=64)] = None,
    ) -> Response:
        """The person search: a form sent by POST, so that a name typed never goes into a URL (the
        browser's history, a proxy's log)."""
        pages.check_csrf(request, csrf)
        return person_page(request, typed=q, purpose=purpose)

    def person_page(
        request: Request, *, ref: str | None = None, typed: str | None = None, purpose: str | None = None
    ) -> Response:
        actor = pages.require_actor(container, request)
        policy = container.policy
        lang = pages.language(request)
        mine = policy.roles[actor.role].purposes if actor.role in policy.roles else ()
        purposes = [(p, policy.purposes[p].label(lang)) for p in mine]
        chosen = purpose if purpose in mine else (mine[0] if mine else None)
        view, error, status, found = None, None, 200, None
        if typed is not None:
            found = candidates(container, actor, chosen, [typed], lang)
            if found["error"]:
                error, status = found["error"], 403
        elif ref and chosen:
            reader = account_reader(container, actor, chosen)
            try:
                view = queries.show_person(
                    queries=container.register_queries(),
                    gate=container.gate,
                    auditor=container.auditor,
                    reader=reader,
                    ref=ref.strip(),
                )
            except NotFound:
                error = pages.said("not_found", "person", lang).format(ref=ref.strip())
                status = 404
                found = candidates(container, actor, chosen, [ref], lang)
            except AccessDenied as refused:
                error = pages.said("decision", f"denied:{refused.reason}", lang)
                status = 403
        else:
            nothing_read(request)  # the empty form: no one was read
        label = policy.purposes[chosen].label(lang) if chosen else ""
        units = []
        if view is not None and container.gate.may_see_retention(actor.role).allowed:
            # What is kept of them until when, and which cases hold it (an audited listing).
            units = [
                {
                    "what": (
                        policy.subject_categories[u.unit].label(lang)
                        if u.unit in policy.subject_categories
                        else word("unit", u.unit, lang)
                    ),
                    "context": u.context or "—",
                    "status": word("unit_status", u.status, lang),
                    "end": day(u.retention_end, lang) if u.retention_end else "—",
                    "purge": day(u.purge_due, lang) if u.purge_due else "—",
                    "held_by": ", ".join(u.held_by),
                }
                for u in retention.schedule(
                    queries=container.retention_queries(),
                    gate=container.gate,
                    auditor=container.auditor,
                    actor=actor.name,
                    role=actor.role,
                    criteria=retention.ScheduleFilter(person=view["ref"]),
                )
            ]
        consented = []
        if view is not None and container.gate.may_see_retention(actor.role).allowed and chosen:
            # The person's consents to prospecting with their proof (an audited read).
            consented = [
                {
                    "purpose": policy.purposes[c["purpose"]].label(lang)
                    if c["purpose"] in policy.purposes
                    else c["purpose"],
                    "channel": word("prospecting_channel", c["channel"], lang),
                    "given": moment(c["given_at"], lang),
                    "method": word("consent_method", c["method"], lang),
                    "text": c["text"]["name"],
                    "source": c["source"]["ref"] or word("consent_source", c["source"]["kind"], lang),
                    "ended": f"{moment(c['withdrawn_at'], lang)} — {ended_by(c['withdrawn_by'], lang)}"
                    if c["withdrawn_at"]
                    else "",
                }
                for c in (
                    v.as_dict()
                    for v in consents.history(
                        store=container.consents(),
                        gate=container.gate,
                        auditor=container.auditor,
                        reader=account_reader(container, actor, chosen),
                        ref=view["ref"],
                    )
                )
            ]
        return pages.console_page(
            container,
            request,
            actor,
            "person.html.j2",
            consented=consented,
            status=status,
            ref=ref,
            typed=typed if typed is not None else (ref or ""),
            purpose=chosen,
            purposes=purposes,
            view=view and shown(view, lang),
            error=error,
            purpose_label=label,
            units=units,
            found=found,
        )

    def shown(view: dict[str, Any], lang: Language) -> dict[str, Any]:
        """The person as the page shows them: fields, categories and states in words, dates as the
        reader writes them."""
        policy = container.policy
        named = {c: s.label(lang) for c, s in policy.subject_categories.items()}

        def on(value: str | None) -> str:
            return day(date.fromisoformat(value), lang) if value else ""

        restricted = view.get("restricted")
        return view | {
            "fields": {policy.field_label(f, lang): v for f, v in view["fields"].items()},
            "field_sources": {
                policy.field_label(f, lang): [named.get(r, r) for r in roles]
                for f, roles in view.get("field_sources", {}).items()
            },
            "roles": [
                r
                | {
                    "role": named.get(r["role"], r["role"]),
                    "started_on": on(r.get("started_on")),
                    "ended_on": on(r.get("ended_on")),
                }
                for r in view["roles"]
            ],
            "contracts": [
                c | {"status": word("contract_status", c["status"], lang) if c.get("status") else ""}
                for c in view["contracts"]
            ],
            "sites": [
                s | {"fields": {policy.field_label(f, lang): v for f, v in s["fields"].items()}}
                for s in view["sites"]
            ],
            "restricted": restricted
            and {
                "since": on(restricted["since"]),
                "ground": word("restriction_ground", restricted["ground"], lang)
                if restricted.get("ground")
                else "",
            },
        }

    return r
