"""The breach register on both engines: its clock, its timeline, and the scope from the audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from charte.adapters.db import tables as t
from charte.domain.breaches import BreachRefused, Compromised, Nature, Phase
from charte.domain.vocabulary import Language
from charte.services import breach_scope, breaches, disclosures, queries
from charte.services.access import AccessDenied, Reader
from charte.services.breach_scope import Item
from charte.services.retention import sweep
from tests.conftest import run_import
from tests.feed import collected, person, signed
from tests.integration.test_audit import unguard

PARIS = ZoneInfo("Europe/Paris")
EVENTS = [
    signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", email="ana@example.org"),
           access_instructions="code 4321"),
    signed("e2", "2025-03-01", "C2", person("P2", first_name="Bea", email="bea@example.org"), site="S2"),
    signed("e3", "2025-04-01", "C3", person("P3", first_name="Cyd", email="cyd@example.org"), site="S3"),
    collected("e4", "2024-06-01", person("P4", first_name="Dan", email="dan@example.org")),
]  # fmt: skip
LEAKED = Reader("crm-export-bot", "customer_service", "contract_management")
PASSWORD = "Console-2026-secret!"  # noqa: S105  # a test account's


def read(app, reader: Reader, ref: str) -> None:
    queries.show_person(
        queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=reader, ref=ref
    )


def keeper(app) -> breaches.Keeper:
    return app.breach_keeper()


def open_one(app, aware: datetime, natures=(Nature.CONFIDENTIALITY,)) -> dict:
    new = breaches.NewBreach(
        title="Jeton de l'export CRM publié sur un dépôt public",
        discovered_at=aware - timedelta(hours=2),
        discovered_by="soc@ima.example",
        aware_at=aware,
        natures=tuple(natures),
        facts={"cause": "a token committed to a public repository", "systems": ["crm"]},
    )
    return breaches.open_breach(keeper(app), actor="dpo-1", role="dpo", new=new)


def scope(app, number: int, items: list[Item]) -> dict:
    return breach_scope.compute(
        keeper(app), source=app.breach_scope(), audit_store=app.audit_store(),
        checkpoints=app.auditor.checkpoints, actor="dpo-1", role="dpo", breach=number, items=items,
    )  # fmt: skip


def test_a_breach_is_recorded_with_its_clock_and_only_by_the_register_s_roles(app):
    """GDPR Art. 33(5): every breach is documented; 33(1): 72 hours from awareness (Reg. 1182/71
    art. 3: the hour of awareness does not count)."""
    aware = datetime(2026, 11, 26, 9, 40, tzinfo=PARIS)
    opened = open_one(app, aware)
    assert (
        opened["clock"]["deadline_at"] == "2026-11-29T09:00:00+00:00"
    )  # 09:40 Paris is in the 08:00 UTC hour: 09:00 + 72 h
    assert (
        opened["clock"]["target_at"]
        == datetime(2026, 11, 29, 9, 40, tzinfo=PARIS).astimezone(UTC).isoformat()
    )
    assert opened["status"] == "open"
    assert opened["timeline"][0]["step"] == "opened"
    assert opened["clock"]["hours_left"] == pytest.approx(69.7, abs=0.1)  # noon now, target 09:40 on the 29th
    with pytest.raises(AccessDenied):
        breaches.list_breaches(keeper(app), actor="cs-1", role="customer_service")
    with app.audit_engine.connect() as conn:
        bodies = list(conn.execute(text("SELECT body FROM audit_entries WHERE action = 'breach'")).scalars())
    assert any('"decision":"denied:role_may_not_act_under_purpose"' in b for b in bodies)
    assert not any(
        "Jeton" in b or "repository" in b for b in bodies
    )  # the DPO team's words stay in the register


def test_a_scope_from_a_token_used_across_two_audit_periods_finds_who_it_read(app):
    """GDPR Art. 33(3)(a): the categories and number of persons concerned, from the audit itself:
    a token read P1 in November and P2 in December; P4, read then erased, is counted, not named."""
    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    read(app, Reader("crm-export-bot", "sales", "prospecting"), "P4")
    read(app, Reader("someone-else", "customer_service", "contract_management"), "P3")
    with pytest.raises(AccessDenied):
        read(app, Reader("crm-export-bot", "installer", "installation"), "P4")  # denied: reached no one
    app.clock.day = date(2026, 12, 2)
    read(app, LEAKED, "P2")
    sweep(sweeper=app.eraser(), as_of=app.clock.day, today=app.clock.day)  # P4's 2 years are over
    number = open_one(app, datetime(2026, 12, 2, 8, 0, tzinfo=PARIS))["breach"]
    window = Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                  until=datetime(2026, 12, 3, tzinfo=PARIS))  # fmt: skip
    found = scope(app, number, [window])["scope"]
    assert found["chain"] == {"ok": True, "periods": ["2026-10", "2026-11", "2026-12"], "broken": None}
    assert found["persons"] == {"in_register": 2, "erased": 1, "other_subjects": 0}
    assert found["fields"]["email"] == 2
    assert "first_name" in found["fields"]
    assert "contact" in found["data_categories"]
    assert found["subject_categories"] == {"client": 2}
    total, page = app.breach_store().persons(number, limit=10, offset=0)
    assert (total, [p.ref for p in page]) == (2, ["P1", "P2"])
    narrow = Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 12, 1, tzinfo=PARIS),
                  until=datetime(2026, 12, 3, tzinfo=PARIS))  # fmt: skip
    assert scope(app, number, [narrow])["scope"]["persons"]["in_register"] == 1  # replaced, not added
    assert app.breach_store().persons(number, limit=10, offset=0)[0] == 1


def test_a_scope_over_a_tampered_window_is_flagged(app):
    """A scope computed from an altered log could miss the reads the tamperer removed: flagged."""
    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    read(app, LEAKED, "P2")
    unguard(app)
    with app.audit_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = (SELECT max(seq) FROM audit_entries)"))
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    window = Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                  until=datetime(2026, 11, 27, tzinfo=PARIS))  # fmt: skip
    chain = scope(app, number, [window])["scope"]["chain"]
    assert chain["ok"] is False
    assert chain["broken"]["period"] == "2026-11"
    assert "missing" in chain["broken"]["why"]


def test_a_scope_from_a_recipient_s_copy_and_from_one_disclosure(app):
    """What went to a recipient is in the disclosure ledger (GDPR Art. 19's ledger, here Art. 33)."""
    run_import(app, EVENTS)
    discloser = Reader("cs-1", "customer_service", "contract_management")
    sent = disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                                ledger=app.disclosures(), discloser=discloser, recipient="installer",
                                purpose="installation", ref="P1")  # fmt: skip
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    copy = Item(Compromised.RECIPIENT, name="installer", since=datetime(2026, 11, 1, tzinfo=PARIS),
                until=datetime(2026, 11, 27, tzinfo=PARIS))  # fmt: skip
    found = scope(app, number, [copy])["scope"]
    assert found["persons"]["in_register"] == 1
    assert set(found["fields"]) == set(sent["fields"])
    one = scope(app, number, [Item(Compromised.DISCLOSURE, number=sent["disclosure"])])["scope"]
    assert one["persons"]["in_register"] == 1
    with pytest.raises(breaches.Refused, match="not a role"):
        scope(app, number, [Item(Compromised.RECIPIENT, name="nobody", since=copy.since, until=copy.until)])


