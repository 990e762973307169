"""The durable outbox on SQLite and PostgreSQL: written with the decision, read, acknowledged."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from charte.adapters.db.outbox_store import add_orders
from charte.domain.orders import OrderKind, plan_orders
from charte.services import outbox as use_cases
from charte.services.errors import NotFound, Refused
from tests.conftest import orders_as_dpo

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2026, 11, 26, 12, 0, tzinfo=PARIS)


def sample(app, kind=OrderKind.RECTIFICATION_REQUIRED):
    return plan_orders(app.policy, kind=kind, person_ref="P1", reason="request:7", at=AT,
                       fields=["phone"], values={"phone": "0600000000"})  # fmt: skip


def test_orders_exist_only_if_the_decision_commits(app):
    """Written in the same transaction as the decision: a rolled-back decision leaves no order."""

    def decide_then_fail() -> None:
        with app.engine.begin() as conn:
            add_orders(conn, sample(app))
            raise RuntimeError("the decision failed")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert use_cases.list_orders(**orders_as_dpo(app), system=None) == []
    with app.engine.begin() as conn:
        add_orders(conn, sample(app))
    assert len(use_cases.list_orders(**orders_as_dpo(app), system=None)) == 3


def test_a_system_reads_its_orders_and_acknowledges_each(app):
    """GET orders for a system, ack each; acknowledged ones leave the pending list; acking twice says so."""
    app.outbox().add(sample(app))
    crm = use_cases.list_orders(**orders_as_dpo(app), system="crm")
    assert [(o["system"], o["kind"], o["person"], o["fields"], o["values"]) for o in crm] == [
        ("crm", "rectification.required", "P1", ["phone"], {"phone": "0600000000"})
    ]
    done = use_cases.acknowledge(
        outbox=app.outbox(), clock=app.clock, order_id=crm[0]["id"], by="crm-connector"
    )
    assert done.already is False
    assert use_cases.list_orders(**orders_as_dpo(app), system="crm") == []
    again = use_cases.acknowledge(
        outbox=app.outbox(), clock=app.clock, order_id=crm[0]["id"], by="crm-connector"
    )
    assert (again.already, again.acknowledged_at) == (True, done.acknowledged_at)


def test_acknowledgement_clears_the_new_values_kept_in_the_outbox(app):
    """The outbox is no second register: a rectification's values go once the system has them."""
    app.outbox().add(sample(app))
    (order,) = use_cases.list_orders(**orders_as_dpo(app), system="crm")
    use_cases.acknowledge(outbox=app.outbox(), clock=app.clock, order_id=order["id"], by="crm")
    (kept,) = use_cases.list_orders(**orders_as_dpo(app), system="crm", include_acked=True)
    assert (kept["values"], kept["acked_by"]) == ({}, "crm")


def test_orders_past_the_policy_delay_are_listed_as_overdue(app):
    """Unacknowledged orders past the policy delay (P2D) are listed as overdue."""
    app.outbox().add(sample(app, OrderKind.ERASURE_REQUIRED))
    app.clock.day = AT.date() + timedelta(days=2)  # noon on the due day: not yet overdue
    assert use_cases.list_orders(**orders_as_dpo(app), system=None, overdue=True) == []
    app.clock.day = AT.date() + timedelta(days=3)
    overdue = use_cases.list_orders(**orders_as_dpo(app), system=None, overdue=True)
    assert [(o["system"], o["overdue"]) for o in overdue] == [
        ("crm", True),
        ("telephony", True),
        ("monitoring", True),
    ]


def test_unknown_systems_and_orders_are_not_found(app):
    with pytest.raises(NotFound, match="system not found: billing"):
        use_cases.list_orders(**orders_as_dpo(app), system="billing")
    with pytest.raises(NotFound, match="order not found: 999"):
        use_cases.acknowledge(outbox=app.outbox(), clock=app.clock, order_id=999, by="x")


def test_times_come_back_in_utc_on_every_engine(app):
    """SQLite keeps no offset: charte stores UTC and gives aware UTC back, as PostgreSQL does."""
    app.outbox().add(sample(app))
    (order,) = use_cases.list_orders(**orders_as_dpo(app), system="crm")
    assert order["created_at"] == AT
    assert order["created_at"].utcoffset() == timedelta(0)


def many(app, count: int) -> None:
    """``count`` persons' erasure orders for every system, as a sweep leaves them."""
    app.outbox().add([o for n in range(count) for o in plan_orders(
        app.policy, kind=OrderKind.ERASURE_REQUIRED, person_ref=f"P{n}", reason="sweep", at=AT)])  # fmt: skip


def test_a_system_fetches_a_sweep_s_orders_page_by_page_from_its_cursor(app):
    """Thousands of orders after a sweep come in pages, oldest first, each page from the last id
    seen; every order is read once, and each page is audited order by order."""
    many(app, 7)
    pages, after = [], None
    while True:
        page = use_cases.list_orders(**orders_as_dpo(app), system="crm", after=after, limit=3)
        pages.append([o["person"] for o in page])
        after = use_cases.next_after(page, 3)
        if after is None:
            break
    assert pages == [["P0", "P1", "P2"], ["P3", "P4", "P5"], ["P6"]]
    with pytest.raises(Refused, match="limit: a page holds 1 to 5000 orders"):
        use_cases.list_orders(**orders_as_dpo(app), system="crm", limit=0)


def test_a_system_acknowledges_many_orders_at_once_and_only_its_own(app):
    """Ids listed or everything up to an id, in one statement; another system's order is reported
    unknown and left pending; acknowledging again counts as already done."""
    many(app, 4)
    crm = [o["id"] for o in use_cases.list_orders(**orders_as_dpo(app), system="crm")]
    telephony = [o["id"] for o in use_cases.list_orders(**orders_as_dpo(app), system="telephony")]
    done = use_cases.acknowledge_many(outbox=app.outbox(), clock=app.clock, by="crm-job", system="crm",
                                      ids=[crm[0], crm[1], crm[1], telephony[0], 99999])  # fmt: skip
    assert (done.acknowledged, done.already, done.unknown) == (2, 0, (telephony[0], 99999))
    again = use_cases.acknowledge_many(outbox=app.outbox(), clock=app.clock, by="crm-job", system="crm",
                                       ids=[crm[0]])  # fmt: skip
    assert (again.acknowledged, again.already) == (0, 1)
    rest = use_cases.acknowledge_many(outbox=app.outbox(), clock=app.clock, by="crm-job", system="crm",
                                      up_to=crm[-1])  # fmt: skip
    assert rest.acknowledged == 2
    assert use_cases.list_orders(**orders_as_dpo(app), system="crm") == []
    assert len(use_cases.list_orders(**orders_as_dpo(app), system="telephony")) == 4
    with pytest.raises(Refused, match="not both"):
        use_cases.acknowledge_many(outbox=app.outbox(), clock=app.clock, by="x", ids=[1], up_to=2)
