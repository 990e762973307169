"""How large a request body may be, decided before a byte of it is parsed.

FastAPI (Starlette's ``RequestBodyLimitMiddleware``) refuses a body over its route's limit with
413 as soon as the ``Content-Length`` says so, or as soon as the bytes read pass it — before the
multipart parser spools a file, the JSON parser reads, or the CSRF, rate-limit and ticket checks
run (those need the parsed form). A public, unauthenticated form therefore never makes charte
write more than its limit to disk. Every route gets ``FORMS_AND_JSON`` unless it names its own.
"""

from __future__ import annotations

from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charte.domain.policy import Policy
from charte.entrypoints.web import problems

FORMS_AND_JSON = 64 * 1024  # a console or portal form, an API call's JSON: far below this
EVENTS = 200 * 1024 * 1024  # a CRM export of a few million events; more goes through the CLI
MULTIPART_OVERHEAD = 64 * 1024  # a form's other fields and part headers around its file


def identity_document(policy: Policy) -> int:
    """An identity document sent as the body (the API)."""
    return policy.rights.identity_verification.document_max_bytes


def identity_document_form(policy: Policy) -> int:
    """An identity document inside a form (the portal): the file and the form around it."""
    return identity_document(policy) + MULTIPART_OVERHEAD


class TooLargeAsProblem:
    """Starlette answers an oversized body with its own plain 413; charte's errors are problem
    documents (RFC 9457) naming the limit on the API and pages on the console and portal, so this
    middleware rewrites that answer, whatever layer sent it (the route's limit, or the app's while
    the body streams)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rewriting = False

        async def rewrite(message: Message) -> None:
            nonlocal rewriting
            if message["type"] == "http.response.start" and message["status"] == 413:
                rewriting = True
                limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
                detail = (
                    f"request body larger than {limit} bytes (this route's limit): nothing was read"
                    if isinstance(limit, int)
                    else "request body too large for this route"
                )
                answer = problems.problem(Request(scope), 413, "Body too large", detail)
                answer.headers["connection"] = "close"  # the rest of the body is not read
                await answer(scope, receive, send)
                return
            if rewriting:
                return  # Starlette's own body for it
            await send(message)

        await self.app(scope, receive, rewrite)
