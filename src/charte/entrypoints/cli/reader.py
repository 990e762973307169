"""Who is at the keyboard: the actor, the role they act in and the purpose of a read.

charte's CLI is an administrator's tool on the server: the actor is ``CHARTE_ACTOR`` or the OS
user, and is written to the audit. Reads of personal data name a role and a purpose with
``--as ROLE --purpose PURPOSE`` (or ``CHARTE_AS`` / ``CHARTE_PURPOSE``); without them the command
stops with exit 2 and says how to give them (docs/cli.md, "Who reads").
"""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from charte.entrypoints.cli.exits import Exit
from charte.services.access import Reader

AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as", envvar="CHARTE_AS", show_envvar=False, help="The policy role you act in (or CHARTE_AS)."
    ),
]
PurposeOpt = Annotated[
    str | None,
    typer.Option(
        "--purpose",
        envvar="CHARTE_PURPOSE",
        show_envvar=False,
        help="The purpose of the read (or CHARTE_PURPOSE).",
    ),
]


def actor() -> str:
    return os.environ.get("CHARTE_ACTOR") or getpass.getuser()


def role_only(role: str | None, what: str) -> str:
    if not role:
        typer.echo(f"error: {what} needs the role you act in: give --as ROLE (or set CHARTE_AS)", err=True)
        raise typer.Exit(Exit.USAGE)
    return role


def reader(role: str | None, purpose: str | None) -> Reader:
    """The reader of personal data, or exit 2 saying how to name the role and the purpose."""
    if not role or not purpose:
        missing = " and ".join(n for n, v in (("--as ROLE", role), ("--purpose PURPOSE", purpose)) if not v)
        typer.echo(
            f"error: a read of personal data needs a role and a purpose: give {missing} "
            "(or set CHARTE_AS and CHARTE_PURPOSE)",
            err=True,
        )
        raise typer.Exit(Exit.USAGE)
    return Reader(actor=actor(), role=role, purpose=purpose)
