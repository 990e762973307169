"""Documents generated from the policy: the public charter and the Art. 30 register."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from charte.adapters.rendering import render_document
from charte.adapters.rendering.csv import render_csv
from charte.domain.accountability import Mechanism, TransferOut
from charte.domain.policy import Text
from charte.domain.vocabulary import CallDirection, Language, Right
from charte.services.documents.charter import build_charter
from charte.services.documents.confirmation import Unconfirmed
from charte.services.documents.register import build_register, register_entries

FR, EN = Language.FR, Language.EN

# Written by hand, independently of the wording module: how each period of the shipped policy reads.
PERIOD_WORDS = {
    ("P5Y", FR): "5 ans", ("P5Y", EN): "5 years",
    ("P2Y", FR): "2 ans", ("P2Y", EN): "2 years",
    ("P6M", FR): "6 mois", ("P6M", EN): "6 months",
    ("P0D", FR): "désigné", ("P0D", EN): "designated",
}  # fmt: skip
RIGHT_NAMES = {
    FR: {
        "access": "Droit d'accès",
        "rectification": "Droit de rectification",
        "erasure": "Droit à l'effacement",
        "opposition": "Droit d'opposition",
        "restriction": "Droit à la limitation",
        "portability": "Droit à la portabilité",
    },
    EN: {
        "access": "Right of access",
        "rectification": "Right to rectification",
        "erasure": "Right to erasure",
        "opposition": "Right to object",
        "restriction": "Right to restriction",
        "portability": "Right to data portability",
    },
}


def charter_text(policy, lang: Language) -> str:
    return render_document(build_charter(policy, lang), "md").replace("\\", "")


@pytest.mark.parametrize("lang", [FR, EN])
class TestCharter:
    def test_each_retention_period_of_the_policy_appears(self, shipped, lang):
        """Each retention period of the shipped policy appears in the charter."""
        text = charter_text(shipped, lang)
        used = {s.retention for s in shipped.subject_categories.values()} | {shipped.recordings.retention}
        for rid in used:
            assert PERIOD_WORDS[(str(shipped.retention[rid].period), lang)] in text, rid

    def test_each_recipient_group_appears(self, shipped, lang):
        """Seed « Qui peut avoir accès »: every role, staff and external, is named."""
        text = charter_text(shipped, lang)
        missing = [rid for rid, role in shipped.roles.items() if role.label(lang) not in text]
        assert missing == []

    def test_each_right_and_how_to_exercise_it_appears(self, shipped, lang):
        """Seed « Quels sont vos droits » and « Comment mettre en œuvre »: six rights, the DPO, the CNIL."""
        text = charter_text(shipped, lang)
        for right in shipped.rights.granted:
            assert RIGHT_NAMES[lang][right.value] in text
        assert shipped.dpo.email in text
        assert "79000 Niort" in text
        assert shipped.supervisory_authority.complaint_url in text

    def test_a_right_the_policy_does_not_grant_is_not_promised(self, shipped, lang):
        """The charter says only what the policy encodes: drop a right, it disappears."""
        policy = replace(shipped, rights=replace(shipped.rights, granted=(Right.ACCESS,)))
        text = charter_text(policy, lang)
        assert RIGHT_NAMES[lang]["access"] in text
        assert RIGHT_NAMES[lang]["portability"] not in text

    def test_the_html_charter_is_well_formed_and_in_its_language(self, shipped, lang):
        """The served page declares its language and balances its tags."""
        page = render_document(build_charter(shipped, lang), "html")
        assert f'<html lang="{lang.value}">' in page
        checker = TagBalance()
        checker.feed(page)
        assert checker.stack == []


class TagBalance(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


@pytest.mark.parametrize("lang", [FR, EN])
class TestRegister:
    def test_no_field_of_any_activity_is_empty(self, shipped, lang):
        """GDPR Art. 30(1): every activity states controller, DPO, purposes, bases, subjects, data,
        recipients, transfers, retention and security measures — none may be empty."""
        headers, entries = register_entries(shipped, lang)
        assert len(headers) == 11
        assert [e.activity for e in entries] == list(shipped.activities)
        empty = [
            (e.activity, headers[i]) for e in entries for i, cell in enumerate(e.cells) if not cell.strip()
        ]
        assert empty == []

    def test_the_csv_has_one_row_per_activity_and_no_empty_cell(self, shipped, lang):
        """`charte register --format csv` is the same record, machine-readable."""
        headers, entries = register_entries(shipped, lang)
        rows = list(csv.reader(io.StringIO(render_csv(headers, (e.cells for e in entries)))))
        assert rows[0] == list(headers)
        assert len(rows) == 1 + len(shipped.activities)
        assert all(cell.strip() for row in rows for cell in row)

    def test_transfers_outside_the_eu_are_stated_even_when_there_are_none(self, shipped, lang):
        """Art. 30(1)(e): "none" is written out, not left blank (once confirmed, without its mark)."""
        _, entries = register_entries(replace(shipped, assumptions=()), lang)
        assert {e.cells[8] for e in entries} == {"Aucun" if lang is FR else "None"}

    def test_every_activity_has_a_section_in_the_markdown_and_html(self, shipped, lang):
        """The register renders as md and html with one table per activity."""
        doc = build_register(shipped, lang)
        md = render_document(doc, "md")
        html = render_document(doc, "html")
        for activity in shipped.activities.values():
            assert f"## {activity.name(lang)}" in md
            assert f'<table id="{activity.id}">' in html


def test_markup_in_policy_texts_is_escaped(minimal):
    """A label is text, never markup: no injected HTML in pages, no broken Markdown tables."""
    evil = Text({FR: "<script>alert(1)</script> | *x*", EN: "<b>b</b>"})
    activity = replace(minimal.activities["contracts"], name=evil)
    policy = replace(minimal, activities={**minimal.activities, "contracts": activity})
    doc = build_register(policy, FR)
    assert "<script>" not in render_document(doc, "html")
    assert "&lt;script&gt;" in render_document(doc, "html")
    assert "\\<script\\>alert(1)\\</script\\> \\| \\*x\\*" in render_document(doc, "md")


def test_the_charter_and_the_register_say_trusted_persons_rest_on_legitimate_interest_and_why(shipped):
    """EDPB Guidelines 2/2019 on Art. 6(1)(b); Art. 13(1)(d), 30(1)(b): the basis per person, with the
    interest relied on — written by hand here, not by the wording module."""
    text = charter_text(shipped, FR)
    assert (
        "Traitement des alarmes par la station de télésurveillance : l'exécution du contrat ; pour la "
        "catégorie « Personne de confiance » : l'intérêt légitime (joindre les personnes que notre client "
        "a désignées pour protéger son domicile en cas d'alarme)"
    ) in text
    _, entries = register_entries(shipped, EN)
    (alarms,) = [e for e in entries if e.activity == "alarm_monitoring"]
    assert (
        "Alarm handling by the monitoring station (performance of the contract; for the category "
        in alarms.cells[3]
    )
    assert (
        "“Trusted person”: legitimate interest (reaching the persons our client designated" in alarms.cells[3]
    )
    assert set(alarms.cells[4].split("; ")) == {"performance of the contract", "legitimate interest"}


def test_the_charter_says_where_data_come_from_as_the_seed_does(shipped):
    """Seed: clients' data come « directement auprès de vous ou auprès du partenaire par lequel vous
    avez souscrit le contrat »; prospects' from the partner « par lequel vous avez été informé de
    l'offre » — alternatives, not all at once (GDPR Art. 14(2)(f): the source is told truly)."""
    text = charter_text(shipped, FR)
    assert (
        "Ces données sont collectées directement auprès de vous ou auprès du partenaire par lequel vous avez "
        "souscrit le contrat."
    ) in text
    assert (
        "auprès du partenaire par lequel vous avez été informé(e) de notre offre ou auprès du client qui vous parraine"
        in text
    )
    assert "vous nous avez connus" not in text


