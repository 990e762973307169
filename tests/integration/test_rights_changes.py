"""Answering restriction, rectification and portability requests (GDPR Art. 16, 18, 19, 20), on both engines."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.services import answers, disclosures, identity, rights
from charte.services.access import Reader
from charte.services.errors import Refused
from charte.services.retention import sweep
from charte.services.rights_desk import Desk
from tests.conftest import TODAY, pdf_text, raw_person, run_import
from tests.feed import collected, designated, ended, person, signed

PDF = b"%PDF-1.4\n% identity card\n"
EVENTS = [
    signed(
        "e1", "2015-03-01", "C1", person("P1", last_name="Roux", phone="0612345678", email="ana@example.org")
    ),
    ended("e2", "2020-06-30", "C1"),  # ended over five years ago: due for erasure on 2025-07-01
    collected("e3", "2026-01-10", person("Q1", last_name="Petit", phone="0611111111")),
]


def desk(app) -> Desk:
    return app.rights_desk("dpo-anne", "dpo")


def verified(app, type_: str, ref: str = "P1", **extra) -> dict:
    opened = rights.open_request(desk(app), type_=type_, received_on=TODAY, channel="post",
                                 claimed_name="Ana Roux", contact="ana@example.org", person=ref, **extra)  # fmt: skip
    identity.attach_document(desk(app), opened["id"], PDF)
    return identity.verify(desk(app), opened["id"], "document")


def orders(app) -> list[tuple[str, str, str]]:
    o = tables.outbox.c
    with app.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(o.system, o.kind, o.new_values).order_by(o.id))]


def disclose_to_installer(app) -> None:
    dpo = Reader("dpo-anne", "dpo", "rights_handling")
    disclosures.disclose(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, ledger=app.disclosures(),
                         discloser=dpo, recipient="installer", purpose="installation", ref="P1")  # fmt: skip


def test_a_restriction_for_legal_claims_sets_the_flag_keeps_the_data_from_the_sweep_and_tells_everyone(app):
    """GDPR Art. 18(1)(c), 18(3), 19: flag set, units kept past their date, orders and recipient notices."""
    run_import(app, EVENTS[:1])
    disclose_to_installer(app)  # while the contract ran
    run_import(app, EVENTS[1:])
    request = verified(app, "restriction", ground="legal_claims")
    done = answers.fulfil(desk(app), request["id"])
    assert done["status"] == "fulfilled"
    assert raw_person(app, "P1")["restricted"] == {
        "since": "2026-11-26",
        "ground": "legal_claims",
    }
    assert {kind for _, kind, _ in orders(app)} == {"restriction.set"}
    assert {system for system, _, _ in orders(app)} == set(app.policy.systems)
    (notice,) = answers.notices(desk(app), pending_only=True)
    assert (notice["recipient"], notice["kind"], notice["person"]) == ("installer", "restriction.set", "P1")
    swept = sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert raw_person(app, "P1") is not None  # due since 2025, kept for her claims
    assert swept.as_dict()["units_erased"] == 0
    answers.notice_sent(desk(app), notice["id"])
    assert answers.notices(desk(app), pending_only=True) == []
    lifted = answers.lift_restriction(desk(app), request["id"])
    texts = [m["text"] for m in app.notifier.sent()]
    assert "va être levée" in texts[-1]  # told before it is lifted (Art. 18(3))
    assert lifted["status"] == "fulfilled"
    assert raw_person(app, "P1")["restricted"] is None
    assert orders(app)[-1][1] == "restriction.lifted"
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert raw_person(app, "P1") is None  # the sweep erases once the restriction is lifted


def test_a_rectification_changes_the_register_orders_the_systems_and_notifies_recipients_of_the_old_value(
    app,
):
    """GDPR Art. 16 and 19: the change applied, `rectification.required` with the new value, recipients told."""
    run_import(app, EVENTS[:1])
    disclose_to_installer(app)
    request = verified(app, "rectification", changes={"phone": "0699999999"})
    done = answers.fulfil(desk(app), request["id"])
    assert (done["status"], done["fields"]) == ("fulfilled", ["phone"])
    assert raw_person(app, "P1")["fields"]["phone"] == "0699999999"
    sent = [
        (system, json.loads(values))
        for system, kind, values in orders(app)
        if kind == "rectification.required"
    ]
    holders = {s.id for s in app.policy.systems.values() if "contact" in s.holds}
    assert {system for system, _ in sent} == holders
    assert all(values == {"phone": "0699999999"} for _, values in sent)
    (notice,) = answers.notices(desk(app))
    assert (notice["recipient"], notice["fields"]) == ("installer", ["phone"])


def test_a_rectification_cannot_add_a_field_the_person_s_roles_do_not_collect(app):
    """GDPR Art. 5(1)(c) minimisation: completing data stays within what the policy collects."""
    run_import(app, EVENTS)
    request = verified(app, "rectification", ref="Q1", changes={"iban": "FR7630006000011234567890189"})
    with pytest.raises(Refused, match="field 'iban' is not collected for this person's roles"):
        answers.fulfil(desk(app), request["id"])
    assert "iban" not in raw_person(app, "Q1")["fields"]
    assert orders(app) == []  # nothing half-applied
    assert rights.show(desk(app), request["id"])["status"] == "verified"


def test_portability_gives_a_client_the_data_they_provided_as_json_and_csv(app, tmp_path):
    """GDPR Art. 20(1): data provided by the person, processed on a contract, structured and machine-readable."""
    run_import(app, [signed("e1", "2025-03-01", "C1", person("P1", last_name="Roux", phone="0612345678"))])
    request = verified(app, "portability")
    done = answers.fulfil(desk(app), request["id"], tmp_path)
    archive, html, pdf = done["paths"]
    assert (Path(html).name, Path(pdf).name) == (
        "01-courrier-fulfilled-portability.html",
        "01-courrier-fulfilled-portability.pdf",
    )
    assert "format structuré" in pdf_text(pdf)
    with zipfile.ZipFile(archive) as zipped:
        data = json.loads(zipped.read("portabilite.json"))
        rows = zipped.read("portabilite.csv").decode().splitlines()
    assert data["fields"] == {"last_name": "Roux", "phone": "0612345678"}
    assert [c["ref"] for c in data["contracts"]] == ["C1"]
    assert rows[0] == "section,key,value"
    assert "field,phone,0612345678" in rows


def test_portability_is_refused_for_data_on_legitimate_interest_with_the_reason_and_an_offer_of_access(app):
    """GDPR Art. 20(1)(a): not for data processed on legitimate interest — a trusted person's."""
    run_import(app, [*EVENTS, signed("t1", "2025-01-01", "C7", person("P7", last_name="Blanc"), site="S7"),
                     designated("t2", "2025-01-02", "S7", person("T7", first_name="Luc", phone="0700000007"))])  # fmt: skip
    request = verified(app, "portability", ref="T7")
    done = answers.fulfil(desk(app), request["id"])
    assert (done["status"], done["paths"]) == ("refused", [])
    assert "demande d'accès" in done["reason"]
    assert "demande d'accès" in app.notifier.sent()[-1]["text"]
    # Nothing of the data is written: only the refusal letter, which gives the reasons and remedies.
    folder = app.settings.home / "answers" / f"request-{request['id']}"
    assert sorted(p.name for p in folder.iterdir()) == ["01-courrier-refused.html", "01-courrier-refused.pdf"]
    letter = pdf_text(folder / "01-courrier-refused.pdf")
    assert "demande d'accès" in letter
    assert "CNIL" in letter


