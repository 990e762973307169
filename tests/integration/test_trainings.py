"""Staff training that gates access: the charter's « formation de nos collaborateurs » made true."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.adapters.db import tables
from charte.domain.access import Denial
from charte.entrypoints.web import app as web
from charte.services import training
from charte.services.audit import AuditFilter
from charte.services.errors import NotFound, Refused
from charte.services.retention import sweep
from tests.conftest import TODAY, bearer, run_import, token, train
from tests.feed import designated, person, signed

EVENTS = [
    signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", last_name="Durand", phone="0600000001"),
           access_instructions="code 4321"),
    designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
]  # fmt: skip
LAPSED = TODAY - timedelta(days=400)  # a 12-month training completed then ended before today


def entries(app, action: str) -> list:
    return [e for e in app.audit_store().search(AuditFilter(limit=1000)) if e["action"] == action]


def test_an_account_whose_training_lapsed_reads_no_personal_data_until_trained_again(app):
    """GDPR Art. 24(1), 32(4): staff read personal data only with a current training — refused
    with its reason, audited, and open again once the DPO's team records a new one."""
    run_import(app, EVENTS)
    with TestClient(web.create_app(app)) as http:
        cs = bearer(token(app, "cs-1", role="customer_service", trained=False), "contract_management")
        never = http.get("/api/v1/persons/P1", headers=cs)
        assert (never.status_code, never.json()["reason"]) == (403, Denial.TRAINING.value)
        assert "no training on record" in never.json()["detail"]
        train(app, "cs-1", on=LAPSED)
        lapsed = http.get("/api/v1/persons/P1", headers=cs)
        assert lapsed.status_code == 403
        assert f"training lapsed on {LAPSED.replace(year=LAPSED.year + 1)}" in lapsed.json()["detail"]
        assert "Ana" not in lapsed.text
        dpo = bearer(token(app, "dpo-1", role="dpo"))
        recorded = http.post(
            "/api/v1/trainings",
            headers=dpo,
            json={"actor": "cs-1", "course": "rgpd_fondamentaux", "completed_on": TODAY.isoformat()},
        )
        assert recorded.status_code == 201
        assert recorded.json()["valid_until"] == TODAY.replace(year=TODAY.year + 1).isoformat()
        assert http.get("/api/v1/persons/P1", headers=cs).json()["fields"]["first_name"] == "Ana"
    reads = [e for e in entries(app, "read") if e["actor"] == "cs-1"]
    assert [e["decision"] for e in reads] == ["denied:training_lapsed", "denied:training_lapsed", "allowed"]
    recorded_for = [
        (e["actor"], e["role"]) for e in entries(app, "training") if e["detail"]["actor"] == "cs-1"
    ]
    assert recorded_for == [("test", "dpo"), ("dpo-1", "dpo")]


def test_alarm_handling_goes_on_with_a_lapsed_training_and_the_dpo_is_warned_once_a_day(app):
    """The policy exempts alarm handling (an alarm is not refused for a lapsed course): the reads
    are allowed, and the DPO's roster lists the operator once for the day, audited once."""
    run_import(app, EVENTS)
    with TestClient(web.create_app(app)) as http:
        op = bearer(token(app, "op-1", role="station_operator", trained=False), "alarm_handling")
        train(app, "op-1", on=LAPSED)
        monitoring = bearer(token(app, "mon-1", system="monitoring"))
        raised = http.post(
            "/api/v1/alarms",
            headers=monitoring,
            json={"site": "S1", "kind": "intrusion", "at": "2026-11-26T02:47:00+00:00"},
        )
        sid = raised.json()["id"]
        assert http.post(f"/api/v1/alarms/{sid}/take", headers=op).status_code == 200
        for _ in range(2):
            shown = http.get(f"/api/v1/alarms/{sid}", headers=op)
            assert shown.status_code == 200
            assert [p["ref"] for p in shown.json()["trusted_persons"]] == ["T1"]
        # The same account under another purpose of its role is refused: only the exempt one goes on.
        other = bearer(op["Authorization"].split()[1], "contract_management")
        assert http.get("/api/v1/persons/P1", headers=other).status_code == 403
    roster = training.roster(app.training_desk(), role="dpo")
    assert roster["exempt_reads"] == [
        {"actor": "op-1", "purpose": "alarm_handling", "day": TODAY.isoformat()}
    ]
    assert [a["status"] for a in roster["accounts"] if a["actor"] == "op-1"] == ["lapsed"]
    warned = [e for e in entries(app, "training") if e["detail"].get("event") == "exempt_read"]
    assert len(warned) == 1


