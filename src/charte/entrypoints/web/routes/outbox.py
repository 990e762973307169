"""/api/v1/outbox: each system reads its orders and acknowledges them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.auth import Calling, MissingPurpose
from charte.entrypoints.web.schemas import Acknowledged, OrderList
from charte.services import actors
from charte.services import outbox as use_cases
from charte.services.actors import Actor


def _scope(container: Container, actor: Actor, purpose: str | None, system: str | None) -> str | None:
    """A system reads its own orders only; a person names a purpose (services.outbox.check_reader)."""
    if actor.system is not None:
        return actor.system
    if not purpose:
        raise MissingPurpose
    use_cases.check_reader(container.gate, container.auditor, actor.name, actor.role, purpose)
    return system


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/outbox", tags=["outbox"], responses=problems.documented())

    @api.get("", response_model=OrderList)
    def orders(
        actor: Calling,
        purpose: Annotated[
            str | None, Header(alias="X-Charte-Purpose", description="For a person actor: the purpose.")
        ] = None,
        system: Annotated[
            str | None, Query(description="The system reading its orders (crm, telephony, ...).")
        ] = None,
        overdue: Annotated[
            bool, Query(description="Only orders past the policy's acknowledgement delay.")
        ] = False,
        all: Annotated[bool, Query(description="Include acknowledged orders.")] = False,
    ) -> dict[str, Any]:
        found = use_cases.list_orders(
            outbox=container.outbox(),
            policy=container.policy,
            clock=container.clock,
            system=_scope(container, actor, purpose, system),
            overdue=overdue,
            include_acked=all,
        )
        return {"orders": found}

    @api.post("/{order_id}/ack", response_model=Acknowledged)
    def ack(
        order_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        actor: Calling,
        by: Annotated[str | None, Body(embed=True, max_length=200)] = None,
    ) -> dict[str, Any]:
        """Record that the system carried the order out; acknowledging twice is harmless. A
        system acknowledges only its own orders; ``by`` (optional) names the operator or job."""
        system = actors.as_system(actor, "acknowledge orders")
        done = use_cases.acknowledge(
            outbox=container.outbox(),
            clock=container.clock,
            order_id=order_id,
            by=f"{actor.name}" + (f" ({by})" if by else ""),
            system=system,
        )
        return {"id": done.order_id, "acknowledged_at": done.acknowledged_at, "already": done.already}

    return api
