"""/api/v1/persons and /api/v1/events: reading the register and feeding it."""

from __future__ import annotations

import json
import tempfile
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.entrypoints.web import body_limits, problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, Reading
from charte.entrypoints.web.problems import BodyTooLarge, ImportRefused
from charte.entrypoints.web.schemas import (
    DisclosureIn,
    DisclosureOut,
    ImportSummary,
    PersonPage,
    PersonPublic,
    PersonSearchIn,
    PersonSearchOut,
)
from charte.services import actors, disclosures, person_search, queries
from charte.services.importing import import_events

MAX_OFFSET = 2**31 - 1  # beyond any register; keeps the value inside the databases' integers
MAX_BODY = body_limits.EVENTS  # checked again while spooling (a body without Content-Length)


async def spool(request: Request, limit: int) -> IO[bytes]:
    """The request body in a temporary file (in memory up to 8 MiB), at most ``limit`` bytes."""
    body = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  # returned open
    size = 0
    async for piece in request.stream():
        size += len(piece)
        if size > limit:
            body.close()
            raise BodyTooLarge(limit)
        body.write(piece)
    body.seek(0)
    return body


async def _spool(request: Request) -> IO[bytes]:
    """The request body in a temporary file, as JSON Lines (a JSON array is converted)."""
    body = await spool(request, MAX_BODY)
    head = body.read(1024).lstrip()
    body.seek(0)
    if not head.startswith(b"["):
        return body
    try:
        items = json.load(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        items = None  # let the feed reader report the line as invalid JSON
    body.seek(0)
    if not isinstance(items, list):
        return body
    lines = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  # returned open
    for item in items:
        lines.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
    lines.seek(0)
    body.close()
    return lines


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["register"], responses=problems.documented())

    # exclude_unset: a field the gate hides is absent from the answer, not null.
    @api.get(
        "/persons/{ref}",
        response_model=PersonPublic,
        response_model_exclude_unset=True,
        openapi_extra=PERSONAL,
    )
    def person(ref: str, reader: Reading) -> dict[str, Any]:
        """A person as the caller's role may see them for the purpose (X-Charte-Purpose): only the
        roles, fields, contracts, sites and contact log the access gate lets through."""
        return queries.show_person(
            queries=container.register_queries(),
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            ref=ref,
        )

    @api.post(
        "/persons/search",
        response_model=PersonSearchOut,
        response_model_exclude_unset=True,
        openapi_extra=PERSONAL,
    )
    def search(body: PersonSearchIn, reader: Reading) -> dict[str, Any]:
        """The persons a name, an e-mail address, a phone number or a ref names, each as the
        caller's role may see them for the purpose (X-Charte-Purpose). POST, so that what is typed
        stays out of URLs; audited as a search (how, and how many: never the text) and as a read of
        each person shown."""
        return person_search.search(
            finder=container.person_search(),
            queries=container.register_queries(),
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            text=body.text,
            limit=body.limit,
        ).as_dict()

    @api.post(
        "/disclosures",
        response_model=DisclosureOut,
        response_model_exclude_unset=True,
        openapi_extra=PERSONAL,
    )
    def disclosure(body: DisclosureIn, reader: Reading) -> dict[str, Any]:
        """Give a recipient (a provider, subcontractor or third party of the policy, never staff) its
        view of a person for a purpose — at most what the caller may read itself for the purpose in
        X-Charte-Purpose. Recorded in the ledger and the audit; a refused attempt is audited too."""
        return disclosures.disclose(
            queries=container.register_queries(),
            gate=container.gate,
            auditor=container.auditor,
            ledger=container.disclosures(),
            discloser=reader,
            recipient=body.to,
            purpose=body.purpose,
            ref=body.person,
        )

    @api.get("/persons", response_model=PersonPage, openapi_extra=PERSONAL)
    def persons(
        reader: Reading,
        role: Annotated[str | None, Query(description="Only persons with a role of this kind.")] = None,
        source: Annotated[
            str | None, Query(description="Only roles collected from this source kind.")
        ] = None,
        site: Annotated[str | None, Query(description="Only persons linked to this site.")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """Persons with a role the caller may see for the purpose, showing only those roles."""
        criteria = queries.PersonFilter(role=role, source=source, site=site, limit=limit, offset=offset)
        return queries.list_persons(
            queries=container.register_queries(),
            gate=container.gate,
            auditor=container.auditor,
            reader=reader,
            criteria=criteria,
        )

    @api.post(
        "/events",
        response_model=ImportSummary,
        responses={422: {"description": "Refused: nothing applied"}},
        openapi_extra=NO_PERSONAL,
        max_body_size=body_limits.EVENTS,
    )
    async def events(
        request: Request,
        actor: Calling,
        skip_invalid: Annotated[
            bool, Query(description="Apply the valid events; return the refused ones.")
        ] = False,
    ) -> dict[str, Any]:
        """Apply events (a JSON array, or JSON Lines) atomically; see docs/events.md. Only a
        system actor (`charte actors add NAME --system ID`) feeds the register."""
        system = actors.as_system(actor, "feed events")
        body = await _spool(request)
        rejected: list[dict[str, Any]] = []
        try:
            report = await run_in_threadpool(
                import_events,
                source=body,
                parser=container.feed_reader(sender=system),
                store=container.register_store(),
                skip_invalid=skip_invalid,
                reject=lambda line, _raw, errors: rejected.append(
                    {"line": line, "errors": [f"{e.field}: {e.message}" for e in errors]}
                ),
                audit=(container.auditor, actor.name),
            )
        finally:
            body.close()
        summary = {**report.as_dict(), "rejects": sorted(rejected, key=lambda r: r["line"])}
        if not report.committed:
            raise ImportRefused(summary)
        # Audio the calls of this feed (or earlier ones) wait for, sealed once the import holds.
        calls = container.calls()
        summary["audio_sealed"] = await run_in_threadpool(calls.ingest_pending, container.settings.inbox_dir)
        return summary

    return api
