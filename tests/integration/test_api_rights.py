"""The rights workflow over HTTP (the same operations in /api/v1), on both engines."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient

from charte.entrypoints.web import app as web
from tests.conftest import bearer, run_import, token
from tests.feed import person, signed


@pytest.fixture
def http(app):
    run_import(
        app, [signed("e1", "2025-02-01", "C1", person("P1", last_name="Roux", email="ana@example.org"))]
    )
    with TestClient(web.create_app(app)) as client:
        yield client


def test_a_request_goes_from_intake_to_its_answer_over_http(http, app):
    """Open, identity document, verify, fulfil, download — the CLI's workflow in the API."""
    dpo = bearer(token(app, "dpo-web", role="dpo"))
    opened = http.post("/api/v1/rights", headers=dpo, json={
        "type": "access", "received_on": "2026-11-20", "channel": "web", "claimed_name": "Ana Roux",
        "contact": "ana@example.org", "person": "P1"})  # fmt: skip
    assert opened.status_code == 201, opened.text
    number = opened.json()["id"]
    assert (opened.json()["status"], opened.json()["due_on"]) == (
        "received",
        "2026-12-21",
    )  # 20 Dec: a Sunday
    early = http.post(f"/api/v1/rights/{number}/fulfil", headers=dpo)
    assert early.status_code == 422
    assert "identity is verified" in early.json()["detail"]
    bad = http.post(f"/api/v1/rights/{number}/document", headers=dpo | {"Content-Type": "application/pdf"},
                    content=b"MZ not a document")  # fmt: skip
    assert bad.status_code == 422
    sent = http.post(f"/api/v1/rights/{number}/document", headers=dpo | {"Content-Type": "application/pdf"},
                     content=b"%PDF-1.4 identity card")  # fmt: skip
    assert sent.status_code == 200
    assert (
        http.post(f"/api/v1/rights/{number}/verify", headers=dpo, json={"method": "document"}).json()[
            "status"
        ]
        == "verified"
    )
    done = http.post(f"/api/v1/rights/{number}/fulfil", headers=dpo)
    assert done.status_code == 200, done.text
    assert done.json()["files"] == [
        f"acces-{number}.zip",
        "lettre.html",
        "lettre.pdf",
    ]  # names, never server paths
    archive = http.get(f"/api/v1/rights/{number}/answer", headers=dpo)
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert json.loads(zipped.read("data.json"))["person"]["fields"]["last_name"] == "Roux"
    listed = http.get("/api/v1/rights", headers=dpo).json()["requests"]
    assert [(r["id"], r["status"]) for r in listed] == [(number, "fulfilled")]


def test_only_the_policy_s_handlers_reach_rights_requests_over_http(http, app):
    """401 without a token, 403 with the reason for another role or a system."""
    assert http.get("/api/v1/rights").status_code == 401
    sales = http.get("/api/v1/rights", headers=bearer(token(app, "s-1", role="sales")))
    assert sales.status_code == 403
    assert "may not handle rights requests" in sales.json()["detail"]
    assert http.get("/api/v1/rights", headers=bearer(token(app, "crm", system="crm"))).status_code == 403
    assert http.get("/api/v1/rights/99", headers=bearer(token(app, "d-1", role="dpo"))).status_code == 404


def test_the_letter_sent_at_a_step_is_downloaded_by_its_name_and_nothing_else_is(http, app):
    """GDPR Art. 12(4): the refusal letter with its reasons and remedies, reachable by the DPO's team."""
    dpo = bearer(token(app, "dpo-web", role="dpo"))
    number = http.post("/api/v1/rights", headers=dpo, json={
        "type": "erasure", "received_on": "2026-11-20", "channel": "web", "claimed_name": "Ana Roux",
        "contact": "ana@example.org"}).json()["id"]  # fmt: skip
    refused = http.post(f"/api/v1/rights/{number}/refuse", headers=dpo, json={"reason": "already answered"})
    assert refused.status_code == 200, refused.text
    assert refused.json()["letters"] == ["01-courrier-refused.html", "01-courrier-refused.pdf"]
    pdf = http.get(f"/api/v1/rights/{number}/letters/01-courrier-refused.pdf", headers=dpo)
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-1.7")
    html = http.get(f"/api/v1/rights/{number}/letters/01-courrier-refused.html", headers=dpo)
    assert "already answered" in html.text
    for name in ("02-courrier-refused.pdf", "..%2F..%2Fcharte.db", ".01-courrier-refused.pdf.part"):
        assert http.get(f"/api/v1/rights/{number}/letters/{name}", headers=dpo).status_code == 404
    sales = bearer(token(app, "s-1", role="sales"))
    assert (
        http.get(f"/api/v1/rights/{number}/letters/01-courrier-refused.pdf", headers=sales).status_code == 403
    )
