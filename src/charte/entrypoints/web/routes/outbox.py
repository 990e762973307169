"""/api/v1/outbox: each system reads its orders and acknowledges them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from charte.bootstrap import Container
from charte.entrypoints.web.schemas import Acknowledged, OrderList
from charte.services import outbox as use_cases


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/outbox", tags=["outbox"])

    @api.get("", response_model=OrderList)
    def orders(
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
            system=system,
            overdue=overdue,
            include_acked=all,
        )
        return {"orders": found}

    @api.post("/{order_id}/ack", response_model=Acknowledged)
    def ack(order_id: int, by: Annotated[str, Body(embed=True, max_length=200)] = "api") -> dict[str, Any]:
        """Record that the system carried the order out; acknowledging twice is harmless."""
        done = use_cases.acknowledge(
            outbox=container.outbox(), clock=container.clock, order_id=order_id, by=by
        )
        return {"id": done.order_id, "acknowledged_at": done.acknowledged_at, "already": done.already}

    return api
