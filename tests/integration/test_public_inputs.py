"""Public inputs refused where they enter, naming the field: instants at the edges of the calendar
(they overflowed the conversion to Paris time) and control characters in names and contacts (a
CR LF in a contact forged e-mail headers and made every notice of the request fail) — on the API,
the portal and the event feed; the CLI's are in tests/e2e/test_cli_inputs.py."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from charte.entrypoints.web import app as web
from charte.services import rights
from tests.conftest import bearer, run_import, token
from tests.feed import person, signed

EDGES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"]
INJECTED = "ana@example.org\r\nBcc: all@example.net"


@pytest.fixture
def http(app):
    run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", last_name="Roux"))])
    with TestClient(web.create_app(app), raise_server_exceptions=False) as client:
        yield client


def refused_field(response) -> list[str]:
    """The fields a 422 names (FastAPI's validation errors: the last element of each `loc`)."""
    assert response.status_code == 422, response.text
    return [str(e["loc"][-1]) for e in response.json()["detail"]]


@pytest.mark.parametrize("edge", EDGES)
def test_an_instant_at_the_edge_of_the_calendar_is_a_422_naming_the_field_on_every_api_route(http, app, edge):
    """An alarm, a call's decision and an opt-out at 9999-12-31T23:59:59-23:59: 422 on `at`, never a 500."""
    monitoring = bearer(token(app, "monitoring-1", system="monitoring"))
    telephony = bearer(token(app, "pbx", system="telephony"))
    alarm = http.post(
        "/api/v1/alarms", headers=monitoring, json={"site": "S1", "at": edge, "kind": "intrusion"}
    )
    assert refused_field(alarm) == ["at"]
    assert "is outside the years 1900 to 2999" in alarm.text
    opt_out = http.post("/api/v1/calls/opt-out", headers=telephony, json={"number": "0612345678", "at": edge})
    assert refused_field(opt_out) == ["at"]
    decide = http.post("/api/v1/calls/decide", headers=telephony,
                       json={"direction": "inbound", "at": edge, "number": "0612345678"})  # fmt: skip
    assert refused_field(decide) == ["at"]
    dpo = bearer(token(app, "dpo-web", role="dpo"))
    received = http.post("/api/v1/rights", headers=dpo, json={
        "type": "access", "received_on": edge[:10], "channel": "web", "claimed_name": "A", "contact": "a@b.fr"})  # fmt: skip
    assert refused_field(received) == ["received_on"]


@pytest.mark.parametrize("edge", EDGES)
def test_an_event_at_the_edge_of_the_calendar_is_refused_naming_its_line_and_field(app, edge):
    """The feed judges the range before converting to Paris time: a line error on `at`, nothing applied."""
    report = run_import(
        app, [signed("e1", "2025-02-01", "C1", person("P1")), signed("e2", edge, "C2", person("P2"))]
    )
    assert not report.committed
    assert [(e.line, e.field) for e in report.errors] == [(2, "at")]
    assert "is outside the years 1900 to 2999" in report.errors[0].message


def test_a_contact_or_name_with_a_line_break_is_refused_at_intake_by_the_api_and_the_service(http, app):
    """RFC 5322 §2.2: CR LF ends a header; a contact holding one is refused naming it, nothing recorded."""
    dpo = bearer(token(app, "dpo-web", role="dpo"))
    body = {"type": "access", "received_on": "2026-11-20", "channel": "web", "claimed_name": "Ana Roux"}
    injected = http.post("/api/v1/rights", headers=dpo, json=body | {"contact": INJECTED})
    assert injected.status_code == 422
    assert injected.json()["detail"] == (
        "the contact (--contact) holds a control character (U+000D): it is one line of plain text"
    )
    assert "Bcc" not in injected.text  # the value itself is never echoed
    named = http.post(
        "/api/v1/rights", headers=dpo, json=body | {"claimed_name": "Ana\u202eRoux", "contact": "a@b.fr"}
    )
    assert "claimed name (--claimed-name) holds a control character (U+202E)" in named.json()["detail"]
    changes = http.post("/api/v1/rights", headers=dpo, json=body | {
        "type": "rectification", "contact": "a@b.fr", "person": "P1", "changes": {"email": "x@y.fr\nBcc: z"}})  # fmt: skip
    assert "the new email holds a control character (U+000A)" in changes.json()["detail"]
    assert rights.listing(app.rights_desk("dpo-1", "dpo")) == []
    accepted = http.post(
        "/api/v1/rights", headers=dpo, json=body | {"claimed_name": "Łukasz Wałęsa", "contact": "l@b.pl"}
    )
    assert accepted.status_code == 201


def test_a_contact_with_a_line_break_is_refused_on_the_portal_with_a_page_naming_it(http, app):
    """The unauthenticated portal refuses it too, as a page, before anything is recorded."""
    page = http.get("/portal", params={"type": "access"}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    sent = http.post(
        "/portal/demande", data={"csrf": csrf, "type": "access", "name": "Ana Roux", "contact": INJECTED}
    )
    assert sent.status_code == 422
    assert sent.headers["content-type"].startswith("text/html")
    # Named next to its field, in the visitor's words.
    assert (
        '<p class="error" id="contact-error">Écrivez-le sur une seule ligne, sans caractère de contrôle.</p>'
        in sent.text.replace("&#39;", "'")
    )
    assert rights.listing(app.rights_desk("dpo-1", "dpo")) == []


def test_an_event_whose_contact_holds_a_line_break_is_refused_and_a_multi_line_address_is_not(app):
    """A contact field goes into headers (codes are sent to it): one line; other text may span lines."""
    report = run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", email=INJECTED))])
    assert [(e.line, e.field, e.message) for e in report.errors] == [
        (1, "client.email", "holds a control character (U+000D); a value is plain text")
    ]
    address = "3 rue des Lilas\r\n75011 Paris"
    assert run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", postal_address=address))]).committed


def test_a_nul_in_a_body_is_a_422_naming_the_field_and_in_a_path_a_422_never_a_503(http, app):
    """PostgreSQL refuses NUL in text: a body's NUL is refused by the schema naming the field (every
    body model is a ``schemas.Input``), a path's by the error mapping — on both engines alike."""
    dpo = bearer(token(app, "dpo-nul", role="dpo"), "rights_handling")
    searched = http.post("/api/v1/persons/search", json={"text": "Ro\u0000ux"}, headers=dpo)
    assert refused_field(searched) == ["text"]
    breach = http.post("/api/v1/breaches", headers=bearer(token(app, "dpo-nul-2", role="dpo")), json={
        "title": "vol", "natures": ["confidentiality"], "discovered_at": "2026-11-26T08:00:00+01:00",
        "discovered_by": "accueil", "facts": {"exports": ["export\u0000.csv"]}})  # fmt: skip
    assert refused_field(breach) == ["exports"]
    shown = http.get("/api/v1/persons/P%00", headers=dpo)
    # SQLite stores any text and finds no such ref; PostgreSQL's driver refuses it before sending.
    assert shown.status_code == (422 if app.engine.dialect.name == "postgresql" else 404), shown.text
