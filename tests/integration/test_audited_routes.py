"""Every HTTP route that can return personal data writes an audit entry, on every path.

The list of routes comes from the app itself: each must declare whether it can return personal
data (``x-charte-personal-data``), and each that does is called here, with success, and must
append at least one audit entry. A new route cannot be added without being declared, and a new
personal-data route cannot be added without being walked here — and in production, one that
forgets its entry answers 500 with nothing of the data (entrypoints.web.audited_reads).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from charte.adapters.db import migrate, tables
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.audit import Action, Entry
from charte.domain.vocabulary import CourtKind
from charte.entrypoints.web import app as web
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL, AuditedReads, says_personal
from charte.services import alarms, answers, datasets, holds, identity, portal, rights, sessions
from charte.services.access import Reader
from charte.services.audit import Auditor
from charte.services.errors import NotSent
from tests.conftest import TEST_KEY, TODAY, bearer, run_import, token
from tests.fakes import FixedClock, MemoryAudit
from tests.feed import call, designated, person, signed, transcribed
from tests.integration.test_calls import AUDIO

PASSWORD = "Console-2026-secret!"  # noqa: S105  # a test account's


def routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, the included routers' too."""

    def walk(found: list) -> list[APIRoute]:
        out = []
        for r in found:
            if isinstance(r, APIRoute):
                out.append(r)
            elif hasattr(r, "original_router"):  # an included router, kept whole by FastAPI
                out += walk(r.original_router.routes)
        return out

    return walk(app.router.routes)


def key(route: APIRoute) -> tuple[str, str]:
    (method,) = route.methods
    return method, route.path


