"""Alarm handling: trusted persons and instructions only inside an open session."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from charte.adapters.db.audit_store import AuditFilter
from charte.domain.access import Denial
from charte.entrypoints.web import app as web
from charte.services import alarms, answers, identity, rights
from charte.services.access import AccessDenied, Reader
from charte.services.errors import Conflict, NotFound, Refused
from charte.services.retention import ScheduleFilter, forecast, sweep
from tests.conftest import TODAY, bearer, restrict, run_import, token
from tests.feed import designated, ended, person, removed, signed

AT = datetime(2026, 11, 26, 2, 47, tzinfo=UTC)
OP = Reader("op-1", "station_operator", "alarm_handling")
OP2 = Reader("op-2", "station_operator", "alarm_handling")
EVENTS = [
    signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", last_name="Durand", phone="0600000001"),
           access_instructions="code 4321"),
    designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=2),
    designated("e3", "2025-02-03", "S1", person("T2", first_name="Léa", phone="0700000002"), rank=1),
    signed("e4", "2025-03-01", "C2", person("P2", first_name="Zoé"), site="S2"),
    designated("e5", "2025-03-02", "S2", person("T9", first_name="Max", phone="0700000009"), rank=1),
]  # fmt: skip


@pytest.fixture
def desk(app):
    run_import(app, EVENTS)
    return app.alarm_desk()


def raised(desk, site: str = "S1") -> int:
    return alarms.raise_alarm(
        desk, site=site, kind="intrusion", at=AT, by="monitoring-1", system="monitoring"
    )["id"]


def test_the_operator_sees_trusted_persons_in_call_order_only_while_holding_the_open_session(desk):
    """Instructions and trusted persons are shown only inside the open session."""
    sid = raised(desk)
    with pytest.raises(Refused, match="not held by 'op-1'"):
        alarms.screen(desk, OP, sid)
    alarms.take(desk, OP, sid)
    shown = alarms.screen(desk, OP, sid)
    assert [p["ref"] for p in shown["trusted_persons"]] == ["T2", "T1"]  # rank 1 first
    assert [p["fields"]["phone"] for p in shown["trusted_persons"]] == ["0700000002", "0700000001"]
    assert shown["site"]["fields"]["access_instructions"] == "code 4321"
    assert [p["ref"] for p in shown["clients"]] == ["P1"]
    assert "T9" not in str(shown)  # another site's trusted person
    alarms.close(desk, OP, sid, outcome="false_alarm")
    with pytest.raises(Refused, match="is closed: its access ended"):
        alarms.screen(desk, OP, sid)


def test_outside_a_session_the_station_reads_neither_trusted_persons_nor_instructions(app, desk):
    """The gate's context is the open session; a plain read is refused or trimmed."""
    with TestClient(web.create_app(app)) as http:
        headers = bearer(token(app, "op-9", role="station_operator"), "alarm_handling")
        refused = http.get("/api/v1/persons/T1", headers=headers)
        assert (refused.status_code, refused.json()["reason"]) == (403, Denial.CONTEXT.value)
        client = http.get("/api/v1/persons/P1", headers=headers).json()
        assert client["sites"] == [{"ref": "S1", "fields": {"site_address": "1 rue des Lilas"}}]


def test_one_operator_holds_a_session_and_another_can_neither_take_nor_read_it(desk):
    """The session is the operator's; a second taker is told who holds it."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    with pytest.raises(Conflict, match="already held by 'op-1'"):
        alarms.take(desk, OP2, sid)
    with pytest.raises(Refused, match="not held by 'op-2'"):
        alarms.screen(desk, OP2, sid)
    with pytest.raises(AccessDenied):
        alarms.take(desk, Reader("s-1", "sales", "alarm_handling"), sid)
    with pytest.raises(Refused, match="under the purpose 'alarm_handling'"):
        alarms.take(desk, Reader("op-1", "station_operator", "contract_management"), sid)


def test_every_view_in_a_session_is_audited_under_alarm_handling_with_the_session(app, desk):
    """Charter « traçabilité »: each person shown is an audit entry with its context."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    alarms.screen(desk, OP, sid)
    entries = app.audit_store().search(AuditFilter(subject=app.auditor.subject("person", "T1")))
    assert [(e["actor"], e["purpose"], e["context"], e["decision"]) for e in entries] == [
        ("op-1", "alarm_handling", f"alarm_session:{sid}", "allowed")
    ]
    assert "Luc" not in str(entries)


