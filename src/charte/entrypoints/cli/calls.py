"""`charte calls ...`: the recording decision, the opt-out key, sealing audio, and listening
(docs/calls.md). Listening reads personal data: `--as ROLE --purpose PURPOSE`, gated and audited."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from charte.bootstrap import open_private
from charte.entrypoints.cli.args import parse_moment
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, actor, reader, role_only
from charte.services import calls as use_cases

app = typer.Typer(
    help="Calls and recordings: decide, opt out, seal audio, listen.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
PARIS = ZoneInfo("Europe/Paris")

NumberOpt = Annotated[str | None, typer.Option("--number", help="The caller's number (omit when withheld).")]
PersonOpt = Annotated[str | None, typer.Option("--person", help="The caller's person ref, if known.")]
CallArg = Annotated[str, typer.Argument(help="The call's ref.")]


def _number(raw: str | None) -> str | None:
    if raw is None:
        return None
    return container().phone_number(raw, "--number")


def _instant(text: str, option: str) -> datetime:
    return parse_moment(text, option)


@app.command()
def decide(
    direction: Annotated[str, typer.Option("--direction", help="inbound or outbound.")],
    at: Annotated[str, typer.Option("--at", help="The call's start (ISO 8601 with offset).")],
    number: NumberOpt = None,
    call: Annotated[str | None, typer.Option("--call", help="The telephony's call id.")] = None,
    person: PersonOpt = None,
    opted_out: Annotated[
        bool, typer.Option("--opted-out", help="The caller pressed the opt-out key.")
    ] = False,
) -> None:
    """Record this call or not, live double-listening or not, for which purposes, and why (JSON)."""
    emit_json(
        use_cases.decision(
            container().call_desk(),
            number=_number(number),
            direction=direction,
            at=_instant(at, "--at"),
            call=call,
            person=person,
            opted_out=opted_out,
        )
    )


@app.command(name="opt-out")
def opt_out(
    at: Annotated[str, typer.Option("--at", help="When the key was pressed (ISO 8601 with offset).")],
    number: NumberOpt = None,
    person: PersonOpt = None,
) -> None:
    """Record the opt-out key: no recording of later calls; recordings erased unless held or in use."""
    day = _instant(at, "--at").astimezone(PARIS).date()
    emit_json(
        use_cases.opt_out(
            container().call_desk(), number=_number(number), person=person, on=day, actor=actor()
        )
    )


@app.command()
def ingest() -> None:
    """Seal the audio files the calls wait for from the inbox (`charte events import` does it too)."""
    c = container()
    emit_json({"audio_sealed": c.calls().ingest_pending(c.settings.inbox_dir)})


@app.command()
def show(call: CallArg, role: AsOpt = None, purpose: PurposeOpt = None) -> None:
    """A call's metadata (JSON), for a role that may listen for the purpose."""
    emit_json(use_cases.show(container().call_desk(), reader(role, purpose), call))


@app.command()
def play(
    call: CallArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the audio ('-': standard output).")],
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Write a recording's audio, decrypted, for a role and purpose the gate allows (audited)."""
    chunks = use_cases.play(container().call_desk(), reader(role, purpose), call)
    if str(out) == "-":
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        return
    with open_private(out, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    typer.echo(str(out))


@app.command()
def transcript(call: CallArg, role: AsOpt = None, purpose: PurposeOpt = None) -> None:
    """A recording's transcript, for a role and purpose the gate allows (audited)."""
    typer.echo(use_cases.transcript(container().call_desk(), reader(role, purpose), call))


@app.command(name="keep-for")
def keep_for(
    call: CallArg,
    purposes: Annotated[list[str], typer.Option("--purpose", help="A purpose an objection leaves standing.")],
    role: AsOpt = None,
) -> None:
    """Keep a recording for rights handling or fraud control, even after the caller objects."""
    emit_json(
        use_cases.keep_for(
            container().call_desk(),
            ref=call,
            purposes=purposes,
            role=role_only(role, "keeping a recording"),
            actor=actor(),
        )
    )
