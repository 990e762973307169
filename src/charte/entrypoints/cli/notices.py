"""`charte notices ...`: informing people whose data came from someone else (GDPR Art. 14).

For the policy's `rights.submit_to` roles (`--as ROLE`). See docs/rights.md, "Information notices".
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from charte.entrypoints.cli.args import parse_day, parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import information as use_cases
from charte.services.information import Informing

app = typer.Typer(
    help="Information notices owed to people whose data came from someone else (GDPR Art. 14).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
RefArg = Annotated[str, typer.Argument(help="The person's ref.")]
RoleOpt = Annotated[
    str, typer.Option("--role", help="The role the data came with (prospect, trusted_person...).")
]
ContextOpt = Annotated[
    str | None, typer.Option("--context", help="Its contract or site, when it has several.")
]


def _desk(role: str | None) -> Informing:
    return container().informing(actor(), role_only(role, "information notices"))


@app.command()
def due(
    before: Annotated[str | None, typer.Option("--before", help="Only those due before YYYY-MM-DD.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="JSON Lines: one notice per line.")] = False,
    role: AsOpt = None,
) -> None:
    """The notices still owed, oldest collection first, with the day each is due."""
    for item in use_cases.owed(_desk(role), parse_optional_day(before, "--before")):
        if json_:
            typer.echo(json.dumps(item, ensure_ascii=False))
        else:
            context = f" ({item['context']})" if item["context"] else ""
            source = item["source"]["kind"]
            typer.echo(f"{item['person']:<14} {item['role']}{context} from {source}, due {item['due_on']}")


@app.command()
def render(
    person: RefArg,
    role_name: RoleOpt,
    context: ContextOpt = None,
    form: Annotated[str, typer.Option("--format", help="letter or sms.")] = "letter",
    json_: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    final: Annotated[
        bool, typer.Option("--final", help="Refuse while an element states a value the policy only assumes.")
    ] = False,
    role: AsOpt = None,
) -> None:
    """The notice's text, from the policy: who we are, the source, the purposes, the rights.
    A value the policy only assumes is marked « [à confirmer : key] »; `--final` refuses it."""
    notice = use_cases.render(_desk(role), person, role_name, context, form, final=final)
    if json_:
        emit_json(notice)
        return
    if notice["subject"]:
        typer.echo(notice["subject"] + "\n")
    typer.echo(notice["text"])


@app.command()
def sent(
    person: RefArg,
    role_name: RoleOpt,
    on: Annotated[str, typer.Option("--on", help="The day it was sent (YYYY-MM-DD).")],
    channel: Annotated[str, typer.Option("--channel", help="letter, sms or email.")],
    context: ContextOpt = None,
    role: AsOpt = None,
) -> None:
    """Record that the notice was sent."""
    use_cases.record_sent(_desk(role), person, role_name, context, parse_day(on, "--on"), channel)
    typer.echo(f"notice to {person} ({role_name}) recorded as sent")


@app.command()
def exempt(
    person: RefArg,
    role_name: RoleOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why no notice is given (GDPR Art. 14(5)).")],
    context: ContextOpt = None,
    role: AsOpt = None,
) -> None:
    """Record a documented exemption instead of a notice."""
    use_cases.record_exemption(_desk(role), person, role_name, context, reason)
    typer.echo(f"exemption for {person} ({role_name}) recorded")
