"""The accountability records, the annual report, the inspection pack and the trainings over the
API and on the console (docs/accountability.md): the DPO's, refused to others."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient

from charte.adapters.pack_signer import verifies
from charte.entrypoints.web import app as web
from charte.services import inspection
from tests.conftest import TODAY, bearer, token
from tests.integration.test_console_pages import account, csrf_of, signed_in


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {n.removeprefix("inspection/"): z.read(n) for n in z.namelist()}


def test_the_api_gives_the_records_with_today_s_findings_the_report_and_the_pack_to_the_dpo(app):
    """GET /api/v1/accountability, /api/v1/report (JSON, CSV), POST /api/v1/inspection/pack (zip)."""
    with TestClient(web.create_app(app)) as http:
        dpo, sales = bearer(token(app, "dpo-1", role="dpo")), bearer(token(app, "s-1", role="sales"))
        records = http.get("/api/v1/accountability", headers=dpo).json()
        assert records["as_of"] == TODAY.isoformat()
        errors = [f for f in records["findings"] if f["severity"] == "error"]
        assert {f["path"] for f in errors} == {
            "activities.alarm_monitoring.dpia", "activities.call_recording.dpia", "activities.client_contracts.dpia",
        }  # fmt: skip
        assert [x["id"] for x in records["processors"]] == [
            "installers",
            "intervention",
            "guarding",
            "it_subcontractors",
        ]
        assert records["processors"][0]["review_due"] == "2027-03-28"
        assert http.get("/api/v1/accountability", headers=sales).status_code == 403
        figures = http.get("/api/v1/report?year=2026", headers=dpo).json()
        assert figures["year"] == 2026
        csv = http.get("/api/v1/report?year=2026&csv=true", headers=dpo)
        assert csv.text.startswith("section,measure,key,value")
        assert http.get("/api/v1/report?year=2026", headers=sales).status_code == 403
        assert http.get("/api/v1/report?year=2031", headers=dpo).status_code == 422
        zipped = http.post("/api/v1/inspection/pack?year=2026", headers=dpo)
        assert zipped.headers["content-type"] == "application/zip"
        checked = inspection.verify(
            unzip(zipped.content), verifies=verifies, public_pem=app.pack_signer().public_pem()
        )
        assert checked.ok, checked.problems
        assert http.post("/api/v1/inspection/pack", headers=sales).status_code == 403


def test_the_console_shows_the_records_and_serves_the_report_and_the_pack(app):
    """/console/accountability (errors first), /console/report as HTML, PDF and CSV, the pack."""
    account(app, "dpo-1", "dpo")
    http = signed_in(app, "dpo-1")
    page = http.get("/console/accountability")
    assert page.status_code == 200
    assert (
        "Gestion des contrats clients et exécution des prestations de télésurveillance : AIPD requise, aucune consignée"
        in page.text
    )
    assert "Sous-traitants techniques (administration et maintenance informatiques)" in page.text
    assert 'href="/console/accountability"' in page.text
    assert http.get("/console/report?year=2026&format=pdf").content.startswith(b"%PDF-")
    assert "Rapport annuel du DPO — 2026" in http.get("/console/report?year=2026").text
    assert http.get("/console/report?year=2026&format=csv").text.startswith("section,")
    english = http.get("/console/accountability?lang=en")
    assert "Accountability records" in english.text
    pack = http.post("/console/inspection-pack", data={"csrf": csrf_of(http), "year": "2026"})
    assert pack.headers["content-type"] == "application/zip"
    assert "manifest.json" in unzip(pack.content)


def test_the_console_s_trainings_page_records_a_training_and_the_dashboard_lists_lapsing_ones(app):
    """/console/trainings: every staff account and its status; the form records; the dashboard's
    « Formations à renouveler » lists the accounts not current."""
    account(app, "dpo-1", "dpo")
    token(app, "cs-1", role="customer_service", trained=False)
    http = signed_in(app, "dpo-1")
    page = http.get("/console/trainings")
    assert page.status_code == 200
    assert "jamais formé" in page.text
    board = http.get("/console")
    assert "Formations à renouveler" in board.text
    assert "cs-1" in board.text
    done = http.post("/console/trainings", data={"csrf": csrf_of(http), "account": "cs-1",
                                                 "course": "rgpd_fondamentaux", "completed_on": TODAY.isoformat()})  # fmt: skip
    assert done.status_code == 303
    after = http.get("/console/trainings").text
    assert "jamais formé" not in after
    refused = http.post("/console/trainings", data={"csrf": csrf_of(http), "account": "cs-1", "course": "x",
                                                    "completed_on": TODAY.isoformat()})  # fmt: skip
    assert refused.status_code == 422
    assert "Formation inconnue" in refused.text
