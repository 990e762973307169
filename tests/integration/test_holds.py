"""Litigation holds keep data until the recourse routes are exhausted, on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.domain.access import Denial
from charte.domain.errors import UnknownRole
from charte.domain.litigation import Judgment
from charte.domain.vocabulary import CourtKind, Recourse
from charte.services import holds
from charte.services.access import AccessDenied
from charte.services.errors import NotFound, Refused
from charte.services.retention import ScheduleFilter, schedule, sweep
from tests.conftest import as_dpo, count_rows, run_import
from tests.feed import designated, ended, person, registered, removed, signed

TODAY = date(2026, 11, 26)
EVENTS = [
    signed("e1", "2020-03-01", "C1", person("P2", last_name="Noir")),
    designated("e2", "2020-03-02", "S1", person("T1", first_name="Luc")),
    registered("e3", "2020-03-03", person("O1", last_name="Petit"), "C1"),
    removed("e4", "2021-05-10", "S1", "T1"),  # T1 due 2021-05-10
    ended("e5", "2021-06-30", "C1"),  # P2 and O1 due 2026-07-01
]


def unit(app, ref: str, kind: str):
    (found,) = [u for u in schedule(**as_dpo(app), criteria=ScheduleFilter(person=ref)) if u.unit == kind]
    return found


def sweep_on(app, day: str, **kw):
    return sweep(sweeper=app.eraser(), as_of=date.fromisoformat(day), today=TODAY, **kw).as_dict()


def place(app, case: str, **subjects):
    pairs = [(kind, ref) for kind, refs in subjects.items() for ref in refs]
    holds.place(
        holds=app.holds(),
        gate=app.gate,
        role="legal",
        case=case,
        kind=CourtKind.CIVIL,
        subjects=pairs,
        reason="dispute over an alarm",
        actor="legal-1",
    )


def test_a_hold_with_no_judgment_keeps_a_person_past_every_purge_date(app):
    """Seed: « sauf en cas de contentieux »: a held unit has no purge date while the case runs."""
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    t1 = unit(app, "T1", "trusted_person")
    assert (t1.status, t1.purge_due) == ("held", None)
    assert sweep_on(app, "2026-11-26")["units_erased"] == 2  # P2 and O1 go; T1 stays
    assert count_rows(app)["persons"] == 1


def test_a_judgment_sets_the_release_and_the_unit_goes_the_day_after(app):
    """Release = last day of the recourse window after the last judgment, rolled to a working day."""
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    judgment = Judgment(date(2026, 10, 1), Recourse.APPEAL, served_on=date(2026, 10, 9))  # ends Mon 9 Nov
    holds.record_judgment(
        holds=app.holds(),
        gate=app.gate,
        role="legal",
        case="LIT-1",
        judgment=judgment,
        reason="first instance",
        actor="legal-1",
    )
    t1 = unit(app, "T1", "trusted_person")
    assert (t1.status, str(t1.purge_due)) == ("scheduled", "2026-11-10")  # release passed by today
    assert sweep_on(app, "2026-11-09")["units_by_rule"] == {
        "client": 1,
        "other_contact": 1,
    }  # not held: they go
    assert count_rows(app)["persons"] == 1  # T1, held until the day after the release
    assert sweep_on(app, "2026-11-10")["units_by_rule"] == {"trusted_person": 1}
    assert count_rows(app)["persons"] == 0


def test_an_appeal_keeps_the_hold_running_until_the_next_judgment(app):
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    holds.record_judgment(holds=app.holds(), gate=app.gate, role="legal", case="LIT-1", reason="first instance", actor="legal-1",
                          judgment=Judgment(date(2026, 10, 1), Recourse.APPEAL, served_on=date(2026, 10, 9)))  # fmt: skip
    holds.record_appeal(
        holds=app.holds(), gate=app.gate, role="legal", case="LIT-1", reason="appeal lodged", actor="legal-1"
    )
    assert unit(app, "T1", "trusted_person").purge_due is None


def test_lifting_a_hold_sends_the_units_back_to_their_own_dates(app):
    """`litigation.closed` / `holds lift` releases at once: the data go the next day."""
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    holds.lift(
        holds=app.holds(),
        gate=app.gate,
        role="legal",
        case="LIT-1",
        reason="settlement signed",
        actor="legal-2",
    )
    assert str(unit(app, "T1", "trusted_person").purge_due) == "2026-11-27"
    assert sweep_on(app, "2026-11-27", dry_run=True)["persons_erased"] == 3


def test_a_hold_on_a_contract_keeps_that_contracts_units_only(app):
    run_import(app, EVENTS)
    place(app, "LIT-2", contract=["C1"])
    assert (unit(app, "P2", "client").status, unit(app, "O1", "other_contact").status) == (
        "held",
        "held",
    )
    assert unit(app, "T1", "trusted_person").status == "scheduled"


def test_a_hold_naming_someone_not_yet_in_the_register_applies_when_they_arrive(app):
    """Refs not yet in the register are kept and apply when they arrive."""
    place(app, "LIT-3", person=["T1"])
    run_import(app, EVENTS)
    assert unit(app, "T1", "trusted_person").status == "held"


def test_every_change_needs_a_reason_and_is_recorded(app):
    """The legal team places and lifts holds by hand; every change is recorded."""
    with pytest.raises(Refused, match="needs a reason"):
        holds.place(
            holds=app.holds(),
            gate=app.gate,
            role="legal",
            case="X",
            kind=CourtKind.CIVIL,
            subjects=[("person", "P1")],
            reason=" ",
            actor="a",
        )
    with pytest.raises(Refused, match="name what the hold keeps"):
        holds.place(
            holds=app.holds(),
            gate=app.gate,
            role="legal",
            case="X",
            kind=CourtKind.CIVIL,
            subjects=[],
            reason="r",
            actor="a",
        )
    with pytest.raises(NotFound, match="case not found: NOPE"):
        holds.lift(holds=app.holds(), gate=app.gate, role="legal", case="NOPE", reason="r", actor="a")
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    holds.lift(
        holds=app.holds(), gate=app.gate, role="legal", case="LIT-1", reason="withdrawn", actor="legal-2"
    )
    with app.engine.connect() as conn:
        log = conn.execute(select(tables.case_log.c.action, tables.case_log.c.actor, tables.case_log.c.detail)
                           .order_by(tables.case_log.c.id)).all()  # fmt: skip
    assert [(a, who) for a, who, _ in log] == [("placed", "legal-1"), ("lifted", "legal-2")]
    assert '"reason": "withdrawn"' in log[1][2]


def test_holds_are_listed_with_their_release_and_why(app):
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"], contract=["C1"])
    (case,) = holds.list_cases(
        holds=app.holds(),
        litigation=app.policy.litigation,
        gate=app.gate,
        auditor=app.auditor,
        actor="test",
        role="legal",
    )
    assert (case["case"], case["subjects"], case["release"]) == ("LIT-1", ["contract:C1", "person:T1"], None)
    assert case["why"] == "no judgment yet: kept while the case runs"


def test_the_schedule_names_the_cases_holding_each_unit(app):
    """`charte retention schedule` shows `held_by`."""
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    place(app, "LIT-2", contract=["C1"])
    assert unit(app, "T1", "trusted_person").held_by == ("LIT-1",)
    assert unit(app, "P2", "client").held_by == ("LIT-2",)


def test_the_sweep_says_what_the_holds_kept(app):
    """The sweep prints what was erased and what holds kept."""
    run_import(app, EVENTS)
    place(app, "LIT-1", person=["T1"])
    place(app, "LIT-2", contract=["C1"])
    report = sweep_on(app, "2026-11-26")
    assert (report["units_erased"], report["kept_by_holds"]) == (0, {"LIT-1": 1, "LIT-2": 2})


def test_only_the_roles_the_policy_names_may_change_holds_and_the_refusal_says_why(app):
    """Holds are placed and lifted by the `legal` role (access.holds_managed_by)."""
    with pytest.raises(AccessDenied, match="role 'dpo' may not manage litigation holds") as refused:
        holds.place(holds=app.holds(), gate=app.gate, role="dpo", case="X", kind=CourtKind.CIVIL,
                    subjects=[("person", "T1")], reason="r", actor="someone")  # fmt: skip
    assert refused.value.reason is Denial.ROLE_PURPOSE
    with pytest.raises(AccessDenied):
        holds.lift(holds=app.holds(), gate=app.gate, role="sales", case="X", reason="r", actor="someone")
    with pytest.raises(UnknownRole, match="unknown role 'lawyer'"):
        holds.record_appeal(holds=app.holds(), gate=app.gate, role="lawyer", case="X", reason="r", actor="a")
    assert count_rows(app)["cases"] == 0  # nothing was written
    # The DPO and the auditors see the cases (archive access); sales do not.
    assert (
        holds.list_cases(
            holds=app.holds(),
            litigation=app.policy.litigation,
            gate=app.gate,
            auditor=app.auditor,
            actor="test",
            role="dpo",
        )
        == []
    )
    with pytest.raises(AccessDenied, match="may not see litigation holds"):
        holds.list_cases(
            holds=app.holds(),
            litigation=app.policy.litigation,
            gate=app.gate,
            auditor=app.auditor,
            actor="test",
            role="sales",
        )


def test_a_judgment_of_a_court_sitting_overseas_from_the_feed_keeps_the_hold_the_extra_month(app):
    """CPC 644: before a court sitting overseas, a party living in metropolitan France has a month
    more; the feed's `court_seat` reaches the stored judgment and the release."""
    lines = [
        {"id": "j1", "type": "litigation.opened", "at": "2026-01-12",
         "case": {"ref": "LIT-9", "kind": "civil", "persons": ["T1"]}},
        {"id": "j2", "type": "litigation.judgment", "at": "2026-10-01", "case": "LIT-9",
         "pronounced_on": "2026-10-01", "served_on": "2026-10-09", "recourse": "appeal",
         "party_residence": "metropolitan", "court_seat": "overseas"},
    ]  # fmt: skip
    assert run_import(app, [*EVENTS, *lines]).errors == []
    (case,) = holds.list_cases(
        holds=app.holds(), litigation=app.policy.litigation, gate=app.gate, auditor=app.auditor,
        actor="test", role="legal",
    )  # fmt: skip
    # 9 October + 1 month + 1 month (CPC 644) = 9 December, a Wednesday.
    assert case["release"] == "2026-12-09"
    assert (
        "+P1M for a party metropolitan before a court sitting overseas (Code de procédure civile art. 644)"
        in (case["steps"])
    )
    bad = {"id": "j3", "type": "litigation.judgment", "at": "2026-10-02", "case": "LIT-9",
           "pronounced_on": "2026-10-02", "recourse": "none", "court_seat": "mars"}  # fmt: skip
    (error,) = run_import(app, [bad]).errors
    assert (error.field, error.message) == ("court_seat", "'mars' is not one of metropolitan, overseas")
