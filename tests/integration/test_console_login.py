"""Console login with Argon2id passwords and server-side sessions, on both engines."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.adapters.db import tables
from charte.entrypoints.web import app as web
from charte.services import actors, sessions
from charte.services.errors import NotFound, Refused
from tests.conftest import token

PASSWORD = "Station-nuit-2026!"  # noqa: S105  # a test account's


def set_password(app, name: str, password: str = PASSWORD) -> None:
    sessions.set_password(
        store=app.actors(), passwords=app.passwords, clock=app.clock, name=name, password=password, by="admin"
    )


@pytest.fixture
def http(app):
    token(app, "op-1", role="station_operator")
    set_password(app, "op-1")
    with TestClient(web.create_app(app), base_url="https://testserver", follow_redirects=False) as client:
        yield client


def csrf(http) -> str:
    page = http.get("/login")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def log_in(http, name: str = "op-1", password: str = PASSWORD):
    return http.post("/login", data={"name": name, "password": password, "csrf": csrf(http)})


def session_entries(app) -> list[dict]:
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        bodies = conn.execute(select(a.body).where(a.action == "session").order_by(a.id)).scalars()
        return [json.loads(b) for b in bodies]


def test_passwords_are_stored_only_as_argon2id_hashes(app):
    """Console passwords hashed with argon2."""
    token(app, "dpo-1", role="dpo")
    set_password(app, "dpo-1")
    with app.engine.connect() as conn:
        stored = conn.execute(select(tables.actors.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert app.passwords.verify(stored, PASSWORD)


def test_a_weak_password_a_system_actor_and_an_unknown_actor_are_refused(app):
    """CNIL 2022-100 case n° 1; systems feed events and have no console login."""
    token(app, "dpo-1", role="dpo")
    token(app, "crm-feed", system="crm")
    with pytest.raises(Refused, match="too weak"):
        set_password(app, "dpo-1", "password")
    with pytest.raises(Refused, match="has no console login"):
        set_password(app, "crm-feed")
    with pytest.raises(NotFound, match="actor not found: nobody"):
        set_password(app, "nobody")


def test_a_right_password_opens_a_session_whose_cookie_scripts_cannot_read(http):
    """Sessions in HttpOnly, SameSite, Secure (behind TLS) cookies."""
    answer = log_in(http)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/alarms"  # the station lands on its alarms
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("charte_session="))
    assert {"HttpOnly", "SameSite=strict", "Secure", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    assert http.get("/console").headers["location"] == "/console/alarms"
    page = http.get("/console/alarms")
    assert page.status_code == 200
    assert "op-1" in page.text
    assert "Opérateurs de la station de télésurveillance" in page.text  # the role in words


def test_wrong_password_unknown_name_and_locked_account_get_the_same_answer(http, app):
    """No enumeration of staff accounts; CNIL 2022-100 slows logins after failures."""
    wrong = log_in(http, password="Not-the-password-1")  # noqa: S106
    unknown = log_in(http, name="someone.else")
    assert wrong.status_code == unknown.status_code == 401
    message = "Connexion refusée : identifiant ou mot de passe erroné, ou trop d"  # the page is French
    assert message in wrong.text
    assert message in unknown.text
    assert "charte_session" not in wrong.headers.get("set-cookie", "")
    for _ in range(sessions.FAILURES_BEFORE_LOCK - 1):
        log_in(http, password="Not-the-password-1")  # noqa: S106
    locked = log_in(http)  # the right password, but the account is locked
    assert locked.status_code == 401
    assert message in locked.text
    app.clock.shift += sessions.LOCK_TIME + timedelta(seconds=1)
    assert log_in(http).status_code == 303
    events = [(e["actor"], e["detail"]) for e in session_entries(app)]
    assert events[:2] == [
        ("op-1", {"event": "refused", "why": "wrong_password"}),
        ("unknown", {"event": "refused", "why": "no_such_login"}),  # what was typed is not kept
    ]
    assert ("op-1", {"event": "refused", "why": "locked"}) in events
    assert events[-1] == ("op-1", {"event": "opened"})
    assert "someone.else" not in json.dumps(session_entries(app))


def test_logout_revocation_a_new_password_and_expiry_each_end_a_session(http, app):
    """A session stops at logout, at its actor's revocation or new password, and after 8 hours."""
    log_in(http)
    page = http.get("/console/alarms")
    form_token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert http.post("/logout", data={"csrf": form_token}).status_code == 303
    assert http.get("/console").headers["location"] == "/login"
    assert session_entries(app)[-1]["detail"] == {"event": "ended"}

    log_in(http)
    set_password(app, "op-1", "Autre-mot-de-passe-9")
    assert http.get("/console").status_code == 303

    log_in(http, password="Autre-mot-de-passe-9")  # noqa: S106
    app.clock.shift += sessions.SESSION_LIFETIME
    assert http.get("/console").status_code == 303

    log_in(http, password="Autre-mot-de-passe-9")  # noqa: S106
    actors.revoke(actors=app.actors(), clock=app.clock, name="op-1", by="admin")
    assert http.get("/console").status_code == 303


def test_a_form_posted_without_its_anti_forgery_token_is_refused(http):
    """CSRF protection on every form; , for the login and logout forms built now."""
    http.get("/login")
    forged = http.post("/login", data={"name": "op-1", "password": PASSWORD, "csrf": "forged"})
    assert forged.status_code == 403
    assert "Le formulaire a expiré : rechargez la page" in forged.text  # a French page, not JSON
    http.cookies.clear()
    assert http.post("/login", data={"name": "op-1", "password": PASSWORD, "csrf": "x"}).status_code == 403


def test_console_pages_carry_a_strict_content_security_policy_and_no_inline_code(http):
    """Security headers, a CSP without inline scripts."""
    page = http.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page.text, re.S)
    assert scripts == [""]  # one script, htmx from /static: none inline
    assert '<script src="/static/htmx.min.js" defer>' in page.text
    assert "style=" not in page.text
    assert "<style" not in page.text
    assert http.get("/static/console.css").status_code == 200
    assert http.get("/static/htmx.min.js").status_code == 200


def test_the_api_does_not_accept_a_console_session_in_place_of_a_token(http):
    """The API stays bearer-only, so no cookie authorises an API call (no CSRF there)."""
    log_in(http)
    answer = http.get("/api/v1/persons", headers={"X-Charte-Purpose": "alarm_handling"})
    assert answer.status_code == 401
