"""The prospecting gate on a real register: consents from the feed, the contact's persons, calls
made and refused, clients under contract, objections — each answer kept and audited without the
contact (Code de la consommation L223-1 and D223-9, CPCE L34-5, GDPR Art. 7 and 21)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from charte.adapters.db import tables
from charte.domain.prospecting import Channel
from charte.services.access import AccessDenied, Reader
from charte.services.audit import AuditFilter
from charte.services.errors import Refused
from charte.services.prospecting import Asked, decide_solicitation
from tests.conftest import run_import
from tests.feed import collected, contacted, person, signed

PARIS = ZoneInfo("Europe/Paris")
SALES = Reader(actor="vente-1", role="sales", purpose="prospecting")
TEXT = {"name": "Formulaire devis v3", "sha256": "ab" * 32}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def given(id: str, when: str, who: str, channel: str, contact: str, **extra) -> dict:
    return {"id": id, "type": "consent.given", "at": when, "person": who, "purpose": "prospecting",
            "channel": channel, "contact": contact, "method": "web_form", "text": TEXT,
            "source": {"kind": "subject"}, **extra}  # fmt: skip


def ask(app, contact: str, channel: Channel = Channel.PHONE, moment: str = "2026-11-26T11:00", **kw):
    return decide_solicitation(
        policy=app.policy,
        store=app.prospecting_store(),
        contacts=app.consent_contacts,
        gate=app.gate,
        auditor=app.auditor,
        reader=kw.pop("reader", SALES),
        asked=Asked(contact=contact, channel=channel, purpose="prospecting", moment=at(moment), **kw),
    )


@pytest.fixture
def leads(app):
    run_import(
        app,
        [
            collected(
                "c1",
                "2026-09-01",
                person("P1", last_name="Roux", phone="06 12 34 56 78", email="ana@example.org"),
                source={"kind": "partner", "ref": "BANQUE-X"},
            ),
            given(
                "g1",
                "2026-09-01T10:12:00+02:00",
                "P1",
                "phone",
                "+33 6 12 34 56 78",
                method="partner",
                source={"kind": "partner", "ref": "BANQUE-X"},
            ),
            collected("c2", "2026-09-02", person("P2", last_name="Nowak", phone="0698765432")),
            signed("s3", "2025-01-01", "C3", person("K3", last_name="Martin", phone="0611111111")),
        ],
    )
    return app


def test_a_consent_from_the_feed_allows_a_call_in_the_hours_and_the_answer_is_kept_without_the_contact(leads):
    """L223-1: prior consent since 11 August 2026, proven; the answer is the professional's proof."""
    answer = ask(leads, "06.12.34.56.78")
    assert answer.decision.allowed
    assert [r.code for r in answer.decision.reasons] == ["consent", "within_hours", "under_limit"]
    assert answer.decision.reasons[0].detail == "given 2026-09-01T08:12:00+00:00"
    with leads.engine.connect() as conn:
        kept = conn.execute(select(tables.prospecting_decisions)).mappings().one()
    assert kept["allowed"] is True
    assert kept["person_hmac"] == leads.ref_hasher("person:P1")
    assert "0612345678" not in json.dumps(dict(kept), default=str)
    (entry,) = leads.audit_store().search(AuditFilter(actor="vente-1"))
    assert entry["action"] == "prospecting"
    assert entry["subject"] == leads.auditor.subject("person", "P1")
    assert entry["detail"] == {
        "decision": answer.id, "channel": "phone", "answer": "allowed",
        "reasons": ["consent", "within_hours", "under_limit"], "persons": 1,
    }  # fmt: skip
    assert "0612345678" not in json.dumps(entry)
    assert "12 34" not in json.dumps(entry)


