"""The web application: the public charter and the register as pages, and the API under /api/v1.

Built by ``create_app`` from a wired container; nothing is created at import time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import time
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from charte import __version__
from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.web import (
    accountability_pages,
    alarm_screen,
    body_limits,
    breach_pages,
    console,
    dataset_pages,
    dpo_pages,
    pages,
    person_pages,
    portal_pages,
    problems,
    prospecting_pages,
    training_pages,
)
from charte.entrypoints.web.audited_reads import NO_PERSONAL, AuditedReads
from charte.entrypoints.web.daily_sweep import DailySweep
from charte.entrypoints.web.routes import accountability as accountability_routes
from charte.entrypoints.web.routes import alarms as alarms_routes
from charte.entrypoints.web.routes import breaches as breaches_routes
from charte.entrypoints.web.routes import calls as calls_routes
from charte.entrypoints.web.routes import consents as consents_routes
from charte.entrypoints.web.routes import datasets as datasets_routes
from charte.entrypoints.web.routes import outbox as outbox_routes
from charte.entrypoints.web.routes import prospecting as prospecting_routes
from charte.entrypoints.web.routes import register as register_routes
from charte.entrypoints.web.routes import rights as rights_routes
from charte.entrypoints.web.routes import trainings as trainings_routes
from charte.entrypoints.web.schemas import PolicySummary
from charte.services.documents.charter import build_charter
from charte.services.documents.register import build_register, register_entries
from charte.services.errors import NotReady
from charte.services.ports import LoadedPolicy

log = logging.getLogger("charte")

LangQuery = Annotated[Language, Query(description="Language of the page.")]


API_DOCS = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>charte — API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""
DOCS_CSP = pages.SECURITY_HEADERS["Content-Security-Policy"].replace("img-src 'self'", "img-src 'self' data:")


def _nav(lang: Language) -> dict[str, str]:
    """The public pages' links: first what a reader of the charter comes to do — exercise their
    rights on the portal —, the API's documentation last, for integrators."""
    fr = lang is Language.FR
    return {
        "Exercer vos droits" if fr else "Exercise your rights": f"/portal?lang={lang.value}",
        "Charte (fr)": "/charter?lang=fr",
        "Charter (en)": "/charter?lang=en",
        "Registre (Art. 30)" if fr else "Register (Art. 30)": f"/register?lang={lang.value}",
        "CSV": f"/register.csv?lang={lang.value}",
        "API (intégrateurs)" if fr else "API (integrators)": "/docs",
    }