def test_the_dpo_decides_notifies_in_phases_and_closes_with_reasons(app):
    """GDPR Art. 33(1) reasons for a late notification, 33(4) phases, 33(5) documented decisions."""
    run_import(app, EVENTS)
    read(app, Reader("op-1", "station_operator", "alarm_handling"), "P1")  # no session: no codes read
    number = open_one(app, datetime(2026, 11, 22, 9, 0, tzinfo=PARIS))["breach"]
    k = keeper(app)
    assessed = breaches.assess(k, actor="dpo-1", role="dpo", breach=number,
                               declared=breaches.Declared(frozenset({Nature.CONFIDENTIALITY})),
                               facts={"persons_estimate": 1, "data_categories": ["site_security"]})  # fmt: skip
    proposal = assessed["assessment"]["proposal"]
    assert (proposal["level"], proposal["notify_cnil"], proposal["tell_persons"]) == ("high", True, True)
    with pytest.raises(BreachRefused, match="decide first"):
        breaches.close(k, actor="dpo-1", role="dpo", breach=number, summary="done")
    breaches.decide(k, actor="dpo-1", role="dpo", breach=number, notify_cnil=True,
                    notify_cnil_why="codes d'accès exposés", tell_persons=True, tell_persons_why="risque de cambriolage")  # fmt: skip
    now = app.clock.now()  # 26 Nov noon: past the 72 hours from 22 Nov 09:00
    with pytest.raises(BreachRefused, match="delay_reasons"):
        breaches.notify_cnil(k, actor="dpo-1", role="dpo", breach=number, at=now, phase=Phase.INITIAL)
    with pytest.raises(BreachRefused, match="complement follows"):
        breaches.notify_cnil(k, actor="dpo-1", role="dpo", breach=number, at=now, phase=Phase.COMPLEMENT,
                             delay_reasons="x")  # fmt: skip
    first = breaches.notify_cnil(k, actor="dpo-1", role="dpo", breach=number, at=now, phase=Phase.INITIAL,
                                 reference="NOT-2026-001", delay_reasons="l'étendue n'était pas connue")  # fmt: skip
    assert first["status"] == "notified"
    assert first["clock"]["late"] is True
    assert first["clock"]["hours_left"] is None
    breaches.notify_cnil(k, actor="dpo-1", role="dpo", breach=number, at=now, phase=Phase.COMPLETE)
    with pytest.raises(BreachRefused, match="complete already"):
        breaches.notify_cnil(k, actor="dpo-1", role="dpo", breach=number, at=now, phase=Phase.COMPLEMENT)
    closed = breaches.close(k, actor="dpo-1", role="dpo", breach=number, summary="codes changés")
    assert closed["status"] == "closed"
    assert closed["purge_due"] == "2031-11-26"
    assert [s["step"] for s in closed["timeline"]] == [
        "opened", "assessed", "decided", "cnil_notified", "cnil_notified", "closed"
    ]  # fmt: skip
    with pytest.raises(BreachRefused, match="is closed"):
        breaches.amend(k, actor="dpo-1", role="dpo", breach=number, facts={"cause": "later"})
    early = sweep(sweeper=app.eraser(), as_of=date(2031, 11, 25), today=date(2031, 11, 25))
    assert early.proofs_purged["breaches"] == 0
    swept = sweep(sweeper=app.eraser(), as_of=date(2031, 11, 26), today=date(2031, 11, 26))
    assert swept.proofs_purged["breaches"] == 1
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.breach_steps)).scalar_one() == 0


