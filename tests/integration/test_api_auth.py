"""Bearer tokens, purposes and the gate over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.adapters.db import tables
from charte.entrypoints.web import app as web
from charte.services import actors
from charte.services.errors import Conflict, NotFound, Refused
from tests.conftest import bearer, run_import, token
from tests.feed import designated, person, signed

PUBLIC = {"/api/v1/policy"}  # the charter's own summary: no personal data


@pytest.fixture
def http(app):
    run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana")),
                     designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc"))])  # fmt: skip
    with TestClient(web.create_app(app)) as client:
        yield client


def test_every_api_route_but_the_public_ones_answers_401_without_a_valid_token(http):
    """Every personal-data route without a token is 401 (the list comes from the app)."""
    paths = {
        p: ops for p, ops in http.get("/openapi.json").json()["paths"].items() if p.startswith("/api/v1")
    }
    assert len(paths) >= 5
    for template, operations in paths.items():
        path = (
            template.replace("{ref}", "P1")
            .replace("{order_id}", "1")
            .replace("{request}", "1")
            .replace("{notice}", "1")
        )
        for method in operations:
            for headers in (
                {},
                {"Authorization": "Bearer charte_not-a-token"},
                {"Authorization": "Basic eDp5"},
            ):
                answer = http.request(method, path, headers=headers)
                if template in PUBLIC:
                    assert answer.status_code == 200, template
                else:
                    assert answer.status_code == 401, (method, template, headers)
                    assert answer.headers["www-authenticate"] == "Bearer"
                    assert answer.json()["title"] == "Unauthenticated"


def test_a_role_that_may_not_act_under_the_purpose_gets_403_with_the_reason(http, app):
    """With a token whose role may not act under the purpose, 403 with the reason."""
    sales = token(app, "sales-1", role="sales")
    refused = http.get("/api/v1/persons/T1", headers=bearer(sales, "alarm_handling"))
    assert refused.status_code == 403
    assert refused.json()["reason"] == "role_may_not_act_under_purpose"
    assert refused.json()["detail"].endswith("role 'sales' may not act under purpose 'alarm_handling'")
    data = http.get("/api/v1/persons/T1", headers=bearer(sales, "prospecting"))
    assert (data.status_code, data.json()["reason"]) == (403, "purpose_not_allowed_for_this_data")
    assert http.get("/api/v1/persons", headers=bearer(sales, "alarm_handling")).status_code == 403


def test_the_purpose_header_is_required_and_an_unknown_purpose_is_named(http, app):
    """Every read names its purpose (X-Charte-Purpose); an undeclared one is named."""
    operator = token(app, "op-1", role="station_operator")
    missing = http.get("/api/v1/persons/T1", headers=bearer(operator))
    assert (missing.status_code, missing.json()["title"]) == (400, "Purpose required")
    unknown = http.get("/api/v1/persons/T1", headers=bearer(operator, "curiosity"))
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith("unknown purpose 'curiosity'")
    shown = http.get("/api/v1/persons/P1", headers=bearer(operator, "alarm_handling")).json()
    assert shown["fields"]["first_name"] == "Ana"


def test_hidden_fields_are_absent_from_the_json_not_null(http, app):
    """The prescriber's view of a contract has only the keys it may see."""
    prescriber = token(app, "presc-1", role="prescriber")
    shown = http.get("/api/v1/persons/P1", headers=bearer(prescriber, "subscription_reporting")).json()
    assert shown["contracts"] == [
        {"ref": "C1", "offer": "Essentiel", "signed_on": "2025-02-01", "status": "active"}
    ]
    assert shown["fields"] == {}
    assert "restricted" not in shown or shown["restricted"] is None


def test_systems_feed_and_people_read_and_neither_does_the_other_s_job(http, app):
    """A system's token feeds events and reads no person; a person's token does not feed."""
    crm = bearer(token(app, "crm-feed", system="crm"))
    refused = http.get("/api/v1/persons/P1", headers=crm | {"X-Charte-Purpose": "contract_management"})
    assert (refused.status_code, refused.json()["reason"]) == (403, "role_may_not_act_under_purpose")
    dpo = bearer(token(app, "dpo-1", role="dpo"), "rights_handling")
    assert http.post("/api/v1/events", json=[], headers=dpo).status_code == 403


def test_a_revoked_token_stops_working_at_once(http, app):
    """Revoking an actor ends its access at the next request."""
    secret = token(app, "op-2", role="station_operator")
    headers = bearer(secret, "alarm_handling")
    assert http.get("/api/v1/persons/P1", headers=headers).status_code == 200
    actors.revoke(actors=app.actors(), clock=app.clock, name="op-2", by="test")
    assert http.get("/api/v1/persons/P1", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_digests_and_names_are_unique(app):
    """Tokens stored hashed; shown once."""
    secret = token(app, "op-3", role="station_operator")
    with app.engine.connect() as conn:
        stored = conn.execute(select(tables.actors.c.token_sha256)).scalar_one()
    assert secret not in stored
    assert stored == actors.digest(secret)
    with pytest.raises(Conflict, match="an actor named 'op-3' already exists"):
        token(app, "op-3", role="dpo")
    with pytest.raises(Refused, match="exactly one of --role ROLE"):
        token(app, "x", role="dpo", system="crm")
    with pytest.raises(NotFound, match="system not found: billing"):
        token(app, "x", system="billing")
    with pytest.raises(NotFound):
        actors.revoke(actors=app.actors(), clock=app.clock, name="nobody", by="test")
