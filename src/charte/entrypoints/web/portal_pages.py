"""The data subjects' portal at /portal: public pages, no account (``charte.services.portal``).

- ``GET /portal``: each right, the deadline, identity, the CNIL route, and the request form.
- ``POST /portal/demande``: file a request; the follow-up number is shown once.
- ``GET|POST /portal/suivi``: the follow-up number, then the request's page. The number travels
  once in a form and then in a cookie (``charte_portal``: HttpOnly, SameSite=Strict, one hour),
  never in a URL: it would land in histories and logs.
- ``POST /portal/suivi/document``, ``/code``, ``/verifier``: prove identity as the policy asks.
- ``GET /portal/suivi/reponse?expire=&sig=``: the answer's ZIP through a signed link that expires.

Every form carries the CSRF token; every POST is rate-limited per client address (``RateLimit``:
a burst of filings or of code guesses from one place is refused with 429 before it reaches the
register). Answers are the same whether or not the requester is known to the register.
"""

from __future__ import annotations

import time
from collections import deque
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from charte.bootstrap import Container
from charte.domain.vocabulary import Language, Right
from charte.entrypoints.web import body_limits, pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.portal_words import STATUS, words
from charte.services import portal
from charte.services.documents.wording import RIGHT, duration
from charte.services.errors import Refused

PORTAL_COOKIE = "charte_portal"


