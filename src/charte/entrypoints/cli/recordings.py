"""`charte recordings ...`: transcripts redacted before AI analysis (docs/calls.md#redaction).
Both read transcripts: `--as ROLE --purpose PURPOSE`, gated and audited; the French model loads
once per command (a second or two)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import open_private
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, reader
from charte.services import analysis, calls, datasets

app = typer.Typer(
    help="Recordings: transcripts redacted for analysis.", no_args_is_help=True, rich_markup_mode=None
)


@app.command()
def redact(
    call: Annotated[str, typer.Argument(help="The call's ref.")],
    role: AsOpt = None,
    purpose: PurposeOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Print a call's transcript with personal data replaced by typed placeholders (<PERSON>, <PHONE>...)."""
    who = reader(role, purpose)
    c = container()
    done = analysis.redact_call(c.call_desk(), c.redactor, who, call)
    if fmt == "json":
        emit_json(done)
        return
    typer.echo(done["text"])


@app.command(name="add-analysis")
def add_analysis(
    call: Annotated[str, typer.Argument(help="The call's ref.")],
    file: Annotated[
        Path, typer.Argument(help="The result or document to keep.", exists=True, dir_okay=False)
    ],
    kind: Annotated[str, typer.Option("--kind", help="result (goes with the call) or document (12 months).")],
    anonymised: Annotated[
        bool, typer.Option("--anonymised", help="A result irreversibly anonymised.")
    ] = False,
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Keep what analysing a recording produced, sealed like the recording (JSON: id, kind, purge_due)."""
    who = reader(role, purpose)
    with file.open("rb") as handle:
        chunks = iter(lambda: handle.read(1 << 16), b"")
        emit_json(calls.add_analysis(container().call_desk(), who, call, kind, chunks, anonymised=anonymised))


@app.command(name="export-for-analysis")
def export_for_analysis(
    role: AsOpt = None,
    purpose: PurposeOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="A JSON Lines file (default: standard output).")
    ] = None,
) -> None:
    """Build the policy's dataset of recorded calls for the purpose (its transcripts redacted, the
    calls of people who objected left out: docs/datasets.md) and write its rows as JSON Lines —
    one key per column of the dataset."""
    who = reader(role, purpose)
    desk = container().dataset_desk()
    spec = datasets.transcripts_dataset(desk.policy, who.purpose)
    built = datasets.build(desk, who, spec.id)
    handle = open_private(out, "w") if out else sys.stdout
    count = 0
    try:
        for line in datasets.read_rows(desk, who, spec.id, built.build):
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if out:
            handle.close()
    if out:
        typer.echo(f"{count} transcript(s) written to {out} (dataset {spec.id}, build {built.build})")