def test_without_consent_a_lead_is_refused_by_phone_and_by_e_mail(leads):
    """L223-1 for calls since 11 August 2026; CPCE L34-5 for e-mail: a consent per channel, never inferred."""
    assert [r.code for r in ask(leads, "0698765432").decision.refusals] == ["no_consent"]
    e_mail = ask(leads, "ana@example.org", Channel.EMAIL)  # P1 consented to calls, not to e-mails
    assert [r.code for r in e_mail.decision.refusals] == ["no_consent"]


def test_a_withdrawal_on_the_channel_ends_the_consent_at_once_and_sets_when_its_proof_goes(leads):
    """GDPR Art. 7(3): withdrawn as easily, effective at once; the proof kept P5Y after (consent_proof)."""
    report = run_import(leads, [{"id": "w1", "type": "consent.withdrawn", "at": "2026-11-20T18:02:00+01:00",
                                 "person": "P1", "purpose": "prospecting", "channel": "phone",
                                 "contact": "0612345678"}])  # fmt: skip
    assert report.errors == []
    refused = ask(leads, "0612345678")
    assert [(r.code, r.detail) for r in refused.decision.refusals] == [
        ("consent_withdrawn", "withdrawn 2026-11-20T17:02:00+00:00")
    ]
    assert ask(leads, "0612345678", moment="2026-11-20T11:00").decision.allowed  # before the withdrawal
    with leads.engine.connect() as conn:
        row = conn.execute(select(tables.consents.c.withdrawn_by, tables.consents.c.purge_due)).one()
        stops = conn.execute(select(tables.oppositions)).all()
    assert tuple(row) == ("w1", date(2031, 11, 21))
    assert stops == []  # one channel withdrawn: the purpose goes on for the others
    # Everywhere, not only in the CRM that took it: each system holding contacts gets an order.
    with leads.engine.connect() as conn:
        told = conn.execute(
            select(tables.outbox.c.system, tables.outbox.c.kind, tables.outbox.c.reason)
        ).all()
    held = {s for s, body in leads.policy.systems.items() if any(
        leads.policy.fields.get(f) in body.holds for f in leads.policy.search.contacts)}  # fmt: skip
    assert {tuple(t) for t in told} == {
        (s, "consent.withdrawn", "consent_withdrawn:feed:phone:prospecting") for s in held
    }
    assert held


def test_the_fifth_call_in_30_days_and_a_call_within_60_days_of_a_refusal_are_refused(leads):
    """D223-9 al. 3: four attempts in 30 calendar days; 60 full days after a refusal."""
    calls = [contacted(f"t{i}", f"2026-11-{d:02}T11:00:00+01:00", "P1", direction="outbound", answered=False,
                       channel="phone", outcome="no_answer") for i, d in enumerate((2, 9, 16, 23))]  # fmt: skip
    assert run_import(leads, calls).errors == []
    assert [r.code for r in ask(leads, "0612345678").decision.refusals] == ["too_many"]
    assert ask(leads, "0612345678", moment="2026-12-02T11:00").decision.allowed  # 2 Nov is out of the 30 days
    refusal = contacted("t9", "2026-11-24T15:00:00+01:00", "P1", direction="outbound", channel="phone",
                        outcome="refused")  # fmt: skip
    assert run_import(leads, [refusal]).errors == []
    late = ask(leads, "0612345678", moment="2027-01-22T11:00")  # 59 days after
    assert [(r.code, r.detail) for r in late.decision.refusals] == [
        ("after_refusal", "refused on 2026-11-24: no call before 2027-01-24")
    ]
    assert ask(leads, "0612345678", moment="2027-01-25T11:00").decision.allowed  # 62 days, a Monday


def test_a_client_under_contract_is_allowed_by_its_exception_and_not_once_the_contract_ended(leads):
    """L223-1: calls within an ongoing contract need no consent; after its end, they do."""
    answer = ask(leads, "06 11 11 11 11")
    assert next(r.code for r in answer.decision.grounds) == "client_contract"
    run_import(leads, [{"id": "e3", "type": "contract.ended", "at": "2026-11-25", "contract": "C3"}])
    assert [r.code for r in ask(leads, "0611111111").decision.refusals] == ["no_consent"]


