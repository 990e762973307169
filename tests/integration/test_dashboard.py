"""The DPO's dashboard: each part for the roles it is for, figures from the register."""

from __future__ import annotations

from datetime import timedelta

from charte.services import dashboard, rights
from charte.services.retention import sweep
from tests.conftest import TODAY, run_import
from tests.feed import designated, ended, person, removed, signed


def board(app, role: str) -> dict:
    sources = dashboard.Sources(
        policy=app.policy, gate=app.gate, rights=app.rights_desk("someone", role),
        retention=app.retention_queries(), sweeps=app.sweep_runs(), holds=app.holds(), outbox=app.outbox(),
        audit=app.audit_store(), checkpoints=app.auditor.checkpoints,
    )  # fmt: skip
    return dashboard.overview(sources, role, TODAY)


def opened(app, received_on):
    return rights.open_request(app.rights_desk("dpo-1", "dpo"), type_="access", received_on=received_on,
                               channel="post", claimed_name="A", contact="a@example.org")  # fmt: skip


def test_open_requests_are_sorted_by_due_date_with_overdue_and_soon_marked(app):
    """Overdue in red, due within 5 days highlighted (GDPR Art. 12(3) deadlines)."""
    late = opened(app, TODAY - timedelta(days=40))
    soon = opened(app, TODAY - timedelta(days=28))
    later = opened(app, TODAY)
    shown = board(app, "dpo")["requests"]
    assert [(r["id"], r["urgency"]) for r in shown] == [
        (late["id"], "overdue"),
        (soon["id"], "soon"),
        (later["id"], "later"),
    ]


def test_each_part_is_shown_only_to_the_roles_it_is_for(app):
    """Roles dpo, legal, auditor; and GDPR Art. 5(1)(f): no more than each role needs."""
    opened(app, TODAY)
    dpo, legal, auditor = board(app, "dpo"), board(app, "legal"), board(app, "auditor")
    assert dpo["requests"]
    assert legal["requests"] is None
    assert auditor["requests"] is None
    for shown in (dpo, legal, auditor):
        assert shown["retention"] is not None
        assert shown["orders"] is not None
    operator = board(app, "station_operator")
    assert (operator["requests"], operator["retention"], operator["orders"], operator["audit"]) == (None,) * 4


def test_the_sweep_plan_the_last_sweep_the_forecast_and_overdue_orders_come_from_the_register(app):
    """Today's plan, the last sweep's result, 24 months of forecast, orders in arrears."""
    run_import(app, [
        signed("e1", "2019-01-01", "C1", person("P1")), ended("e2", "2020-06-30", "C1"),
        designated("e3", "2025-01-01", "S1", person("T1")), removed("e4", "2025-02-01", "S1", "T1"),
        signed("e5", "2021-01-01", "C2", person("P2"), site="S2"), ended("e6", "2022-06-30", "C2"),
    ])  # fmt: skip
    before = board(app, "dpo")["retention"]
    assert before["due_now"] == 2  # P1's client data (purge 2025-07-01) and T1 (2025-02-02), not swept yet
    assert before["last_sweep"] is None
    months = before["forecast"]
    assert len(months) == 25
    assert months[0] == {"month": "overdue", "units": 2}
    assert {m["month"]: m["units"] for m in months if m["units"]} == {
        "overdue": 2,
        "2027-07": 1,
    }  # P2: kept through 2027-06-30
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    after = board(app, "dpo")
    assert after["retention"]["due_now"] == 0
    assert after["retention"]["last_sweep"]["persons_erased"] == 2
    assert after["orders"]["overdue"] == 0  # orders just written are not late yet
    app.clock.shift = timedelta(days=3)  # past the policy's 2 days to acknowledge
    assert board(app, "dpo")["orders"]["overdue"] == after["retention"]["last_sweep"]["orders"] > 0
