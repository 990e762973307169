"""Answering access requests (GDPR Art. 15; §3), and nothing for the unverified, on both engines."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from charte.adapters.db import tables
from charte.domain.prospecting import Channel
from charte.services import answers, consents, disclosures, identity, rights
from charte.services.access import Reader
from charte.services.errors import Refused
from charte.services.queries import show_person
from charte.services.rights_desk import Desk
from tests.conftest import TODAY, pdf_text, run_import
from tests.feed import designated, person, signed

PDF = b"%PDF-1.4\n% a scanned identity card\n"
EVENTS = [
    signed("e1", "2025-03-01", "C1", person("P1", first_name="Ana", last_name="Roux", email="ana@example.org",
                                            phone="0612345678"), access_instructions="code 1234"),
    designated("e2", "2025-03-02", "S1", person("T1", first_name="Luc", last_name="Martin", phone="0700000001"), rank=1),
]  # fmt: skip


def desk(app) -> Desk:
    return app.rights_desk("dpo-anne", "dpo")


def verified(app, type_: str = "access", person_ref: str | None = "P1", **extra) -> dict:
    opened = rights.open_request(desk(app), type_=type_, received_on=TODAY, channel="email",
                                 claimed_name="Ana Roux", contact="ana@example.org", person=person_ref, **extra)  # fmt: skip
    identity.attach_document(desk(app), opened["id"], PDF)
    return identity.verify(desk(app), opened["id"], "document")


def reads(app) -> int:
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        return conn.execute(select(func.count()).where(a.action == "read")).scalar_one()


@pytest.mark.parametrize(
    ("type_", "extra"),
    [
        ("access", {}),
        ("portability", {}),
        ("erasure", {}),
        ("rectification", {"changes": {"phone": "0699999999"}}),
        ("opposition", {"purpose": "prospecting"}),
        ("restriction", {"ground": "accuracy"}),
    ],
)
def test_nothing_is_disclosed_changed_or_erased_for_an_unverified_request(app, type_, extra):
    """Answering an impostor is a data breach — for every type of request."""
    run_import(app, EVENTS)
    opened = rights.open_request(desk(app), type_=type_, received_on=TODAY, channel="email",
                                 claimed_name="Ana Roux", contact="ana@example.org", person="P1", **extra)  # fmt: skip
    before = (reads(app), app.register_queries().person("P1"))
    with pytest.raises(
        Refused, match="nothing is disclosed, changed or erased before the requester's identity is verified"
    ):
        answers.fulfil(desk(app), opened["id"])
    assert (reads(app), app.register_queries().person("P1")) == before
    assert not (app.settings.home / "answers").exists()
    assert rights.show(desk(app), opened["id"])["status"] == "received"


def test_an_access_answer_holds_everything_about_the_person_and_a_letter_in_html_and_pdf(app, tmp_path):
    """GDPR Art. 15(1)-(3): data, purposes, categories, recipients, retention, sources, rights, CNIL, DPO."""
    run_import(app, EVENTS)
    operator = Reader("op-7", "station_operator", "alarm_handling")
    show_person(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=operator, ref="P1")
    disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, ledger=app.disclosures(),
                         discloser=operator, recipient="intervention_provider", purpose="intervention", ref="P1")  # fmt: skip
    request = verified(app)
    done = answers.fulfil(desk(app), request["id"], tmp_path / "answer")
    assert done["status"] == "fulfilled"
    archive, html_path, pdf_path = (
        tmp_path / "answer" / n for n in (f"acces-{request['id']}.zip", "lettre.html", "lettre.pdf")
    )
    assert done["paths"] == [str(archive), str(html_path), str(pdf_path)]
    assert oct(archive.stat().st_mode)[-3:] == "600"
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == ["data.json", "lettre.html", "lettre.pdf"]
        data = json.loads(zipped.read("data.json"))
    me = data["person"]
    assert (me["ref"], me["fields"]["email"], me["fields"]["phone"]) == (
        "P1",
        "ana@example.org",
        "0612345678",
    )
    assert me["roles"][0]["source"] == {"kind": "subject", "ref": None}
    assert me["sites"][0]["fields"]["access_instructions"] == "code 1234"  # hers: she gave it
    (trusted,) = data["designated_trusted_persons"]  # other people's data: only what she gave us
    assert (trusted["ref"], trusted["rank"], trusted["fields"]["last_name"]) == ("T1", 1, "Martin")
    assert [u["unit"] for u in data["retention"]] == ["client"]
    (sent,) = data["disclosures"]
    assert (sent["to"], sent["purpose"]) == ("intervention_provider", "intervention")
    consulted = data["consultations"]
    assert [(c["purpose"], c["action"]) for c in consulted] == [
        ("alarm_handling", "read"),
        ("intervention", "disclose"),  # the disclosure's purpose
    ]
    letter = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    html = unescape(html_path.read_text(encoding="utf-8"))
    for staff in ("op-7", "dpo-anne"):  # staff are told by their role, never by name
        assert staff not in json.dumps(data)
        assert staff not in html
        assert staff not in letter
    assert consulted[0]["by"] == app.policy.roles["station_operator"].label(app.policy.default_language)
    for text in (letter, html):
        for expected in ("Réponse à votre demande d'accès", "Les données que nous détenons", "En tant que client",
                         "l'exécution du contrat", "directement auprès de vous", "Destinataires",
                         "Consultations de vos données", "CNIL", app.policy.dpo.email):  # fmt: skip
            assert expected in " ".join(text.split()), expected
    assert "Ana" not in rights.show(desk(app), request["id"])["timeline"][-1]["detail"].__repr__()


def test_the_access_letter_marks_a_basis_the_policy_only_assumes_instead_of_stating_it_as_fact(app, tmp_path):
    """GDPR Art. 15(1)(a), 5(1)(a): the letter tells the person the bases and periods of the policy;
    one the charter never stated (the shipped basis of IT maintenance) is marked « à confirmer » as in
    the published charter, and one it states (the contract) is not."""
    run_import(app, EVENTS)
    answers.fulfil(desk(app), verified(app)["id"], tmp_path / "answer")
    html = " ".join(unescape((tmp_path / "answer" / "lettre.html").read_text(encoding="utf-8")).split())
    marked = html.split("Finalités et bases légales : ")[1].split("</li>")[0]
    assert "(une obligation légale), " in marked
    assert marked.endswith("]")
    assert "purposes.it_maintenance.legal_basis" in marked.rsplit("[à confirmer : ", 1)[1]
    kept = html.split("Conservation : ")[1].split("</li>")[0]
    assert "à confirmer" not in kept  # the client's 5 years after the contract are the seed's own


# Where a value of data.json is a code, the glossary of data.json (``labels``) gives the words the
# letter must print for it; a date is printed as a French date, an instant in Paris time.
_CODES = {"role": "categories", "unit": "units", "as": "categories", "purpose": "purposes",
          "purposes": "purposes", "to": "recipients", "rule": "rules", "action": "action",
          "channel": "channel", "ground": "restriction_ground", "fields": "fields"}  # fmt: skip
_BY_PARENT = {("contracts", "status"): "contract_status", ("retention", "status"): "unit_status",
              ("contact_log", "direction"): "contact_direction", ("calls", "direction"): "direction",
              ("contact_log", "outcome"): "contact_outcome", ("alarm_calls", "outcome"): "call_outcome",
              ("consents", "channel"): "prospecting_channel", ("consents", "method"): "consent_method",
              ("consents", "withdrawn_by"): "consent_end"}  # fmt: skip
_DATES = {"on", "started_on", "ended_on", "signed_on", "received_on", "answered_on", "retention_end", "purge_due",
          "since", "kept_until"}  # fmt: skip
_INSTANTS = {"at", "given_at", "withdrawn_at"}


def _said(data: dict) -> list[tuple[str, str]]:
    """(where in data.json, what the letter must say) for every value of the answer."""
    labels, out = data["labels"], []

    def walk(node, path: tuple[str, ...], parent: str) -> None:
        key = path[-1] if path else ""
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "labels" and not path:
                    continue  # the glossary itself
                if key == "fields":  # a person's, a site's or a trusted person's fields: label and value
                    out.append(("/".join((*path, k)), labels["fields"][k]))
                walk(v, (*path, k), parent if key == "fields" or key.isdigit() else key)
            return
        if isinstance(node, list):
            for n, item in enumerate(node):
                walk(item, (*path, str(n)), key if key not in ("purposes", "fields", "held_by") else parent)
            return
        if node is None or isinstance(node, bool) or path[-1] == "type" or path[-2:] == ("source", "kind"):
            return  # no value / words tested elsewhere: yes and no, the request's kind, the source's phrase
        where = "/".join(path)
        name = key if not key.isdigit() else path[-2]
        if name in _INSTANTS:
            local = datetime.fromisoformat(node).astimezone(ZoneInfo("Europe/Paris"))
            out.append((where, local.strftime("%d/%m/%Y à %H:%M")))
        elif name in _DATES:
            out.append((where, date.fromisoformat(node).strftime("%d/%m/%Y")))
        elif (parent, name) in _BY_PARENT:
            out.append((where, labels[_BY_PARENT[(parent, name)]][node]))
        elif name in _CODES and path[-3:-1] != ("person", "fields") and parent != "fields":
            kind = _CODES[name] if name != "field_sources" else "categories"
            out.append((where, labels[kind][node]))
        elif path[:2] == ("person", "field_sources"):
            out.append((where, labels["categories"][node]))
        elif name == "id":
            out.append((where, f"n° {node}"))
        else:
            out.append((where, str(node)))

    walk(data, (), "")
    return out


def test_every_value_of_the_answer_s_data_is_told_in_words_in_the_letter(app, tmp_path):
    """GDPR Art. 12(1), 15(3): the copy is intelligible — every value data.json holds (fields by their
    labels, roles, contracts, sites, trusted persons, retention dates, calls, disclosures and each
    consultation) is in the letter, codes told in the words data.json's glossary gives them."""
    from tests.conftest import restrict
    from tests.feed import call

    consent = {"id": "g1", "type": "consent.given", "at": "2026-09-01T10:12:00+02:00", "person": "P1",
               "purpose": "prospecting", "channel": "sms", "contact": "0612345678", "method": "partner",
               "text": {"name": "Formulaire BANQUE-X v3", "sha256": "ab" * 32},
               "source": {"kind": "partner", "ref": "BANQUE-X"}}  # fmt: skip
    run_import(
        app,
        [
            *EVENTS,
            call("e3", "2026-11-20T10:00:00+01:00", "CALL-7", person="P1", number="0612345678"),
            consent,
        ],
    )
    consents.withdraw(policy=app.policy, store=app.consents(), contacts=app.consent_contacts, auditor=app.auditor,
                      actor="sms-gw", channel=Channel.SMS, contact="0612345678", how=consents.WithdrawnBy.KEYWORD)  # fmt: skip
    restrict(app, "P1", ground="accuracy")
    operator = Reader("op-7", "station_operator", "alarm_handling")
    show_person(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=operator, ref="P1")
    disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, ledger=app.disclosures(),
                         discloser=operator, recipient="intervention_provider", purpose="intervention", ref="P1")  # fmt: skip
    done = answers.fulfil(desk(app), verified(app)["id"], tmp_path)
    with zipfile.ZipFile(done["paths"][0]) as zipped:
        data = json.loads(zipped.read("data.json"))
    assert data["calls"]
    assert data["consents"]
    assert data["person"]["restricted"]
    assert data["designated_trusted_persons"]
    said = _said(data)
    assert len(said) > 60
    html = " ".join(
        unescape(re.sub("<[^>]+>", " ", (tmp_path / "lettre.html").read_text(encoding="utf-8"))).split()
    )
    assert [(where, words) for where, words in said if words.lower() not in html.lower()] == []
    pdf = "".join(pdf_text(tmp_path / "lettre.pdf").split()).lower()  # a table's cell may wrap anywhere
    assert [(where, words) for where, words in said if "".join(words.split()).lower() not in pdf] == []
    assert set(data["labels"]) >= {"fields", "categories", "recipients", "purposes", "rules", "action"}


