"""`charte disclose`: give a recipient its view of a person, recorded in the ledger and the audit."""

from __future__ import annotations

from typing import Annotated

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, reader
from charte.services import disclosures as use_cases


def disclose(
    to: Annotated[str, typer.Option("--to", help="The recipient: a policy role (installer, prescriber...).")],
    person: Annotated[str, typer.Option("--person", help="The person's ref.")],
    purpose: Annotated[
        str, typer.Option("--purpose", help="The purpose of the disclosure (the recipient's).")
    ],
    role: AsOpt = None,
    as_purpose: Annotated[
        str | None,
        typer.Option("--as-purpose", help="Your own purpose for reading the person (default: --purpose)."),
    ] = None,
) -> None:
    """Produce the recipient's view (what its role may receive for the purpose and you may read
    yourself), record the disclosure (recipient, fields, purpose, date) and print it as JSON."""
    who = reader(role, as_purpose or purpose)
    c = container()
    emit_json(
        use_cases.disclose(
            queries=c.register_queries(),
            gate=c.gate,
            auditor=c.auditor,
            ledger=c.disclosures(),
            discloser=who,
            recipient=to,
            purpose=purpose,
            ref=person,
        )
    )