def test_persons_imported_before_the_subject_column_are_filled_and_resolved(app):
    """A register from before the column: `charte db upgrade` fills it; a scope fills what is left."""
    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    with app.engine.begin() as conn:
        conn.execute(t.persons.update().values(subject=None))
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    window = Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                  until=datetime(2026, 11, 27, tzinfo=PARIS))  # fmt: skip
    assert scope(app, number, [window])["scope"]["persons"]["in_register"] == 1
    assert app.settle_subjects() == 0


def test_the_api_keeps_the_register_for_the_dpo_s_team_only_and_audits_the_persons_listed(app):
    """/api/v1/breaches: Art. 33(5) over HTTP; the persons found are personal data (audited)."""
    from fastapi.testclient import TestClient

    from charte.entrypoints.web import app as web
    from tests.conftest import bearer, token

    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    client = TestClient(web.create_app(app))
    dpo = bearer(token(app, "dpo-api", role="dpo"))
    body = {"title": "Ordinateur portable volé", "natures": ["confidentiality"],
            "discovered_at": "2026-11-26T08:00:00+01:00", "discovered_by": "accueil"}  # fmt: skip
    opened = client.post("/api/v1/breaches", json=body, headers=dpo)
    assert opened.status_code == 201, opened.text
    number = opened.json()["breach"]
    cs = bearer(token(app, "cs-api", role="customer_service"))
    assert client.get("/api/v1/breaches", headers=cs).status_code == 403
    bad = client.post("/api/v1/breaches", json=body | {"natures": ["leak"]}, headers=dpo)
    assert bad.status_code == 422
    assert "natures" in bad.text
    items = [{"kind": "actor", "name": "crm-export-bot", "since": "2026-11-01T00:00:00+01:00",
              "until": "2026-11-27T00:00:00+01:00"}]  # fmt: skip
    scoped = client.post(f"/api/v1/breaches/{number}/scope", json={"items": items}, headers=dpo)
    assert scoped.status_code == 200, scoped.text
    assert scoped.json()["scope"]["persons"]["in_register"] == 1
    listed = client.get(f"/api/v1/breaches/{number}/persons", headers=dpo)
    assert [p["ref"] for p in listed.json()["persons"]] == ["P1"]
    with app.audit_engine.connect() as conn:
        shown = conn.execute(
            text(
                "SELECT count(*) FROM audit_entries WHERE actor = 'dpo-api' AND action = 'list' AND subject = :s"
            ),
            {"s": app.auditor.subject("person", "P1")},
        ).scalar_one()
    assert shown == 1
    assert client.get("/api/v1/breaches/999", headers=dpo).status_code == 404
    board = client.get("/api/v1/breaches?open_only=true", headers=dpo).json()
    assert [b["breach"] for b in board] == [number]
    assert board[0]["urgent"] is False  # 68 hours left