@pytest.fixture
def world(tmp_path):
    """A register where every personal-data route has something to show: a client with a site's
    access instructions, a trusted person, a recorded call, rights requests at each step, an alarm
    taken by an operator, a hold; the policy allows codes so that `send-code` succeeds."""
    document = yaml.safe_load(shipped_policy_path().read_text(encoding="utf-8"))
    document["rights"]["identity_verification"].update(
        {"methods": ["code", "client_number", "document"], "document_required": "when_in_doubt"}
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    home = tmp_path / "home"
    settings = Settings(policy_path=policy, home=home, database_url=f"sqlite:///{tmp_path / 'c.db'}",
                        field_key=TEST_KEY)  # fmt: skip
    app = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(app.engine)
    settings.inbox_dir.mkdir(parents=True)
    (settings.inbox_dir / "c1.wav").write_bytes(AUDIO)
    at = "2026-11-20T10:00:00+01:00"
    run_import(app, [
        signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux", email="ana@example.org", phone="0612345678"),
               access_instructions="code 4321"),
        designated("e2", "2025-01-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
        signed("e3", "2025-01-01", "C2", person("P2", last_name="Noir", email="noir@example.org"), site="S2"),
        call("e4", at, "CALL-1", person="P1", audio="c1.wav"),
        transcribed("e5", at, "CALL-1", "bonjour"),
    ])  # fmt: skip
    assert app.calls().ingest_pending(settings.inbox_dir) == 1
    analyst = Reader("ana", "recording_analyst", "service_improvement")
    datasets.build(app.dataset_desk(), analyst, "offers_by_region")  # counts only: no k to reach
    tokens = {}
    for name, role in (("dpo-1", "dpo"), ("op-1", "station_operator"), ("legal-1", "legal")):
        tokens[name] = token(app, name, role=role)
        sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name=name,
                              password=PASSWORD, by="admin")  # fmt: skip
    desk = app.rights_desk("dpo-1", "dpo")

    def opened(type_: str = "access", ref: str | None = "P1", **extra) -> int:
        return rights.open_request(desk, type_=type_, received_on=TODAY, channel="email", claimed_name="Ana Roux",
                                   contact="ana@example.org", person=ref, **extra)["id"]  # fmt: skip

    def verified(type_: str = "access", ref: str = "P1", **extra) -> int:
        rid = opened(type_, ref, **extra)
        identity.attach_document(desk, rid, b"%PDF-1.4 card")
        identity.verify(desk, rid, "document")
        return rid

    answered = verified()
    answers.fulfil(desk, answered)
    restricted = verified("restriction", "P2", ground="accuracy")
    answers.fulfil(desk, restricted)
    ids = {"answered": answered, "restricted": restricted, "tokens": tokens}
    for step in ("unmatched", "ask", "received", "document", "coded", "extend", "fee", "paid", "refuse",
                 "close", "verify", "fulfil", "console-ask", "console-extend", "console-refuse"):  # fmt: skip
        ids[step] = opened(ref=None if step == "unmatched" else "P1")
    ids["console-match"] = opened(ref=None)
    rights.ask_identity(desk, ids["received"], TODAY)
    rights.ask_fee(desk, ids["paid"], 1000, "the third identical request this month")
    for step in ("verify", "console-verify-doc"):
        ids.setdefault(step, opened())
        identity.attach_document(desk, ids[step], b"%PDF-1.4 card")
    ids["console-verify"] = opened()
    identity.attach_document(desk, ids["console-verify"], b"%PDF-1.4 card")
    ids["console-fulfil"] = verified()
    ids["fulfil"] = verified()
    ids["lettered"] = opened()
    refused = rights.refuse(desk, ids["lettered"], "answered already")
    ids["letter"] = refused["letters"][-1].rsplit("/", 1)[-1]
    outbox, app.__dict__["notifier"] = app.notifier, Down()
    for step in ("resend", "console-resend"):
        ids[step] = opened()
        rights.refuse(app.rights_desk("dpo-1", "dpo"), ids[step], "answered already")  # its notice not sent
    app.__dict__["notifier"] = outbox
    secret, shown = portal.file_request(app.portal_desk(), type_="access", claimed_name="Ana Roux",
                                        contact="ana@example.org")  # fmt: skip
    rights.match(desk, shown["id"], "P1")
    portal.attach_document(app.portal_desk(), secret, b"%PDF-1.4 card")
    identity.verify(desk, shown["id"], "document")
    answers.fulfil(desk, shown["id"])
    ids["portal"] = (secret, *portal.answer_link(app.portal_desk(), secret))
    alarm_desk = app.alarm_desk()
    session = alarms.raise_alarm(alarm_desk, site="S1", kind="intrusion", at=datetime(2026, 11, 26, 2, tzinfo=UTC),
                                 by="monitoring-1", system="monitoring")["id"]  # fmt: skip
    alarms.take(alarm_desk, Reader("op-1", "station_operator", "alarm_handling"), session)
    ids["session"] = session
    holds.place(holds=app.holds(), gate=app.gate, role="legal", case="RG-1", kind=CourtKind.CIVIL,
                subjects=[("person", "P1")], reason="a claim", actor="legal-1")  # fmt: skip
    reviewer = Reader("rev-1", "quality_reviewer", "quality_monitoring")
    from charte.services import calls

    ids["analysis"] = calls.add_analysis(app.call_desk(), reviewer, "CALL-1", "result", [b'{"score": 3}'])[
        "id"
    ]
    from charte.domain.breaches import Nature
    from charte.services import breaches

    aware = datetime(2026, 11, 25, 9, tzinfo=UTC)
    ids["breach"] = breaches.open_breach(app.breach_keeper(), actor="dpo-1", role="dpo", new=breaches.NewBreach(
        "Portable volé", aware, "accueil", aware, (Nature.CONFIDENTIALITY,)))["breach"]  # fmt: skip
    yield app, ids
    app.engine.dispose()
    app.audit_engine.dispose()


def entries(app) -> int:
    with app.audit_engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.audit_entries)).scalar_one()


def signed_in(client: TestClient, name: str) -> TestClient:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf}).status_code == 303
    return client


def test_every_route_declares_whether_it_can_return_personal_data(world):
    """GDPR Art. 5(2), 30: which operations carry personal data is part of the API's contract."""
    app, _ = world
    undeclared = [key(r) for r in routes(web.create_app(app)) if says_personal(r) is None]
    assert undeclared == []


def test_a_personal_data_answer_without_its_audit_entry_is_withheld():
    """GDPR Art. 32: a read that forgets its entry fails closed; nothing of its body leaves."""
    audit = MemoryAudit()
    auditor = Auditor(audit, audit, FixedClock(TODAY), lambda ref: ref)
    api = FastAPI()
    api.add_middleware(AuditedReads)

    @api.get("/forgets", openapi_extra=PERSONAL)
    def forgets() -> dict[str, str]:
        return {"alarm_code": "4321"}

    @api.get("/records", openapi_extra=PERSONAL)
    def records() -> dict[str, str]:
        auditor.record([Entry(at=FixedClock(TODAY).now(), actor="t", action=Action.READ)])
        return {"alarm_code": "4321"}

    @api.get("/undeclared")
    def undeclared() -> dict[str, str]:
        return {"alarm_code": "4321"}

    @api.get("/public", openapi_extra=NO_PERSONAL)
    def public() -> dict[str, str]:
        return {"charter": "text"}

    with TestClient(api) as http:
        for path in ("/forgets", "/undeclared"):
            withheld = http.get(path)
            assert withheld.status_code == 500, path
            assert "4321" not in withheld.text
            assert withheld.json()["title"] == "Unaudited read"
        assert http.get("/records").json() == {"alarm_code": "4321"}
        assert http.get("/public").status_code == 200


