"""`charte actors ...`: who may call the API, with which role; tokens shown once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import actor
from charte.services import actors as use_cases
from charte.services import sessions

app = typer.Typer(
    help="API actors: tokens and the role each acts in.", no_args_is_help=True, rich_markup_mode=None
)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The actor's name (a person's login or a job's name).")],
    role: Annotated[str | None, typer.Option("--role", help="The policy role the actor acts in.")] = None,
    system: Annotated[
        str | None, typer.Option("--system", help="Or: the policy system the actor feeds events for.")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Create an actor and print its token once: charte keeps only its SHA-256."""
    c = container()
    token = use_cases.add_actor(
        actors=c.actors(),
        gate=c.gate,
        systems=frozenset(c.policy.systems),
        clock=c.clock,
        name=name,
        role=role,
        system=system,
        by=actor(),
    )
    acting = role if role is not None else f"system:{system}"
    if json_:
        emit_json({"name": name, "role": acting, "token": token})
        return
    typer.echo(f"actor {name} ({acting}) added; its token, shown only now:")
    typer.echo(token)


@app.command(name="list")
def list_(json_: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every actor with its role, creation and revocation times (never a token)."""
    found = container().actors().all()
    if json_:
        emit_json({"actors": found})
        return
    for a in found:
        state = f"revoked {a['revoked_at']}" if a["revoked_at"] else "active"
        typer.echo(f"{a['name']:<24} {a['role']:<24} {state}")


@app.command()
def revoke(name: Annotated[str, typer.Argument(help="The actor to revoke.")]) -> None:
    """Revoke an actor: its token stops working at once."""
    c = container()
    use_cases.revoke(actors=c.actors(), clock=c.clock, name=name, by=actor())
    typer.echo(f"actor {name} revoked")


@app.command()
def passwd(
    name: Annotated[str, typer.Argument(help="The person actor who logs in to the console.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
) -> None:
    """Set a person actor's console password (Argon2id; CNIL 2022-100 strength); ends their sessions."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    c = container()
    sessions.set_password(
        store=c.actors(), passwords=c.passwords, clock=c.clock, name=name, password=password, by=actor()
    )
    typer.echo(f"console password of {name} set; their open sessions are ended")