def test_portability_gives_a_prospect_the_data_they_gave_on_consent(app):
    """GDPR Art. 20(1)(a): data provided on consent are portable — prospecting rests on it (CPCE L34-5)."""
    run_import(app, EVENTS)
    done = answers.fulfil(desk(app), verified(app, "portability", ref="Q1")["id"])
    assert done["status"] == "fulfilled"
    with zipfile.ZipFile(done["paths"][0]) as zipped:
        assert json.loads(zipped.read("portabilite.json"))["fields"] == {
            "last_name": "Petit",
            "phone": "0611111111",
        }


def test_restriction_and_rectification_need_a_matched_person(app):
    """Nothing is changed for a request that names nobody in the register."""
    request = verified(app, "restriction", ref=None, ground="accuracy")
    with pytest.raises(Refused, match="not matched to a person"):
        answers.fulfil(desk(app), request["id"])
    assert date.fromisoformat(rights.show(desk(app), request["id"])["received_on"]) == TODAY


def erasure(app, ref: str) -> dict:
    return answers.fulfil(desk(app), verified(app, "erasure", ref=ref)["id"])


def test_a_prospect_s_erasure_goes_at_once_whole_with_its_orders_proof_and_audit(app):
    """GDPR Art. 17(1): prospect data (rule: erase) are erased now; the systems are ordered to erase."""
    run_import(app, EVENTS)
    done = erasure(app, "Q1")
    assert (done["status"], done["erased"], done["kept"], done["person_erased"]) == (
        "fulfilled", [{"unit": "prospect", "context": None}], [], True)  # fmt: skip
    assert raw_person(app, "Q1") is None
    assert {kind for _, kind, _ in orders(app)} == {"erasure.required"}
    with app.engine.connect() as conn:
        (proof,) = conn.execute(select(tables.erasure_proofs.c.rule, tables.erasure_proofs.c.purge_due)).all()
    assert tuple(proof) == ("prospect", TODAY)  # due the day it went, on request
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        (entry,) = [json.loads(b) for b in conn.execute(select(a.body).where(a.action == "erase")).scalars()]
    assert entry["actor"] == "dpo-anne"
    assert "nous avons effacé vos données de : prospect" in app.notifier.sent()[-1]["text"]


