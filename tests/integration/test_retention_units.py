"""Retention units kept in step with the register as events arrive, on both engines."""

from __future__ import annotations

from datetime import date

import pytest

from charte.services import importing
from charte.services.retention import ScheduleFilter, forecast, schedule
from tests.conftest import as_dpo, run_import
from tests.feed import collected, contacted, designated, ended, person, registered, removed, signed

TODAY = date(2026, 11, 26)


def units(app, **criteria) -> list[tuple]:
    rows = schedule(**as_dpo(app), criteria=ScheduleFilter(**criteria))
    return [(u.person, u.unit, u.context, u.status, str(u.retention_end), str(u.purge_due)) for u in rows]


BASE = [
    collected("e1", "2025-01-10", person("P1", last_name="Roux")),
    contacted("e2", "2025-03-12", "P1", direction="inbound"),
    contacted(
        "e3", "2025-06-01", "P1", direction="outbound", answered=True
    ),  # ours: does not restart the clock
    signed("e4", "2025-07-01", "C1", person("P2", last_name="Noir")),
    designated("e5", "2025-07-02", "S1", person("T1", first_name="Luc")),
    designated("e6", "2025-07-02", "S1", person("T2", first_name="Zoé")),
    registered("e7", "2025-07-03", person("O1", last_name="Petit"), "C1"),
    removed("e8", "2025-09-15", "S1", "T2"),
]


def test_every_unit_kind_gets_its_schedule_from_the_events(app):
    """client per contract (active), other contact, prospect (last inbound contact), trusted persons."""
    run_import(app, BASE)
    assert units(app) == [
        ("T2", "trusted_person", "S1", "scheduled", "2025-09-14", "2025-09-15"),
        ("P1", "prospect", None, "scheduled", "2027-03-12", "2027-03-13"),
        ("O1", "other_contact", "C1", "active", "None", "None"),
        ("P2", "client", "C1", "active", "None", "None"),
        ("T1", "trusted_person", "S1", "active", "None", "None"),
    ]


def test_a_contract_ending_later_moves_everyone_it_justifies(app):
    """A `contract.ended` names only the contract, yet schedules its client, its other contacts and
    the trusted persons of its site (no active contract left on the site)."""
    run_import(app, BASE)
    run_import(app, [ended("e9", "2026-01-31", "C1")])
    assert units(app, status="scheduled") == [
        ("T2", "trusted_person", "S1", "scheduled", "2025-09-14", "2025-09-15"),
        ("T1", "trusted_person", "S1", "scheduled", "2026-01-30", "2026-01-31"),
        ("P1", "prospect", None, "scheduled", "2027-03-12", "2027-03-13"),
        ("O1", "other_contact", "C1", "scheduled", "2031-01-31", "2031-02-01"),
        ("P2", "client", "C1", "scheduled", "2031-01-31", "2031-02-01"),
    ]


def test_a_new_inbound_contact_restarts_the_prospect_clock(app):
    """Seed: 2 years from the last contact; the shipped policy counts the prospect's own contacts."""
    run_import(app, BASE)
    run_import(app, [contacted("e10", "2026-02-01", "P1", direction="inbound")])
    assert units(app, person="P1") == [("P1", "prospect", None, "scheduled", "2028-02-01", "2028-02-02")]


def test_a_designation_on_a_site_without_contract_is_listed_for_review(app):
    """Never kept silently forever: no contract can end it, so a human must look."""
    run_import(app, [collected("p", "2025-01-10", person("P9"), site={"ref": "S9", "address": "x"}),
                     designated("d", "2025-01-11", "S9", person("T9"))])  # fmt: skip
    (row,) = list(schedule(**as_dpo(app), criteria=ScheduleFilter(person="T9")))
    assert (row.status, row.purge_due, row.review_reason) == (
        "review",
        None,
        "the site has no contract to end the designation",
    )


def test_units_are_right_whatever_the_chunking(app, monkeypatch):
    """Units computed chunk by chunk match the one-chunk result."""
    monkeypatch.setattr(importing, "CHUNK", 3)
    run_import(app, [*BASE, ended("e9", "2026-01-31", "C1")])
    assert ("T1", "trusted_person", "S1", "scheduled", "2026-01-30", "2026-01-31") in units(app)
    assert len(units(app)) == 5


def test_the_forecast_counts_units_per_month_after_the_overdue_ones(app):
    """`charte retention forecast --months 24`: units falling due per month."""
    run_import(app, [*BASE, ended("e9", "2026-01-31", "C1")])
    rows = forecast(queries=app.retention_queries(), today=TODAY, months=6)
    assert rows[0] == {"month": "overdue", "units": 2}  # T1 and T2, not swept yet
    assert [r["month"] for r in rows[1:]] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
    ]
    assert {r["month"]: r["units"] for r in rows}["2027-03"] == 1  # the prospect


@pytest.mark.parametrize("status", ["active", "review"])
def test_no_active_or_review_unit_has_a_purge_date(app, status):
    """Only scheduled units can be swept."""
    run_import(app, BASE)
    assert all(u.purge_due is None for u in schedule(**as_dpo(app), criteria=ScheduleFilter(status=status)))