def test_a_contact_on_the_suppression_list_is_refused_even_with_its_consent(leads):
    """GDPR Art. 21(3): an objection to direct marketing stops it on every channel."""
    with leads.engine.begin() as conn:
        conn.execute(
            insert(tables.suppression_list).values(
                contact_hmac=leads.ref_hasher("contact:phone:0612345678"), added_on=date(2026, 11, 1),
                purge_due=date(2029, 11, 2),
            )
        )  # fmt: skip
    assert [r.code for r in ask(leads, "0612345678").decision.refusals] == ["objected"]


def test_a_role_outside_the_purpose_is_refused_and_audited_and_bad_input_names_its_field(leads):
    """Every read through the gate; a contact or purpose the gate cannot judge is refused by name."""
    with pytest.raises(AccessDenied):
        ask(leads, "0612345678", reader=Reader(actor="op-1", role="station_operator", purpose="prospecting"))
    (entry,) = leads.audit_store().search(AuditFilter(actor="op-1"))
    assert entry["decision"].startswith("denied:")
    with pytest.raises(Refused, match=r"^contact: not a phone number"):
        ask(leads, "not a number")
    with pytest.raises(Refused, match=r"^campaign: one line"):
        ask(leads, "0612345678", campaign="a\nb")
    with leads.engine.connect() as conn:
        assert conn.execute(select(tables.prospecting_decisions)).all() == []


def test_a_consent_line_that_is_not_a_proof_is_refused_naming_the_key(app):
    """GDPR Art. 7(1): the controller must prove the consent — who, what, how, which text, from whom."""
    run_import(app, [collected("c1", "2026-09-01", person("P1", last_name="Roux"))])
    bad = [
        given("b1", "2026-09-01", "P1", "phone", "not a number"),
        given("b2", "2026-09-01", "P1", "email", "ana@", text={"name": "v3", "sha256": "xyz"}),
        given("b3", "2026-09-01", "P1", "phone", "0612345678", source={"kind": "partner"}),
        given("b4", "2026-09-01", "P9", "sms", "0612345678"),
        given("b5", "2026-09-01", "P1", "phone", "0612345678", purpose="service_improvement"),
    ]
    report = run_import(app, bad)
    assert [str(e) for e in report.errors] == [
        "line 1: contact: not a phone number (a phone reaches a phone number)",
        "line 2: text.sha256: expected the SHA-256 of the text shown, as 64 lower-case hex digits",
        "line 3: source.ref: required for a consent a partner collected (the partner's ref)",
        "line 4: person: unknown person ref 'P9'",
        "line 5: purpose: 'service_improvement' does not rest on consent (its basis: legitimate_interest): no "
        "consent to give or withdraw",
    ]


