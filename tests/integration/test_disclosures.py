"""Disclosures to recipients: the recipient's view, a ledger entry and an audit entry."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from charte.domain.access import Denial, ReadContext
from charte.entrypoints.web import app as web
from charte.services import disclosures
from charte.services.access import AccessDenied, Reader
from tests.conftest import bearer, count_rows, run_import, token
from tests.feed import designated, person, signed

EVENTS = [
    signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", email="ana@example.org", phone="0612345678"),
           access_instructions="code 4321"),
    designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001")),
]  # fmt: skip
OPERATOR = Reader("op-7", "station_operator", "alarm_handling")
IN_SESSION = replace(OPERATOR, context=ReadContext("alarm_session", "1", frozenset({"S1", "C1"})))


def disclose(app, ref: str, to: str, purpose: str, discloser: Reader = OPERATOR) -> dict:
    return disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                                ledger=app.disclosures(), discloser=discloser, recipient=to, purpose=purpose, ref=ref)  # fmt: skip


def test_a_dispatch_gives_the_provider_its_minimal_view_and_is_recorded(app):
    """Seed: intervention providers get what the intervention needs; Art. 19 needs the ledger."""
    run_import(app, EVENTS)
    sent = disclose(app, "P1", "intervention_provider", "intervention", IN_SESSION)
    assert sent["view"]["fields"] == {"first_name": "Ana", "phone": "0612345678"}  # no email
    assert sent["view"]["sites"] == [
        {"ref": "S1", "fields": {"access_instructions": "code 4321", "site_address": "1 rue des Lilas"}}
    ]
    assert sent["fields"] == [
        "access_instructions",
        "first_name",
        "phone",
        "site_address",
    ]  # what left, not what was allowed
    (row,) = disclosures.disclosed(ledger=app.disclosures(), auditor=app.auditor, ref="P1")
    assert (row["to"], row["purpose"], row["actor"], row["fields"]) == (
        "intervention_provider", "intervention", "op-7", sent["fields"],
    )  # fmt: skip
    with app.audit_engine.connect() as conn:
        from sqlalchemy import text

        body = conn.execute(text("SELECT body FROM audit_entries WHERE action = 'disclose'")).scalar_one()
    assert '"to":"intervention_provider"' in body
    assert "Ana" not in body


def test_an_operator_outside_an_alarm_session_cannot_pass_on_the_access_instructions(app):
    """Seed: the station reads the intervention instructions to handle an alarm; a disclosure
    carries at most what the discloser may read itself (GDPR Art. 29, 32(4))."""
    run_import(app, EVENTS)
    sent = disclose(app, "P1", "intervention_provider", "intervention")
    assert sent["view"]["sites"] == [{"ref": "S1", "fields": {"site_address": "1 rue des Lilas"}}]
    assert "access_instructions" not in sent["fields"]
    (row,) = disclosures.disclosed(ledger=app.disclosures(), auditor=app.auditor, ref="P1")
    assert "access_instructions" not in row["fields"]


def test_staff_roles_are_not_recipients_and_the_refused_attempt_is_audited(app):
    """GDPR Art. 4(9), 19: a disclosure goes to a recipient; staff read under their own grants."""
    run_import(app, EVENTS)
    installer = Reader("inst-1", "installer", "installation")
    for staff in ("legal", "dpo", "auditor", "customer_service"):
        with pytest.raises(AccessDenied) as refused:
            disclose(app, "P1", staff, "rights_handling", installer)
        assert refused.value.reason is Denial.NOT_A_RECIPIENT
    assert count_rows(app)["disclosures"] == 0
    with app.audit_engine.connect() as conn:
        from sqlalchemy import text

        bodies = (
            conn.execute(text("SELECT body FROM audit_entries WHERE action = 'disclose'")).scalars().all()
        )
    assert [json.loads(b)["decision"] for b in bodies] == ["denied:not_a_recipient"] * 4


def test_trusted_persons_are_never_disclosed_to_providers(app):
    """Seed: trusted persons' data are processed exclusively by the monitoring station."""
    run_import(app, EVENTS)
    in_session = replace(OPERATOR, context=ReadContext("alarm_session", "1", frozenset({"S1"})))
    with pytest.raises(AccessDenied) as refused:
        disclose(app, "T1", "intervention_provider", "intervention", in_session)
    assert refused.value.reason is Denial.PURPOSE_DATA
    assert count_rows(app)["disclosures"] == 0


def test_one_may_only_disclose_what_one_may_read_oneself(app):
    """A disclosure passes the gate for the discloser too."""
    run_import(app, EVENTS)
    with pytest.raises(AccessDenied, match="role 'sales' may not act under purpose 'alarm_handling'"):
        disclose(app, "P1", "installer", "installation", Reader("s-1", "sales", "alarm_handling"))
    assert count_rows(app)["disclosures"] == 0


def test_the_prescriber_s_report_over_the_api(app):
    """Seed: subscription data go to the prescriber; the same operation over the API."""
    run_import(app, EVENTS)
    with TestClient(web.create_app(app)) as http:
        headers = bearer(token(app, "cs-1", role="customer_service"), "contract_management")
        sent = http.post("/api/v1/disclosures", json={"to": "prescriber", "person": "P1",
                                                      "purpose": "subscription_reporting"}, headers=headers)  # fmt: skip
        assert sent.status_code == 200
        assert sent.json()["view"]["contracts"] == [
            {"ref": "C1", "offer": "Essentiel", "signed_on": "2025-02-01", "status": "active"}
        ]
        assert "partner" not in sent.json()["view"]["contracts"][0]
        refused = http.post("/api/v1/disclosures", json={"to": "prescriber", "person": "T1",
                                                         "purpose": "subscription_reporting"}, headers=headers)  # fmt: skip
        assert refused.status_code == 403
