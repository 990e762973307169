"""What every server-rendered page shares: templates, security headers, cookies, CSRF, who is in.

Cookies:
- ``charte_session``: the session secret; ``HttpOnly`` (no script reads it), ``SameSite=Strict``
  (no cross-site request carries it), ``Secure`` when the request came over HTTPS (behind a TLS
  proxy, run uvicorn with its proxy headers so that the scheme is seen), ``Path=/``.
- ``charte_csrf``: a random token every form repeats in a hidden field (double submit); a post
  whose field and cookie differ is refused with 403. SameSite already stops cross-site posts in
  current browsers; the token covers the others.

Every page carries security headers: a CSP with no inline script or style, no framing, no
referrer, no MIME sniffing, no caching. A session, not a bearer token, opens the console's pages;
the API stays bearer-only, so that no cookie ever authorises an API call (no CSRF on the API).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.web.auth import CsrfMismatch
from charte.entrypoints.web.console_words import (
    CLOSINGS,
    CONTEXTS,
    COURTS,
    DECISIONS,
    IDENTITY_METHODS,
    NOT_FOUND,
    ORDER_KINDS,
    OUTCOMES,
    RECOURSES,
    REQUEST_CHANNELS,
    RESIDENCES,
    SEATS,
    STATUSES,
    STEPS,
    SUBJECTS,
    translator,
)
from charte.services import breaches, sessions
from charte.services.actors import Actor
from charte.services.documents import wording
from charte.services.documents.words import word
from charte.services.errors import ServiceError

SESSION_COOKIE = "charte_session"
CSRF_COOKIE = "charte_csrf"
STATIC = Path(__file__).parent / "static"
PARIS = ZoneInfo("Europe/Paris")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# Pages answer errors as pages; everything else (the API) as problem+json (entrypoints.web.problems).
PAGE_PREFIXES = ("/console", "/portal", "/login", "/logout")


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("charte.entrypoints.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render(name: str, **context: object) -> str:
    return _templates().get_template(name).render(**context)


LANG_COOKIE = "charte_lang"


def language(request: Request) -> Language:
    """The console's language: ``?lang=`` if given, else the visitor's last choice, else French."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return Language.EN if chosen == "en" else Language.FR


def hours(value: float, lang: Language) -> str:
    """A number of hours to one decimal, with the language's decimal mark (10,5 h in French)."""
    text = f"{value:.1f}"
    return f"{text.replace('.', ',') if lang is Language.FR else text} h"


def page(name: str, status: int = 200, lang: Language = Language.FR, **context: object) -> HTMLResponse:
    """A page with the translator ``_``, the writers of dates, instants and codes in the page's
    language (``on``, ``at``, ``said``), and the language switch (the portal passes its own words);
    the language chosen is remembered in a cookie for the next pages."""
    other = Language.FR if lang is Language.EN else Language.EN
    _ = translator(lang)
    words = {
        "_": _,
        "on": lambda value: written_day(value, lang),
        "at": lambda value: written_moment(value, lang),
        "said": lambda kind, code: said(kind, code, lang),
        "hours": lambda value: hours(value, lang),
        "lang": lang.value,
        "other": other.value,
        "switch": "Français" if lang is Language.EN else "English",
    }
    response = HTMLResponse(render(name, **(words | context)), status_code=status, headers=SECURITY_HEADERS)
    response.set_cookie(
        LANG_COOKIE, lang.value, max_age=365 * 86400, httponly=True, samesite="strict", path="/"
    )
    return response


def is_page(request: Request) -> bool:
    return request.url.path.startswith(PAGE_PREFIXES)


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def with_csrf(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request), path="/"
    )
    return response


def csrf_token(request: Request) -> str:
    """The visitor's anti-forgery token, or a new one (set on the response by ``with_csrf``)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def check_csrf(request: Request, field: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie.encode(), field.encode()):
        raise CsrfMismatch


def signed_in(container: Container, request: Request) -> Actor | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return sessions.session_actor(store=container.actors(), clock=container.clock, secret=secret)


def written_day(value: object, lang: Language) -> str:
    """A day as the page's reader writes it (26/11/2026 in French), from a date or an ISO text."""
    if not value:
        return ""
    found = value if isinstance(value, date) and not isinstance(value, datetime) else None
    if found is None:
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        found = date.fromisoformat(text[:10])
    return wording.day(found, lang)


def written_moment(value: object, lang: Language) -> str:
    """An instant in Paris time as the page's reader writes it (26/11/2026 à 12:00)."""
    if not value:
        return ""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return wording.moment(found, lang)


# The engine's vocabularies a console page shows, each told in words: those of the letters
# (services.documents.words) and the console's own (console_words, French then translated).
_CONSOLE_VOCABULARIES: dict[str, Mapping[str, str]] = {
    "court": COURTS,
    "recourse": RECOURSES,
    "residence": RESIDENCES,
    "seat": SEATS,
    "request_channel": REQUEST_CHANNELS,
    "identity_method": IDENTITY_METHODS,
    "order": ORDER_KINDS,
    "request_status": STATUSES,
    "step": STEPS,
    "closing": CLOSINGS,
    "outcome": OUTCOMES,
}