def test_an_assumed_value_is_marked_in_a_draft_and_a_final_rendering_is_refused_naming_it(shipped):
    """Nothing the policy only assumes is published as a fact: the transfers outside the EEA are
    computed from the processors' records (Art. 30(1)(e), 13(1)(f)), whose locations the shipped
    policy assumes (the seed is silent)."""
    located = [
        f"processors.{x}.locations" for x in ("guarding", "installers", "intervention", "it_subcontractors")
    ]
    draft = charter_text(shipped, FR)
    assert (
        "Vos données ne sont pas transférées hors de l'Espace économique européen. "
        f"[à confirmer : {', '.join(located)}]"
    ) in draft
    with pytest.raises(Unconfirmed) as refused:
        build_charter(shipped, FR, final=True)
    assert set(located) <= set(refused.value.keys)
    assert "subject_categories.other_contact.sources" in refused.value.keys
    _, entries = register_entries(shipped, EN)
    cells = {e.activity: e.cells[8] for e in entries}
    # Per activity: the processors of client contracts are assumed to hold data in France; an
    # activity without a processor transfers nothing, which is no assumption.
    assert cells["client_contracts"] == f"None [to be confirmed: {', '.join(located)}]"
    assert (
        cells["alarm_monitoring"]
        == "None [to be confirmed: processors.guarding.locations, processors.intervention.locations]"
    )
    assert cells["prospecting"] == "None"
    with pytest.raises(Unconfirmed, match=r"processors\.installers\.locations"):
        build_register(shipped, EN, final=True)
    confirmed = replace(shipped, assumptions=())
    assert "[à confirmer" not in render_document(build_charter(confirmed, FR, final=True), "md")
    build_register(confirmed, FR, final=True)  # nothing left to confirm: published