def test_the_gate_is_asked_over_http_and_answers_with_every_reason(leads):
    """POST /api/v1/prospecting/decide: the contact in the body, never in a URL; 422 names a bad field."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web
    from tests.conftest import bearer, token

    with TestClient(web.create_app(leads)) as http:
        sales = bearer(token(leads, "vente-2", role="sales"), "prospecting")
        body = {"contact": "+33 6 12 34 56 78", "channel": "phone", "at": "2026-11-26T21:00:00+01:00"}
        answer = http.post("/api/v1/prospecting/decide", json=body, headers=sales)
        assert answer.status_code == 200
        assert answer.json()["answer"] == "refused"
        assert [r["code"] for r in answer.json()["reasons"]] == ["outside_hours"]
        assert answer.json()["reasons"][0]["detail"] == "21:00 (CET) is outside 10:00-13:00, 14:00-20:00"
        naive = http.post(
            "/api/v1/prospecting/decide", json={**body, "at": "2026-11-26T11:00:00"}, headers=sales
        )
        assert (naive.status_code, naive.json()["detail"][0]["loc"]) == (422, ["body", "at"])
        wrong = http.post("/api/v1/prospecting/decide", json={**body, "contact": "nope"}, headers=sales)
        assert (wrong.status_code, wrong.json()["detail"]) == (
            422,
            "contact: not a phone number (a phone reaches a phone number)",
        )
        installer = bearer(token(leads, "pose-1", role="installer"), "prospecting")
        assert http.post("/api/v1/prospecting/decide", json=body, headers=installer).status_code == 403


def load(app, lines: list[str], dated: str = "2026-08-01"):
    from charte.services.bloctel import load_bloctel

    return load_bloctel(
        policy=app.policy,
        store=app.bloctel(),
        contacts=app.consent_contacts,
        auditor=app.auditor,
        actor="admin",
        lines=lines,
        dated=date.fromisoformat(dated),
        today=app.clock.today(),
    )


def test_a_bloctel_list_judges_the_calls_before_the_switch_and_the_sweep_purges_it_after_its_keep(leads):
    """L223-1 (former wording): no call to a number on the opposition list; the list kept as hashes only."""
    loaded = load(leads, ["numero\n", "+33 6 98 76 54 32\n", "06 98 76 54 32\n", "\n", "0611111111;x\n"])
    assert (loaded.numbers, loaded.purge_due) == (2, date(2027, 8, 2))  # a number given twice is kept once
    listed = ask(leads, "0698765432", moment="2026-08-10T11:00")
    assert [(r.code, r.detail) for r in listed.decision.refusals] == [
        ("bloctel_listed", "on the list of 2026-08-01")
    ]
    clear = ask(leads, "0612345678", moment="2026-08-10T11:00")
    assert [r.code for r in clear.decision.grounds][:2] == ["no_consent_needed", "bloctel_clear"]
    client = ask(leads, "0611111111", moment="2026-08-10T11:00")  # listed, but a client under contract
    assert client.decision.allowed
    assert [r.code for r in ask(leads, "0612345678", moment="2026-09-01T11:00").decision.refusals] == []
    with leads.engine.connect() as conn:
        stored = conn.execute(select(tables.bloctel_numbers.c.contact_hmac)).scalars().all()
    assert leads.ref_hasher("contact:phone:0698765432") in stored
    assert not any("0698" in h for h in stored)
    (entry,) = [e for e in leads.audit_store().search(AuditFilter(actor="admin")) if e["action"] == "import"]
    assert entry["detail"] == {"bloctel_list": loaded.list_id, "dated": "2026-08-01", "numbers": 2}
    from charte.services import retention

    report = retention.sweep(sweeper=leads.eraser(), as_of=date(2027, 8, 2), today=date(2027, 8, 2))
    assert report.as_dict()["proofs_purged"]["bloctel_lists"] == 1
    with leads.engine.connect() as conn:
        assert conn.execute(select(tables.bloctel_numbers)).all() == []


def test_a_bloctel_file_with_a_line_that_is_not_a_number_loads_nothing_and_names_the_line(leads):
    """A list is whole or absent: a partial list would let a listed number through."""
    from charte.services.bloctel import BloctelRefused

    with pytest.raises(BloctelRefused, match=r"line 3: not a phone number") as refused:
        load(leads, ["0698765432", "0611111111", "not a number", "1"])
    assert "2 line(s) are not phone numbers" in str(refused.value)
    assert "not a number" not in str(refused.value).split(": ", 2)[-1].replace("not a phone number", "")
    with leads.engine.connect() as conn:
        assert conn.execute(select(tables.bloctel_lists)).all() == []
    with pytest.raises(Refused, match="after today"):
        load(leads, ["0698765432"], dated="2026-12-01")
    with pytest.raises(Refused, match="past its retention"):
        load(leads, ["0698765432"], dated="2025-08-01")


def test_a_prospect_erased_by_the_sweep_leaves_no_consent_standing_and_its_proof_is_purged_later(leads):
    """GDPR Art. 5(1)(e), 7(1): the consent ends with its person; its proof is kept P5Y, then purged."""
    from charte.services import retention

    swept = retention.sweep(sweeper=leads.eraser(), as_of=date(2028, 9, 2), today=date(2028, 9, 2))
    assert swept.persons_erased >= 1
    with leads.engine.connect() as conn:
        row = conn.execute(select(tables.consents.c.withdrawn_by, tables.consents.c.purge_due)).one()
    assert tuple(row) == ("erasure", date(2033, 9, 3))
    gone = ask(leads, "0612345678", moment="2028-09-04T11:00")
    assert [r.code for r in gone.decision.refusals] == ["consent_withdrawn"]
    later = retention.sweep(sweeper=leads.eraser(), as_of=date(2033, 9, 3), today=date(2033, 9, 3))
    assert later.as_dict()["proofs_purged"]["consents"] == 1


def screened(app, text: str, **kw) -> list[dict]:
    import io

    from charte.services.prospecting import screen

    lines = app.read_screen(
        io.BytesIO(text.encode()), channel=kw.pop("channel", None), moment=kw.pop("moment", None)
    )
    return list(
        screen(
            policy=app.policy,
            store=app.prospecting_store(),
            contacts=app.consent_contacts,
            gate=app.gate,
            auditor=app.auditor,
            reader=kw.pop("reader", SALES),
            lines=lines,
            campaign="noel-2026",
        )
    )


def test_a_campaign_is_screened_in_batches_each_line_answered_as_the_gate_would_and_each_batch_audited(
    leads, monkeypatch
):
    """Bulk screening decides like the gate, set-based (one statement per kind of fact per batch)."""
    from charte.services import prospecting

    monkeypatch.setattr(prospecting, "SCREEN_BATCH", 2)
    text = (
        "contact;channel;at\n"
        "06 12 34 56 78;phone;2026-12-07T11:00:00+01:00\n"
        "0698765432;phone;2026-12-07T11:00:00+01:00\n"
        "0611111111;phone;2026-12-07T21:00:00+01:00\n"
        "ana@example.org;email;2026-12-07T11:00:00+01:00\n"
        "pas un numéro;phone;2026-12-07T11:00:00+01:00\n"
        "0612345678;fax;2026-12-07T11:00:00+01:00\n"
    )
    answers = screened(leads, text)
    assert [(a["line"], a.get("answer"), [r["code"] for r in a.get("reasons", [])]) for a in answers] == [
        (2, "allowed", ["consent", "within_hours", "under_limit"]),
        (3, "refused", ["no_consent"]),
        (4, "refused", ["outside_hours"]),  # a client: no consent needed, but the hours bind
        (5, "refused", ["no_consent"]),
        (6, None, []),
        (7, None, []),
    ]
    assert answers[4]["error"] == "contact: not a phone number (a phone reaches a phone number)"
    assert answers[5]["error"] == "channel: not one of phone, email, sms, post"
    for answer in answers[:4]:
        one = ask(leads, answer["contact"], prospecting.Channel(text.splitlines()[answer["line"] - 1].split(";")[1]),
                  moment=text.splitlines()[answer["line"] - 1].split(";")[2][:16])  # fmt: skip
        assert (answer["answer"] == "allowed") is one.decision.allowed, answer
    batches = [e for e in leads.audit_store().search(AuditFilter(actor="vente-1")) if "screen" in e["detail"]]
    assert [e["detail"] for e in batches] == [
        {"screen": "noel-2026", "lines": 2, "allowed": 1, "refused": 1, "invalid": 0},
        {"screen": "noel-2026", "lines": 2, "allowed": 0, "refused": 2, "invalid": 0},
        {"screen": "noel-2026", "lines": 2, "allowed": 0, "refused": 0, "invalid": 2},
    ]
    assert "0612345678" not in json.dumps(batches)


def test_a_json_lines_campaign_takes_the_file_s_defaults_and_a_role_outside_the_purpose_gets_nothing(leads):
    """Every read through the gate: a refused screener reads not one line."""
    text = '{"contact": "+33612345678"}\n\n{"contact": "0698765432", "at": "2026-12-07T11:00:00+01:00"}\n{"nope": 1}\n'
    answers = screened(leads, text, channel=Channel.PHONE, moment=at("2026-12-07T11:30"))
    assert [(a["line"], a.get("answer", a.get("error"))) for a in answers] == [
        (1, "allowed"), (3, "refused"), (4, "nope: unknown key (expected contact, channel, at, person)"),
    ]  # fmt: skip
    with pytest.raises(AccessDenied):
        screened(
            leads,
            text,
            channel=Channel.PHONE,
            reader=Reader(actor="op-1", role="station_operator", purpose="prospecting"),
        )


def test_a_campaign_is_screened_over_http_as_a_stream_of_json_lines(leads):
    """POST /api/v1/prospecting/screen: the body a CSV or JSON Lines, the answers streamed back."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web
    from tests.conftest import bearer, token

    with TestClient(web.create_app(leads)) as http:
        sales = bearer(token(leads, "vente-3", role="sales"), "prospecting")
        params = {"channel": "phone", "at": "2026-12-07T11:00:00+01:00", "campaign": "noel"}
        done = http.post("/api/v1/prospecting/screen", params=params, headers={**sales, "Content-Type": "text/csv"},
                         content="0612345678\n0698765432\n")  # fmt: skip
        assert done.status_code == 200
        assert done.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(x) for x in done.text.splitlines()]
        assert [(x["line"], x["answer"]) for x in lines] == [(1, "allowed"), (2, "refused")]
        installer = bearer(token(leads, "pose-2", role="installer"), "prospecting")
        refused = http.post(
            "/api/v1/prospecting/screen", params=params, headers=installer, content="0612345678\n"
        )
        assert refused.status_code == 403


