"""Information notices for data obtained from someone else (GDPR Art. 14; §4), on both engines."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from charte.domain.information import needs_notice, notice_due
from charte.domain.vocabulary import Language, LegalBasis, SourceKind
from charte.services import information
from charte.services.access import AccessDenied
from charte.services.documents.confirmation import Unconfirmed
from charte.services.documents.information_notice import REQUIRED, notice_elements
from charte.services.documents.notices import information_notice
from charte.services.errors import Conflict, Refused
from tests.conftest import run_import
from tests.feed import collected, contacted, designated, person, signed

d = date.fromisoformat
EVENTS = [
    signed("e1", "2026-09-01", "C1", person("P1", last_name="Roux")),  # from her: Art. 13, no notice
    designated("e2", "2026-10-30", "S1", person("T1", last_name="Martin")),  # from the client
    collected(
        "e3",
        "2026-11-02",
        person("Q1", last_name="Petit", phone="0611111111"),
        source={"kind": "partner", "ref": "PARTNER-7"},
    ),
    contacted(
        "e4", "2026-11-10", "Q1", direction="outbound", answered=False
    ),  # first contact: earlier than a month
    collected("e5", "2026-11-20", person("Q2", last_name="Blanc"), source={"kind": "subject"}),
]


def desk(app, role: str = "dpo") -> information.Informing:
    return app.informing("dpo-anne", role)


def test_the_month_runs_from_collection_unless_the_first_contact_comes_first():
    """GDPR Art. 14(3)(a)-(b); CPC 641-642 for the month and the roll past weekends and holidays."""
    assert notice_due(d("2026-10-30"), None) == d("2026-11-30")
    assert notice_due(d("2026-01-31"), None) == d("2026-03-02")  # 28 Feb 2026 is a Saturday
    assert notice_due(d("2026-11-02"), d("2026-11-10")) == d("2026-11-10")
    assert notice_due(d("2026-11-02"), d("2027-01-10")) == d("2026-12-02")


def test_only_people_whose_data_came_from_someone_else_are_owed_a_notice_each_with_its_due_date(app):
    """Prospects from a partner, trusted persons designated by a client — not the client."""
    run_import(app, EVENTS)
    owed = list(information.owed(desk(app)))
    assert [(o["person"], o["role"], o["context"], o["source"]["kind"], o["due_on"]) for o in owed] == [
        ("T1", "trusted_person", "S1", "client", "2026-11-30"),
        ("Q1", "prospect", None, "partner", "2026-11-10"),
    ]
    late = list(information.owed(desk(app), before=d("2026-11-26")))
    assert [o["person"] for o in late] == ["Q1"]  # told at the first call of 10 November, at the latest


def test_a_notice_is_rendered_from_the_policy_and_once_recorded_is_owed_no_more(app):
    """Renders the notice (letter, SMS) and records when it was sent or the exemption."""
    run_import(app, EVENTS)
    letter = information.render(desk(app), "Q1", "prospect", None, "letter")
    for expected in (app.policy.controller.name, "auprès du partenaire", "article 14 du RGPD",
                     app.policy.dpo.email, "prospection commerciale"):  # fmt: skip
        assert expected in letter["text"], expected
    with pytest.raises(Refused, match="CHARTE_PUBLIC_URL"):
        information.render(desk(app), "Q1", "prospect", None, "sms")  # nowhere to link to
    published = dataclasses.replace(desk(app), public_url="https://donnees.example.fr/")
    sms = information.render(published, "Q1", "prospect", None, "sms")
    assert len(sms["text"]) < 200
    assert sms["text"].endswith("https://donnees.example.fr/charter?lang=fr")  # the full notice
    information.record_sent(desk(app), "Q1", "prospect", None, d("2026-11-09"), "letter")
    with pytest.raises(Conflict, match="already recorded"):
        information.record_sent(desk(app), "Q1", "prospect", None, d("2026-11-09"), "letter")
    with pytest.raises(Refused, match="documented reason"):
        information.record_exemption(desk(app), "T1", "trusted_person", "S1", " ")
    information.record_exemption(
        desk(app), "T1", "trusted_person", "S1", "no address known for the trusted person"
    )
    assert list(information.owed(desk(app))) == []


def test_data_from_the_person_themselves_need_no_art_14_notice_and_only_handlers_act(app):
    """GDPR Art. 13 vs 14; the DPO's team handles notices."""
    run_import(app, EVENTS)
    with pytest.raises(Refused, match=r"Art\. 13 applied at collection"):
        information.render(desk(app), "P1", "client", "C1", "letter")
    with pytest.raises(AccessDenied, match="may not handle information notices"):
        list(information.owed(desk(app, "sales")))