def said(kind: str, code: object, lang: Language) -> str:
    """The words for ``code`` in the vocabulary ``kind``, in the page's language; a code no
    vocabulary knows is shown as it is (the console's walk test finds it)."""
    if code is None or code == "":
        return ""
    if kind == "not_found":  # what could not be found, with its ref to fill in
        found = NOT_FOUND.get(str(code))
        what = translator(lang)(found).capitalize() if found is not None else str(code)
        return translator(lang)("{what} introuvable : {ref}").replace("{what}", what)
    if kind in ("subject", "context"):  # "person:P1", "alarm_session:12": a kind and a ref
        what, _sep, ref = str(code).partition(":")
        found = (SUBJECTS if kind == "subject" else CONTEXTS).get(what)
        return translator(lang)(found).format(ref=ref) if found is not None and ref else str(code)
    if kind == "decision":
        text = str(code)
        reason = text.split(":", 1)[1] if text.startswith("denied:") else text
        return translator(lang)(DECISIONS.get(reason, text))
    if kind in _CONSOLE_VOCABULARIES:
        found = _CONSOLE_VOCABULARIES[kind].get(str(code))
        return translator(lang)(found) if found is not None else str(code)
    return word(kind, code if isinstance(code, bool) else str(code), lang)


def policy_label(container: Container, kind: str, code: object, lang: Language) -> str:
    """A policy id in the policy's words: a purpose, a role, a field, a category of persons, a
    system, an alarm kind, an activity; an id the policy does not declare is shown as it is."""
    if code is None or code == "":
        return ""
    policy, text = container.policy, str(code)
    if kind == "field":
        return policy.field_label(text, lang)
    if kind == "alarm_kind":
        return policy.alarms.kind_label(text, lang) if policy.alarms is not None else text
    if kind == "activity":
        activity = policy.activities.get(text)
        return activity.name(lang) if activity is not None else text
    declared: dict[str, Mapping[str, Any]] = {
        "purpose": policy.purposes,
        "role": policy.roles,
        "category": policy.subject_categories,
        "system": policy.systems,
    }
    found = declared[kind].get(text)
    return str(found.label(lang)) if found is not None else text


def paris(iso: str | None) -> str:
    """An instant as the station reads it: Europe/Paris, to the minute."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


class SignedOut(ServiceError):
    """A console page asked without a live session: the visitor is sent to the login page."""

    def __init__(self) -> None:
        super().__init__("sign in to the console first")


def require_actor(container: Container, request: Request) -> Actor:
    actor = signed_in(container, request)
    if actor is None:
        raise SignedOut
    return actor


# An error page's title, in the visitor's language (the API's problem+json keeps its English titles).
PAGE_TITLES: dict[int, dict[Language, str]] = {
    400: {Language.FR: "Demande invalide", Language.EN: "Bad request"},
    401: {Language.FR: "Connexion nécessaire", Language.EN: "Sign-in needed"},
    403: {Language.FR: "Accès refusé", Language.EN: "Access denied"},
    404: {Language.FR: "Introuvable", Language.EN: "Not found"},
    409: {Language.FR: "Conflit", Language.EN: "Conflict"},
    413: {Language.FR: "Trop volumineux", Language.EN: "Too large"},
    422: {Language.FR: "Saisie à corriger", Language.EN: "Input to correct"},
    429: {Language.FR: "Trop de demandes", Language.EN: "Too many requests"},
    503: {Language.FR: "Service indisponible", Language.EN: "Service unavailable"},
}


class TooManyRequests(ServiceError):
    """A client address posted more than the portal allows in its window (entrypoints.web.portal_pages)."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many requests from this address: retry in {retry_after} s")


def nav(container: Container, actor: Actor) -> dict[str, bool]:
    """Which console pages the header offers this role (each page checks again on its own)."""
    alarms = container.policy.alarms
    return {
        "alarms": alarms is not None and container.gate.check(actor.role, alarms.purpose).allowed,
        "retention": container.gate.may_see_retention(actor.role).allowed,
        "archive": actor.role in container.gate.archive_roles,
        "breaches": actor.role in breaches.handlers(container.policy),
        "trainings": container.policy.training is not None
        and actor.role in container.policy.training.managed_by,
        "accountability": actor.role in container.policy.rights.submit_to
        or actor.role in container.gate.archive_roles,
        "datasets": actor.role in container.policy.rights.submit_to
        or any(actor.role in d.recipients for d in container.policy.datasets.values()),
    }


def home(container: Container, actor: Actor) -> str:
    """Where a signed-in actor lands: the station's operators on the alarm list (at 3 a.m. the
    alarms are what they came for), the others on the dashboard."""
    alarms = container.policy.alarms
    if (
        alarms is not None
        and container.gate.check(actor.role, alarms.purpose).allowed
        and actor.role not in container.policy.rights.submit_to
    ):
        return "/console/alarms"
    return "/console"


def tel(phone: str | None) -> str:
    """A ``tel:`` link's target for a number as the register writes it (spaces, dots, dashes
    dropped; a leading + kept): the station's tablet dials it in one tap (RFC 3966)."""
    if not phone:
        return ""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + "".join(c for c in phone if c.isdigit())


def elapsed(iso: str, now: datetime, lang: Language) -> str:
    """How long ago an alarm went off, in minutes then hours, as the list shows it."""
    minutes = max(0, int((now - datetime.fromisoformat(iso)).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest:02d}"
    return f"{hours // 24} {'j' if lang is Language.FR else 'd'} {hours % 24} h"


def console_page(
    container: Container, request: Request, actor: Actor, name: str, status: int = 200, **context: object
) -> Response:
    """A console page for a signed-in actor: the header's links, the anti-forgery token."""
    token = csrf_token(request)
    shown = nav(container, actor)
    response = page(
        name,
        status=status,
        lang=language(request),
        actor=actor,
        csrf=token,
        nav=shown,
        label=lambda kind, code: policy_label(container, kind, code, language(request)),
        role_label=role.label(language(request))
        if (role := container.policy.roles.get(actor.role))
        else actor.role,
        may_handle_alarms=shown["alarms"],
        **context,
    )
    return with_csrf(request, response, token)