def test_a_consent_is_withdrawn_from_the_portal_with_the_contact_alone_at_once_with_orders(leads):
    """GDPR Art. 7(3): as easy as giving it — no proof but the contact; the systems holding it are told."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web

    with TestClient(web.create_app(leads), base_url="https://testserver") as http:
        page = http.get("/portal/consentement")
        assert page.status_code == 200
        assert "Retirer mon consentement à la prospection" in page.text
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        bad = http.post("/portal/consentement", data={"csrf": token, "channel": "phone", "contact": "12"})
        assert bad.status_code == 422
        assert "pas un numéro de téléphone valide" in bad.text
        done = http.post(
            "/portal/consentement", data={"csrf": token, "channel": "phone", "contact": "+33 6 12 34 56 78"}
        )
        assert done.status_code == 200
        said = re.search(r'<p role="status" id="withdrawn">(.*?)</p>', done.text).group(1)
        nobody = http.post(
            "/portal/consentement", data={"csrf": token, "channel": "phone", "contact": "0699999999"}
        )
        assert (
            re.search(r'<p role="status" id="withdrawn">(.*?)</p>', nobody.text).group(1) == said
        )  # no enumeration
    after = ask(leads, "0612345678", moment="2026-11-26T14:00")  # withdrawn at noon (the test's clock)
    assert [r.code for r in after.decision.refusals] == ["consent_withdrawn"]
    with leads.engine.connect() as conn:
        kinds = conn.execute(
            select(tables.outbox.c.kind, tables.outbox.c.person_ref, tables.outbox.c.reason)
        ).all()
        row = conn.execute(select(tables.consents.c.withdrawn_by, tables.consents.c.purge_due)).one()
    assert {tuple(k) for k in kinds} == {
        ("consent.withdrawn", "P1", "consent_withdrawn:portal:phone:prospecting")
    }
    assert tuple(row) == ("portal", date(2031, 11, 27))
    entries = list(leads.audit_store().search(AuditFilter(actor="portal")))
    assert [e["detail"]["withdrawn"] for e in entries] == [1, 0]
    assert "0612345678" not in json.dumps(entries)


def test_a_stop_keyword_from_the_sms_gateway_withdraws_over_the_api(leads):
    """POST /api/v1/consents/withdraw: an opt-out link or a STOP keyword, by any actor, audited."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web
    from tests.conftest import bearer, token

    run_import(leads, [given("g2", "2026-10-01", "P1", "sms", "0612345678")])
    with TestClient(web.create_app(leads)) as http:
        gateway = bearer(token(leads, "sms-gw", system="telephony"))
        body = {"contact": "06 12 34 56 78", "channel": "sms", "how": "keyword"}
        done = http.post("/api/v1/consents/withdraw", json=body, headers=gateway)
        assert (done.status_code, done.json()["withdrawn"]) == (200, 1)
        assert done.json()["orders"] >= 1
        again = http.post("/api/v1/consents/withdraw", json=body, headers=gateway)
        assert again.json()["withdrawn"] == 0
        wrong = http.post(
            "/api/v1/consents/withdraw", json={**body, "purpose": "alarm_handling"}, headers=gateway
        )
        assert wrong.status_code == 422
    after = ask(leads, "0612345678", Channel.SMS, moment="2026-11-26T14:00")  # withdrawn at noon
    assert [r.code for r in after.decision.refusals] == ["consent_withdrawn"]
    assert ask(leads, "0612345678", moment="2026-11-26T14:00").decision.allowed  # one channel withdrawn