def test_an_erasure_keeps_what_the_rule_keeps_and_says_why_and_until_when(app):
    """GDPR Art. 17(3)(e): an ended contract's data kept for legal claims until their purge date;
    a running contract keeps its client; a designation (rule: erase) goes now."""
    run_import(app, [
        *EVENTS[:2],  # P1: client of C1, ended 2020-06-30 (purge due 2025-07-01)
        signed("e4", "2025-01-01", "C2", person("P2", last_name="Blanc")),  # P2: client of a running contract
        signed("e5", "2024-01-01", "C3", person("P3", last_name="Noir"), site="S3"),
        designated("e6", "2024-01-02", "S3", person("P2")),  # ... and a trusted person for P3
    ])  # fmt: skip
    done = erasure(app, "P2")
    assert done["erased"] == [{"unit": "trusted_person", "context": "S3"}]
    assert done["kept"] == [{"unit": "client", "context": "C2", "why": "contract_running", "until": None}]
    assert [r["role"] for r in raw_person(app, "P2")["roles"]] == ["client"]
    assert "nécessaire à l'exécution de votre contrat en cours" in app.notifier.sent()[-1]["text"]


def test_the_erasure_letter_says_what_went_and_what_is_kept_why_and_until_when(app):
    """GDPR Art. 12(1) and 17(3): the answer, on paper too, lists the erased and the kept with reasons."""
    run_import(app, [
        signed("e4", "2025-01-01", "C2", person("P2", last_name="Blanc")),
        signed("e5", "2024-01-01", "C3", person("P3", last_name="Noir"), site="S3"),
        designated("e6", "2024-01-02", "S3", person("P2")),
    ])  # fmt: skip
    done = erasure(app, "P2")
    html, pdf = (Path(p) for p in done["paths"])
    assert (html.name, pdf.name) == (
        "01-courrier-fulfilled-erasure.html",
        "01-courrier-fulfilled-erasure.pdf",
    )
    letter = pdf_text(pdf)
    for said in (
        "Votre demande d'effacement : réponse",
        "Ce que nous avons effacé",
        "Personne de confiance (S3)",
        "Ce que nous conservons, et pourquoi",
        "Client (C2)",
        "nécessaire à l'exécution de votre contrat en cours",
        "à la fin de la relation",
        "Commission nationale de l'informatique et des libertés",
    ):
        assert said in letter
    assert "Blanc" not in letter  # the letter names categories, never the person's values
    assert "Ce que nous conservons, et pourquoi" in html.read_text(encoding="utf-8")
    message = app.notifier.sent()[-1]
    (attached,) = message["attachments"]
    assert (app.notifier.folder / attached).read_bytes() == pdf.read_bytes()


