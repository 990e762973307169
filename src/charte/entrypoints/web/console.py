"""The console's door: login, logout and the signed-in landing page (services.sessions).

Cookies, CSRF and security headers are shared by every page: ``charte.entrypoints.web.pages``.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from charte.bootstrap import Container
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.console_refusals import refusal
from charte.entrypoints.web.pages import SECURITY_HEADERS, SESSION_COOKIE, STATIC
from charte.services import sessions

__all__ = ["STATIC", "router"]


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/login", openapi_extra=NO_PERSONAL)
    def login_page(request: Request) -> Response:
        token = pages.csrf_token(request)
        lang = pages.language(request)
        return pages.with_csrf(request, pages.page("login.html.j2", lang=lang, csrf=token), token)

    @r.post("/login", openapi_extra=NO_PERSONAL)
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=200)],
        password: Annotated[str, Form(max_length=1024)],
        csrf: Annotated[str, Form(max_length=100)],
    ) -> Response:
        pages.check_csrf(request, csrf)
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
            lang = pages.language(request)
            error = refusal(str(refused), lang)
            return pages.page("login.html.j2", status=401, lang=lang, csrf=csrf, error=error)
        response = RedirectResponse(pages.home(container, _actor), status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            SESSION_COOKIE,
            secret,
            max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=pages.secure(request),
            path="/",
        )
        # A fresh anti-forgery token for the session (the login page's may have been seen by others).
        return pages.with_csrf(request, response, secrets.token_urlsafe(32))

    @r.post("/logout", openapi_extra=NO_PERSONAL)
    def logout(request: Request, csrf: Annotated[str, Form(max_length=100)]) -> Response:
        pages.check_csrf(request, csrf)
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            sessions.logout(
                store=container.actors(), auditor=container.auditor, clock=container.clock, secret=secret
            )
        response = RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return r