def test_the_proof_of_a_contact_shows_each_consent_its_text_and_source_and_each_call_with_its_answers(leads):
    """L223-1: the professional proves the consent; GDPR Art. 7(1). Through the gate, audited."""
    from charte.services.consents import proof

    allowed = ask(leads, "0612345678", moment="2026-11-24T15:00")
    run_import(leads, [contacted("t1", "2026-11-24T15:05:00+01:00", "P1", direction="outbound", channel="phone",
                                 outcome="interested")])  # fmt: skip
    dpo = Reader(actor="dpo-1", role="dpo", purpose="rights_handling")
    shown = proof(store=leads.consents(), contacts=leads.consent_contacts, gate=leads.gate, auditor=leads.auditor,
                  reader=dpo, channel=Channel.PHONE, contact="+33 6 12 34 56 78")  # fmt: skip
    (consent,) = shown["consents"]
    assert (consent["method"], consent["text"], consent["source"]) == (
        "partner", TEXT, {"kind": "partner", "ref": "BANQUE-X"})  # fmt: skip
    assert consent["given_at"] == "2026-09-01T08:12:00+00:00"
    (decision,) = shown["decisions"]
    assert (decision["decision"], decision["answer"], decision["asked_by"]) == (
        allowed.id,
        "allowed",
        "vente-1",
    )
    (call,) = shown["solicitations"]
    assert (call["person"], call["on"], call["decisions"]) == ("P1", "2026-11-24", [allowed.id])
    (entry,) = list(leads.audit_store().search(AuditFilter(actor="dpo-1")))
    assert entry["subject"] == leads.auditor.subject("person", "P1")
    with pytest.raises(AccessDenied):
        proof(store=leads.consents(), contacts=leads.consent_contacts, gate=leads.gate, auditor=leads.auditor,
              reader=Reader("op-1", "station_operator", "rights_handling"), channel=Channel.PHONE, contact="0612345678")  # fmt: skip


