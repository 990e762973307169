"""`charte outbox ...`: the orders charte sends to the operator's systems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
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
    after: Annotated[
        int | None, typer.Option("--after", min=0, help="Orders after this id (the last page's cursor).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=use_cases.MAX_PAGE, help="Orders per page.")
    ] = 1000,
    fmt: FormatOpt = ViewFormat.TABLE,
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Pending orders (oldest first), a page at a time, for one system or all; they name persons
    and may carry rectified values, so a role with archive access reads them (e.g. --as dpo
    --purpose rights_handling)."""
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
            after=after,
            limit=limit,
        )
    ]
    following = use_cases.next_after(orders, limit)
    if fmt is ViewFormat.JSON:
        emit_json({"orders": orders, "next": following})
        return
    for o in orders:
        state = (
            f"acknowledged {o['acked_at']}"
            if o["acked_at"]
            else ("OVERDUE" if o["overdue"] else f"due {o['due_by']}")
        )
        fields = ", ".join(o["fields"]) or "whole person"
        typer.echo(f"{o['id']:>6} {o['system']:<12} {o['kind']:<24} {o['person']:<16} {fields}  [{state}]")
    more = f"; more with --after {following}" if following is not None else ""
    typer.echo(f"{len(orders)} order(s){more}")


@app.command()
def ack(
    order_ids: Annotated[
        list[int] | None, typer.Argument(help="The orders' ids.", metavar="ID...", show_default=False)
    ] = None,
    up_to: Annotated[
        int | None,
        typer.Option(
            "--up-to", min=1, help="Every pending order of --system up to this id (the last page's)."
        ),
    ] = None,
    system: Annotated[str | None, typer.Option("--system", help="With --up-to: whose orders.")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who carried it out (default: CHARTE_ACTOR or the OS user).")
    ] = None,
) -> None:
    """Record that a system carried out orders: one or more ids, or with --up-to and --system
    every pending order of that system up to an id (acknowledging twice is harmless)."""
    c = container()
    actor = by or cli_actor()
    if up_to is not None and system is None:
        raise typer.BadParameter(
            "--up-to acknowledges one system's orders: give --system", param_hint="--system"
        )
    if len(order_ids or []) == 1 and up_to is None:
        (order_id,) = order_ids or []
        done = use_cases.acknowledge(outbox=c.outbox(), clock=c.clock, order_id=order_id, by=actor)
        when = _iso(done.acknowledged_at)
        typer.echo(
            f"order {order_id} already acknowledged at {when}"
            if done.already
            else f"order {order_id} acknowledged at {when}"
        )
        return
    many = use_cases.acknowledge_many(
        outbox=c.outbox(), clock=c.clock, by=actor, ids=order_ids or None, up_to=up_to, system=system
    )
    typer.echo(f"{many.acknowledged} order(s) acknowledged, {many.already} already")
    if many.unknown:
        typer.echo(f"error: no such order: {', '.join(map(str, many.unknown))}", err=True)
        raise typer.Exit(Exit.NOT_FOUND)
