"""The DPO's annual report: the year's rights, erasures, holds, breaches and consents, counted
from the register (GDPR Art. 5(2), 38(3) — the DPO reports to the highest management level)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from charte.adapters.rendering.html import render_html
from charte.adapters.rendering.pdf import render_pdf
from charte.domain.vocabulary import Language
from charte.services import annual_report, rights
from charte.services.access import AccessDenied
from charte.services.documents.annual_report import CSV_HEADERS, build_report, csv_rows
from charte.services.errors import Refused
from charte.services.retention import sweep
from tests.conftest import TODAY, run_import
from tests.feed import collected, person

TEXT = {"name": "Formulaire devis v3", "sha256": "ab" * 32}


def given(id_: str, when: str, who: str, contact: str) -> dict:
    return {"id": id_, "type": "consent.given", "at": when, "person": who, "purpose": "prospecting",
            "channel": "email", "contact": contact, "method": "web_form", "text": TEXT,
            "source": {"kind": "subject"}}  # fmt: skip


def opened(app, type_: str, received: str, channel: str = "post") -> int:
    desk = app.rights_desk("dpo-1", "dpo")
    found = rights.open_request(
        desk, type_=type_, received_on=date.fromisoformat(received), channel=channel,
        claimed_name="Łukasz Dvořák", contact="lukasz@example.org",
        purpose="prospecting" if type_ == "opposition" else None,
    )  # fmt: skip
    return int(found["id"])


def figures(app, year: int = 2026) -> dict:
    return annual_report.metrics(
        source=app.report_source(), breaches=app.breach_store(), policy=app.policy, role="dpo", year=year,
        today=TODAY,
    )  # fmt: skip


@pytest.fixture
def year(app) -> dict:
    """Four requests (one from last year), a consent given in March and one at 23:30 UTC on 31
    March — April in Paris — then withdrawn, and a sweep of today."""
    desk = app.rights_desk("dpo-1", "dpo")
    late = opened(app, "access", "2026-10-01")  # due 2026-11-01, refused on 2026-11-26: late
    rights.refuse(desk, late, "Demande manifestement excessive.")
    unknown = opened(app, "erasure", "2026-09-01", "email")
    rights.ask_identity(desk, unknown, date(2026, 9, 2))  # two months to answer: none came
    rights.close(desk, unknown, "not-identifiable")
    opened(app, "opposition", "2026-03-02", "email")  # due 2026-04-02, still open: past due
    old = opened(app, "access", "2025-12-20")  # received last year, answered this year
    rights.refuse(desk, old, "demande manifestement excessive")
    run_import(
        app,
        [
            collected("c1", "2026-03-01", person("Q1", email="q1@example.org")),
            collected("c2", "2026-03-01", person("Q2", email="q2@example.org")),
            given("g1", "2026-03-10T10:00:00+01:00", "Q1", "q1@example.org"),
            given("g2", "2026-03-31T23:30:00+00:00", "Q2", "q2@example.org"),
            {"id": "w1", "type": "consent.withdrawn", "at": "2026-11-02T09:00:00+01:00", "person": "Q2",
             "purpose": "prospecting", "channel": "email", "contact": "q2@example.org"},
        ],
    )  # fmt: skip
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    return figures(app)


def test_the_year_s_requests_are_counted_by_type_channel_and_month_with_their_lead_times(year):
    """Received this year: 3 (the December one is last year's); answered this year: 2, in 56 and
    337 days (nearest-rank: median 56, 95th percentile 337); the refusal after its due date is late."""
    r = year["rights"]
    assert (r["received"], r["by_type"], r["by_channel"]) == (
        3, {"access": 1, "erasure": 1, "opposition": 1}, {"email": 2, "post": 1},
    )  # fmt: skip
    assert r["by_month"]["2026-03"] == {"opposition": 1}
    assert r["by_month"]["2026-10"] == {"access": 1}
    assert r["answered"] == 2
    assert (r["lead_days"]["median"], r["lead_days"]["p95"]) == (56, 341)
    assert (r["late_answers"], r["open_past_due"], r["refused"], r["identity_failures"]) == (2, 1, 2, 1)
    # Two refusals whose reasons differ by a capital and a full stop are one reason.
    assert r["refusals_by_reason"] == {"Demande manifestement excessive": 2}


def test_a_month_is_paris_s_and_a_withdrawal_counts_in_its_own_month(year):
    """A consent given at 23:30 UTC on 31 March was given on 1 April in Paris."""
    c = year["consents"]
    assert (c["given"], c["withdrawn"]) == (2, 1)
    assert c["by_month"]["2026-03"] == {"given": 1, "withdrawn": 0}
    assert c["by_month"]["2026-04"] == {"given": 1, "withdrawn": 0}
    assert c["by_month"]["2026-11"] == {"given": 0, "withdrawn": 1}
    assert c["by_purpose_channel"] == [
        {"purpose": "prospecting", "channel": "email", "given": 2, "withdrawn": 1}
    ]


def test_the_report_renders_as_html_with_charts_pdf_and_csv_without_anyone_s_name(year):
    """HTML with inline SVG charts (role img, described in words), a PDF/A with the charts as
    vector images, CSV rows; the requester's name is nowhere."""
    doc = build_report(year, Language.FR)
    page = render_html(doc)
    assert page.count("<svg") == 2  # requests, consents (no unit erased on this register today)
    assert 'role="img"' in page
    assert "Demandes reçues par mois" in page
    assert "Łukasz" not in page
    pdf = render_pdf(doc)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Rapport annuel du DPO — 2026" in text
    assert "Łukasz" not in text
    rows = list(csv.reader(io.StringIO("\n".join(",".join(r) for r in [CSV_HEADERS, *csv_rows(year)]))))
    assert ["rights", "received", "", "3"] in rows
    assert ["consents", "given_by_month", "2026-04", "1"] in rows
    withheld = render_html(build_report(year, Language.EN, reasons=False))
    assert "manifestly" not in withheld.lower()
    assert "manifestement" not in withheld
    assert not any(r[1] == "refused_by_reason" for r in csv_rows(year, reasons=False))


def test_the_report_is_the_dpo_s_and_a_year_to_come_is_refused(app):
    """The policy's rights handlers (rights.submit_to) read it; a year after today has no figures."""
    with pytest.raises(AccessDenied):
        annual_report.metrics(source=app.report_source(), breaches=app.breach_store(), policy=app.policy,
                              role="sales", year=2026, today=TODAY)  # fmt: skip
    with pytest.raises(Refused, match="--year 2027"):
        figures(app, 2027)
