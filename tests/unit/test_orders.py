"""Planning orders to the operator's systems: who must act, told only what they hold."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from charte.domain.orders import OrderKind, plan_orders

AT = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_erasing_a_whole_person_orders_every_system(shipped):
    """A promise kept only in charte's copy is not kept: every system holding data gets the order."""
    orders = plan_orders(
        shipped, kind=OrderKind.ERASURE_REQUIRED, person_ref="P1", reason="retention:prospect", at=AT
    )
    assert [(o.system, o.fields) for o in orders] == [("crm", ()), ("telephony", ()), ("monitoring", ())]


def test_a_rectification_tells_each_system_only_the_fields_it_holds_and_their_new_values(shipped):
    """Orders carry refs and what to do, no more personal data than needed."""
    orders = plan_orders(
        shipped,
        kind=OrderKind.RECTIFICATION_REQUIRED,
        person_ref="P1",
        reason="request:42",
        at=AT,
        fields=["phone", "iban", "access_instructions"],
        values={
            "phone": "0600000000",
            "iban": "FR7600000000000000000000000",
            "access_instructions": "code 1",
        },
    )
    told = {o.system: (o.fields, dict(o.values)) for o in orders}
    assert told == {
        "crm": (("phone", "iban"), {"phone": "0600000000", "iban": "FR7600000000000000000000000"}),
        "telephony": (("phone",), {"phone": "0600000000"}),
        "monitoring": (
            ("phone", "access_instructions"),
            {"phone": "0600000000", "access_instructions": "code 1"},
        ),
    }


def test_a_system_holding_none_of_the_fields_gets_no_order(shipped):
    orders = plan_orders(
        shipped, kind=OrderKind.ERASURE_REQUIRED, person_ref="P1", reason="r", at=AT, fields=["call_audio"]
    )
    assert [o.system for o in orders] == ["telephony"]


def test_an_order_is_due_within_the_policy_delay(shipped):
    """Unacknowledged orders past the policy's delay (P2D in the shipped policy) are overdue."""
    (order, *_) = plan_orders(shipped, kind=OrderKind.RESTRICTION_SET, person_ref="P1", reason="r", at=AT)
    assert order.due_by == datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
