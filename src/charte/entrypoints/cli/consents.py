"""`charte consents ...`: a consent's proof, and a withdrawal taken on the phone."""

from __future__ import annotations

import hashlib
import io
from typing import Annotated

import orjson
import typer

from charte.domain.prospecting import Channel
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, actor, reader
from charte.services import consents
from charte.services.importing import import_events

app = typer.Typer(
    help="Consents to prospecting (docs/prospecting.md).", no_args_is_help=True, rich_markup_mode=None
)

ChannelOpt = Annotated[Channel, typer.Option("--channel", help="The channel of the consent.")]


@app.command()
def proof(
    contact: Annotated[str, typer.Argument(help="The phone number, e-mail address or postal address.")],
    channel: Annotated[
        Channel | None,
        typer.Option("--channel", help="How CONTACT is reached (default: email with an @, else phone)."),
    ] = None,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """What the professional shows for a contact (Code de la consommation L223-1): every consent and
    withdrawal with the text shown, its source and time, every answer of the prospecting gate, and
    each solicitation with the answers of its day. JSON; audited as a read of each person."""
    who = reader(as_role, purpose)
    c = container()
    # A number's calls and texts share one canonical form: --channel only says how to read CONTACT.
    channel = channel or (Channel.EMAIL if "@" in contact else Channel.PHONE)
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


@app.command()
def give(
    person: Annotated[str, typer.Option("--person", help="The person's ref.")],
    contact: Annotated[str, typer.Option("--contact", help="The number or address the consent covers.")],
    channel: ChannelOpt,
    purpose: Annotated[str, typer.Option("--purpose", help="The purpose consented to.")],
    method: Annotated[str, typer.Option("--method", help="web_form, call, paper or partner.")],
    text_name: Annotated[str, typer.Option("--text-name", help="The name of the text shown.")],
    text_sha256: Annotated[str, typer.Option("--text-sha256", help="The SHA-256 of its words.")],
    at: Annotated[str, typer.Option("--at", help="When it was given (ISO 8601 with its offset, or a day).")],
    source: Annotated[str, typer.Option("--source", help="subject, or partner.")] = "subject",
    source_ref: Annotated[str | None, typer.Option("--source-ref", help="The partner's ref.")] = None,
    event_id: Annotated[
        str | None, typer.Option("--id", help="An idempotency key (default: one made of the values).")
    ] = None,
) -> None:
    """Record a consent given, as the feed's consent.given (docs/events.md): the same checks, the
    same transaction, audited as an import. Exit 1 naming what is wrong."""
    given = {
        "at": at, "person": person, "purpose": purpose, "channel": channel.value, "contact": contact,
        "method": method, "text": {"name": text_name, "sha256": text_sha256},
        "source": {"kind": source, **({"ref": source_ref} if source_ref else {})},
    }  # fmt: skip
    key = (
        event_id or "cli-" + hashlib.sha256(orjson.dumps(given, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]
    )
    c = container()
    report = import_events(
        source=io.BytesIO(consents.as_event({"id": key, **given})),
        parser=c.feed_reader(),
        store=c.register_store(),
        audit=(c.auditor, actor()),
    )
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    if not report.committed or report.errors:
        raise typer.Exit(Exit.REFUSED)
    typer.echo(f"consent recorded ({key})" if report.applied else f"already recorded ({key})")