def test_a_verified_requester_about_whom_nothing_is_held_gets_a_letter_saying_so(app, tmp_path):
    """GDPR Art. 15(1): confirmation as to whether or not personal data are processed."""
    request = verified(app, person_ref=None)
    done = answers.fulfil(desk(app), request["id"], tmp_path)
    with zipfile.ZipFile(done["paths"][0]) as zipped:
        data = json.loads(zipped.read("data.json"))
    assert data["person"] is None
    assert (
        "nous ne détenons aucune donnée personnelle vous concernant" in (tmp_path / "lettre.html").read_text()
    )


def test_the_answer_s_read_of_the_person_passes_the_gate_and_is_audited_in_the_request_s_context(
    app, tmp_path
):
    """Every read, letters included, passes the gate; and every step is audited."""
    run_import(app, EVENTS)
    request = verified(app)
    answers.fulfil(desk(app), request["id"], tmp_path)
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        (body,) = conn.execute(select(a.body).where(a.action == "read")).scalars()
    entry = json.loads(body)
    assert (entry["role"], entry["purpose"], entry["context"], entry["decision"]) == (
        "dpo", "rights_handling", f"rights_request:{request['id']}", "allowed")  # fmt: skip


def test_the_access_letter_comes_in_english_on_request(app, tmp_path):
    """French templates with an English variant."""
    run_import(app, EVENTS)
    request = verified(app)
    answers.fulfil(desk(app), request["id"], tmp_path, lang="en")
    letter = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO((tmp_path / "lettre.pdf").read_bytes())).pages
    )
    flat = " ".join(letter.split())
    assert "Answer to your access request" in flat
    assert "The data we hold" in flat
    with pytest.raises(Refused, match="--lang must be one of"):
        answers.fulfil(desk(app), verified(app)["id"], tmp_path, lang="de")
