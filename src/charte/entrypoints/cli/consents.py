"""`charte consents ...`: a consent's proof, and a withdrawal taken on the phone."""

from __future__ import annotations

from typing import Annotated

import typer

from charte.domain.prospecting import Channel
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, actor, reader
from charte.services import consents

app = typer.Typer(
    help="Consents to prospecting (docs/prospecting.md).", no_args_is_help=True, rich_markup_mode=None
)

ChannelOpt = Annotated[Channel, typer.Option("--channel", help="The channel of the consent.")]


@app.command()
def proof(
    contact: Annotated[str, typer.Argument(help="The phone number, e-mail address or postal address.")],
    channel: ChannelOpt,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """What the professional shows for a contact (Code de la consommation L223-1): every consent and
    withdrawal with the text shown, its source and time, every answer of the prospecting gate, and
    each solicitation with the answers of its day. JSON; audited as a read of each person."""
    who = reader(as_role, purpose)
    c = container()
    emit_json(
        consents.proof(store=c.consents(), contacts=c.consent_contacts, gate=c.gate, auditor=c.auditor,
                       reader=who, channel=channel, contact=contact)
    )  # fmt: skip


@app.command()
def withdraw(
    contact: Annotated[str, typer.Argument(help="The phone number, e-mail address or postal address.")],
    channel: ChannelOpt,
    how: Annotated[
        consents.WithdrawnBy, typer.Option("--how", help="How the person withdrew.")
    ] = consents.WithdrawnBy.CALL,
    purpose: Annotated[str | None, typer.Option("--purpose", help="One purpose; default: every one.")] = None,
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
) -> None:
    """End at once every consent covering CONTACT on --channel (GDPR Art. 7(3)), with an order to
    the systems holding the contact. Says how many consents ended, never whose."""
    c = container()
    ended = consents.withdraw(
        policy=c.policy,
        store=c.consents(),
        contacts=c.consent_contacts,
        auditor=c.auditor,
        actor=actor(),
        channel=channel,
        contact=contact,
        how=how,
        purpose=purpose,
    )
    if fmt is DataFormat.JSON:
        emit_json({"withdrawn": ended.consents, "orders": ended.orders})
    else:
        typer.echo(f"{ended.consents} consent(s) withdrawn, {ended.orders} order(s) to the systems")
