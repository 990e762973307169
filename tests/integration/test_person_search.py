"""Finding a person by name, e-mail, phone or ref: through the gate, audited, kept by every write, on both engines."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select, update

from charte.adapters.db import tables
from charte.domain.access import Denial
from charte.domain.policy import Search
from charte.services import answers, identity, rights
from charte.services.access import AccessDenied, Reader
from charte.services.errors import NotReady
from charte.services.person_search import search
from tests.conftest import TODAY, run_import
from tests.feed import collected, person, signed

DPO = Reader("dpo-anne", "dpo", "rights_handling")
EVENTS = [
    signed("e1", "2025-03-01", "C1", person("P1", first_name="Łukasz", last_name="Żółć-Dvořák",
                                            email="Lukasz.Zolc@Example.org", phone="06 12 34 56 78")),
    signed("e2", "2025-03-02", "C2", person("P2", first_name="Ana", last_name="Roux", phone="0698765432")),
    collected("e3", "2026-01-10", person("Q1", first_name="Anaïs", last_name="Rousseau", phone="0611111111")),
    signed("e4", "2025-03-03", "C3", person("P3", first_name="Jean-Marie", last_name="N'Diaye")),
    signed("e5", "2025-03-04", "C4", person("P4", first_name="Wei", last_name="Li")),
]  # fmt: skip


def found(app, text: str, reader: Reader = DPO, **options) -> list[str]:
    return [p["ref"] for p in find(app, text, reader, **options).candidates]


def find(app, text: str, reader: Reader = DPO, **options):
    return search(finder=app.person_search(), queries=app.register_queries(), gate=app.gate,
                  auditor=app.auditor, reader=reader, text=text, **options)  # fmt: skip


def audit(app, action: str | None = None) -> list[dict]:
    a = tables.audit_entries.c
    query = select(a.body).order_by(a.at, a.seq)
    with app.audit_engine.connect() as conn:
        bodies = [json.loads(b) for b in conn.execute(query).scalars()]
    return [b for b in bodies if action is None or b["action"] == action]


@pytest.fixture
def loaded(app):
    assert run_import(app, EVENTS).errors == []
    return app


@pytest.mark.parametrize(
    ("typed", "refs"),
    [
        ("lukasz", ["P1"]),
        ("ŻÓŁĆ", ["P1"]),
        ("dvorak luk", ["P1"]),  # words in any order, each from its beginning
        ("dvorak lu", []),  # a word of two letters is matched whole
        ("Li", ["P4"]),
        ("ana", ["P2", "Q1"]),  # « Ana », then « Anaïs »
        ("anai", ["Q1"]),
        ("ana rou", ["P2", "Q1"]),
        ("roux ana", ["P2"]),
        ("marie diaye", ["P3"]),
        ("+33 6 12 34 56 78", ["P1"]),
        ("lukasz.zolc@EXAMPLE.org", ["P1"]),
        ("P2", ["P2"]),  # a ref, exact
        ("Roux Zoé", []),
        ("06 12 34 56", []),  # a number is matched whole, never by its beginning
    ],
)
def test_a_person_is_found_by_name_words_contact_or_ref_however_it_is_typed(loaded, typed, refs):
    """GDPR Art. 12(2): the controller facilitates the exercise of rights — the requester is found from what they wrote."""
    assert found(loaded, typed) == refs


def test_a_search_is_audited_as_a_search_without_what_was_typed_and_each_candidate_as_a_read(loaded):
    """GDPR Art. 5(2), 32: every read of personal data is accountable; the audit holds no personal value."""
    find(loaded, "Żółć lukasz")
    (entry,) = audit(loaded, "search")
    assert (entry["actor"], entry["purpose"], entry["decision"]) == ("dpo-anne", "rights_handling", "allowed")
    assert entry["detail"] == {"by": ["ref", "name"], "found": 1}
    assert entry["subject"] is None
    reads = audit(loaded, "read")
    assert [r["subject"] for r in reads] == [loaded.auditor.subject("person", "P1")]
    assert reads[0]["fields"] == ["email", "first_name", "last_name", "phone"]  # what was shown, no more
    everything = json.dumps(audit(loaded), ensure_ascii=False).lower()
    for typed in ("żółć", "zolc", "lukasz", "łukasz"):
        assert typed not in everything


def test_a_candidate_is_shown_with_who_they_are_and_their_roles_not_all_the_gate_allows(loaded):
    """GDPR Art. 5(1)(c): the DPO may read everything under rights handling, but choosing a candidate needs names and contacts."""
    (candidate,) = find(loaded, "lukasz").candidates
    assert candidate["fields"] == {"first_name": "Łukasz", "last_name": "Żółć-Dvořák",
                                   "email": "Lukasz.Zolc@Example.org", "phone": "06 12 34 56 78"}  # fmt: skip
    assert [r["role"] for r in candidate["roles"]] == ["client"]
    assert (candidate["contracts"], candidate["sites"]) == ([], [])  # no site address, no access code


def test_a_role_that_may_not_act_under_the_purpose_is_refused_before_anything_is_looked_up(loaded):
    """GDPR Art. 5(1)(b): a search is a read under a purpose; the gate decides before the index is used."""
    sales = Reader("bob", "sales", "rights_handling")
    with pytest.raises(AccessDenied):
        find(loaded, "ana", sales)
    (entry,) = audit(loaded, "search")
    assert entry["decision"].startswith("denied:")
    assert entry["detail"] == {}
    assert audit(loaded, "read") == []


def test_a_candidate_the_gate_refuses_is_counted_and_not_shown(loaded):
    """Access policy: customer service sees clients for their contract, not prospects — a found prospect is withheld."""
    service = Reader("cs", "customer_service", "contract_management")
    result = find(loaded, "ana", service)
    assert [p["ref"] for p in result.candidates] == ["P2"]
    assert result.withheld == 1
    refused = [r for r in audit(loaded, "read") if r["decision"] != "allowed"]
    assert [r["decision"] for r in refused] == [f"denied:{Denial.PURPOSE_DATA.value}"]


def test_a_whole_word_is_found_before_the_names_it_begins(loaded):
    """« Martin » typed: the Martins first, even when a Martinez came into the register before them."""
    early = signed("e7", "2025-01-01", "C7", person("P0", first_name="Zoé", last_name="Martinez"))
    late = signed("e8", "2025-05-01", "C8", person("P9", first_name="Yves", last_name="Martin"))
    assert run_import(loaded, [early, late]).errors == []
    assert found(loaded, "martin", limit=1) == ["P9"]
    assert found(loaded, "martin") == ["P9", "P0"]


def test_more_candidates_than_the_limit_say_so(loaded):
    """A name shared by many is not a list of the register: the DPO is asked to type more of it."""
    result = find(loaded, "ana", limit=1)
    assert ([p["ref"] for p in result.candidates], result.more) == (["P2"], True)
    assert audit(loaded, "search")[0]["detail"]["found"] == 1


def test_a_new_name_from_the_feed_replaces_the_old_one_in_the_index(loaded):
    """GDPR Art. 5(1)(d): the index follows the register — a person is found by their current name only."""
    renamed = signed("e6", "2025-04-01", "C5", person("P2", last_name="Martin"))
    assert run_import(loaded, [renamed]).errors == []
    assert found(loaded, "ana martin") == ["P2"]
    assert found(loaded, "roux") == []


def test_a_rectified_name_is_found_and_the_old_one_is_not(loaded):
    """GDPR Art. 16: once rectified, the inaccurate name no longer leads to the person."""
    desk = loaded.rights_desk("dpo-anne", "dpo")
    opened = rights.open_request(desk, type_="rectification", received_on=TODAY, channel="post",
                                 claimed_name="Ana Roux", contact="ana@example.org", person="P2",
                                 changes={"last_name": "Roussel", "email": "ana.roussel@example.org"})  # fmt: skip
    identity.attach_document(desk, opened["id"], b"%PDF-1.4\n% identity card\n")
    identity.verify(desk, opened["id"], "document")
    answers.fulfil(desk, opened["id"])
    assert found(loaded, "roussel") == ["P2"]
    assert found(loaded, "ana.roussel@example.org") == ["P2"]
    assert found(loaded, "roux ana") == []


def test_an_erased_person_leaves_nothing_in_the_index(loaded):
    """GDPR Art. 17: erased means gone — the folded name and contacts too, not only the values."""
    desk = loaded.rights_desk("dpo-anne", "dpo")
    opened = rights.open_request(desk, type_="erasure", received_on=TODAY, channel="post",
                                 claimed_name="Anaïs Rousseau", contact="0611111111", person="Q1")  # fmt: skip
    identity.attach_document(desk, opened["id"], b"%PDF-1.4\n% identity card\n")
    identity.verify(desk, opened["id"], "document")
    answers.fulfil(desk, opened["id"])
    s, p = tables.person_search.c, tables.persons.c
    with loaded.engine.connect() as conn:
        assert conn.execute(select(p.id).where(p.ref == "Q1")).first() is None
        terms = set(conn.execute(select(s.term)).scalars())
    assert not {"anais", "rousseau", "phone:0611111111"} & terms
    assert found(loaded, "anaïs") == []


def test_a_register_from_before_the_index_is_refused_until_it_is_rebuilt(loaded):
    """A partial index would say « nobody » of a person on file: the search refuses until `charte db upgrade`."""
    st = tables.person_search_state.c
    with loaded.engine.begin() as conn:
        conn.execute(tables.person_search.delete())
        conn.execute(update(tables.person_search_state).where(st.id == 1).values(complete=False))
    with pytest.raises(NotReady, match="charte db upgrade"):
        find(loaded, "ana")
    assert loaded.settle_search() == 17  # 5 + 3 + 3 + 4 + 2 name words and contacts
    assert loaded.settle_search() is None  # whole now: nothing to do
    assert found(loaded, "ana") == ["P2", "Q1"]


def test_an_index_built_for_other_fields_than_the_policy_s_is_refused(loaded):
    """The policy decides what is searched: once it changes, the index is rebuilt before it is used."""
    loaded.policy = dataclasses.replace(loaded.policy, search=Search(names=("last_name",)))
    with pytest.raises(NotReady, match="charte persons reindex"):
        find(loaded, "roux")
    loaded.person_search().rebuild()
    assert found(loaded, "roux") == ["P2"]
    assert found(loaded, "ana") == []  # first names are not searched any more