def create_app(
    container: Container,
    loaded: LoadedPolicy | None = None,
    *,
    sweep_at: time | None = None,
    portal_limit: portal_pages.RateLimit | None = None,
) -> FastAPI:
    """The app for one validated policy (loaded now when not given: an invalid one raises).

    With ``sweep_at``, the retention sweep runs every day at that Europe/Paris time;
    ``portal_limit`` replaces the portal's default rate limit (30 posts per 10 minutes per address).
    """
    loaded = loaded or container.policies.load()
    policy = loaded.policy

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Many readers at once: their audit entries share commits (services.audit.GroupCommit).
        container.audit_group_commit = True
        # No tail left unsigned for long, whatever the traffic: a signer signs every moved head
        # within CHARTE_AUDIT_SIGN_WITHIN seconds (the first round signs what a crash left).
        try:
            # A chain of this process's own in each period (domain.audit): processes sharing the
            # audit (on one port, behind a proxy) never wait on one head row. Unique among them:
            # host, process, and a random part for a process id reused after a restart.
            container.auditor.own_chain(f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}")
            container.auditor.start_signer(container.settings.audit_sign_within)
        except NotReady as exc:  # not migrated yet: every read says so too (503)
            log.warning("charte: the audit signer is not running: %s", exc)
        task = None
        if sweep_at is not None:
            app.state.daily_sweep = DailySweep(container, sweep_at)
            task = asyncio.create_task(app.state.daily_sweep.forever())
        yield
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        if "auditor" in container.__dict__:  # built at start (unless the database was not ready)
            container.auditor.stop_group_commit()
            container.auditor.stop_signer()  # and a last signature: shutdown leaves no unsigned tail

    app = FastAPI(
        lifespan=lifespan,
        # /docs is charte's own page on a vendored Swagger UI (FastAPI's loads it from a CDN, with
        # an inline script: blank offline and refused by the CSP); no ReDoc.
        docs_url=None,
        redoc_url=None,
        title="charte",
        version=__version__,
        summary="A data-protection charter as enforced code.",
        description="Personal data need `Authorization: Bearer <token>` (charte actors add) and the "
        "purpose of each read in `X-Charte-Purpose`; every read is audited. See docs/access.md.",
    )
    app.state.container = container  # what the auth dependencies read (entrypoints.web.auth)
    problems.install(app)
    app.add_middleware(AuditedReads)  # no personal data leaves without its audit entry
    app.add_middleware(body_limits.TooLargeAsProblem)
    # Every body bounded before it is read; routes that take more say so (body_limits). Given per
    # router, not to the app, so that an oversized body is answered inside the error mapping.
    small = body_limits.FORMS_AND_JSON
    app.include_router(register_routes.router(container), max_body_size=small)
    app.include_router(outbox_routes.router(container), max_body_size=small)
    app.include_router(rights_routes.router(container), max_body_size=small)
    app.include_router(calls_routes.router(container), max_body_size=small)
    app.include_router(alarms_routes.router(container), max_body_size=small)
    app.include_router(prospecting_routes.router(container), max_body_size=small)
    app.include_router(breaches_routes.router(container), max_body_size=small)
    app.include_router(consents_routes.router(container), max_body_size=small)
    app.include_router(trainings_routes.router(container), max_body_size=small)
    app.include_router(datasets_routes.router(container), max_body_size=small)
    app.include_router(accountability_routes.router(container), max_body_size=small)
    app.include_router(console.router(container), max_body_size=small)
    app.include_router(dpo_pages.router(container), max_body_size=small)
    app.include_router(dpo_pages.more_pages(container), max_body_size=small)
    app.include_router(person_pages.router(container), max_body_size=small)
    app.include_router(prospecting_pages.router(container), max_body_size=small)
    app.include_router(breach_pages.router(container), max_body_size=small)
    app.include_router(training_pages.router(container), max_body_size=small)
    app.include_router(dataset_pages.router(container), max_body_size=small)
    app.include_router(accountability_pages.router(container), max_body_size=small)
    app.include_router(alarm_screen.router(container), max_body_size=small)
    app.include_router(portal_pages.router(container, portal_limit), max_body_size=small)
    app.mount("/static", StaticFiles(directory=console.STATIC), name="static")

    @app.get("/docs", include_in_schema=False, openapi_extra=NO_PERSONAL)
    def api_docs() -> HTMLResponse:
        """The API's documentation: Swagger UI from /static, under the pages' CSP (its icons are
        data: images, the one thing this page allows beyond the others)."""
        return HTMLResponse(API_DOCS, headers=pages.SECURITY_HEADERS | {"Content-Security-Policy": DOCS_CSP})

    @app.get("/", include_in_schema=False, openapi_extra=NO_PERSONAL)
    def home() -> RedirectResponse:
        return RedirectResponse(f"/charter?lang={policy.default_language.value}")

    @app.get("/charter", response_class=HTMLResponse, tags=["pages"], openapi_extra=NO_PERSONAL)
    def charter_page(lang: LangQuery = Language.FR) -> str:
        """The public charter, regenerated from the policy."""
        return Container.render(build_charter(policy, lang), "html", links=_nav(lang))

    @app.get("/charter.md", response_class=PlainTextResponse, tags=["pages"], openapi_extra=NO_PERSONAL)
    def charter_markdown(lang: LangQuery = Language.FR) -> str:
        return Container.render(build_charter(policy, lang), "md")

    @app.get("/register", response_class=HTMLResponse, tags=["pages"], openapi_extra=NO_PERSONAL)
    def register_page(lang: LangQuery = Language.FR) -> str:
        """The record of processing activities (GDPR Art. 30(1))."""
        return Container.render(build_register(policy, lang), "html", links=_nav(lang))

    @app.get("/register.csv", response_class=PlainTextResponse, tags=["pages"], openapi_extra=NO_PERSONAL)
    def register_csv(lang: LangQuery = Language.FR) -> PlainTextResponse:
        headers, entries = register_entries(policy, lang)
        return PlainTextResponse(
            Container.render_csv(headers, [e.cells for e in entries]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="register.csv"'},
        )

    @app.get("/healthz", tags=["operations"], openapi_extra=NO_PERSONAL)
    def health() -> dict[str, str]:
        return {"status": "ok", "policy": policy.id}

    @app.get("/api/v1/policy", response_model=PolicySummary, tags=["policy"], openapi_extra=NO_PERSONAL)
    def policy_summary() -> PolicySummary:
        """The policy in force: its id, charter date, and what it declares."""
        return PolicySummary.of(policy, loaded.source)

    return app