def test_recording_a_training_is_refused_with_the_field_named_and_only_for_the_dpo_s_team(app):
    """A course the policy does not list, a day in the future, an unknown account, a role that does
    not manage trainings: each refused, nothing written."""
    token(app, "cs-2", role="customer_service", trained=False)
    desk = app.training_desk()
    with pytest.raises(Refused, match=r"unknown course 'gdpr101' \(--course\)"):
        training.record(desk, actor="cs-2", course="gdpr101", completed_on=TODAY, by="d", role="dpo")
    with pytest.raises(Refused, match="in the future"):
        training.record(desk, actor="cs-2", course="rgpd_fondamentaux", completed_on=TODAY + timedelta(days=1),
                        by="d", role="dpo")  # fmt: skip
    with pytest.raises(NotFound):
        training.record(
            desk, actor="nobody", course="rgpd_fondamentaux", completed_on=TODAY, by="d", role="dpo"
        )
    with pytest.raises(Exception, match="may not record trainings"):
        training.record(desk, actor="cs-2", course="rgpd_fondamentaux", completed_on=TODAY, by="d",
                        role="customer_service")  # fmt: skip
    with app.engine.connect() as conn:
        assert conn.execute(select(tables.trainings.c.id)).all() == []


def test_the_roster_tells_current_lapsing_lapsed_and_never_and_ignores_systems_and_providers(app):
    """training.warn_before (30 days): a training ending within it is « lapsing »; a provider's
    staff are their employer's to train (Art. 28(3)(b)), a system has no one to train."""
    token(app, "a-current", role="dpo")  # trained yesterday
    token(app, "b-lapsing", role="legal", trained=False)
    train(app, "b-lapsing", on=TODAY - timedelta(days=350))
    token(app, "c-lapsed", role="sales", trained=False)
    train(app, "c-lapsed", on=LAPSED)
    token(app, "d-never", role="trainer", trained=False)
    token(app, "e-installer", role="installer", trained=False)
    token(app, "f-crm", system="crm")
    roster = training.roster(app.training_desk(), role="dpo")
    assert [(a["actor"], a["status"]) for a in roster["accounts"]] == [
        ("a-current", "current"),
        ("b-lapsing", "lapsing"),
        ("c-lapsed", "lapsed"),
        ("d-never", "never"),
    ]
    assert roster["counts"] == {"current": 1, "lapsing": 1, "lapsed": 1, "never": 1}


def test_a_provider_account_is_not_gated_by_the_operator_s_training(app):
    """The installer's staff are trained by their employer, the processor (Art. 28(3)(b))."""
    run_import(app, EVENTS)
    with TestClient(web.create_app(app)) as http:
        installer = bearer(token(app, "inst-1", role="installer", trained=False), "installation")
        assert http.get("/api/v1/persons/P1", headers=installer).status_code == 200


def test_the_sweep_deletes_a_training_record_past_its_keep_for(app):
    """training.keep_for (5 years after the training lapses), then the record goes (GDPR Art. 5(1)(e))."""
    token(app, "old-1", role="dpo", trained=False)
    train(app, "old-1", on=TODAY - timedelta(days=365 * 7))
    train(app, "old-1")
    report = sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert report.proofs_purged["trainings"] == 1
    with app.engine.connect() as conn:
        left = conn.execute(select(tables.trainings.c.completed_on)).scalars().all()
    assert left == [TODAY - timedelta(days=1)]


def test_a_dpo_whose_training_lapsed_handles_no_request_and_the_dashboard_says_why(app):
    """The rights requests name their requesters: behind an account, the rights desk asks the
    training too (GDPR Art. 24(1)); the dashboard stays, without the requests, saying why in French."""
    from charte.services import rights, sessions
    from tests.integration.test_console_pages import PASSWORD, signed_in

    rights.open_request(app.rights_desk("dpo-9", "dpo"), type_="access", received_on=TODAY, channel="post",
                        claimed_name="Ana Roux", contact="ana@example.org")  # fmt: skip
    secret = token(app, "dpo-lapsed", role="dpo", trained=False)
    train(app, "dpo-lapsed", on=LAPSED)
    with TestClient(web.create_app(app)) as http:
        listed = http.get("/api/v1/rights", headers=bearer(secret))
        assert (listed.status_code, listed.json()["reason"]) == (403, Denial.TRAINING.value)
        assert "Ana Roux" not in listed.text
    sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name="dpo-lapsed",
                          password=PASSWORD, by="admin")  # fmt: skip
    console = signed_in(app, "dpo-lapsed")
    board = console.get("/console")
    assert board.status_code == 200
    assert "Faites-la enregistrer par l&#39;équipe du DPO" in board.text
    assert "Ana Roux" not in board.text
    page = console.get("/console/requests/1")
    assert page.status_code == 403
    assert "votre formation à la protection des données a expiré le" in page.text.lower()