def test_follow_ups_revoke_the_actor_and_order_the_codes_changed_for_the_persons_reached(app):
    """GDPR Art. 33(3)(d): measures to mitigate; the codes reached are changed in every system
    that holds them (an order through the outbox), the leaked token stops working at once."""
    from dataclasses import replace as with_

    from charte.domain.access import ReadContext
    from charte.services import actors, breach_actions
    from tests.conftest import token

    run_import(app, EVENTS)
    operator = Reader("op-7", "station_operator", "alarm_handling")
    inside = with_(operator, context=ReadContext("alarm_session", "1", frozenset({"S1", "C1"})))
    disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                         ledger=app.disclosures(), discloser=inside, recipient="intervention_provider",
                         purpose="intervention", ref="P1")  # fmt: skip
    disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                         ledger=app.disclosures(), discloser=operator, recipient="intervention_provider",
                         purpose="intervention", ref="P2")  # fmt: skip
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    k = keeper(app)
    with pytest.raises(BreachRefused, match="scope first"):
        breach_actions.rotate_codes(k, reached=app.breach_store(), outbox=app.outbox(), actor="dpo-1",
                                    role="dpo", breach=number)  # fmt: skip
    copy = Item(Compromised.RECIPIENT, name="intervention_provider", since=datetime(2026, 11, 1, tzinfo=PARIS),
                until=datetime(2026, 11, 27, tzinfo=PARIS))  # fmt: skip
    assert scope(app, number, [copy])["scope"]["persons"]["in_register"] == 2
    done = breach_actions.rotate_codes(k, reached=app.breach_store(), outbox=app.outbox(), actor="dpo-1",
                                       role="dpo", breach=number)  # fmt: skip
    assert (done["persons"], done["orders"]) == (1, 1)  # P1's codes went out; P2's did not
    with app.engine.connect() as conn:
        orders = conn.execute(
            select(t.outbox.c.system, t.outbox.c.person_ref, t.outbox.c.fields, t.outbox.c.reason)
            .where(t.outbox.c.kind == "access_codes.rotate").order_by(t.outbox.c.system)
        ).all()  # fmt: skip
    # Only the monitoring software holds the sites' access instructions (policy: systems.*.holds).
    assert [tuple(o) for o in orders] == [("monitoring", "P1", '["access_instructions"]', f"breach:{number}")]
    secret = token(app, "leaky-bot", role="customer_service")
    assert actors.authenticate(actors=app.actors(), token=secret) is not None
    breach_actions.revoke_actor(
        k, actors=app.actors(), actor="dpo-1", role="dpo", breach=number, name="leaky-bot"
    )
    assert actors.authenticate(actors=app.actors(), token=secret) is None
    kinds = [
        s["detail"].get("kind")
        for s in breaches.show(k, actor="dpo-1", role="dpo", breach=number)["timeline"]
    ]
    assert kinds[-2:] == ["codes_rotation_ordered", "actor_revoked"]


