"""`charte outbox ...`: the orders charte sends to the operator's systems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.persons import FormatOpt, ViewFormat
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, reader
from charte.entrypoints.cli.reader import actor as cli_actor
from charte.services import outbox as use_cases

app = typer.Typer(
    help="Orders to the operator's systems (erase, rectify, restrict).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _public(order: dict[str, Any]) -> dict[str, Any]:
    return {**order, **{k: _iso(order[k]) for k in ("created_at", "due_by", "acked_at")}}


@app.command(name="list")
def list_(
    system: Annotated[str | None, typer.Option("--system", help="Only this system's orders.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only orders past their acknowledgement delay.")
    ] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include acknowledged orders.")] = False,
    fmt: FormatOpt = ViewFormat.TABLE,
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Pending orders (oldest first), for one system or all; they name persons and may carry
    rectified values, so a role with archive access reads them (e.g. --as dpo --purpose rights_handling)."""
    who = reader(role, purpose)
    c = container()
    orders = [
        _public(o)
        for o in use_cases.list_orders(
            outbox=c.outbox(),
            policy=c.policy,
            gate=c.gate,
            auditor=c.auditor,
            reader=use_cases.OrderReader(who.actor, role=who.role, purpose=who.purpose),
            system=system,
            overdue=overdue,
            include_acked=all_,
        )
    ]
    if fmt is ViewFormat.JSON:
        emit_json({"orders": orders})
        return
    for o in orders:
        state = (
            f"acknowledged {o['acked_at']}"
            if o["acked_at"]
            else ("OVERDUE" if o["overdue"] else f"due {o['due_by']}")
        )
        fields = ", ".join(o["fields"]) or "whole person"
        typer.echo(f"{o['id']:>6} {o['system']:<12} {o['kind']:<24} {o['person']:<16} {fields}  [{state}]")
    typer.echo(f"{len(orders)} order(s)")


@app.command()
def ack(
    order_id: Annotated[int, typer.Argument(help="The order's id.", metavar="ID")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who carried it out (default: CHARTE_ACTOR or the OS user).")
    ] = None,
) -> None:
    """Record that a system carried out an order (acknowledging twice is harmless)."""
    c = container()
    actor = by or cli_actor()
    done = use_cases.acknowledge(outbox=c.outbox(), clock=c.clock, order_id=order_id, by=actor)
    when = _iso(done.acknowledged_at)
    typer.echo(
        f"order {order_id} already acknowledged at {when}"
        if done.already
        else f"order {order_id} acknowledged at {when}"
    )