def test_a_rectification_letter_in_english_names_the_data_changed_and_who_was_told(app):
    """GDPR Art. 12(1), 16 and 19: the English variant; the fields and recipients, never the new value."""
    run_import(app, EVENTS[:1])
    disclose_to_installer(app)
    request = verified(app, "rectification", changes={"phone": "0699999999"})
    done = answers.fulfil(desk(app), request["id"], lang="en")
    letter = pdf_text(done["paths"][-1])
    assert letter.startswith("Your rectification request: answer")
    assert "Data rectified: phone." in letter
    assert (
        "Recipients of your data told (GDPR Article 19): Delivery, installation and maintenance providers."
        in letter
    )
    assert "0699999999" not in letter
    assert app.notifier.sent()[-1]["subject"] == "Your rectification request: answer"


def test_an_excessive_request_is_answered_only_once_the_fee_asked_with_reasons_is_paid(app):
    """GDPR Art. 12(5)(a): a reasonable fee, with written reasons and the remedies; no answer before it is paid."""
    run_import(app, EVENTS)
    request = verified(app, "erasure", ref="Q1")
    with pytest.raises(Refused, match="needs its written reasons"):
        rights.ask_fee(desk(app), request["id"], 1500, "  ")
    asked = rights.ask_fee(desk(app), request["id"], 1550, "the fifth identical request in two months")
    assert asked["fee"]["cents"] == 1550
    letter = pdf_text(asked["letters"][-1])
    for said in (
        "the fifth identical request in two months",
        "15,50 €",
        "article 12.5",
        "recours juridictionnel",
    ):
        assert said in letter
    with pytest.raises(Refused, match="was already asked"):
        rights.ask_fee(desk(app), request["id"], 100, "again")
    with pytest.raises(Refused, match="is not paid"):
        answers.fulfil(desk(app), request["id"])
    assert raw_person(app, "Q1") is not None  # nothing erased before payment
    with pytest.raises(Refused, match="before the fee was asked"):
        rights.fee_paid(desk(app), request["id"], date(2026, 1, 1))
    rights.fee_paid(desk(app), request["id"], TODAY)
    assert answers.fulfil(desk(app), request["id"])["person_erased"] is True


def test_an_erasure_keeps_units_under_a_litigation_hold(app):
    """GDPR Art. 17(3)(e): holds keep theirs, even against an erasure request."""
    from charte.domain.vocabulary import CourtKind
    from charte.services import holds

    run_import(app, EVENTS)
    holds.place(holds=app.holds(), gate=app.gate, role="legal", case="LIT-9", kind=CourtKind.CIVIL,
                subjects=[("person", "Q1")], reason="dispute", actor="maitre-x")  # fmt: skip
    done = erasure(app, "Q1")
    assert (done["erased"], done["kept"]) == (
        [],
        [{"unit": "prospect", "context": None, "why": "litigation_hold", "until": None}],
    )
    assert raw_person(app, "Q1") is not None
    assert orders(app) == []


def test_recipients_of_erased_data_are_owed_a_notice(app):
    """GDPR Art. 19: each recipient of erased data is told (the ledger outlives the person)."""
    run_import(app, EVENTS)
    app.clock.day = date(2016, 1, 4)  # the installation, while P1's contract ran
    try:
        disclose_to_installer(app)
    finally:
        app.clock.day = TODAY
    done = erasure(app, "P1")  # the contract ended over five years ago: nothing keeps P1 now
    assert (done["person_erased"], done["kept"], done["recipients"]) == (True, [], ["installer"])
    (notice,) = answers.notices(desk(app))
    assert notice["kind"] == "erasure.required"
    assert {"last_name", "phone"} <= set(notice["fields"])  # what the ledger says the view carried


