"""The console's door: login, logout and the signed-in landing page (services.sessions).

Cookies:
- ``charte_session``: the session secret; ``HttpOnly`` (no script reads it), ``SameSite=Strict``
  (no cross-site request carries it), ``Secure`` when the request came over HTTPS (behind a TLS
  proxy, run uvicorn with its proxy headers so that the scheme is seen), ``Path=/``.
- ``charte_csrf``: a random token every form repeats in a hidden field (double submit); a post
  whose field and cookie differ is refused with 403. SameSite already stops cross-site posts in
  current browsers; the token covers the others.

Every page here carries security headers: a CSP with no inline script or style, no framing, no
referrer, no MIME sniffing. A session, not a bearer token, opens these pages; the API stays
bearer-only, so that no cookie ever authorises an API call (no CSRF on the API).
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from charte.bootstrap import Container
from charte.entrypoints.web.auth import CsrfMismatch
from charte.services import sessions
from charte.services.actors import Actor

SESSION_COOKIE = "charte_session"
CSRF_COOKIE = "charte_csrf"
STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("charte.entrypoints.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def _page(name: str, status: int = 200, **context: object) -> HTMLResponse:
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _with_csrf(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
    return response


def _check_csrf(cookie: str | None, field: str) -> None:
    if not cookie or not secrets.compare_digest(cookie.encode(), field.encode()):
        raise CsrfMismatch


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def signed_in(secret: str | None) -> Actor | None:
        if not secret:
            return None
        return sessions.session_actor(store=container.actors(), clock=container.clock, secret=secret)

    @r.get("/login")
    def login_page(
        request: Request, csrf: Annotated[str | None, Cookie(alias=CSRF_COOKIE)] = None
    ) -> Response:
        token = csrf or secrets.token_urlsafe(32)
        return _with_csrf(request, _page("login.html.j2", csrf=token), token)

    @r.post("/login")
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=200)],
        password: Annotated[str, Form(max_length=1024)],
        csrf: Annotated[str, Form(max_length=100)],
        csrf_cookie: Annotated[str | None, Cookie(alias=CSRF_COOKIE)] = None,
    ) -> Response:
        _check_csrf(csrf_cookie, csrf)
        try:
            secret, _actor = sessions.login(
                store=container.actors(),
                passwords=container.passwords,
                auditor=container.auditor,
                clock=container.clock,
                name=name,
                password=password,
            )
        except sessions.LoginRefused as refused:
            return _page("login.html.j2", status=401, csrf=csrf, error=str(refused))
        response = RedirectResponse("/console", status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            SESSION_COOKIE,
            secret,
            max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            path="/",
        )
        # A fresh anti-forgery token for the session (the login page's may have been seen by others).
        return _with_csrf(request, response, secrets.token_urlsafe(32))

    @r.post("/logout")
    def logout(
        csrf: Annotated[str, Form(max_length=100)],
        csrf_cookie: Annotated[str | None, Cookie(alias=CSRF_COOKIE)] = None,
        secret: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> Response:
        _check_csrf(csrf_cookie, csrf)
        if secret:
            sessions.logout(
                store=container.actors(), auditor=container.auditor, clock=container.clock, secret=secret
            )
        response = RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @r.get("/console")
    def console(
        request: Request,
        secret: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
        csrf: Annotated[str | None, Cookie(alias=CSRF_COOKIE)] = None,
    ) -> Response:
        actor = signed_in(secret)
        if actor is None:
            return RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
        token = csrf or secrets.token_urlsafe(32)
        return _with_csrf(request, _page("console.html.j2", actor=actor, csrf=token), token)

    return r
