"""`charte prospecting ...`: may the sales team call, e-mail or text this contact now?"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer

from charte.domain.prospecting import Channel
from charte.entrypoints.cli.args import parse_day, parse_moment
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, actor, reader
from charte.services import bloctel, prospecting
from charte.services.errors import NotFound

app = typer.Typer(
    help="The prospecting gate (docs/prospecting.md).", no_args_is_help=True, rich_markup_mode=None
)


def _moment(text: str | None) -> datetime | None:
    """``--at``: an instant with its offset (one without is refused by the use case, naming it)."""
    return parse_moment(text, "--at") if text is not None else None


@app.command()
def decide(
    contact: Annotated[str, typer.Argument(help="The phone number, e-mail address or postal address.")],
    channel: Annotated[Channel, typer.Option("--channel", help="How the person would be solicited.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When, with its offset (2026-12-07T11:00:00+01:00); default: now."),
    ] = None,
    person: Annotated[str | None, typer.Option("--person", help="The person's ref, when known.")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="The campaign it belongs to.")] = None,
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Whether a solicitation of CONTACT on --channel for the purpose is allowed at --at, with
    every reason and its source: consent, objection, Bloctel (before 11 August 2026), calling
    hours, attempts, the pause after a refusal, the client's contract. Kept as proof and audited.
    Exit 0 when allowed, 1 when refused."""
    who = reader(as_role, purpose)
    c = container()
    asked = prospecting.Asked(
        contact=contact,
        channel=channel,
        purpose=who.purpose,
        moment=_moment(at) or c.clock.now(),
        person_ref=person,
        campaign=campaign,
    )
    answer = prospecting.decide_solicitation(
        policy=c.policy,
        store=c.prospecting_store(),
        contacts=c.consent_contacts,
        gate=c.gate,
        auditor=c.auditor,
        reader=who,
        asked=asked,
    )
    body = answer.as_dict()
    if fmt is DataFormat.JSON:
        emit_json(body)
    else:
        typer.echo(f"{body['answer']} (decision {body['decision']})")
        for reason in body["reasons"]:
            detail = f": {reason['detail']}" if reason["detail"] else ""
            typer.echo(f"  {reason['code']}{detail} [{reason['source']}]")
    if not answer.decision.allowed:
        raise typer.Exit(Exit.REFUSED)


@app.command(name="load-bloctel")
def load_bloctel(
    file: Annotated[
        Path,
        typer.Argument(help="The numbers Bloctel found on its list (one a line, or a CSV's first column)."),
    ],
    dated: Annotated[str, typer.Option("--dated", help="The day Bloctel returned the list (YYYY-MM-DD).")],
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
) -> None:
    """Load a Bloctel list for the calls before 11 August 2026: each number kept as a keyed hash
    for the policy's prospecting.calls.bloctel.keep, then purged by the sweep. Whole or nothing: a
    line that is not a phone number is named and nothing is loaded."""
    day = parse_day(dated, "--dated")
    c = container()
    if not file.is_file():
        raise NotFound("file", str(file))
    with file.open(encoding="utf-8-sig", errors="strict") as lines:
        loaded = bloctel.load_bloctel(
            policy=c.policy,
            store=c.bloctel(),
            contacts=c.consent_contacts,
            auditor=c.auditor,
            actor=actor(),
            lines=lines,
            dated=day,
            today=c.clock.today(),
        )
    if fmt is DataFormat.JSON:
        emit_json(loaded.as_dict())
    else:
        typer.echo(
            f"loaded Bloctel list {loaded.list_id} of {loaded.dated}: {loaded.numbers} number(s), "
            f"kept until {loaded.purge_due}"
        )


@app.command()
def screen(
    file: Annotated[
        str, typer.Argument(help="The campaign's contacts, CSV or JSON Lines (- for standard input).")
    ],
    channel: Annotated[
        Channel | None, typer.Option("--channel", help="The channel of lines that name none.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="The planned time of lines that give none (default: now).")
    ] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="The campaign.")] = None,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Each contact of a campaign file with the gate's answer and its reason codes, as JSON Lines on
    standard output in the file's order (docs/prospecting.md); counts on standard error. Exit 0
    when every line was read, 1 when some could not be (each answered with its error)."""
    who = reader(as_role, purpose)
    c = container()
    moment = _moment(at) or c.clock.now()
    source = sys.stdin.buffer if file == "-" else None
    if source is None and not Path(file).is_file():
        raise NotFound("file", file)
    with source or Path(file).open("rb") as handle:
        answers = prospecting.screen(
            policy=c.policy,
            store=c.prospecting_store(),
            contacts=c.consent_contacts,
            gate=c.gate,
            auditor=c.auditor,
            reader=who,
            lines=c.read_screen(handle, channel=channel, moment=moment),
            campaign=campaign,
        )
        counts = {"allowed": 0, "refused": 0, "error": 0}
        out = sys.stdout.buffer
        for answer in answers:
            counts[answer.get("answer", "error")] += 1
            out.write(orjson.dumps(answer) + b"\n")
        out.flush()
    typer.echo(
        f"screened {sum(counts.values())} line(s): {counts['allowed']} allowed, {counts['refused']} refused, "
        f"{counts['error']} unreadable",
        err=True,
    )
    if counts["error"]:
        raise typer.Exit(Exit.REFUSED)
