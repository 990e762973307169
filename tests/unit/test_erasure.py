"""What an erasure removes and keeps (GDPR Art. 5(1)(e), 17, 18(1)(c), 19), planned from literal facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from charte.domain.erasure import (
    CONTRACT_RUNNING,
    LITIGATION_HOLD,
    RESTRICTED_FOR_CLAIMS,
    Asked,
    Contract,
    Due,
    Facts,
    Person,
    Recording,
    Replayed,
    Role,
    Site,
    Unit,
    plan,
    recordings_objected,
)
from charte.domain.retention import UnitStatus
from charte.domain.vocabulary import RestrictionGround

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
PAST, LATER = date(2025, 7, 1), date(2027, 1, 1)
SCHEDULED, ACTIVE, HELD = UnitStatus.SCHEDULED, UnitStatus.ACTIVE, UnitStatus.HELD


def client_and_trusted(*, client=(SCHEDULED, PAST), trusted=(SCHEDULED, PAST), restriction=None) -> Facts:
    """Léa is a client on C1 (site S1) and the trusted person of S2; Marc is another client on C1."""
    lea = Person(
        1,
        "P-LEA",
        {
            "last_name": frozenset({"client", "trusted_person"}),
            "phone": frozenset({"trusted_person"}),
            "client_number": frozenset({"client"}),
        },
        restriction,
    )
    return Facts(
        persons={1: lea},
        units=(
            Unit(10, 1, "client", "C1", "client", *client),
            Unit(11, 1, "trusted_person", "S2", "trusted_person", *trusted),
        ),
        roles=(Role(100, 1, "client", contract="C1", site="S1"), Role(101, 1, "trusted_person", site="S2")),
        contracts={"C1": Contract("C1", "S1", others=1)},  # Marc's role is on C1 too
        sites={"S1": Site("S1", frozenset({"C1"})), "S2": Site("S2", frozenset({"C2"}))},
    )


def test_a_unit_due_goes_with_its_role_and_the_fields_only_it_justified(shipped):
    """Art. 5(1)(e): the trusted person's designation is due; the fields the client role still
    justifies stay, the phone only the designation justified goes, and the person stays."""
    facts = client_and_trusted(client=(ACTIVE, None))
    p = plan(facts, Due(TODAY), shipped, NOW)
    assert [e.unit.id for e in p.erased] == [11]
    assert p.roles == (101,)
    assert p.attributions == ((1, "trusted_person"),)
    assert p.fields == {1: ("phone",)}
    assert p.persons == frozenset()
    assert p.tombstones == ()
    assert p.notices == ()  # the sweep is not an erasure asked for under Art. 17(1): no Art. 19 notice
    assert {o.system for o in p.orders} == {"crm", "telephony", "monitoring"}
    assert all(o.fields == ("phone",) for o in p.orders if o.system == "telephony")


def test_a_person_with_no_role_left_is_erased_whole_with_tombstones_for_what_nothing_else_needs(shipped):
    """Art. 17: the person, and the site no contract and no one else refers to, go; the contract
    another client still has stays."""
    p = plan(client_and_trusted(), Due(TODAY), shipped, NOW)
    assert p.persons == frozenset({1})
    assert set(p.roles) == {100, 101}
    assert p.contracts == ()  # Marc is still a client on C1
    assert p.sites == ()  # S1 has C1; S2 has C2
    assert p.tombstones == (("person", "P-LEA"),)
    assert all(e.person_erased for e in p.erased)
    assert all(o.fields == () for o in p.orders)  # the whole person: every system, every field


def test_a_contract_and_site_nothing_refers_to_any_more_go_with_the_last_client(shipped):
    """Storage limitation: a contract with no role left goes, and its site with it."""
    facts = Facts(
        persons={1: Person(1, "P1", {"last_name": frozenset({"client"})})},
        units=(Unit(10, 1, "client", "C1", "client", SCHEDULED, PAST),),
        roles=(Role(100, 1, "client", contract="C1", site="S1"),),
        contracts={"C1": Contract("C1", "S1")},
        sites={"S1": Site("S1", frozenset({"C1"}))},
    )
    p = plan(facts, Due(TODAY), shipped, NOW)
    assert p.contracts == ("C1",)
    assert p.sites == ("S1",)
    assert p.tombstones == (("person", "P1"), ("contract", "C1"), ("site", "S1"))


def test_the_sweep_spares_a_person_restricted_for_legal_claims(shipped):
    """Art. 18(1)(c): data the person needs for legal claims outlive their purge date while the
    restriction lasts."""
    facts = client_and_trusted(restriction=RestrictionGround.LEGAL_CLAIMS)
    p = plan(facts, Due(TODAY), shipped, NOW)
    assert p.empty
    assert {(k.unit.id, k.why) for k in p.kept} == {(10, RESTRICTED_FOR_CLAIMS), (11, RESTRICTED_FOR_CLAIMS)}
    # Another ground (accuracy contested) does not keep data past their date.
    assert not plan(
        client_and_trusted(restriction=RestrictionGround.ACCURACY), Due(TODAY), shipped, NOW
    ).empty


def test_a_held_unit_stays_until_its_hold_is_released_and_goes_the_day_after(shipped):
    """Art. 17(3)(e): a hold whose release is known moved the purge date past it; not known, removed it."""
    unknown = client_and_trusted(client=(HELD, None), trusted=(ACTIVE, None))
    assert plan(unknown, Due(TODAY), shipped, NOW).empty
    released = client_and_trusted(client=(HELD, date(2026, 11, 27)), trusted=(ACTIVE, None))
    assert plan(released, Due(TODAY), shipped, NOW).empty
    assert [e.unit.id for e in plan(released, Due(date(2026, 11, 27)), shipped, NOW).erased] == [10]


def test_an_erasure_request_erases_a_unit_whose_purge_date_has_come_whatever_its_rule(shipped):
    """GDPR Art. 17(1)(a), 17(3)(e): the ground for keeping ends at the purge date; the request
    does not wait for the next sweep, nor tells the person their data are kept until a past day."""
    person = Person(1, "P1", {"last_name": frozenset({"client", "trusted_person"})})
    facts = Facts(
        persons={1: person},
        units=(
            Unit(1, 1, "client", "C1", "client", SCHEDULED, PAST),  # ended 2020, purge past
            Unit(2, 1, "client", "C2", "client", SCHEDULED, LATER),  # purge to come
            Unit(3, 1, "client", "C3", "client", ACTIVE, None),  # running contract
            Unit(4, 1, "client", "C4", "client", HELD, None),  # held: kept though due
            Unit(5, 1, "trusted_person", "S1", "trusted_person", ACTIVE, None),  # its rule: erase
        ),
        roles=(
            *tuple(Role(100 + i, 1, "client", contract=f"C{i}") for i in range(1, 5)),
            Role(105, 1, "trusted_person", site="S1"),
        ),
    )
    p = plan(facts, Asked(7, TODAY), shipped, NOW)
    assert [e.unit.id for e in p.erased] == [1, 5]
    assert [(k.unit.context, k.why, k.until) for k in p.kept] == [
        ("C2", "legal_claims", LATER),
        ("C3", CONTRACT_RUNNING, None),
        ("C4", LITIGATION_HOLD, None),
    ]
    assert all(e.due_on == TODAY and e.reason == "rights_request:7" for e in p.erased)
    assert p.notices
    assert p.notices[0].ref == "P1"
    # The day before the purge date the unit is still kept; on the day it goes.
    only_c2 = Facts(persons={1: person}, units=(facts.units[1],), roles=facts.roles)
    assert plan(only_c2, Asked(7, date(2026, 12, 31)), shipped, NOW).empty
    assert [e.unit.id for e in plan(only_c2, Asked(7, LATER), shipped, NOW).erased] == [2]


def test_an_objection_erases_only_the_units_that_served_the_purpose(shipped):
    """Art. 21(3): objecting to prospecting erases the prospect's data, not the client's."""
    facts = Facts(
        persons={1: Person(1, "P1", {"email": frozenset({"client", "prospect"})})},
        units=(
            Unit(1, 1, "client", "C1", "client", ACTIVE, None),
            Unit(2, 1, "prospect", "", "prospect", SCHEDULED, LATER),
        ),
        roles=(Role(100, 1, "client", contract="C1"), Role(101, 1, "prospect")),
    )
    p = plan(facts, Asked(8, TODAY, frozenset({"prospect"})), shipped, NOW)
    assert [e.unit.id for e in p.erased] == [2]
    assert p.roles == (101,)
    assert p.contact_logs == frozenset({1})
    assert p.fields == {}
    assert p.kept == ()


def test_the_replay_reapplies_the_ledgers_units_and_decides_nothing_else(shipped):
    """Art. 17 after a restore: the erasure was made; the copy is brought back to it."""
    facts = client_and_trusted(client=(ACTIVE, None), trusted=(ACTIVE, None))
    p = plan(facts, Replayed(frozenset({11}), None, TODAY), shipped, NOW)
    assert [e.unit.id for e in p.erased] == [11]
    assert p.kept == ()
    assert p.erased[0].reason == "retention:trusted_person"


# -- properties -------------------------------------------------------------------------------

statuses = st.sampled_from([SCHEDULED, ACTIVE, HELD, UnitStatus.REVIEW])
dates = st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2028, 12, 31)))


@st.composite
def batches(draw):
    """A few persons, each with a few units and their roles, and fields attributed to their kinds."""
    persons, units, roles = {}, [], []
    for pid in range(1, draw(st.integers(1, 4)) + 1):
        kinds = draw(
            st.lists(st.sampled_from(["client", "trusted_person", "prospect"]), min_size=1, max_size=3)
        )
        fields = {}
        for i, kind in enumerate(kinds):
            context = "" if kind == "prospect" else (f"C{pid}{i}" if kind == "client" else f"S{pid}{i}")
            if any(u.person == pid and u.kind == kind and u.context == context for u in units):
                continue
            uid = len(units) + 1
            units.append(Unit(uid, pid, kind, context, kind, draw(statuses), draw(dates)))
            contract = context if kind == "client" else None
            site = context if kind == "trusted_person" else None
            roles.append(Role(1000 + uid, pid, kind, contract=contract, site=site))
            fields[f"f{i}"] = frozenset({kind})
        restriction = draw(
            st.sampled_from([None, RestrictionGround.LEGAL_CLAIMS, RestrictionGround.ACCURACY])
        )
        persons[pid] = Person(pid, f"P{pid}", fields, restriction)
    return Facts(persons=persons, units=tuple(units), roles=tuple(roles))


causes = st.one_of(
    st.builds(Due, dates.filter(lambda d: d is not None)),
    st.builds(Asked, st.just(7), st.dates(date(2024, 1, 1), date(2028, 12, 31))),
)


@settings(max_examples=300, deadline=None)
@given(facts=batches(), cause=causes)
def test_a_held_unit_is_never_in_a_plan(shipped, facts, cause):
    """Art. 17(3)(e): whatever asks, a unit a hold keeps on the day stays."""
    day = cause.as_of if isinstance(cause, Due) else cause.today
    p = plan(facts, cause, shipped, NOW)
    assert not any(e.unit.held_on(day) for e in p.erased)


@settings(max_examples=300, deadline=None)
@given(facts=batches(), cause=causes)
def test_a_person_is_erased_whole_or_keeps_every_role_that_still_has_a_reason(shipped, facts, cause):
    """Art. 5(1)(c), 17: a person goes whole only when no unit of theirs is kept; otherwise every
    role of a unit that did not go stays, with the fields it justifies."""
    p = plan(facts, cause, shipped, NOW)
    erased = {e.unit.id for e in p.erased}
    for pid in facts.persons:
        staying = [u for u in facts.units if u.person == pid and u.id not in erased]
        if pid in p.persons:
            assert not staying
        for unit in staying:
            if unit.kind != "prospect":  # a prospect's unit has every prospect role of the person
                assert 1000 + unit.id not in p.roles  # its own role (the batches number them so)
            for name, kinds in facts.persons[pid].fields.items():
                if unit.kind in kinds:
                    assert name not in p.fields.get(pid, ())


def _only_needed(facts: Facts, need) -> Facts:
    """The facts a store reads in its second step: only what ``needed`` names."""
    from dataclasses import replace

    def fields(p: Person):
        if p.id in need.kinds:
            return dict(p.fields)
        if p.id in need.names:
            return dict.fromkeys(p.fields, frozenset())
        return {}

    contracts = {k: v for k, v in facts.contracts.items() if k in need.contracts}
    site_refs = set(need.sites) | {c.site for c in contracts.values()}
    return Facts(
        persons={pid: replace(p, fields=fields(p)) for pid, p in facts.persons.items()},
        units=facts.units,
        roles=facts.roles,
        contracts=contracts,
        sites={k: v for k, v in facts.sites.items() if k in site_refs},
    )


@settings(max_examples=300, deadline=None)
@given(facts=batches(), cause=causes)
def test_a_plan_from_only_the_facts_it_needs_is_the_plan_from_every_fact(shipped, facts, cause):
    """The store reads fields, contracts and sites only where they can change the plan."""
    from charte.domain.erasure import needed

    assert plan(_only_needed(facts, needed(facts, cause, shipped)), cause, shipped, NOW) == plan(
        facts, cause, shipped, NOW
    )


def test_the_places_a_plan_needs_are_those_its_units_may_leave_empty(shipped):
    """Léa's contract and the site of her designation are read; her whole fields by name only."""
    from charte.domain.erasure import needed

    facts = client_and_trusted()
    need = needed(facts, Due(TODAY), shipped)
    assert need.contracts == frozenset({"C1"})
    assert need.sites == frozenset({"S1", "S2"})
    assert need.names == frozenset({1})
    assert need.kinds == frozenset()
    assert plan(_only_needed(facts, need), Due(TODAY), shipped, NOW) == plan(facts, Due(TODAY), shipped, NOW)


def test_an_objection_to_recording_erases_the_recordings_but_those_held_or_kept_for_a_standing_purpose():
    """GDPR Art. 21(1), 17(3)(e): held recordings and those kept for a purpose the objection leaves stay."""
    erased, kept = recordings_objected(
        [Recording(1), Recording(2, held_by=("LIT-1",)), Recording(3, kept_for=("fraud_evidence",))]
    )
    assert erased == [1]
    assert kept == [2, 3]