@pytest.mark.parametrize("lang", [Language.FR, Language.EN])
def test_every_element_art_14_requires_is_in_the_notice_of_every_category(shipped, lang):
    """GDPR Art. 14(1)(a)-(f), 14(2)(a)-(f): each element, from the policy, for each category."""
    for category in shipped.subject_categories.values():
        for source in (s for s in category.sources if needs_notice(s)):  # Art. 13 covers the rest
            elements = notice_elements(shipped, category, source, lang)
            assert set(elements) == set(REQUIRED)
            _, text = information_notice("letter", lang, **elements, name="", link="")
            for key, article in REQUIRED.items():
                if key == "withdrawal" and not elements[key]:
                    continue  # no purpose rests on consent for this category
                assert elements[key], (category.id, key, article)
                assert elements[key].strip() in text, (category.id, key, article)
    trusted = notice_elements(shipped, shipped.subject_categories["trusted_person"], SourceKind.CLIENT, lang)
    assert "joindre les personnes que notre client a désignées" in trusted["purposes"] or lang is Language.EN
    assert "legitimate interest: reaching" in trusted["purposes"] or lang is Language.FR
    assert "(l'intérêt légitime : joindre les personnes" in trusted["purposes"] or lang is Language.EN
    assert "((" not in trusted["purposes"]  # a parenthesis inside another


def test_a_category_whose_data_rest_on_consent_is_told_it_may_withdraw_it(shipped):
    """GDPR Art. 7(3), 14(2)(d): « vous pouvez le retirer à tout moment »."""
    elements = notice_elements(
        shipped, shipped.subject_categories["prospect"], SourceKind.PARTNER, Language.FR
    )
    assert "vous pouvez le retirer à tout moment" in elements["withdrawal"]  # prospecting rests on consent
    interest = dataclasses.replace(
        shipped.purposes["prospecting"], legal_basis=LegalBasis.LEGITIMATE_INTEREST
    )
    policy = dataclasses.replace(shipped, purposes={**shipped.purposes, "prospecting": interest})
    assert (
        notice_elements(policy, policy.subject_categories["prospect"], SourceKind.PARTNER, Language.FR)[
            "withdrawal"
        ]
        == ""
    )


def test_an_assumed_value_is_marked_in_the_art_14_notice_and_a_final_notice_is_refused_naming_it(app):
    """GDPR Art. 14(1)(f), 5(1)(a): the shipped « no transfer outside the EEA » rests on the
    processors' locations, which the policy assumes; the notice told to the person marks it as the
    charter does, and a final notice is refused until the DPO confirms it — then it is stated plainly."""
    run_import(app, EVENTS)
    letter = information.render(desk(app), "Q1", "prospect", None, "letter")
    assert "processors.it_subcontractors.locations]" in letter["text"]
    assert "processors.it_subcontractors.locations" in letter["unconfirmed"]
    with pytest.raises(Unconfirmed, match=r"processors\.it_subcontractors\.locations"):
        information.render(desk(app), "Q1", "prospect", None, "letter", final=True)
    confirmed = dataclasses.replace(desk(app), policy=dataclasses.replace(app.policy, assumptions=()))
    final = information.render(confirmed, "Q1", "prospect", None, "letter", final=True)
    assert "[à confirmer" not in final["text"]
    assert final["unconfirmed"] == []