def _calls(ids: dict) -> dict[tuple[str, str], Callable]:
    """How each personal-data route is called with success: (clients, headers) -> response."""
    r, s, now = ids, ids["session"], TODAY.isoformat()
    return {
        ("GET", "/api/v1/persons/{ref}"): lambda c: c.api.get("/api/v1/persons/P1", headers=c.dpo),
        ("POST", "/api/v1/disclosures"): lambda c: c.api.post(
            "/api/v1/disclosures", headers=c.dpo, json={"to": "installer", "person": "P1", "purpose": "installation"}
        ),
        ("GET", "/api/v1/persons"): lambda c: c.api.get("/api/v1/persons", headers=c.dpo),
        ("GET", "/api/v1/datasets/{name}/builds/{number}/{file}"): lambda c: c.api.get(
            "/api/v1/datasets/offers_by_region/builds/1/data.csv", headers=c.analyst),
        ("GET", "/api/v1/breaches/{breach}/persons"): lambda c: c.api.get(
            f"/api/v1/breaches/{r['breach']}/persons", headers=c.dpo_bare),
        ("GET", "/console/breaches/{number}/persons"): lambda c: c.dpo_page.get(
            f"/console/breaches/{r['breach']}/persons"),
        ("POST", "/api/v1/persons/search"): lambda c: c.api.post(
            "/api/v1/persons/search", headers=c.dpo, json={"text": "P1"}),
        ("GET", "/api/v1/outbox"): lambda c: c.api.get("/api/v1/outbox", headers=c.crm),
        ("POST", "/api/v1/prospecting/decide"): lambda c: c.api.post(
            "/api/v1/prospecting/decide", headers=c.sales, json={"contact": "0612345678", "channel": "phone"}),
        ("POST", "/api/v1/prospecting/screen"): lambda c: c.api.post(
            "/api/v1/prospecting/screen", headers=c.sales, params={"channel": "phone"}, content="0612345678\n"),
        ("POST", "/api/v1/rights"): lambda c: c.api.post("/api/v1/rights", headers=c.dpo_bare, json={
            "type": "access", "received_on": now, "channel": "web", "claimed_name": "A", "contact": "a@example.org"}),
        ("GET", "/api/v1/rights"): lambda c: c.api.get("/api/v1/rights", headers=c.dpo_bare),
        ("GET", "/api/v1/rights/notices"): lambda c: c.api.get("/api/v1/rights/notices", headers=c.dpo_bare),
        ("GET", "/api/v1/rights/{request}"): lambda c: c.api.get(f"/api/v1/rights/{r['answered']}", headers=c.dpo_bare),
        ("POST", "/api/v1/rights/{request}/match"): lambda c: c.api.post(
            f"/api/v1/rights/{r['unmatched']}/match", headers=c.dpo_bare, json={"person": "P1"}),
        ("POST", "/api/v1/rights/{request}/ask-identity"): lambda c: c.api.post(
            f"/api/v1/rights/{r['ask']}/ask-identity", headers=c.dpo_bare, json={"on": now}),
        ("POST", "/api/v1/rights/{request}/identity-received"): lambda c: c.api.post(
            f"/api/v1/rights/{r['received']}/identity-received", headers=c.dpo_bare, json={"on": now}),
        ("POST", "/api/v1/rights/{request}/document"): lambda c: c.api.post(
            f"/api/v1/rights/{r['document']}/document", headers=c.dpo_bare | {"Content-Type": "application/pdf"},
            content=b"%PDF-1.4 card"),
        ("POST", "/api/v1/rights/{request}/send-code"): lambda c: c.api.post(
            f"/api/v1/rights/{r['coded']}/send-code", headers=c.dpo_bare),
        ("POST", "/api/v1/rights/{request}/verify"): lambda c: c.api.post(
            f"/api/v1/rights/{r['verify']}/verify", headers=c.dpo_bare, json={"method": "document"}),
        ("POST", "/api/v1/rights/{request}/extend"): lambda c: c.api.post(
            f"/api/v1/rights/{r['extend']}/extend", headers=c.dpo_bare, json={"on": now, "reason": "complex"}),
        ("POST", "/api/v1/rights/{request}/fee"): lambda c: c.api.post(
            f"/api/v1/rights/{r['fee']}/fee", headers=c.dpo_bare, json={"cents": 500, "reason": "repeated"}),
        ("POST", "/api/v1/rights/{request}/fee-paid"): lambda c: c.api.post(
            f"/api/v1/rights/{r['paid']}/fee-paid", headers=c.dpo_bare, json={"on": now}),
        ("POST", "/api/v1/rights/{request}/refuse"): lambda c: c.api.post(
            f"/api/v1/rights/{r['refuse']}/refuse", headers=c.dpo_bare, json={"reason": "answered already"}),
        ("POST", "/api/v1/rights/{request}/close"): lambda c: c.api.post(
            f"/api/v1/rights/{r['close']}/close", headers=c.dpo_bare, json={"reason": "withdrawn"}),
        ("POST", "/api/v1/rights/{request}/fulfil"): lambda c: c.api.post(
            f"/api/v1/rights/{r['fulfil']}/fulfil", headers=c.dpo_bare),
        ("POST", "/api/v1/rights/{request}/lift-restriction"): lambda c: c.api.post(
            f"/api/v1/rights/{r['restricted']}/lift-restriction", headers=c.dpo_bare),
        ("POST", "/api/v1/rights/{request}/resend"): lambda c: c.api.post(
            f"/api/v1/rights/{r['resend']}/resend", headers=c.dpo_bare),
        ("GET", "/api/v1/rights/{request}/answer"): lambda c: c.api.get(
            f"/api/v1/rights/{r['answered']}/answer", headers=c.dpo_bare),
        ("GET", "/api/v1/rights/{request}/letters/{name}"): lambda c: c.api.get(
            f"/api/v1/rights/{r['lettered']}/letters/{r['letter']}", headers=c.dpo_bare),
        ("GET", "/api/v1/calls/{ref}/analyses"): lambda c: c.api.get("/api/v1/calls/CALL-1/analyses", headers=c.rev),
        ("GET", "/api/v1/calls/{ref}/analyses/{analysis}"): lambda c: c.api.get(
            f"/api/v1/calls/CALL-1/analyses/{r['analysis']}", headers=c.rev),
        ("GET", "/api/v1/calls/{ref}"): lambda c: c.api.get("/api/v1/calls/CALL-1", headers=c.rev),
        ("GET", "/api/v1/calls/{ref}/audio"): lambda c: c.api.get("/api/v1/calls/CALL-1/audio", headers=c.rev),
        ("GET", "/api/v1/calls/{ref}/transcript"): lambda c: c.api.get(
            "/api/v1/calls/CALL-1/transcript", headers=c.rev),
        ("GET", "/api/v1/alarms/{session_id}"): lambda c: c.api.get(f"/api/v1/alarms/{s}", headers=c.op),
        ("POST", "/api/v1/alarms/{session_id}/attempts"): lambda c: c.api.post(
            f"/api/v1/alarms/{s}/attempts", headers=c.op, json={"person": "T1", "outcome": "answered"}),
        ("POST", "/api/v1/alarms/{session_id}/dispatch"): lambda c: c.api.post(
            f"/api/v1/alarms/{s}/dispatch", headers=c.op, json={"to": "intervention_provider"}),
        ("GET", "/console"): lambda c: c.dpo_page.get("/console"),
        ("GET", "/console/requests/{request_id}"): lambda c: c.dpo_page.get(f"/console/requests/{r['answered']}"),
        ("POST", "/console/requests/{request_id}/match"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-match']}/match", person="P1"),
        ("POST", "/console/requests/{request_id}/ask-identity"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-ask']}/ask-identity"),
        ("POST", "/console/requests/{request_id}/verify"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-verify']}/verify"),
        ("POST", "/console/requests/{request_id}/resend"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-resend']}/resend"),
        ("POST", "/console/requests/{request_id}/extend"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-extend']}/extend", reason="complex"),
        ("POST", "/console/requests/{request_id}/refuse"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-refuse']}/refuse", reason="answered already"),
        ("POST", "/console/requests/{request_id}/fulfil"): lambda c: c.form(
            c.dpo_page, f"/console/requests/{r['console-fulfil']}/fulfil"),
        ("GET", "/console/requests/{request_id}/document"): lambda c: c.dpo_page.get(
            f"/console/requests/{r['console-verify-doc']}/document"),
        ("GET", "/console/requests/{request_id}/answer"): lambda c: c.dpo_page.get(
            f"/console/requests/{r['answered']}/answer"),
        ("GET", "/console/requests/{request_id}/letters/{name}"): lambda c: c.dpo_page.get(
            f"/console/requests/{r['lettered']}/letters/{r['letter']}"),
        ("GET", "/console/persons"): lambda c: c.dpo_page.get("/console/persons?ref=P1&purpose=rights_handling"),
        ("POST", "/console/persons/search"): lambda c: c.form(
            c.dpo_page, "/console/persons/search", q="P1", purpose="rights_handling"),
        ("GET", "/console/holds"): lambda c: c.dpo_page.get("/console/holds"),
        ("GET", "/console/audit"): lambda c: c.dpo_page.get("/console/audit?actor=dpo-1"),
        ("GET", "/console/outbox"): lambda c: c.dpo_page.get("/console/outbox"),
        ("GET", "/console/alarms"): lambda c: c.op_page.get("/console/alarms"),
        ("GET", "/console/alarms/list"): lambda c: c.op_page.get("/console/alarms/list"),
        ("GET", "/console/alarms/{session_id}"): lambda c: c.op_page.get(f"/console/alarms/{s}"),
        ("POST", "/console/alarms/{session_id}/attempts"): lambda c: c.form(
            c.op_page, f"/console/alarms/{s}/attempts", person="T1", outcome="no_answer"),
        ("POST", "/console/alarms/{session_id}/dispatch"): lambda c: c.form(
            c.op_page, f"/console/alarms/{s}/dispatch", to="guarding_provider"),
        ("GET", "/portal/suivi/reponse"): lambda c: c.portal.get(
            f"/portal/suivi/reponse?expire={r['portal'][1]}&sig={r['portal'][2]}"),
    }  # fmt: skip


class Clients:
    def __init__(self, app, ids) -> None:
        self.api = TestClient(web.create_app(app))
        self.dpo = bearer(token(app, "dpo-api", role="dpo"), "rights_handling")
        self.dpo_bare = bearer(token(app, "dpo-api-2", role="dpo"))
        self.op = bearer(ids["tokens"]["op-1"], "alarm_handling")  # the operator holding the alarm
        self.rev = bearer(token(app, "rev-1", role="quality_reviewer"), "quality_monitoring")
        self.crm = bearer(token(app, "crm-feed", system="crm"))
        self.sales = bearer(token(app, "sales-api", role="sales"), "prospecting")
        self.analyst = bearer(token(app, "analyst-api", role="recording_analyst"), "service_improvement")
        self.dpo_page = signed_in(TestClient(web.create_app(app), base_url="https://testserver",
                                             follow_redirects=False), "dpo-1")  # fmt: skip
        self.op_page = signed_in(TestClient(web.create_app(app), base_url="https://testserver",
                                            follow_redirects=False), "op-1")  # fmt: skip
        self.portal = TestClient(web.create_app(app), base_url="https://testserver")
        self.portal.cookies.set("charte_portal", ids["portal"][0])

    def form(self, client: TestClient, path: str, **fields: str):
        return client.post(path, data={"csrf": client.cookies["charte_csrf"], **fields})


class Down:
    """A relay that refuses every message (what SmtpNotifier raises then)."""

    def send(self, to, subject, text, attachments=()):
        raise NotSent("the relay could not be reached")


def test_every_personal_data_route_appends_an_audit_entry(world):
    """GDPR Art. 5(2), 32; CNIL délibération 2021-122: every read of personal data, on every path,
    is recorded — the walk covers each route the app declares personal."""
    app, ids = world
    declared = {key(r) for r in routes(web.create_app(app)) if says_personal(r)}
    walked = _calls(ids)
    assert set(walked) == declared  # a new personal-data route is walked here, or this fails
    clients = Clients(app, ids)
    for route, call_it in walked.items():
        before = entries(app)
        answer = call_it(clients)
        assert answer.status_code in (200, 201, 303), (route, answer.status_code, answer.text[:300])
        assert entries(app) > before, route
