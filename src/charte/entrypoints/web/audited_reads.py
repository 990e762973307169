"""No personal data leaves over HTTP without an audit entry: one guard for every route.

A route that can return personal data says so when it is declared (``openapi_extra=PERSONAL``,
which the OpenAPI shows as ``x-charte-personal-data: true``; every other route says ``False``
with ``NO_PERSONAL`` — ``tests/integration/test_audited_routes.py`` fails on a route that says
neither). While a request is served, the audit entries written for it are counted
(``services.audit.audit_scope``); if a personal-data route is about to answer with success and no
entry was written, the answer is replaced by a 500 problem that says nothing of the data, and the
route is named in the log. So a read that forgets its entry fails closed, in tests and in
production, instead of leaking unrecorded (GDPR Art. 5(2), 32; CNIL délibération 2021-122).
A route that declared nothing is held to the personal-data rule: forgetting the declaration
fails closed too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charte.services.audit import audit_scope

KEY = "x-charte-personal-data"
PERSONAL: dict[str, Any] = {KEY: True}
NO_PERSONAL: dict[str, Any] = {KEY: False}

log = logging.getLogger("charte.audit")
NOTHING_READ = "charte.nothing_personal"  # a scope key: this answer read no personal data


def nothing_read(request: Any) -> None:
    """Say, for this answer only, that a personal-data route read nothing personal (a search
    form shown empty): the guard lets it through without an entry."""
    request.scope[NOTHING_READ] = True


def says_personal(route: Any) -> bool | None:
    """What a route declared: True, False, or None when it declared nothing."""
    extra = getattr(route, "openapi_extra", None) or {}
    found = extra.get(KEY)
    return found if isinstance(found, bool) else None


class AuditedReads:
    """The ASGI guard (installed by ``create_app`` around the routes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with audit_scope() as counted:
            refused = False

            async def guarded(message: Message) -> None:
                nonlocal refused
                if refused:
                    return  # the handler's own body is dropped: nothing of it leaves
                route = scope.get("route")
                if (
                    message["type"] == "http.response.start"
                    and 200 <= message["status"] < 300
                    and hasattr(route, "openapi_extra")  # a route of ours (not /docs, /static)
                    and says_personal(route) is not False  # undeclared counts as personal
                    and counted.entries == 0
                    and not scope.get(NOTHING_READ)
                ):
                    refused = True
                    path = getattr(route, "path", "?")
                    log.error("refused an unaudited answer of %s %s", scope["method"], path)
                    await _unaudited(send)
                    return
                await send(message)

            await self.app(scope, receive, guarded)


async def _unaudited(send: Send) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Unaudited read",
            "status": 500,
            "detail": "this answer would carry personal data that no audit entry records: it is withheld",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