class Kept:
    """A notifier that keeps what it was given, attachments included; ``down`` for some addresses."""

    def __init__(self, down: frozenset[str] = frozenset()) -> None:
        self.sent: list[tuple[str, str, dict[str, bytes]]] = []
        self.down = down

    def send(self, to, subject, text, attachments=()):
        from charte.services.errors import NotSent

        if to in self.down:
            raise NotSent("the relay refused the message")
        self.sent.append((to, subject, dict(attachments)))
        return "ok"


def test_letters_to_the_persons_in_french_and_english_name_what_of_theirs_was_reached(app, tmp_path):
    """GDPR Art. 34(2): the nature of the breach, the DPO's contact, the likely consequences and the
    measures, in plain words; each person's letter says which of their data were reached; a person
    without an address gets a letter to post; a second run sends to no one twice."""
    from charte.services import breach_notices
    from tests.conftest import pdf_text

    events = [*EVENTS, signed("e5", "2025-05-01", "C5", person("P5", first_name="Eve"), site="S5")]
    run_import(app, events)
    for ref in ("P1", "P2", "P5"):
        read(app, LEAKED, ref)
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    k = keeper(app)
    breaches.amend(k, actor="dpo-1", role="dpo", breach=number, facts={
        "description": {"fr": "Un jeton d'accès a été publié par erreur.", "en": "An access token was published by mistake."},
        "consequences": {"fr": "Des courriels d'hameçonnage sont possibles.", "en": "Phishing e-mails are possible."},
        "measures_taken": {"fr": "Le jeton a été révoqué.", "en": "The token was revoked."},
    })  # fmt: skip
    window = Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                  until=datetime(2026, 11, 27, tzinfo=PARIS))  # fmt: skip
    scope(app, number, [window])
    told = {"recipients": app.breach_store(), "letters": app.letters(), "folder": app.breach_folder(),
            "actor": "dpo-1", "role": "dpo", "breach": number, "out": tmp_path}  # fmt: skip
    with pytest.raises(BreachRefused, match="decide first"):
        breach_notices.tell_persons(k, notifier=Kept(), **told)
    breaches.decide(k, actor="dpo-1", role="dpo", breach=number, notify_cnil=True, notify_cnil_why="risque",
                    tell_persons=True, tell_persons_why="hameçonnage")  # fmt: skip
    relay = Kept(down=frozenset({"bea@example.org"}))
    first = breach_notices.tell_persons(k, notifier=relay, **told)
    assert (first["sent"], first["to_post"], first["failed"]) == (1, 1, 1)
    ((to, subject, attached),) = relay.sent
    assert to == "ana@example.org"
    assert subject == "Information sur une violation de vos données personnelles"
    (tmp_path / "fr.pdf").write_bytes(attached[f"violation-{number}.pdf"])
    french = pdf_text(tmp_path / "fr.pdf")
    assert "Un jeton d'accès a été publié par erreur." in french
    assert "adresse e-mail" in french.lower() or "e-mail" in french  # the field reached, by its label
    assert app.policy.dpo.email in french
    assert "Ana" not in french  # the letter names data reached, never their values
    assert (tmp_path / f"letter-{_id(app, 'P5')}.pdf").exists()  # no address: a letter to post
    posted = (tmp_path / f"letter-{_id(app, 'P5')}.html").read_text()
    assert "a été publié par erreur." in posted
    again = breach_notices.tell_persons(k, notifier=Kept(), lang=Language.EN, **told)
    assert (again["sent"], again["to_post"], again["failed"]) == (1, 0, 0)  # only Bea, whose relay failed
    english = Kept()
    with app.engine.begin() as conn:  # as if no one had been told, to read the English letter
        conn.execute(t.breach_persons.update().values(told_at=None))
    breach_notices.tell_persons(k, notifier=english, lang=Language.EN, **told)
    (tmp_path / "en.pdf").write_bytes(english.sent[0][2][f"violation-{number}.pdf"])
    text_en = pdf_text(tmp_path / "en.pdf")
    assert "An access token was published by mistake." in text_en
    assert "Phishing e-mails are possible." in text_en
    assert "Information about a breach of your personal data" in text_en
    with app.audit_engine.connect() as conn:
        bodies = list(
            conn.execute(text("SELECT body FROM audit_entries WHERE body LIKE '%breach_letter%'")).scalars()
        )
    assert bodies
    assert not any("example.org" in b for b in bodies)