def test_a_processor_s_transfer_outside_the_eea_is_stated_with_its_mechanism_in_the_register_and_the_charter(
    shipped,
):
    """GDPR Art. 30(1)(e), 13(1)(f): a transfer is stated where it happens — the activities its
    processor serves — with the country and the mechanism in words; no other activity claims it."""
    hosted = replace(
        shipped.processors["it_subcontractors"],
        locations=("FR", "US"),
        transfers=(TransferOut("US", Mechanism.SCC_2021, module=3, tia="TIA-2026-01"),),
    )
    policy = replace(shipped, processors={**shipped.processors, "it_subcontractors": hosted}, assumptions=())
    _, entries = register_entries(policy, FR)
    cells = {e.activity: e.cells[8] for e in entries}
    assert cells["client_contracts"] == (
        "US, par Sous-traitants techniques (administration et maintenance informatiques), sur le fondement : "
        "clauses contractuelles types de la Commission européenne (2021), module 3"
    )
    assert cells["alarm_monitoring"] == "Aucun"
    text = render_document(build_charter(policy, EN, final=True), "md")
    assert "Your data may be transferred outside the European Economic Area:" in text
    assert "US, by Sous-traitants techniques" in text


def test_the_charter_says_who_gave_a_trusted_person_s_data_as_the_seed_does(shipped):
    """Seed: « collectées auprès du client vous ayant désigné comme personne de confiance dans ses
    consignes d'intervention, ou directement auprès de vous »."""
    text = charter_text(shipped, FR)
    assert (
        "auprès du client qui vous a désigné(e) comme personne de confiance dans ses consignes "
        "d'intervention ou directement auprès de vous."
    ) in text
    assert "désigné(e) ou déclaré(e)" not in text


def test_the_charter_says_which_calls_are_recorded_or_listened_to_as_the_seed_does_and_as_the_policy_says(
    shipped,
):
    """Seed: « IMA PROTECT enregistre ou réalise de la double écoute sur une partie des appels à
    destination de ses services, en qualité de Responsable de Traitement » — listening is on those
    same calls, not on every call; with outbound calls recorded too, the charter says so (GDPR
    Art. 13(1)(c))."""
    text = charter_text(shipped, FR)
    assert (
        "IMA PROTECT enregistre ou réalise de la double écoute sur une partie des appels à destination de "
        "ses services, en qualité de responsable de traitement."
    ) in text
    assert "peut réaliser de la double écoute." not in text
    both = frozenset({CallDirection.INBOUND, CallDirection.OUTBOUND})
    outbound = replace(shipped, recordings=replace(shipped.recordings, directions=both))
    assert "une partie des appels à destination de ses services ou passés par eux" in charter_text(
        outbound, FR
    )
    silent = replace(shipped, recordings=replace(shipped.recordings, live_double_listening=False))
    assert "IMA PROTECT enregistre une partie des appels à destination de ses services," in charter_text(
        silent, FR
    )


def test_the_charter_asks_requests_to_be_sent_to_the_dpo_in_a_french_sentence(shipped):
    """Seed: « en adressant votre demande au Délégué à la Protection des Données du Groupe, joignable
    aux coordonnées suivantes »: the sentence leads to the DPO it names."""
    text = charter_text(shipped, FR)
    assert "en adressant votre demande à : Déléguée à la Protection des Données" in text
