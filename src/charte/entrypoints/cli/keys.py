"""`charte keys`: what is done to the keys themselves (docs/settings.md#keys)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import actor

app = typer.Typer(help="The keys: rotate the field key.", no_args_is_help=True)


@app.command(name="rotate-field")
def rotate_field(
    new_key_from: Annotated[
        str,
        typer.Option(
            "--new-key-from", help="The variable holding the new key (base64), never the key itself."
        ),
    ],
) -> None:
    """Re-seal every encrypted field and identity document under a new field key, in one
    transaction, and record its fingerprint; then give that key in CHARTE_FIELD_KEY everywhere."""
    if not new_key_from.isidentifier():  # a key on the command line would stay in the shell's history
        raise typer.BadParameter(f"{new_key_from!r} is not a variable name", param_hint="--new-key-from")
    emit_json(container().rotate_field_key(new_key_from, os.environ.get(new_key_from, ""), actor()))