def test_call_attempts_are_recorded_and_outlive_the_trusted_person_s_erasure(app, desk):
    """Attempts recorded; seed: trusted persons kept only while designated."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    alarms.record_attempt(desk, OP, sid, person="T2", outcome="no_answer")
    alarms.record_attempt(desk, OP, sid, person="T1", outcome="answered")
    with pytest.raises(Refused, match="'T9' is not one to call"):
        alarms.record_attempt(desk, OP, sid, person="T9", outcome="answered")
    with pytest.raises(Refused, match="outcome: one of"):
        alarms.record_attempt(desk, OP, sid, person="T1", outcome="maybe")
    run_import(app, [removed("e9", "2026-11-25", "S1", "T1")])
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert app.register_queries().person("T1") is None
    attempts = desk.store.attempts(sid)
    assert [(a.person, a.rank, a.outcome) for a in attempts] == [
        ("T2", 1, "no_answer"),
        (None, 2, "answered"),
    ]


def test_a_dispatch_gives_the_provider_its_minimal_view_and_lands_in_the_ledger(app, desk):
    """Seed: intervention and guarding providers receive what the intervention needs."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    sent = alarms.dispatch(desk, OP, sid, to="intervention_provider")
    assert sent["purpose"] == "intervention"
    assert sent["view"]["fields"] == {"first_name": "Ana", "last_name": "Durand", "phone": "0600000001"}
    assert sent["view"]["sites"][0]["fields"]["access_instructions"] == "code 4321"
    assert app.disclosures().for_person(app.auditor.subject("person", "P1"))[0].to == "intervention_provider"
    assert [d["to"] for d in alarms.screen(desk, OP, sid)["dispatches"]] == ["intervention_provider"]
    with pytest.raises(Refused, match="'prescriber' is not a provider alarms may be dispatched to"):
        alarms.dispatch(desk, OP, sid, to="prescriber")


def test_a_restricted_client_s_alarm_is_still_handled_and_dispatched(app, desk):
    """GDPR Art. 18(2): the safety of persons comes before the restriction."""
    restrict(app, "P1")
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    shown = alarms.screen(desk, OP, sid)
    assert shown["clients"][0]["restricted"] is True
    assert alarms.dispatch(desk, OP, sid, to="guarding_provider")["purpose"] == "guarding"


def test_sessions_leave_with_their_contract_s_client_data(app):
    """Sessions are kept with the contract's client data (contract end + 5 years)."""
    run_import(app, [signed("o1", "2019-01-01", "C7", person("P7"), site="S7"),
                     designated("o2", "2019-01-02", "S7", person("T7"), rank=1)])  # fmt: skip
    desk = app.alarm_desk()
    old = alarms.raise_alarm(
        desk, site="S7", kind="fire", at=datetime(2020, 5, 1, tzinfo=UTC), by="m", system="monitoring"
    )["id"]
    alarms.take(desk, OP, old)
    alarms.record_attempt(desk, OP, old, person="T7", outcome="answered")
    run_import(app, [ended("o3", "2021-06-30", "C7"), removed("o4", "2021-06-30", "S7", "T7")])
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)  # 2021-06-30 + 5 years has passed
    with pytest.raises(NotFound):
        alarms.screen(desk, OP, old)
    assert desk.store.attempts(old) == []


def test_an_alarm_needs_a_known_site_with_a_contract(desk):
    """A session is kept with a contract, so a site without one is refused by name."""
    with pytest.raises(NotFound, match="site with a contract not found: S404"):
        raised(desk, "S404")
    with pytest.raises(Refused, match="kind: 1 to 32 letters"):
        alarms.raise_alarm(desk, site="S1", kind="<script>", at=AT, by="m", system="monitoring")


