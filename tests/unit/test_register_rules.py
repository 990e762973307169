"""How events change the register, checked on in-memory state (charte.domain.register_rules)."""

from __future__ import annotations

from datetime import date

from charte.domain.register import (
    ContactRegistered,
    ContractSigned,
    Direction,
    Envelope,
    PersonData,
    ProspectCollected,
    ProspectContacted,
    Role,
    SiteData,
    Source,
    TrustedPersonDesignated,
    TrustedPersonRemoved,
)
from charte.domain.register_rules import RegisterChunk, justifying_roles
from charte.domain.vocabulary import SourceKind

SUBJECT = Source(SourceKind.SUBJECT)


def env(id: str, on: str, line: int = 1, digest: str | None = None) -> Envelope:
    return Envelope(id=id, line=line, on=date.fromisoformat(on), at=None, digest=digest or id)


def person(ref: str, **fields) -> PersonData:
    return PersonData(ref, fields)


def test_a_prospect_collected_again_restarts_the_clock_from_the_latest_collection():
    """Seed: prospects are kept two years from collection — a new collection is the new start."""
    chunk = RegisterChunk()
    chunk.apply(ProspectCollected(env("a", "2025-01-01"), person("P"), SUBJECT))
    chunk.apply(ProspectCollected(env("b", "2025-06-01"), PersonData("P"), Source(SourceKind.PARTNER, "X")))
    (role,) = chunk.new_roles
    assert (role.started_on, role.source.kind) == (date(2025, 6, 1), SourceKind.PARTNER)


def test_a_contact_before_the_collection_is_refused():
    """A fact dated before its prerequisite is refused."""
    chunk = RegisterChunk()
    chunk.apply(ProspectCollected(env("a", "2025-03-01"), person("P"), SUBJECT))
    errors = chunk.apply(
        ProspectContacted(env("b", "2025-02-01", line=2), PersonData("P"), Direction.INBOUND, True)
    )
    assert [str(e) for e in errors] == [
        "line 2: at: 2025-02-01 is before the prospect was collected (2025-03-01)"
    ]
    assert chunk.contact_log == []


def test_a_refused_event_changes_nothing():
    """An invalid event leaves the state as it was, so the rest of the file is judged on true state."""
    chunk = RegisterChunk()
    errors = chunk.apply(
        TrustedPersonDesignated(
            env("a", "2025-01-01"), "S404", person("T", first_name="X"), Source(SourceKind.CLIENT)
        )
    )
    assert [e.field for e in errors] == ["site"]
    assert (chunk.persons, chunk.new_persons, chunk.person_fields, chunk.events) == (set(), [], {}, [])


def test_a_designation_ends_with_its_removal_and_may_start_again():
    """Trusted persons are kept only while designated: removal ends the role; a new designation is a new role."""
    chunk = RegisterChunk(sites={"S"})
    designate = TrustedPersonDesignated(
        env("a", "2025-01-01"), "S", person("T"), Source(SourceKind.CLIENT), rank=2
    )
    chunk.apply(designate)
    chunk.apply(TrustedPersonRemoved(env("b", "2025-02-01"), "S", "T"))
    chunk.apply(
        TrustedPersonDesignated(env("c", "2025-03-01"), "S", PersonData("T"), Source(SourceKind.CLIENT))
    )
    assert [(r.started_on, r.ended_on, r.rank) for r in chunk.new_roles] == [
        (date(2025, 1, 1), date(2025, 2, 1), 2),
        (date(2025, 3, 1), None, None),
    ]


def test_removing_someone_who_is_not_designated_is_refused():
    chunk = RegisterChunk(sites={"S"}, persons={"T"})
    errors = chunk.apply(TrustedPersonRemoved(env("a", "2025-01-01"), "S", "T"))
    assert [str(e) for e in errors] == ["line 1: person: 'T' is not a trusted person of site 'S'"]


