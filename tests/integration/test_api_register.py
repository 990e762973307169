"""The register's HTTP API under /api/v1, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.adapters.db import tables
from charte.domain.orders import OrderKind, plan_orders
from charte.entrypoints.web import app as web
from charte.entrypoints.web.routes import register as register_routes
from tests.conftest import bearer, count_rows, token
from tests.feed import collected, contacted, ended, person, signed

EVENTS = [
    collected("e1", "2025-01-10", person("P1", first_name="Ana", phone="0612345678")),
    contacted("e2", "2025-01-12", "P1"),
    signed("e3", "2025-02-01", "C1", "P1"),
]


@pytest.fixture
def client(app):
    """An HTTP client that feeds events as the CRM's system actor."""
    with TestClient(web.create_app(app)) as http:
        http.headers.update(bearer(token(app, "crm-feed", system="crm")))
        yield http


@pytest.fixture
def dpo(app):
    return bearer(token(app, "dpo-1", role="dpo"), "rights_handling")


def jsonl(events) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def test_events_post_as_a_json_array_or_json_lines(client):
    """POST /api/v1/events takes a JSON array or JSON Lines; a re-post is all duplicates."""
    first = client.post("/api/v1/events", json=EVENTS)
    assert first.status_code == 200
    assert (first.json()["applied"], first.json()["committed"]) == (3, True)
    again = client.post(
        "/api/v1/events", content=jsonl(EVENTS), headers={"content-type": "application/x-ndjson"}
    )
    assert (again.json()["applied"], again.json()["duplicates"]) == (0, 3)


def test_a_refused_batch_is_a_422_problem_listing_every_line_and_applies_nothing(client, app):
    """Nothing half-written: a batch with a bad event is refused whole, each line named."""
    response = client.post("/api/v1/events", json=[EVENTS[0], ended("x", "2025-01-01", "C404")])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["summary"]["errors"] == ["line 2: contract: unknown contract ref 'C404'"]
    assert problem["summary"]["rejects"] == [{"line": 2, "errors": ["contract: unknown contract ref 'C404'"]}]
    assert count_rows(app)["persons"] == 0


def test_skip_invalid_applies_the_rest_and_returns_the_refused_lines(client, app):
    response = client.post("/api/v1/events?skip_invalid=true", json=[EVENTS[0], {"id": "bad"}, EVENTS[1]])
    assert response.status_code == 200
    summary = response.json()
    assert (summary["applied"], summary["rejected"]) == (2, 1)
    assert summary["rejects"][0]["line"] == 2
    assert count_rows(app)["contact_log"] == 1


def test_a_body_that_is_not_json_is_refused_by_line(client):
    response = client.post("/api/v1/events", content=b"[{broken")
    assert response.status_code == 422
    assert response.json()["summary"]["errors"][0].startswith("line 1: (line): invalid JSON")


def test_an_oversized_body_is_refused_with_413(client, monkeypatch):
    monkeypatch.setattr(register_routes, "MAX_BODY", 100)
    response = client.post("/api/v1/events", content=jsonl(EVENTS))
    assert response.status_code == 413


def test_persons_are_read_whole_or_by_page(client, dpo):
    """GET /api/v1/persons/{ref} and GET /api/v1/persons; unknown ref is 404."""
    client.post("/api/v1/events", json=EVENTS)
    one = client.get("/api/v1/persons/P1", headers=dpo).json()
    assert [r["role"] for r in one["roles"]] == ["prospect", "client"]
    assert one["contact_log"][0]["direction"] == "inbound"
    page = client.get("/api/v1/persons", params={"role": "client"}, headers=dpo).json()
    assert page == {
        "total": 1,
        "limit": 50,
        "offset": 0,
        "persons": [{"ref": "P1", "open_roles": ["client"]}],
    }
    missing = client.get("/api/v1/persons/NOPE", headers=dpo)
    assert (missing.status_code, missing.json()["detail"]) == (404, "person not found: NOPE")


def test_a_system_reads_and_acknowledges_its_orders_over_http(client, app):
    """GET /api/v1/outbox and POST /api/v1/outbox/{id}/ack: a system actor sees and
    acknowledges its own orders only."""
    orders = plan_orders(
        app.policy, kind=OrderKind.ERASURE_REQUIRED, person_ref="P1", reason="sample", at=app.clock.now()
    )
    app.outbox().add(orders)
    monitoring = bearer(token(app, "monitoring-bridge", system="monitoring"))
    listed = client.get("/api/v1/outbox", params={"system": "crm"}, headers=monitoring).json()["orders"]
    assert [(o["system"], o["kind"], o["person"], o["overdue"]) for o in listed] == [
        ("monitoring", "erasure.required", "P1", False)
    ]  # its own, whatever it asked for
    crm_order = client.get("/api/v1/outbox").json()["orders"][0]["id"]  # the client's CRM token
    assert client.post(f"/api/v1/outbox/{crm_order}/ack", headers=monitoring).status_code == 404
    ack = client.post(f"/api/v1/outbox/{listed[0]['id']}/ack", json={"by": "nightly job"}, headers=monitoring)
    assert (ack.status_code, ack.json()["already"]) == (200, False)
    assert client.get("/api/v1/outbox", headers=monitoring).json()["orders"] == []
    assert client.post("/api/v1/outbox/999/ack", headers=monitoring).status_code == 404
    with app.engine.connect() as conn:
        by = conn.execute(
            select(tables.outbox.c.acked_by).where(tables.outbox.c.id == listed[0]["id"])
        ).scalar()
    assert by == "monitoring-bridge (nightly job)"