def test_the_monitoring_software_raises_alarms_and_operators_handle_them_over_http(app, desk):
    """POST /api/v1/alarms by a system actor; the operator's steps under /api/v1/alarms."""
    with TestClient(web.create_app(app)) as http:
        monitoring = bearer(token(app, "monitoring-1", system="monitoring"))
        op = bearer(token(app, "op-1", role="station_operator"), "alarm_handling")
        body = {"site": "S1", "at": "2026-11-26T03:47:00+01:00", "kind": "intrusion"}
        assert http.post("/api/v1/alarms", json=body, headers=op).status_code == 403
        made = http.post("/api/v1/alarms", json=body, headers=monitoring)
        assert made.status_code == 201
        sid = made.json()["id"]
        assert made.json()["raised_at"] == "2026-11-26T02:47:00+00:00"
        naive = http.post("/api/v1/alarms", json=body | {"at": "2026-11-26T03:47:00"}, headers=monitoring)
        assert naive.status_code == 422
        assert [a["id"] for a in http.get("/api/v1/alarms", headers=op).json()] == [sid]
        assert http.get(f"/api/v1/alarms/{sid}", headers=op).status_code == 403
        assert http.post(f"/api/v1/alarms/{sid}/take", headers=op).json()["status"] == "taken"
        screen = http.get(f"/api/v1/alarms/{sid}", headers=op).json()
        assert [p["ref"] for p in screen["trusted_persons"]] == ["T2", "T1"]
        tried = http.post(
            f"/api/v1/alarms/{sid}/attempts", json={"person": "T2", "outcome": "answered"}, headers=op
        )
        assert tried.json()[0]["outcome"] == "answered"
        sent = http.post(f"/api/v1/alarms/{sid}/dispatch", json={"to": "intervention_provider"}, headers=op)
        assert sent.json()["to"] == "intervention_provider"
        closed = http.post(f"/api/v1/alarms/{sid}/close", json={"outcome": "intervention"}, headers=op)
        assert closed.json()["status"] == "closed"
        assert http.get(f"/api/v1/alarms/{sid}", headers=op).status_code == 403
        assert http.get("/api/v1/alarms", headers=op).json() == []


def test_the_monitoring_software_may_raise_alarms_in_the_event_feed(app, desk):
    """docs/events.md: `alarm.raised` opens a waiting session; bad lines name the key."""
    good = {
        "id": "al-1",
        "type": "alarm.raised",
        "at": "2026-11-26T03:10:00+01:00",
        "site": "S1",
        "kind": "fire",
    }
    report = run_import(app, [good])
    assert (report.applied, report.errors) == (1, [])
    [waiting] = alarms.waiting(desk, OP)
    assert (waiting["site"], waiting["kind"], waiting["contract"], waiting["raised_by"]) == (
        "S1",
        "fire",
        "C1",
        "event:al-1",
    )
    bad = run_import(app, [
        good | {"id": "al-2", "at": "2026-11-26"},
        good | {"id": "al-3", "site": "S404"},
        good | {"id": "al-4", "kind": "<b>"},
    ])  # fmt: skip
    assert [(e.line, e.field) for e in bad.errors] == [(1, "at"), (2, "site"), (3, "kind")]
    assert len(alarms.waiting(desk, OP)) == 1  # nothing half-written


def test_sessions_are_in_the_retention_schedule_and_forecast_with_their_contract_s_client_dates(app):
    """Alarm sessions are a retention unit kept with the contract's client data."""
    run_import(
        app, [signed("o1", "2019-01-01", "C7", person("P7"), site="S7"), ended("o2", "2023-03-31", "C7")]
    )
    desk = app.alarm_desk()
    sid = alarms.raise_alarm(
        desk, site="S7", kind="fire", at=datetime(2022, 5, 1, tzinfo=UTC), by="m", system="monitoring"
    )["id"]
    units = list(app.retention_queries().units(ScheduleFilter(person="P7")))
    client = next(u for u in units if u.unit == "client")
    session = next(u for u in units if u.unit == "alarm_session")
    assert session.context == f"alarm-{sid}"
    assert (session.retention_end, session.purge_due, session.rule) == (
        client.retention_end,
        client.purge_due,
        "client",
    )
    assert client.purge_due.isoformat() == "2028-04-01"
    months = {
        m["month"]: m["units"] for m in forecast(queries=app.retention_queries(), today=TODAY, months=24)
    }
    assert months.get("2028-04") == 2  # the client unit and its session


def test_a_client_s_access_answer_lists_the_alarm_sessions_of_their_contract(app, desk):
    """GDPR Art. 15(1)(d): how long each thing is kept, alarm sessions included."""
    sid = raised(desk)
    dpo = app.rights_desk("dpo-1", "dpo")
    opened = rights.open_request(dpo, type_="access", received_on=TODAY, channel="post", claimed_name="Ana Durand",
                                 contact="ana@example.org", person="P1")  # fmt: skip
    identity.attach_document(dpo, opened["id"], b"%PDF-1.4 card")
    identity.verify(dpo, opened["id"], "document")
    answers.fulfil(dpo, opened["id"])
    with zipfile.ZipFile(answers.answer_archive(dpo, opened["id"])) as archive:
        data = json.loads(archive.read("data.json"))
    sessions = [u for u in data["retention"] if u["unit"] == "alarm_session"]
    assert [(u["context"], u["rule"]) for u in sessions] == [(f"alarm-{sid}", "client")]


