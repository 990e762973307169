"""/api/v1/outbox: each system reads its orders and acknowledges them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, MissingPurpose, trained
from charte.entrypoints.web.schemas import Acknowledged, BulkAck, BulkAcknowledged, OrderList
from charte.services import actors
from charte.services import outbox as use_cases
from charte.services.actors import Actor


def _reader(container: Container, actor: Actor, purpose: str | None) -> use_cases.OrderReader:
    """A system reads its own orders only; a person names a purpose (services.outbox.check_reader)
    and reads as a trained account."""
    if actor.system is not None:
        return use_cases.OrderReader(actor.name, system=actor.system)
    if not purpose:
        raise MissingPurpose
    return use_cases.OrderReader(
        actor.name, role=actor.role, purpose=purpose, trained=trained(container, actor, purpose)
    )


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/outbox", tags=["outbox"], responses=problems.documented())

    @api.get("", response_model=OrderList, openapi_extra=PERSONAL)
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
        after: Annotated[
            int | None,
            Query(
                ge=0, le=2**31 - 1, description="The cursor: orders after this id (the last page's `next`)."
            ),
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=use_cases.MAX_PAGE, description="Orders per page, oldest first.")
        ] = use_cases.PAGE,
    ) -> dict[str, Any]:
        """A page of orders, oldest first; `next` is the cursor of the following page (null on
        the last). Each order listed is an audited read of its person."""
        found = use_cases.list_orders(
            outbox=container.outbox(),
            policy=container.policy,
            gate=container.gate,
            auditor=container.auditor,
            reader=_reader(container, actor, purpose),
            system=system,
            overdue=overdue,
            include_acked=all,
            after=after,
            limit=limit,
        )
        return {"orders": found, "next": use_cases.next_after(found, limit)}

    @api.post("/ack", response_model=BulkAcknowledged, openapi_extra=NO_PERSONAL)
    def ack_many(actor: Calling, body: BulkAck) -> dict[str, Any]:
        """Record that the system carried out many orders: the `ids` listed (at most 5,000), or
        every pending order up to `up_to` (the last id of the pages it fetched), in one statement.
        A system acknowledges only its own orders; ids of others are returned as `unknown`."""
        system = actors.as_system(actor, "acknowledge orders")
        done = use_cases.acknowledge_many(
            outbox=container.outbox(),
            clock=container.clock,
            by=f"{actor.name}" + (f" ({body.by})" if body.by else ""),
            ids=body.ids,
            up_to=body.up_to,
            system=system,
        )
        return {"acknowledged": done.acknowledged, "already": done.already, "unknown": list(done.unknown)}

    @api.post("/{order_id}/ack", response_model=Acknowledged, openapi_extra=NO_PERSONAL)
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