def test_the_dpo_sees_consents_on_the_person_page_and_counts_on_the_prospecting_page(leads):
    """What the DPO sees and proves: a person's consents with their proof (an audited read), and counts
    without any person; a sales account sees neither."""
    from tests.integration.test_console_pages import account, signed_in

    ask(leads, "0698765432")  # refused: no consent
    account(leads, "dpo-web", "dpo")
    account(leads, "vente-web", "sales")
    with signed_in(leads, "dpo-web") as http:
        page = http.get("/console/persons?ref=P1&purpose=rights_handling")
        assert page.status_code == 200
        assert "Consentements à la prospection, avec leur preuve" in page.text
        assert "recueilli par un partenaire" in page.text
        assert "Formulaire devis v3" in page.text
        assert "BANQUE-X" in page.text
        assert "01/09/2026 10:12" in page.text
        counts = http.get("/console/prospecting")
        assert counts.status_code == 200
        assert "Consentements en vigueur" in counts.text
        assert re.search(r"<td>téléphone</td><td>1</td>", counts.text)
        assert re.search(r"<td>pas de consentement</td><td>1</td>", counts.text)
        assert "0612345678" not in counts.text
        assert "P1" not in counts.text
        english = http.get("/console/prospecting?lang=en")
        assert "Consents in force" in english.text
        assert "no consent" in english.text
    reads = [
        e
        for e in leads.audit_store().search(AuditFilter(actor="dpo-web"))
        if e["detail"].get("of") == "consents"
    ]
    assert [(r["subject"], r["detail"]["consents"]) for r in reads] == [
        (leads.auditor.subject("person", "P1"), 1)
    ]
    with signed_in(leads, "vente-web") as http:
        assert http.get("/console/prospecting").status_code == 403
        page = http.get("/console/persons?ref=P1&purpose=prospecting")
        assert "Consentements à la prospection" not in page.text


