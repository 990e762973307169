"""The one mapping from errors to HTTP responses (RFC 9457 problem details).

    Unauthenticated -> 401 (WWW-Authenticate: Bearer)   LoginRefused  -> 401
    CsrfMismatch    -> 403
    AccessDenied    -> 403 (with the gate's reason)     Refused       -> 422
    NotFound        -> 404                              NotReady      -> 503
    DatabaseLost    -> 503 (Retry-After: a change cut by a failover, nothing applied)
    Conflict        -> 409                              ImportRefused -> 422 (with every line error)
    UnknownName     -> 400 (a role or purpose the policy does not declare)
    MissingPurpose  -> 400                              BodyTooLarge  -> 413
    TooManyRequests -> 429 (Retry-After)
    DomainError     -> 422                              SignedOut     -> 303 to /login
    DBAPIError      -> 503 (Retry-After; the kind of failure only, never the driver's message);
                       a NUL refused by PostgreSQL's driver -> 422
    RequestValidationError -> 422: FastAPI's JSON on the API, a page naming the fields on pages

The same statuses serve the pages (console, portal): there the error is a page saying what went
wrong, with a way back, instead of problem+json (``pages.is_page``).

Messages name refs and fields, never personal values (as every charte error).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError

from charte.bootstrap import Container
from charte.domain.errors import DomainError, UnknownName
from charte.entrypoints.web import pages, portal_words
from charte.entrypoints.web.auth import CsrfMismatch, MissingPurpose, Unauthenticated
from charte.entrypoints.web.console_refusals import refusal
from charte.entrypoints.web.console_words import NOT_FOUND, translator
from charte.entrypoints.web.schemas import InvalidInput, Problem
from charte.services.access import AccessDenied
from charte.services.errors import Conflict, DatabaseLost, NotFound, NotReady, Refused, ServiceError
from charte.services.sessions import LoginRefused

# Seconds a client waits before retrying when the database failed (RFC 9110, 10.2.3): a failover
# of the register's PostgreSQL promotes its standby in seconds (docs/deploy.md), and the alarm
# screen and integrators retry on this header rather than give up on a 503.
DATABASE_RETRY_AFTER = 5

NUL_REFUSED = "a value holds a NUL character (U+0000), which is not text: send plain text"


def nul_refused(exc: DBAPIError) -> bool:
    """PostgreSQL's driver refuses a NUL in a text parameter before anything is sent (psycopg's
    DataError); bodies are refused by their schema naming the field (schemas.Input), this is the
    backstop for paths, queries and forms."""
    return type(exc.orig).__name__ == "DataError" and "NUL (0x00)" in str(exc.orig)


class ImportRefused(ServiceError):
    """An event batch was refused; nothing of it was applied."""

    def __init__(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        super().__init__(f"{summary['rejected']} of {summary['lines']} line(s) refused; nothing applied")


class BodyTooLarge(ServiceError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")


def _documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    body: dict[str, Any] = {"application/problem+json": {"schema": Problem.model_json_schema()}}
    documented: dict[int | str, dict[str, Any]] = {
        status: {"description": DESCRIPTIONS[status], "content": body} for status in statuses
    }
    if 422 in documented:  # a rule's refusal is a problem; invalid input keeps FastAPI's JSON
        documented[422] = documented[422] | {
            "content": body | {"application/json": {"schema": InvalidInput.model_json_schema()}}
        }
    return documented


DESCRIPTIONS = {
    400: "Bad request: no purpose, or a role or purpose the policy does not declare",
    401: "No valid bearer token",
    403: "The access gate refused, with its reason",
    404: "Not found",
    409: "A concurrent change got there first; retry",
    413: "Body too large",
    422: "Refused by a rule, or invalid input",
    503: "Not ready (the database is not migrated), or the database failed: retry after Retry-After seconds",
}


def documented() -> dict[int | str, dict[str, Any]]:
    """The problem responses every /api/v1 route may give, for the OpenAPI contract."""
    return _documented(400, 401, 403, 404, 409, 413, 422, 503)


def problem(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    """The error as a page on pages (console, portal), as problem+json on the API."""
    return _problem(request, status, title, detail, **extra)


def _problem(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if pages.is_page(request):
        path = request.url.path
        back = (
            "/portal"
            if path.startswith("/portal")
            else "/console/alarms"
            if "/alarms" in path
            else "/console"
        )
        lang = pages.language(request)
        title = pages.PAGE_TITLES.get(status, {}).get(lang, title)
        if path.startswith("/portal"):  # the public's pages speak the visitor's words only
            detail = portal_words.problem_detail(status, detail, lang, str(extra.get("retry_after", "")))
        else:  # the console says why in its reader's language, naming its fields, not the CLI's options
            detail = refusal(detail, lang)
        container = getattr(request.app.state, "container", None)
        if isinstance(container, Container) and path.startswith("/console"):
            try:  # the console's header and navigation stay on its error pages
                actor = pages.signed_in(container, request)
            except Exception:  # an error page must render even when the database does not answer
                actor = None
            if actor is not None:
                return pages.console_page(
                    container,
                    request,
                    actor,
                    "error.html.j2",
                    status=status,
                    title=title,
                    detail=detail,
                    back=back,
                )
        return pages.page("error.html.j2", status=status, lang=lang, title=title, detail=detail, back=back)
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # The API keeps FastAPI's JSON (its OpenAPI contract); a page says which field, as a page.
        if not pages.is_page(request):
            return await request_validation_exception_handler(request, exc)
        fields = sorted({".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]) for e in exc.errors()})
        return _problem(request, 422, "Invalid input", f"missing or invalid: {', '.join(fields)}")

    @app.exception_handler(pages.SignedOut)
    async def signed_out(request: Request, exc: pages.SignedOut) -> Response:
        if pages.is_page(request):
            return RedirectResponse("/login", status_code=303, headers=pages.SECURITY_HEADERS)
        return _problem(request, 401, "Unauthenticated", str(exc))

    @app.exception_handler(LoginRefused)
    async def login_refused(request: Request, exc: LoginRefused) -> Response:
        return _problem(request, 401, "Login refused", str(exc))

    @app.exception_handler(CsrfMismatch)
    async def csrf_mismatch(request: Request, exc: CsrfMismatch) -> Response:
        return _problem(request, 403, "Forbidden", str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        detail = str(exc)
        if pages.is_page(request) and exc.what in NOT_FOUND:  # the console says it in words
            _ = translator(pages.language(request))
            detail = _("{what} introuvable : {ref}").format(
                what=_(NOT_FOUND[exc.what]).capitalize(), ref=exc.ref
            )
        return _problem(request, 404, "Not found", detail)

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, exc: NotReady) -> Response:
        return _problem(request, 503, "Not ready", str(exc))

    @app.exception_handler(DatabaseLost)
    async def database_lost(request: Request, exc: DatabaseLost) -> Response:
        # As a failed database call below: the client retries the same request when told.
        response = _problem(request, 503, "Database unavailable", str(exc), retry_after=DATABASE_RETRY_AFTER)
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        return _problem(request, 409, "Conflict", str(exc))

    @app.exception_handler(ImportRefused)
    async def refused(request: Request, exc: ImportRefused) -> Response:
        return _problem(request, 422, "Events refused", str(exc), summary=exc.summary)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _problem(request, 413, "Body too large", str(exc))

    @app.exception_handler(pages.TooManyRequests)
    async def too_many(request: Request, exc: pages.TooManyRequests) -> Response:
        response = _problem(request, 429, "Too many requests", str(exc), retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(DBAPIError)
    async def database(request: Request, exc: DBAPIError) -> Response:
        if nul_refused(exc):  # a NUL in a path, a query or a form: the client's input, not the database
            return _problem(request, 422, "Invalid input", NUL_REFUSED)
        # Never the driver's message: it quotes the statement and may quote its values.
        lost = "connection lost" if exc.connection_invalidated else type(exc.orig or exc).__name__
        response = _problem(
            request,
            503,
            "Database unavailable",
            f"the database failed ({lost}): retry in {DATABASE_RETRY_AFTER} s",
            retry_after=DATABASE_RETRY_AFTER,
        )
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        response = _problem(request, 401, "Unauthenticated", str(exc))
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, exc: AccessDenied) -> Response:
        detail = str(exc)
        lang = pages.language(request)
        if pages.is_page(request) and exc.reason is not None and refusal(detail, lang) == detail:
            detail = pages.said("decision", f"denied:{exc.reason.value}", lang)  # the reason in words
        return _problem(
            request, 403, "Access denied", detail, reason=exc.reason.value if exc.reason else None
        )

    @app.exception_handler(Refused)
    async def refused_(request: Request, exc: Refused) -> Response:
        return _problem(request, 422, "Refused", str(exc))

    @app.exception_handler(MissingPurpose)
    async def no_purpose(request: Request, exc: MissingPurpose) -> Response:
        return _problem(request, 400, "Purpose required", str(exc))

    @app.exception_handler(UnknownName)
    async def unknown_name(request: Request, exc: UnknownName) -> Response:
        return _problem(request, 400, "Unknown name", str(exc))

    @app.exception_handler(DomainError)
    async def domain(request: Request, exc: DomainError) -> Response:
        return _problem(request, 422, "Refused", str(exc))