def test_erasing_one_role_notifies_recipients_only_of_the_fields_that_really_went(app):
    """GDPR Art. 19: a notice names what was erased, not what the person still holds as a client."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux", phone="0612345678"))])
    disclose_to_installer(app)
    run_import(app, [designated("e2", "2026-02-01", "S1", person("P1", first_name="Ana"))])
    done = erasure(app, "P1")
    assert (done["erased"], done["fields"]) == ([{"unit": "trusted_person", "context": "S1"}], ["first_name"])
    assert done["recipients"] == []  # the installer never received her first name
    assert raw_person(app, "P1")["fields"] == {"last_name": "Roux", "phone": "0612345678"}


def mail_to(app, to: str) -> list[dict]:
    return [m for m in app.notifier.sent() if m["to"] == to]


def opposition(app, ref: str | None, purpose: str, contact: str = "ana@example.org") -> dict:
    opened = rights.open_request(desk(app), type_="opposition", received_on=TODAY, channel="phone",
                                 claimed_name="Q", contact=contact, person=ref, purpose=purpose)  # fmt: skip
    identity.attach_document(desk(app), opened["id"], PDF)
    identity.verify(desk(app), opened["id"], "document")
    return answers.fulfil(desk(app), opened["id"])


def test_an_objection_to_prospecting_erases_the_prospect_and_drops_them_from_later_feeds(app):
    """GDPR Art. 21(2)-(3) and the CNIL référentiel: absolute, no reason, a suppression list kept 3 years."""
    run_import(app, EVENTS)
    done = opposition(app, "Q1", "prospecting")
    assert (done["status"], done["erased"], done["person_erased"]) == (
        "fulfilled",
        [{"unit": "prospect", "context": None}],
        True,
    )
    assert done["suppressed_until"] == "2029-11-26"
    assert raw_person(app, "Q1") is None
    assert {kind for _, kind, _ in orders(app)} == {"erasure.required", "opposition.recorded"}
    with app.engine.connect() as conn:
        stored = conn.execute(select(tables.suppression_list.c.contact_hmac)).scalars().all()
    assert len(stored) == 2  # her phone on file and the contact she gave; hashes only
    assert not any("0611111111" in h or "example" in h for h in stored)
    again = run_import(app, [
        collected("e10", "2026-11-26", person("Q9", last_name="Petit", phone="+33 6 11 11 11 11")),  # the same phone
        collected("e11", "2026-11-26", person("Q8", last_name="Autre", phone="06 22 22 22 22")),
    ])  # fmt: skip
    assert (again.suppressed, again.applied) == (1, 1)
    assert raw_person(app, "Q9") is None
    assert raw_person(app, "Q8") is not None


def test_the_suppression_list_is_purged_by_the_sweep_once_its_retention_is_over(app):
    """The policy's suppression list rule (opposition_list, 3 years): kept no longer."""
    run_import(app, EVENTS)
    opposition(app, "Q1", "prospecting")
    swept = app.eraser().sweep(date(2029, 11, 25), dry_run=False, batch_size=500)
    assert swept.suppressions_purged == 0
    swept = app.eraser().sweep(date(2029, 11, 26), dry_run=False, batch_size=500)
    assert swept.suppressions_purged == 2


def test_an_objection_to_a_purpose_on_grounds_is_recorded_for_the_systems_without_erasing_the_person(app):
    """GDPR Art. 21(1): recorded per purpose; the calls issue reads the flag before recording."""
    run_import(app, EVENTS)
    done = opposition(app, "P1", "staff_training")
    assert done["status"] == "fulfilled"
    assert raw_person(app, "P1") is not None
    with app.engine.connect() as conn:
        row = conn.execute(select(tables.oppositions.c.purpose, tables.oppositions.c.person_ref)).one()
    assert tuple(row) == ("staff_training", "P1")
    assert {kind for _, kind, _ in orders(app)} == {"opposition.recorded"}


def test_an_objection_to_a_purpose_that_rests_on_the_contract_is_refused_with_the_reason(app):
    """GDPR Art. 21(1): no right to object to processing necessary for a contract."""
    run_import(app, EVENTS)
    done = opposition(app, "P1", "contract_management")
    assert done["status"] == "refused"
    assert "le droit d'opposition de l'article 21 du RGPD ne s'y applique pas" in done["reason"]
    assert orders(app) == []