def test_the_cnil_draft_and_the_public_communication_are_written_from_the_register(app, tmp_path):
    """GDPR Art. 33(3): the notification's contents; Art. 34(3)(c): a public communication."""
    import json as json_

    from charte.services import breach_notices

    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    k = keeper(app)
    scope(app, number, [Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                             until=datetime(2026, 11, 27, tzinfo=PARIS))])  # fmt: skip
    drafted = breach_notices.draft_cnil(k, letters=app.letters(), folder=app.breach_folder(), actor="dpo-1",
                                        role="dpo", breach=number, out=tmp_path)  # fmt: skip
    draft = json_.loads((tmp_path / "notification-cnil.json").read_text())
    assert draft == drafted["draft"]
    assert draft["donnees"]["nombre_de_personnes"] == 1
    assert draft["donnees"]["journal_verifie"] is True
    assert draft["violation"]["echeance_72h"] == "2026-11-29T08:00:00+00:00"
    assert draft["organisme"]["dpo"]["email"] == app.policy.dpo.email
    assert (tmp_path / "notification-cnil.pdf").read_bytes().startswith(b"%PDF")
    published = breach_notices.public_communication(k, letters=app.letters(), folder=app.breach_folder(),
                                                    actor="dpo-1", role="dpo", breach=number,
                                                    where="https://www.ima-protect.example/violation", out=tmp_path)  # fmt: skip
    assert published["timeline"][-1]["step"] == "public_communication"
    assert "Communication publique" in (tmp_path / "communication-publique-fr.html").read_text()


def _id(app, ref: str) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(t.persons.c.id).where(t.persons.c.ref == ref)).scalar_one()


def test_a_misdirected_answer_s_scope_is_what_answering_it_read_and_passwords_can_be_forced(app):
    """A letter sent to the wrong address (EDPB Guidelines 9/2022, the misdirected post): the
    person and the fields its answer carried; a leaked password store: every console password
    cleared, every session ended (GDPR Art. 33(3)(d))."""
    from charte.services import answers, breach_actions, identity, rights, sessions

    run_import(app, EVENTS)
    desk = app.rights_desk("dpo-1", "dpo")
    rid = rights.open_request(desk, type_="access", received_on=app.clock.today(), channel="email",
                              claimed_name="Ana", contact="ana@example.org", person="P1")["id"]  # fmt: skip
    identity.attach_document(desk, rid, b"%PDF-1.4 card")
    identity.verify(desk, rid, "document")
    answers.fulfil(desk, rid)
    read(app, Reader("dpo-1", "dpo", "rights_handling"), "P2")  # another read by the same actor: not in it
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    found = scope(app, number, [Item(Compromised.ANSWER, number=rid)])["scope"]
    assert found["persons"]["in_register"] == 1
    assert {"email", "first_name", "contract_ref"} <= set(found["fields"])
    assert [p.ref for p in app.breach_store().persons(number, limit=5, offset=0)[1]] == ["P1"]
    for name in ("op-1", "op-2"):
        from tests.conftest import token

        token(app, name, role="station_operator")
        sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name=name,
                              password=PASSWORD, by="admin")  # fmt: skip
    done = breach_actions.reset_passwords(keeper(app), actors=app.actors(), actor="dpo-1", role="dpo",
                                          breach=number, names=None)  # fmt: skip
    assert done["cleared"] == ["op-1", "op-2"]
    with pytest.raises(sessions.LoginRefused):
        sessions.login(store=app.actors(), passwords=app.passwords, auditor=app.auditor, clock=app.clock,
                       name="op-1", password=PASSWORD)  # fmt: skip


