"""Follow-up actions on a breach, each carried out and put on its timeline: an actor's token and
console access revoked at once; the systems holding the sites' access codes ordered to change them
for the persons whose codes the scope found reached (GDPR Art. 33(3)(d): the measures taken to
mitigate the breach's possible adverse effects).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from charte.domain.breaches import BreachRefused, Step
from charte.domain.orders import Order, OrderKind, orders_due, plan_orders
from charte.services import actors as actor_use_cases
from charte.services.breaches import Keeper, get_record, note_action, require, still_open
from charte.services.errors import Refused
from charte.services.outbox import Outbox

CHUNK = 5000


class Passwords(Protocol):
    def clear_passwords(self, names: Sequence[str] | None, at: datetime, by: str) -> list[str]: ...


class Reached(Protocol):
    def refs_reached(self, breach: int, fields: Sequence[str]) -> Iterator[str]:
        """The refs of the breach's persons whose reached fields include any of ``fields``."""
        ...


def revoke_actor(
    keeper: Keeper, *, actors: actor_use_cases.Actors, actor: str, role: str, breach: int, name: str
) -> dict[str, Any]:
    """Revoke the actor whose token or password was compromised: its token and console sessions
    stop working at once (the revocation is audited by the actors' store too)."""
    require(keeper, actor, role, "revoke_actor", breach)
    still_open(get_record(keeper, breach))
    if not actor_use_cases.valid_name(name):
        raise Refused("actor: not an actor's name")
    actor_use_cases.revoke(actors=actors, clock=keeper.auditor.clock, name=name, by=actor)
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.ACTION,
                detail={"kind": "actor_revoked", "actor": name})  # fmt: skip
    return {"breach": breach, "revoked": name}


def reset_passwords(
    keeper: Keeper, *, actors: Passwords, actor: str, role: str, breach: int, names: Sequence[str] | None
) -> dict[str, Any]:
    """Force new console passwords: those of ``names``, or of everyone when None (a leaked
    password store); their sessions end at once and each must be given a new password."""
    require(keeper, actor, role, "reset_passwords", breach)
    still_open(get_record(keeper, breach))
    if names is not None and not all(actor_use_cases.valid_name(n) for n in names):
        raise Refused("actors: not an actor's name")
    cleared = actors.clear_passwords(names, keeper.auditor.clock.now(), actor)
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.ACTION,
                detail={"kind": "passwords_reset", "count": len(cleared), "actors": cleared})  # fmt: skip
    return {"breach": breach, "cleared": cleared}


def rotate_codes(
    keeper: Keeper, *, reached: Reached, outbox: Outbox, actor: str, role: str, breach: int
) -> dict[str, Any]:
    """Order every system holding the policy's ``breaches.codes_category`` to change the access
    codes of each person whose codes the scope found reached; the count on the timeline."""
    require(keeper, actor, role, "rotate_codes", breach)
    record = get_record(keeper, breach)
    still_open(record)
    rules = keeper.policy.breaches
    if rules is None or rules.codes_category is None:
        raise BreachRefused("the policy names no codes category (breaches.codes_category): nothing to rotate")
    if record.scope is None:
        raise BreachRefused(f"breach {breach}: compute its scope first (who was reached, and which fields)")
    codes = keeper.policy.fields_of((rules.codes_category,))
    now = keeper.auditor.clock.now()
    due = orders_due(keeper.policy, now)
    persons = orders = 0
    batch: list[Order] = []
    for ref in reached.refs_reached(breach, codes):
        persons += 1
        batch += plan_orders(keeper.policy, kind=OrderKind.ACCESS_CODES_ROTATE, person_ref=ref,
                             reason=f"breach:{breach}", at=now, fields=codes, due_by=due)  # fmt: skip
        if len(batch) >= CHUNK:
            outbox.add(batch)
            orders, batch = orders + len(batch), []
    if batch:
        outbox.add(batch)
        orders += len(batch)
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.ACTION,
                detail={"kind": "codes_rotation_ordered", "count": persons, "orders": orders})  # fmt: skip
    return {"breach": breach, "persons": persons, "orders": orders}