def test_an_operator_may_hand_a_session_back_and_loses_its_access_at_once(desk):
    """The access lasts as long as the operator holds the session (a shift ends)."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    alarms.record_attempt(desk, OP, sid, person="T2", outcome="no_answer")
    assert alarms.release(desk, OP, sid)["status"] == "waiting"
    with pytest.raises(AccessDenied, match="not held by 'op-1'"):
        alarms.screen(desk, OP, sid)
    with pytest.raises(AccessDenied):
        alarms.release(desk, OP2, sid)  # nobody holds it: nothing to give back
    alarms.take(desk, OP2, sid)
    shown = alarms.screen(desk, OP2, sid)
    assert [a["outcome"] for a in shown["attempts"]] == ["no_answer"]  # the colleague sees what was tried


def test_a_trusted_person_s_access_answer_lists_the_station_s_calls_to_them(app, desk):
    """GDPR Art. 15: a trusted person learns when the station called them during an alarm."""
    sid = raised(desk)
    alarms.take(desk, OP, sid)
    alarms.record_attempt(desk, OP, sid, person="T2", outcome="voicemail")
    dpo = app.rights_desk("dpo-1", "dpo")
    opened = rights.open_request(dpo, type_="access", received_on=TODAY, channel="post", claimed_name="Léa",
                                 contact="0700000002", person="T2")  # fmt: skip
    identity.attach_document(dpo, opened["id"], b"%PDF-1.4 card")
    identity.verify(dpo, opened["id"], "document")
    answers.fulfil(dpo, opened["id"])
    with zipfile.ZipFile(answers.answer_archive(dpo, opened["id"])) as archive:
        data = json.loads(archive.read("data.json"))
    assert [(c["alarm"], c["as"], c["rank"], c["outcome"]) for c in data["alarm_calls"]] == [
        (f"alarm-{sid}", "trusted_person", 1, "voicemail")
    ]


def test_only_the_systems_the_policy_names_raise_alarms_and_every_raise_is_audited(app, desk):
    """Seed: the station reads trusted persons and access instructions only to handle an alarm;
    an alarm is raised only by the systems of alarms.raised_by (GDPR Art. 32(4))."""
    with TestClient(web.create_app(app)) as http:
        crm = bearer(token(app, "crm-feed", system="crm"))
        monitoring = bearer(token(app, "monitoring-1", system="monitoring"))
        body = {"site": "S1", "at": "2026-11-26T03:47:00+01:00", "kind": "intrusion"}
        refused = http.post("/api/v1/alarms", json=body, headers=crm)
        assert refused.status_code == 403
        assert refused.json()["detail"].endswith(
            "system 'crm' may not raise alarms (policy: alarms.raised_by)"
        )
        line = json.dumps(
            {"id": "a1", "type": "alarm.raised", "at": body["at"], "site": "S1", "kind": "fire"}
        )
        fed = http.post("/api/v1/events", content=line, headers=crm)
        assert fed.status_code == 422
        assert fed.json()["summary"]["errors"] == [
            "line 1: type: system 'crm' may not raise alarms (policy: alarms.raised_by)"
        ]
        assert http.get("/api/v1/alarms", headers=bearer(token(app, "op", role="station_operator"),
                                                           "alarm_handling")).json() == []  # fmt: skip
        assert http.post("/api/v1/alarms", json=body, headers=monitoring).status_code == 201
        assert http.post("/api/v1/events", content=line, headers=monitoring).status_code == 200
    with app.audit_engine.connect() as conn:
        rows = [
            json.loads(b)
            for (b,) in conn.execute(text("SELECT body FROM audit_entries WHERE action = 'alarm'"))
        ]
    assert [(r["actor"], r["decision"], r["detail"]["system"]) for r in rows] == [
        ("crm-feed", "denied:role_may_not_act_under_purpose", "crm"),
        ("monitoring-1", "allowed", "monitoring"),
    ]
    assert all(r["subject"] == app.auditor.subject("site", "S1") for r in rows)


def test_a_system_feeds_only_the_event_types_the_policy_gives_it(app, desk):
    """Retention and holds depend on who may say a litigation closed: the telephony may not."""
    with TestClient(web.create_app(app)) as http:
        telephony = bearer(token(app, "tel", system="telephony"))
        line = json.dumps({"id": "l1", "type": "litigation.closed", "at": "2026-11-20", "case": "K1"})
        fed = http.post("/api/v1/events", content=line, headers=telephony)
        assert fed.status_code == 422
        assert fed.json()["summary"]["errors"] == [
            "line 1: type: system 'telephony' may not send litigation.closed events (policy: systems.telephony.sends)"
        ]