def test_an_audit_file_of_the_former_layout_gets_the_actor_and_time_index(tmp_path):
    """A breach's scope reads an actor's window by index: an audit file written before it (layout
    2, an index on the actor alone) is upgraded in place, its entries kept."""
    from charte.adapters.db import audit_database
    from charte.adapters.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    audit_database.ensure_schema(engine)
    with engine.begin() as conn:  # back to the former layout
        conn.exec_driver_sql("DROP INDEX ix_audit_entries_actor_at")
        conn.exec_driver_sql("CREATE INDEX ix_audit_entries_actor ON audit_entries (actor)")
        conn.exec_driver_sql("PRAGMA user_version = 2")
    audit_database.ensure_schema(engine)
    with engine.connect() as conn:
        indexes = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == audit_database.LAYOUT == 4
    assert "ix_audit_entries_actor_at" in indexes
    assert "ix_audit_entries_actor" not in indexes
    engine.dispose()


def test_a_control_character_in_what_the_team_types_is_refused_naming_the_field(app):
    """Every bad input gets a clear message naming the field; PostgreSQL refuses NUL in text."""
    aware = datetime(2026, 11, 26, 8, 0, tzinfo=PARIS)
    for field, new in (
        ("title", breaches.NewBreach("vol\x00", aware, "accueil", aware, (Nature.CONFIDENTIALITY,))),
        ("processor", breaches.NewBreach("vol", aware, "accueil", aware, (Nature.CONFIDENTIALITY,), "sous\x07traitant")),
        ("facts.cause", breaches.NewBreach("vol", aware, "accueil", aware, (Nature.CONFIDENTIALITY,), None, {"cause": "a\x00"})),
    ):  # fmt: skip
        with pytest.raises(breaches.Refused, match=field):
            breaches.open_breach(keeper(app), actor="dpo-1", role="dpo", new=new)
    assert breaches.list_breaches(keeper(app), actor="dpo-1", role="dpo") == []


def test_the_proposal_weighs_the_scope_and_what_the_team_knows_beyond_the_audit(app):
    """A stolen laptop's export holds more than the audit's reads showed: the larger number and
    every category either names are weighed (EDPB Guidelines 9/2022 § IV.B)."""
    run_import(app, EVENTS)
    read(app, LEAKED, "P1")
    number = open_one(app, datetime(2026, 11, 26, 8, 0, tzinfo=PARIS))["breach"]
    scope(app, number, [Item(Compromised.ACTOR, name="crm-export-bot", since=datetime(2026, 11, 1, tzinfo=PARIS),
                             until=datetime(2026, 11, 27, tzinfo=PARIS))])  # fmt: skip
    k, leak = keeper(app), breaches.Declared(frozenset({Nature.CONFIDENTIALITY}))
    alone = breaches.assess(k, actor="dpo-1", role="dpo", breach=number, declared=leak)["assessment"]
    assert (alone["from"], alone["persons"], alone["proposal"]["level"]) == ("scope", 1, "risk")
    beyond = breaches.assess(k, actor="dpo-1", role="dpo", breach=number, declared=leak,
                             facts={"persons_estimate": 40, "data_categories": ["site_security"]})["assessment"]  # fmt: skip
    assert (beyond["from"], beyond["persons"], beyond["proposal"]["level"]) == ("estimate", 40, "high")
    assert "site_security" in beyond["data_categories"]