def test_the_audit_of_an_erasure_answer_counts_units_and_names_no_contract_or_site(app):
    """Brief: no personal data in audit entries beyond keyed references."""
    run_import(app, [signed("e1", "2025-01-01", "C7", person("P2", last_name="Blanc"), site="S7"),
                     designated("e2", "2025-01-02", "S7", person("P2"))])  # fmt: skip
    erasure(app, "P2")
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        bodies = " ".join(conn.execute(select(a.body).where(a.action == "rights")).scalars())
    assert '"step":"fulfilled"' in bodies
    assert "C7" not in bodies
    assert "S7" not in bodies


class _DiesOnSend:
    """A notifier whose process dies before the letter leaves: the change is committed, the answer not."""

    def send(self, *args, **kwargs) -> None:
        raise KeyboardInterrupt("killed before the letter was sent")


def _interrupted(app, request_id: int) -> None:
    wired = desk(app)
    dying = dataclasses.replace(wired, mail=dataclasses.replace(wired.mail, notifier=_DiesOnSend()))
    with pytest.raises(KeyboardInterrupt):
        answers.fulfil(dying, request_id)
    assert rights.show(desk(app), request_id)["status"] == "verified"  # not answered yet


def test_an_erasure_answer_interrupted_after_its_commit_tells_on_rerun_what_went_and_orders_once(app):
    """GDPR Art. 17(1), 19: a rerun after a crash neither says "nothing erased" nor orders the systems twice."""
    run_import(app, EVENTS)
    app.clock.day = date(2016, 1, 4)  # the installation, while P1's contract ran
    try:
        disclose_to_installer(app)
    finally:
        app.clock.day = TODAY
    request = verified(app, "erasure", ref="P1")
    _interrupted(app, request["id"])
    assert raw_person(app, "P1") is None  # the erasure itself was committed
    once = len(orders(app))
    done = answers.fulfil(desk(app), request["id"])
    assert (done["status"], done["erased"], done["person_erased"], done["recipients"]) == (
        "fulfilled", [{"unit": "client", "context": "C1"}], True, ["installer"])  # fmt: skip
    assert len(orders(app)) == once == len(app.policy.systems)
    assert len(answers.notices(desk(app))) == 1
    assert "nous avons effacé vos données de : client (C1)" in app.notifier.sent()[-1]["text"]
    steps = [s["step"] for s in rights.show(desk(app), request["id"])["timeline"]]
    assert steps[-2:] == ["applied:erasure.required", "fulfilled"]


def test_a_rectification_answered_again_after_a_crash_orders_the_systems_once(app):
    """GDPR Art. 16, 19: the new values go to each system once, the recipients are told once."""
    run_import(app, EVENTS[:1])
    disclose_to_installer(app)
    request = verified(app, "rectification", changes={"phone": "0699999999"})
    _interrupted(app, request["id"])
    once = orders(app)
    assert {kind for _, kind, _ in once} == {"rectification.required"}
    done = answers.fulfil(desk(app), request["id"])
    assert (done["status"], done["fields"]) == ("fulfilled", ["phone"])
    assert orders(app) == once
    assert len(answers.notices(desk(app))) == 1


def test_an_objection_answered_again_after_a_crash_records_it_and_orders_the_systems_once(app):
    """GDPR Art. 21(3): the prospect erased and the objection recorded once, whatever the reruns."""
    run_import(app, EVENTS)
    opened = rights.open_request(desk(app), type_="opposition", received_on=TODAY, channel="phone",
                                 claimed_name="Q", contact="ana@example.org", person="Q1", purpose="prospecting")  # fmt: skip
    identity.attach_document(desk(app), opened["id"], PDF)
    identity.verify(desk(app), opened["id"], "document")
    _interrupted(app, opened["id"])
    once = orders(app)
    done = answers.fulfil(desk(app), opened["id"])
    assert (done["status"], done["person_erased"]) == ("fulfilled", True)
    assert orders(app) == once
    assert sorted({kind for _, kind, _ in once}) == ["erasure.required", "opposition.recorded"]