def test_a_contract_ref_cannot_be_signed_twice():
    chunk = RegisterChunk()
    site = SiteData("S", {"site_address": "x"})
    assert chunk.apply(ContractSigned(env("a", "2025-01-01"), "C", "O", site, person("P"), SUBJECT)) == []
    errors = chunk.apply(ContractSigned(env("b", "2025-01-02", line=2), "C", "O", site, person("Q"), SUBJECT))
    assert [str(e) for e in errors] == ["line 2: contract.ref: contract 'C' already exists"]


def test_a_contact_registered_before_its_contract_was_signed_is_refused():
    """Seed: other persons are tied to the contract they contacted us about; it must exist by then."""
    chunk = RegisterChunk()
    chunk.apply(ContractSigned(env("a", "2025-05-01"), "C", "O", SiteData("S", {}), person("P"), SUBJECT))
    errors = chunk.apply(ContactRegistered(env("b", "2025-04-01", line=2), person("O"), "C", SUBJECT))
    assert [e.field for e in errors] == ["at"]


def test_a_prospect_who_signs_is_converted_and_keeps_their_data_as_a_client():
    """A prospect who signs becomes a client; the prospect role ends that day."""
    chunk = RegisterChunk()
    chunk.apply(ProspectCollected(env("a", "2025-01-01"), person("P", last_name="R"), SUBJECT))
    chunk.apply(ContractSigned(env("b", "2025-02-01"), "C", "O", SiteData("S", {}), PersonData("P"), SUBJECT))
    prospect, client = chunk.new_roles
    assert (prospect.role, prospect.ended_on, client.role, client.ended_on) == (
        Role.PROSPECT,
        date(2025, 2, 1),
        Role.CLIENT,
        None,
    )
    assert chunk.conversions == [("P", Role.PROSPECT, Role.CLIENT)]


def test_the_same_id_with_other_content_is_refused_and_with_the_same_content_counted_once():
    """Re-sent events are idempotent; a reused id for a different fact is an error."""
    chunk = RegisterChunk()
    chunk.apply(ProspectCollected(env("a", "2025-01-01", digest="d1"), person("P"), SUBJECT))
    assert (
        chunk.apply(ProspectCollected(env("a", "2025-01-01", line=2, digest="d1"), person("P"), SUBJECT))
        == []
    )
    assert chunk.duplicates == 1
    errors = chunk.apply(ProspectCollected(env("a", "2025-01-09", line=3, digest="d2"), person("P"), SUBJECT))
    assert [e.field for e in errors] == ["id"]


def test_a_rectification_adds_a_field_only_for_the_roles_whose_category_collects_it(shipped):
    """GDPR Art. 5(1)(c), 16: a client's birth date may be completed; a trusted person has none."""
    assert justifying_roles(shipped, "birth_date", ["trusted_person", "client"]) == ["client"]
    assert justifying_roles(shipped, "birth_date", ["trusted_person"]) == []
    assert justifying_roles(shipped, "phone", ["trusted_person", "client", "unknown"]) == [
        "client",
        "trusted_person",
    ]


def test_a_consent_withdrawn_is_recorded_for_a_known_person_and_refused_for_an_unknown_one():
    """GDPR Art. 7(3): withdrawn at any time — of someone the register knows."""
    from charte.domain.register import ConsentWithdrawn

    chunk = RegisterChunk()
    chunk.apply(ProspectCollected(env("a", "2025-01-01"), person("P"), SUBJECT))
    assert chunk.apply(ConsentWithdrawn(env("b", "2025-02-01"), "P", "prospecting")) == []
    assert chunk.withdrawals == [("P", "prospecting", date(2025, 2, 1))]
    (error,) = chunk.apply(ConsentWithdrawn(env("c", "2025-02-01", line=3), "GHOST", "prospecting"))
    assert (error.line, error.field, error.message) == (3, "person", "unknown person ref 'GHOST'")
