"""The data subjects' portal at /portal: public pages, no account (``charte.services.portal``).

- ``GET /portal``: each right, the deadline, identity, the CNIL route, and the request form in
  two steps: the right first (``?type=``), then only the fields that right needs (no script: a
  plain form for each step).
- ``POST /portal/demande``: file a request; the follow-up number is shown once. A mistake is told
  field by field in the visitor's language, with everything typed kept.
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
from datetime import date
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from charte.bootstrap import Container
from charte.domain.contacts import unsafe_character
from charte.domain.prospecting import Channel
from charte.domain.vocabulary import Language, Right
from charte.entrypoints.web import body_limits, pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.portal_words import ERRORS, STATUS, words
from charte.services import consents, portal
from charte.services.documents.wording import RIGHT, day, duration
from charte.services.documents.words import word
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


def dated(status: dict[str, Any], lang: Language) -> dict[str, Any]:
    """A request's public status with its dates as the visitor writes them (26/11/2026 in French)."""
    return status | {
        f"{key}_local": day(date.fromisoformat(status[f"{key}_on"]), lang) if status.get(f"{key}_on") else ""
        for key in ("received", "due")
    }


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

    objectable = [p for p, body in policy.purposes.items() if body.objection.value != "none"]
    rectifiable = portal.rectifiable_fields(policy)
    granted = [right.value for right in policy.rights.granted]

    def form_choices(lang: Language, chosen: str | None = None) -> dict[str, Any]:
        """The choices of the form, in words: the uses one may object to, the data one may have
        corrected (by their labels, in the order of the alphabet), the grounds of a restriction."""
        fields = sorted(((f, policy.field_label(f, lang)) for f in rectifiable), key=lambda x: x[1].lower())
        grounds = [
            (g.value, (said := word("restriction_ground", g.value, lang))[:1].upper() + said[1:])
            for g in policy.rights.restriction_grounds
        ]
        return {
            "chosen": chosen if chosen in granted else None,
            "chosen_label": RIGHT[Right(chosen)][lang][0] if chosen in granted else "",
            "purposes": [(p, policy.purposes[p].label(lang)) for p in objectable],
            "grounds": grounds,
            "fields": fields,
            "errors": {},
            "v": {},
        }

    @r.get("/portal", openapi_extra=NO_PERSONAL)
    def home(
        request: Request,
        lang: Annotated[str | None, Query(max_length=2)] = None,
        type_: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    ) -> Response:
        language = _lang(lang)
        return show(request, "portal.html.j2", language, **form_choices(language, type_))

    def mistakes(form: dict[str, str], lang: Language) -> dict[str, str]:
        """What is wrong in the form, field by field, in the visitor's words."""
        found: dict[str, str] = {}

        def say(field: str, key: str, **values: Any) -> None:
            found.setdefault(field, ERRORS[key][lang].format(**values))

        for field, limit in (
            ("name", 400),
            ("contact", 400),
            ("new_value", 400),
            ("details", portal.DETAILS_MAX),
        ):
            value = form.get(field, "")
            if len(value) > limit:
                say(field, "too_long", limit=limit)
            elif field != "details" and unsafe_character(value) is not None:
                say(field, "one_line")
        if not form.get("name", "").strip():
            say("name", "name")
        if not form.get("contact", "").strip():
            say("contact", "contact")
        kind = form.get("type", "")
        if kind not in granted:
            say("type", "type")
        if kind == "opposition" and form.get("purpose") not in objectable:
            say("purpose", "purpose")
        if kind == "rectification":
            if form.get("field") not in rectifiable:
                say("field", "field")
            if not form.get("new_value", "").strip():
                say("new_value", "new_value")
        if kind == "restriction" and form.get("ground") not in {
            g.value for g in policy.rights.restriction_grounds
        }:
            say("ground", "ground")
        return found

    @r.post("/portal/demande", openapi_extra=NO_PERSONAL)
    def file(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        # Lengths are judged by the form's own check (in the visitor's words), within a bound.
        type_: Annotated[str, Form(alias="type", max_length=32)] = "",
        name: Annotated[str, Form(max_length=4000)] = "",
        contact: Annotated[str, Form(max_length=4000)] = "",
        details: Annotated[str, Form(max_length=4 * portal.DETAILS_MAX)] = "",
        purpose: Annotated[str, Form(max_length=64)] = "",
        field: Annotated[str, Form(max_length=64)] = "",
        new_value: Annotated[str, Form(max_length=4000)] = "",
        ground: Annotated[str, Form(max_length=32)] = "",
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        language = _lang(lang)
        typed = {"type": type_, "name": name, "contact": contact, "details": details, "purpose": purpose,
                 "field": field, "new_value": new_value, "ground": ground}  # fmt: skip

        def again(errors: dict[str, str]) -> Response:
            choices = form_choices(language, type_) | {"errors": errors, "v": typed}
            return show(request, "portal.html.j2", language, status=422, **choices)

        if found := mistakes(typed, language):
            return again(found)
        changes = {field: new_value} if type_ == "rectification" else None
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
        except Refused:  # what the form's own checks did not foresee: said in the visitor's words
            return again({"type": ERRORS["other"][language]})
        response = show(request, "portal_filed.html.j2", language, secret=secret, s=dated(status, language))
        _remember(request, response, secret)
        return response

    withdrawable = [Channel.PHONE, Channel.SMS, Channel.EMAIL]

    def withdraw_choices(lang: Language, typed: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
        w = words(lang)
        return {
            "channels": [(c.value, w[f"channel_{c.value}"]) for c in withdrawable],
            "v": typed,
            "errors": errors,
        }

    @r.get("/portal/consentement", openapi_extra=NO_PERSONAL)
    def withdraw_form(request: Request, lang: Annotated[str | None, Query(max_length=2)] = None) -> Response:
        """GDPR Art. 7(3): withdrawn as easily as given — the contact alone, no proof."""
        language = _lang(lang)
        choices = withdraw_choices(language, {}, {})
        return show(request, "portal_withdraw.html.j2", language, switch_to="/portal/consentement", **choices)

    @r.post("/portal/consentement", openapi_extra=NO_PERSONAL)
    def withdraw_consent(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)],
        channel: Annotated[str, Form(max_length=16)] = "",
        contact: Annotated[str, Form(max_length=400)] = "",
        lang: Annotated[str, Form(max_length=2)] = "fr",
    ) -> Response:
        pages.check_csrf(request, csrf)
        limiter.check(request)
        language = _lang(lang)
        typed = {"channel": channel, "contact": contact}
        if channel not in {c.value for c in withdrawable}:
            channel = Channel.PHONE.value
        try:
            consents.withdraw(
                policy=policy,
                store=container.consents(),
                contacts=container.consent_contacts,
                auditor=container.auditor,
                actor="portal",
                channel=Channel(channel),
                contact=contact,
                how=consents.WithdrawnBy.PORTAL,
            )
        except Refused:
            key = "withdraw_bad_email" if channel == Channel.EMAIL.value else "withdraw_bad_phone"
            errors = {"contact": words(language)[key]}
            return show(
                request,
                "portal_withdraw.html.j2",
                language,
                status=422,
                switch_to="/portal/consentement",
                **withdraw_choices(language, typed, errors),
            )
        # The same answer whether the contact had consents or not: nobody learns whose number is on file.
        return show(request, "portal_withdraw.html.j2", language, done=True, switch_to="/portal/consentement")

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

    def status_page(
        request: Request, secret: str, language: Language, status: int = 200, **extra: Any
    ) -> Response:
        found = portal.status(container.portal_desk(), secret)
        link = None
        if found["answer_ready"]:
            expires, signature = portal.answer_link(container.portal_desk(), secret)
            link = f"/portal/suivi/reponse?expire={expires}&sig={signature}"
        labels = {k: v[language] for k, v in STATUS.items()}
        # Any request type: one filed by the DPO's team may not be among those the portal offers
        # (a withdrawal of consent, a right the policy has since stopped granting).
        right = RIGHT[Right(found["type"])][language][0]
        context = {"s": dated(found, language), "link": link, "labels": labels, "right": right} | extra
        return show(request, "portal_status.html.j2", language, status=status, **context)

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
            raise Refused(ERRORS["number"][pages.language(request)])
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
        try:
            if len(data) > most:
                raise Refused(f"document: at most {most} bytes")
            portal.attach_document(container.portal_desk(), secret, data)
        except Refused:
            language = _lang(lang)
            return status_page(request, secret, language, status=422, error=ERRORS["document"][language])
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
        try:
            portal.verify_code(container.portal_desk(), secret, code)
        except Refused:
            language = _lang(lang)
            return status_page(request, secret, language, status=422, error=ERRORS["code"][language])
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
        try:
            path = portal.answer_file(container.portal_desk(), secret, expire, sig)
        except Refused:  # a link expired or altered: a new one is on the request's page
            language = pages.language(request)
            return status_page(request, secret, language, status=422, error=ERRORS["link"][language])
        return FileResponse(
            path, media_type="application/zip", filename=path.name, headers=pages.SECURITY_HEADERS
        )

    return r
