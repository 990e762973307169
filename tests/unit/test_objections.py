"""Who may object to what, and what an objection ends (GDPR Art. 21; EDPB Guidelines 2/2019)."""

from __future__ import annotations

from datetime import UTC, datetime

from charte.domain.objections import designations_ended, left_without_purpose, objection_open
from charte.domain.orders import OrderKind
from charte.domain.vocabulary import Objection

AT = datetime(2026, 12, 4, 9, tzinfo=UTC)


def test_a_trusted_person_may_object_to_alarm_handling_and_the_client_may_not(shipped):
    """Art. 21(1): open on legitimate interest (the trusted person's basis), not on the contract."""
    assert objection_open(shipped, "alarm_handling", {"trusted_person"}) is Objection.GROUNDS
    assert objection_open(shipped, "alarm_handling", {"client"}) is Objection.NONE
    # Someone both client and trusted person elsewhere may object as the trusted person.
    assert objection_open(shipped, "alarm_handling", {"client", "trusted_person"}) is Objection.GROUNDS
    assert objection_open(shipped, "prospecting", set()) is Objection.ABSOLUTE  # unmatched: the purpose's own


def test_an_objection_to_the_only_purpose_a_category_serves_ends_those_data_and_no_others(shipped):
    """Seed: trusted persons' data are kept « pour le temps où vous êtes désigné »: alarm handling
    is all they serve; a client's data serve the contract whatever they object to."""
    assert left_without_purpose(shipped, {"trusted_person"}, {"alarm_handling"}) == {"trusted_person"}
    assert left_without_purpose(shipped, {"client", "trusted_person"}, {"alarm_handling"}) == {
        "trusted_person"
    }
    assert left_without_purpose(shipped, {"client"}, {"alarm_handling"}) == frozenset()
    assert left_without_purpose(shipped, {"client"}, {"staff_training"}) == frozenset()
    assert left_without_purpose(shipped, {"trusted_person"}, {"staff_training"}) == frozenset()


def test_the_systems_that_keep_designations_are_ordered_to_end_them_site_by_site(shipped):
    """A promise kept only in charte's copy is not kept: the CRM and the monitoring software,
    which send trusted_person.* events, replace the designation with the client."""
    orders = designations_ended(shipped, "T1", ["S2", "S1"], "rights_request:7:alarm_handling", AT)
    assert [(o.system, o.kind, o.person_ref, o.reason) for o in orders] == [
        ("crm", OrderKind.DESIGNATION_ENDED, "T1", "rights_request:7:alarm_handling:site:S1"),
        ("monitoring", OrderKind.DESIGNATION_ENDED, "T1", "rights_request:7:alarm_handling:site:S1"),
        ("crm", OrderKind.DESIGNATION_ENDED, "T1", "rights_request:7:alarm_handling:site:S2"),
        ("monitoring", OrderKind.DESIGNATION_ENDED, "T1", "rights_request:7:alarm_handling:site:S2"),
    ]
    assert all(o.fields == () for o in orders)  # refs only


def test_only_a_purpose_resting_on_consent_can_have_its_consent_withdrawn(shipped):
    """GDPR Art. 7(3): a consent to withdraw must exist — for the person's category, when known."""
    import dataclasses

    from charte.domain.objections import consent_purpose
    from charte.domain.vocabulary import LegalBasis

    # Prospecting rests on consent in the shipped policy (CPCE L34-5, Code de la consommation L223-1).
    assert consent_purpose(shipped, "prospecting", {"prospect"})
    assert consent_purpose(shipped, "prospecting")
    assert not consent_purpose(shipped, "service_improvement")  # legitimate interest
    # Withdrawn, prospecting was all a prospect's data served: they go; a client's stay.
    assert left_without_purpose(shipped, {"prospect"}, set(), withdrawn={"prospecting"}) == {"prospect"}
    assert left_without_purpose(shipped, {"client"}, set(), withdrawn={"prospecting"}) == frozenset()
    # A withdrawal from a purpose that does not rest on consent stops nothing.
    on_interest = dataclasses.replace(
        shipped.purposes["prospecting"], legal_basis=LegalBasis.LEGITIMATE_INTEREST
    )
    policy = dataclasses.replace(shipped, purposes={**shipped.purposes, "prospecting": on_interest})
    assert not consent_purpose(policy, "prospecting")
    assert left_without_purpose(policy, {"prospect"}, set(), withdrawn={"prospecting"}) == frozenset()