def test_a_consent_is_recorded_over_the_api_through_the_feed_s_checks(leads):
    """POST /api/v1/consents: the feed's consent.given, applied and audited as the feed does; a person
    records one for a purpose their role acts under."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web
    from tests.conftest import bearer, token

    body = {"id": "api-1", "at": "2026-11-02T10:00:00+01:00", "person": "P2", "purpose": "prospecting",
            "channel": "email", "contact": "Nowak@Example.org", "method": "call", "text": TEXT,
            "source": {"kind": "subject"}}  # fmt: skip
    with TestClient(web.create_app(leads)) as http:
        sales = bearer(token(leads, "vente-4", role="sales"))
        done = http.post("/api/v1/consents", json=body, headers=sales)
        assert (done.status_code, done.json()["applied"]) == (201, 1)
        again = http.post("/api/v1/consents", json=body, headers=sales)
        assert again.json()["duplicates"] == 1  # the same id: applied once
        bad = http.post("/api/v1/consents", json={**body, "id": "api-2", "contact": "nowak@"}, headers=sales)
        assert bad.status_code == 422
        assert "contact: not an e-mail address" in json.dumps(bad.json())
        installer = bearer(token(leads, "pose-3", role="installer"))
        assert (
            http.post("/api/v1/consents", json={**body, "id": "api-3"}, headers=installer).status_code == 403
        )
    assert ask(leads, "nowak@example.org", Channel.EMAIL).decision.allowed


def test_a_one_column_campaign_keeps_each_line_whole_and_a_short_row_is_named(leads):
    """A postal address keeps its commas; a row of another width than its header is refused by line."""
    whole = screened(leads, "contact\n1 rue des Lilas, 79000 Niort\n\"2 rue, Niort\"\n", channel=Channel.POST,
                     moment=at("2026-12-07T11:00"))  # fmt: skip
    assert [(a["line"], a["contact"], a["answer"]) for a in whole] == [
        (2, "1 rue des Lilas, 79000 Niort", "allowed"), (3, "2 rue, Niort", "allowed")]  # fmt: skip
    short = screened(leads, "contact;channel\n0612345678\n", moment=at("2026-12-07T11:00"))
    assert short == [{"line": 2, "error": "1 columns where the header has 2"}]