def test_a_system_pages_through_its_orders_and_acknowledges_them_in_bulk_over_http(client, app):
    """GET /api/v1/outbox?after=&limit= gives a page and the next cursor; POST /api/v1/outbox/ack
    acknowledges many at once, the system's own only."""
    for n in range(5):
        app.outbox().add(plan_orders(app.policy, kind=OrderKind.ERASURE_REQUIRED, person_ref=f"P{n}",
                                     reason="sweep", at=app.clock.now()))  # fmt: skip
    monitoring = bearer(token(app, "monitoring-bridge", system="monitoring"))
    first = client.get("/api/v1/outbox", params={"limit": 2}, headers=monitoring).json()
    second = client.get(
        "/api/v1/outbox", params={"limit": 2, "after": first["next"]}, headers=monitoring
    ).json()
    last = client.get(
        "/api/v1/outbox", params={"limit": 2, "after": second["next"]}, headers=monitoring
    ).json()
    assert [[o["person"] for o in p["orders"]] for p in (first, second, last)] == [
        ["P0", "P1"],
        ["P2", "P3"],
        ["P4"],
    ]
    assert last["next"] is None
    crm_order = client.get("/api/v1/outbox").json()["orders"][0]["id"]  # the client's CRM token
    done = client.post(
        "/api/v1/outbox/ack", json={"ids": [first["orders"][0]["id"], crm_order]}, headers=monitoring
    )
    assert done.json() == {"acknowledged": 1, "already": 0, "unknown": [crm_order]}
    rest = client.post(
        "/api/v1/outbox/ack", json={"up_to": second["orders"][-1]["id"], "by": "job"}, headers=monitoring
    )
    assert rest.json()["acknowledged"] == 3
    assert [o["person"] for o in client.get("/api/v1/outbox", headers=monitoring).json()["orders"]] == ["P4"]
    both = client.post("/api/v1/outbox/ack", json={"ids": [1], "up_to": 3}, headers=monitoring)
    assert (both.status_code, "not both" in both.json()["detail"]) == (422, True)
    assert client.get("/api/v1/outbox", params={"limit": 5001}, headers=monitoring).status_code == 422


def test_the_dpo_reads_every_system_s_orders_and_a_role_without_archive_access_may_not(client, app):
    """Orders name persons whose data may be archived or gone: archive-access roles only."""
    app.outbox().add(
        plan_orders(
            app.policy, kind=OrderKind.ERASURE_REQUIRED, person_ref="P1", reason="s", at=app.clock.now()
        )
    )
    dpo = bearer(token(app, "dpo-2", role="dpo"), "rights_handling")
    assert len(client.get("/api/v1/outbox", headers=dpo).json()["orders"]) == len(app.policy.systems)
    assert client.get("/api/v1/outbox", params={"system": "billing"}, headers=dpo).status_code == 404
    sales = bearer(token(app, "sales-1", role="sales"), "prospecting")
    refused = client.get("/api/v1/outbox", headers=sales)
    assert (refused.status_code, refused.json()["reason"]) == (403, "data_archived")
    assert client.post("/api/v1/outbox/1/ack", headers=dpo).status_code == 403


def test_persons_are_searched_over_http_by_post_with_names_and_contacts_only(client, dpo):
    """POST /api/v1/persons/search (docs/access.md, Searches): what is typed stays out of the URL."""
    client.post("/api/v1/events", json=EVENTS)
    found = client.post("/api/v1/persons/search", json={"text": "+33 6 12 34 56 78"}, headers=dpo)
    assert found.status_code == 200
    assert found.json()["by"] == ["ref", "contact"]
    (candidate,) = found.json()["candidates"]
    assert (candidate["ref"], candidate["fields"]) == ("P1", {"first_name": "Ana", "phone": "0612345678"})
    assert (found.json()["withheld"], found.json()["more"]) == (0, False)
    empty = client.post("/api/v1/persons/search", json={"text": ""}, headers=dpo)
    assert empty.status_code == 422  # FastAPI's validation, naming the field
    assert empty.json()["detail"][0]["loc"] == ["body", "text"]
    no_purpose = client.post("/api/v1/persons/search", json={"text": "Ana"}, headers={
        "Authorization": dpo["Authorization"]})  # fmt: skip
    assert no_purpose.status_code == 400


def test_the_openapi_contract_lists_the_register_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/persons/{ref}", "/api/v1/persons", "/api/v1/persons/search", "/api/v1/events",
            "/api/v1/outbox", "/api/v1/outbox/{order_id}/ack"} <= set(paths)  # fmt: skip