def test_a_trusted_person_s_objection_ends_every_designation_erases_them_and_orders_the_client_asked(app):
    """EDPB Guidelines 2/2019: a trusted person is not party to the client's contract; alarm handling
    rests for them on legitimate interest, so they may object (Art. 21(1)). Their designations end
    at every site, their data go as the trusted-person rule says, and the systems that keep the
    designations are ordered to ask the client for another — one transaction."""
    run_import(app, [
        signed("t1", "2025-01-01", "C7", person("P7", last_name="Blanc"), site="S7"),
        signed("t2", "2025-01-01", "C8", person("P8", last_name="Vert"), site="S8"),
        designated("t3", "2025-01-02", "S7", person("T7", first_name="Luc", phone="0700000007"), rank=1),
        designated("t4", "2025-01-03", "S8", person("T7"), rank=2),
    ])  # fmt: skip
    done = opposition(app, "T7", "alarm_handling")
    assert done["status"] == "fulfilled", done
    assert done["designations_ended"] == ["S7", "S8"]
    assert done["person_erased"] is True
    assert raw_person(app, "T7") is None
    kinds = [(system, kind) for system, kind, _ in orders(app)]
    assert kinds.count(("monitoring", "designation.ended")) == 2  # one per site
    assert kinds.count(("crm", "designation.ended")) == 2
    assert ("monitoring", "erasure.required") in kinds
    with app.engine.connect() as conn:
        reasons = sorted(
            conn.execute(
                select(tables.outbox.c.reason).where(tables.outbox.c.kind == "designation.ended").distinct()
            ).scalars()
        )
    assert reasons == [
        f"rights_request:{done['id']}:alarm_handling:site:S7",
        f"rights_request:{done['id']}:alarm_handling:site:S8",
    ]
    (told,) = [m for m in mail_to(app, "ana@example.org") if "personne de confiance" in m["text"]]
    assert "vous n'êtes plus désigné(e) comme personne de confiance" in told["text"]
    # The client who designated them may not object to the same purpose: it is their contract.
    refused = opposition(app, "P7", "alarm_handling")
    assert refused["status"] == "refused"
    assert "l'exécution du contrat" in refused["reason"]


def test_the_client_of_each_site_is_owed_a_notice_to_designate_another_trusted_person_and_it_is_sent(app):
    """GDPR Art. 21(1): when a trusted person objects, each client who designated them is told, in the
    answer's own transaction, to designate someone else — a notice naming the site, not the person
    or why, sent by the notifier to the client's e-mail, recorded as sent, sent once."""
    run_import(app, [
        signed("t1", "2025-01-01", "C7", person("P7", last_name="Blanc", email="blanc@example.org"), site="S7"),
        signed("t2", "2025-01-01", "C8", person("P8", last_name="Vert"), site="S8"),
        designated("t3", "2025-01-02", "S7", person("T7", first_name="Luc", phone="0700000007"), rank=1),
        designated("t4", "2025-01-03", "S8", person("T7"), rank=2),
    ])  # fmt: skip
    done = opposition(app, "T7", "alarm_handling")
    assert done["clients_told"] == ["P7", "P8"]
    owed = answers.notices(desk(app), pending_only=True)
    assert [(n["recipient"], n["kind"], n["person"], n["site"]) for n in owed] == [
        ("client", "designation.ended", "P7", "S7"),
        ("client", "designation.ended", "P8", "S8"),
    ]
    sending = answers.send_notices(desk(app))
    assert (sending["sent"], sending["no_contact"]) == (1, ["client"])  # P8 gave no e-mail: by post
    (mail,) = mail_to(app, "blanc@example.org")
    assert mail["subject"] == "Votre personne de confiance pour le site S7"
    assert "merci de désigner une autre personne de confiance" in mail["text"]
    assert "Luc" not in mail["text"]
    assert "T7" not in mail["text"]
    assert "oppos" not in mail["text"]
    assert [n["person"] for n in answers.notices(desk(app), pending_only=True)] == ["P8"]
    assert answers.send_notices(desk(app))["sent"] == 0  # sent once


