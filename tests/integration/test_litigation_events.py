"""Litigation events in the feed (docs/events.md), on SQLite and PostgreSQL."""

from __future__ import annotations

from charte.services.retention import ScheduleFilter, schedule
from tests.conftest import as_dpo, run_import
from tests.feed import designated, person, removed, signed

BASE = [
    signed("e1", "2020-03-01", "C1", person("P2", last_name="Noir")),
    designated("e2", "2020-03-02", "S1", person("T1", first_name="Luc")),
    removed("e3", "2021-05-10", "S1", "T1"),  # T1 due 2021-05-10
]


def lit(id: str, kind: str, at: str, **body) -> dict:
    return {"id": id, "type": f"litigation.{kind}", "at": at, **body}


def t1(app) -> tuple:
    (u,) = list(schedule(**as_dpo(app), criteria=ScheduleFilter(person="T1")))
    return u.status, str(u.purge_due), list(u.held_by)


def test_a_case_opened_by_the_feed_holds_what_it_names_until_its_judgment_releases_it(app):
    run_import(app, BASE)
    assert t1(app) == ("scheduled", "2021-05-10", [])
    report = run_import(
        app, [lit("l1", "opened", "2021-04-01", case={"ref": "LIT-9", "kind": "civil", "persons": ["T1"]})]
    )
    assert report.errors == []
    assert t1(app) == ("held", "None", ["LIT-9"])
    run_import(
        app,
        [lit("l2", "judgment", "2026-10-01", case="LIT-9", pronounced_on="2026-10-01", recourse="appeal")],
    )
    assert t1(app) == (
        "held",
        "2028-10-03",
        ["LIT-9"],
    )  # never served: released 2 Oct 2028 (CPC 528-1), purged the day after
    run_import(app, [lit("l3", "served", "2026-10-09", case="LIT-9", served_on="2026-10-09")])
    assert t1(app) == ("scheduled", "2026-11-10", [])  # appeal 1 month from service: 9 Nov, released by today


def test_an_appeal_then_a_final_closure(app):
    run_import(app, BASE)
    run_import(app, [
        lit("l1", "opened", "2021-04-01", case={"ref": "LIT-9", "kind": "civil", "persons": ["T1"]}),
        lit("l2", "judgment", "2026-10-01", case="LIT-9", pronounced_on="2026-10-01", served_on="2026-10-09", recourse="appeal"),
        lit("l3", "appealed", "2026-10-20", case="LIT-9"),
    ])  # fmt: skip
    assert t1(app) == ("held", "None", ["LIT-9"])
    run_import(app, [lit("l4", "closed", "2026-11-20", case="LIT-9", reason="settlement")])
    assert t1(app) == ("scheduled", "2026-11-21", [])  # released at once: the day after the closure


def test_a_case_may_name_people_before_they_reach_the_register(app):
    """Refs not yet in the register are kept and apply when they arrive."""
    run_import(
        app,
        [
            lit("l1", "opened", "2021-01-01", case={"ref": "LIT-1", "kind": "criminal", "persons": ["T1"]}),
            *BASE,
        ],
    )
    assert t1(app) == ("held", "None", ["LIT-1"])


def test_bad_litigation_events_are_refused_by_line(app):
    run_import(app, BASE)
    lines = [
        lit("a", "judgment", "2026-01-01", case="NOPE", pronounced_on="2026-01-01", recourse="appeal"),
        lit("b", "opened", "2026-01-01", case={"ref": "LIT-1", "kind": "martial"}),
        lit("c", "opened", "2026-01-01", case={"ref": "LIT-2", "kind": "civil"}),
        lit("d", "served", "2026-01-02", case="LIT-2", served_on="2026-01-02"),
        lit("e", "opened", "2026-01-03", case={"ref": "LIT-2", "kind": "civil"}),
        lit("f", "closed", "2026-01-04", case="LIT-2", reason="boredom"),
    ]
    report = run_import(app, lines)
    assert [str(e) for e in report.errors] == [
        "line 1: case: unknown case ref 'NOPE'",
        "line 2: kind: 'martial' is not one of civil, refere, criminal, administrative",
        "line 4: case: case 'LIT-2' has no judgment awaiting service",
        "line 5: case.ref: case 'LIT-2' is already open",
        "line 6: reason: 'boredom' is not one of settlement, withdrawal, final",
    ]
    assert report.committed is False