class RateLimit:
    """At most ``limit`` posts per ``window`` seconds per client address (in this process)."""

    def __init__(self, limit: int = 30, window: float = 600.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = Lock()

    def check(self, request: Request) -> None:
        who = request.client.host if request.client else "unknown"
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 100_000:  # bounded memory under a flood of addresses
                self._seen.clear()
            seen = self._seen.setdefault(who, deque())
            while seen and now - seen[0] > self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                raise pages.TooManyRequests(int(self.window - (now - seen[0])) + 1)
            seen.append(now)


def _lang(value: str | None) -> Language:
    return Language.EN if value == "en" else Language.FR


def _to_status(lang: str) -> RedirectResponse:
    return RedirectResponse(f"/portal/suivi?lang={_lang(lang).value}", 303, headers=pages.SECURITY_HEADERS)


def router(container: Container, limit: RateLimit | None = None) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    limiter = limit or RateLimit()
    policy = container.policy

    def common(request: Request, lang: Language) -> dict[str, Any]:
        w = words(lang)
        authority = policy.supervisory_authority
        return {
            "w": w,
            "csrf": pages.csrf_token(request),
            "rights": [(right.value, *RIGHT[right][lang]) for right in policy.rights.granted],
            "intro": w["intro"].format(controller=policy.controller.name),
            "deadline": w["deadline"].format(
                within=duration(policy.rights.reply_within, lang),
                extension=duration(policy.rights.extension_up_to, lang),
            ),
            "cnil": w["cnil"].format(
                authority=authority.full_name,
                name=authority.name,
                url=authority.complaint_url,
                address=", ".join(authority.postal_address),
            ),
            "code_allowed": any(m.value == "code" for m in policy.rights.identity_verification.methods),
        }

    def show(request: Request, name: str, lang: Language, status: int = 200, **extra: Any) -> Response:
        context = common(request, lang) | extra
        response = pages.page(name, status=status, lang=lang, **context)
        return pages.with_csrf(request, response, str(context["csrf"]))

    def form_choices(lang: Language) -> dict[str, Any]:
        objectable = [p for p, body in policy.purposes.items() if body.objection.value != "none"]
        return {
            "purposes": [(p, policy.purposes[p].label(lang)) for p in objectable],
            "grounds": [g.value for g in policy.rights.restriction_grounds],
            "fields": sorted(policy.fields),
        }

    @r.get("/portal", openapi_extra=NO_PERSONAL)
    def home(request: Request, lang: Annotated[str | None, Query(max_length=2)] = None) -> Response:
        language = _lang(lang)
        return show(request, "portal.html.j2", language, **form_choices(language))

    @r.post("/portal/demande", openapi_extra=NO_PERSONAL)
    def file(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        type_: Annotated[str, Form(alias="type", max_length=32)],
        name: Annotated[str, Form(max_length=400)],
        contact: Annotated[str, Form(max_length=400)],
        details: Annotated[str, Form(max_length=portal.DETAILS_MAX)] = "",
        purpose: Annotated[str, Form(max_length=64)] = "",
        field: Annotated[str, Form(max_length=64)] = "",
        new_value: Annotated[str, Form(max_length=400)] = "",
        ground: Annotated[str, Form(max_length=32)] = "",
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        language = _lang(lang)
        changes = {field: new_value} if type_ == "rectification" and field else None
        try:
            secret, status = portal.file_request(
                container.portal_desk(),
                type_=type_,
                claimed_name=name,
                contact=contact,
                details=details or None,
                purpose=purpose if type_ == "opposition" else None,
                changes=changes,
                ground=ground if type_ == "restriction" else None,
            )
        except Refused as refused:
            choices = form_choices(language)
            return show(request, "portal.html.j2", language, status=422, error=str(refused), **choices)
        response = show(request, "portal_filed.html.j2", language, secret=secret, s=status)
        _remember(request, response, secret)
        return response

    def _remember(request: Request, response: Response, secret: str) -> None:
        secure = pages.secure(request)
        response.set_cookie(
            PORTAL_COOKIE,
            secret,
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/portal",
        )

    def ticket(request: Request) -> str | None:
        return request.cookies.get(PORTAL_COOKIE)

    @r.get("/portal/suivi", openapi_extra=NO_PERSONAL)
    def follow(request: Request, lang: Annotated[str | None, Query(max_length=2)] = None) -> Response:
        language = _lang(lang)
        secret = ticket(request)
        if not secret:
            return show(request, "portal_follow.html.j2", language)
        return status_page(request, secret, language)

    def status_page(request: Request, secret: str, language: Language, **extra: Any) -> Response:
        status = portal.status(container.portal_desk(), secret)
        link = None
        if status["answer_ready"]:
            expires, signature = portal.answer_link(container.portal_desk(), secret)
            link = f"/portal/suivi/reponse?expire={expires}&sig={signature}"
        labels = {k: v[language] for k, v in STATUS.items()}
        # Any request type: one filed by the DPO's team may not be among those the portal offers
        # (a withdrawal of consent, a right the policy has since stopped granting).
        right = RIGHT[Right(status["type"])][language][0]
        context = {"s": status, "link": link, "labels": labels, "right": right} | extra
        return show(request, "portal_status.html.j2", language, **context)

    @r.post("/portal/suivi", openapi_extra=NO_PERSONAL)
    def follow_with(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        number: Annotated[str, Form(max_length=100)],
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)  # guessing numbers is rate-limited like everything else
        portal.request_id(container.portal_desk(), number)  # 404 page when unknown
        response = RedirectResponse(
            f"/portal/suivi?lang={_lang(lang).value}", 303, headers=pages.SECURITY_HEADERS
        )
        _remember(request, response, number.strip())
        return response

    def needs_ticket(request: Request) -> str:
        secret = ticket(request)
        if not secret:
            raise Refused("enter your follow-up number first (/portal/suivi)")
        return secret

    @r.post(
        "/portal/suivi/document",
        openapi_extra=NO_PERSONAL,
        max_body_size=body_limits.identity_document_form(container.policy),
    )
    async def upload(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        document: Annotated[UploadFile, File()],
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        secret = needs_ticket(request)
        most = body_limits.identity_document(container.policy)
        data = await document.read(most + 1)
        if len(data) > most:
            raise Refused(f"document: at most {most} bytes")
        portal.attach_document(container.portal_desk(), secret, data)
        return RedirectResponse(
            f"/portal/suivi?lang={_lang(lang).value}", 303, headers=pages.SECURITY_HEADERS
        )

    @r.post("/portal/suivi/code", openapi_extra=NO_PERSONAL)
    def code(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        secret = needs_ticket(request)
        portal.send_code(container.portal_desk(), secret)
        language = _lang(lang)
        return status_page(request, secret, language, notice=words(language)["code_sent"])

    @r.post("/portal/suivi/verifier", openapi_extra=NO_PERSONAL)
    def verify(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        code: Annotated[str, Form(max_length=20)],
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        secret = needs_ticket(request)
        portal.verify_code(container.portal_desk(), secret, code)
        return RedirectResponse(
            f"/portal/suivi?lang={_lang(lang).value}", 303, headers=pages.SECURITY_HEADERS
        )

    @r.get("/portal/suivi/reponse", openapi_extra=PERSONAL)
    def answer(
        request: Request,
        expire: Annotated[int, Query(ge=0, le=2**40)],
        sig: Annotated[str, Query(min_length=64, max_length=64)],
    ) -> Response:
        secret = needs_ticket(request)
        path = portal.answer_file(container.portal_desk(), secret, expire, sig)
        return FileResponse(
            path, media_type="application/zip", filename=path.name, headers=pages.SECURITY_HEADERS
        )

    return r