def test_art_19_notices_are_sent_to_recipients_with_a_contact_and_recorded_and_the_others_listed(app):
    """GDPR Art. 19: each recipient is told of the rectification of data it received — sent by
    the notifier where the policy gives its address, recorded as sent, audited as a disclosure."""
    run_import(app, EVENTS[:1])
    disclose_to_installer(app)
    request = verified(app, "rectification", changes={"phone": "0699999999"})
    answers.fulfil(desk(app), request["id"])
    unknown = answers.send_notices(desk(app))
    assert (unknown["sent"], unknown["no_contact"]) == (0, ["installer"])  # the shipped policy has none
    assert len(answers.notices(desk(app), pending_only=True)) == 1
    installer = dataclasses.replace(app.policy.roles["installer"], contact="poseurs@installateur.example")
    policy = dataclasses.replace(app.policy, roles={**app.policy.roles, "installer": installer})
    d = desk(app)
    d = dataclasses.replace(d, clerk=dataclasses.replace(d.clerk, policy=policy))
    done = answers.send_notices(d)
    assert (done["sent"], done["no_contact"], done["failed"]) == (1, [], {})
    (mail,) = mail_to(app, "poseurs@installateur.example")
    assert mail["subject"] == "Article 19 du RGPD : données d'une personne modifiées à sa demande"
    assert "personne référencée P1" in mail["text"]
    assert "nous avons rectifié les données suivantes : téléphone" in mail["text"]
    assert "0699999999" not in mail["text"]  # the new value goes through the systems' orders, not e-mail
    assert answers.notices(desk(app), pending_only=True) == []
    assert answers.send_notices(d)["sent"] == 0  # sent once
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        bodies = [json.loads(b) for b in conn.execute(select(a.body).where(a.action == "disclose")).scalars()]
    assert any(b["detail"].get("art_19_notice") and b["detail"]["to"] == "installer" for b in bodies)


def test_a_withdrawal_of_consent_stops_the_purpose_and_erases_what_served_only_it(app):
    """GDPR Art. 7(3): withdrawn at any time, as easily as given — prospecting on consent (CPCE L34-5;
    loi 2025-594 for the phone): the prospect's data go, their contacts stay on the suppression
    list, the systems are told; a withdrawal from a purpose not resting on consent is refused at
    intake, saying an objection is the right to use."""
    run_import(app, EVENTS)
    with pytest.raises(Refused, match=r"'service_improvement' does not rest on consent .* an objection"):
        rights.open_request(desk(app), type_="consent_withdrawal", received_on=TODAY, channel="email",
                            claimed_name="Q", contact="q@example.org", person="Q1", purpose="service_improvement")  # fmt: skip
    d = desk(app)  # prospecting rests on consent in the shipped policy
    opened = rights.open_request(d, type_="consent_withdrawal", received_on=TODAY, channel="email",
                                 claimed_name="Q", contact="q@example.org", person="Q1", purpose="prospecting")  # fmt: skip
    identity.attach_document(d, opened["id"], PDF)
    identity.verify(d, opened["id"], "document")
    done = answers.fulfil(d, opened["id"])
    assert done["status"] == "fulfilled"
    assert raw_person(app, "Q1") is None
    assert done["suppressed_until"] == "2029-11-26"
    assert {kind for _, kind, _ in orders(app)} == {"erasure.required", "consent.withdrawn"}
    (told,) = mail_to(app, "q@example.org")[-1:]
    assert "votre retrait de consentement est enregistré" in told["text"]


def test_a_trusted_person_s_objection_answered_again_after_a_crash_completes_and_orders_once(app):
    """GDPR Art. 21(1): interrupted after the erasure's commit, the rerun finds the person gone — it
    completes the answer (not a refusal), says the designations ended, and orders nothing twice."""
    run_import(app, [
        signed("t1", "2025-01-01", "C7", person("P7", last_name="Blanc"), site="S7"),
        designated("t3", "2025-01-02", "S7", person("T7", first_name="Luc", phone="0700000007"), rank=1),
    ])  # fmt: skip
    opened = rights.open_request(desk(app), type_="opposition", received_on=TODAY, channel="phone",
                                 claimed_name="Luc", contact="ana@example.org", person="T7",
                                 purpose="alarm_handling")  # fmt: skip
    identity.attach_document(desk(app), opened["id"], PDF)
    identity.verify(desk(app), opened["id"], "document")
    _interrupted(app, opened["id"])
    assert raw_person(app, "T7") is None  # the erasure committed before the crash
    once = orders(app)
    done = answers.fulfil(desk(app), opened["id"])
    assert done["status"] == "fulfilled", done
    assert done["designations_ended"] == ["S7"]
    assert orders(app) == once
