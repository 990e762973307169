"""`charte trainings ...`: the staff's data-protection trainings, which gate their reads."""

from __future__ import annotations

from typing import Annotated

import typer

from charte.entrypoints.cli.args import parse_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import training as use_cases

app = typer.Typer(
    help="Staff trainings: recorded by the DPO's team; a lapsed one stops the account's reads.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

FormatOpt = Annotated[DataFormat, typer.Option("--format", help="Output format.")]


@app.command()
def record(
    name: Annotated[str, typer.Argument(help="The account (an actor of `charte actors list`).")],
    course: Annotated[str, typer.Option("--course", help="A course of the policy's training.courses.")],
    on: Annotated[str, typer.Option("--on", help="The day it was completed, YYYY-MM-DD.")],
    role: AsOpt = None,
    fmt: FormatOpt = DataFormat.TEXT,
) -> None:
    """Record that an account completed a course; it counts for the policy's training.valid_for."""
    done = use_cases.record(
        container().training_desk(),
        actor=name,
        course=course,
        completed_on=parse_day(on, "--on"),
        by=actor(),
        role=role_only(role, "recording a training"),
    )
    if fmt is DataFormat.JSON:
        emit_json(done)
        return
    typer.echo(
        f"training {done['id']}: {name} completed {course} on {done['completed_on']}, valid "
        f"until {done['valid_until']}"
    )


@app.command("list")
def list_(role: AsOpt = None, fmt: FormatOpt = DataFormat.TEXT) -> None:
    """Every staff account with its latest training and status (current, lapsing, lapsed, never),
    and the reads made under an exempt purpose with a lapsed training in the last 30 days."""
    found = use_cases.roster(container().training_desk(), role=role_only(role, "the trainings roster"))
    if fmt is DataFormat.JSON:
        emit_json(found)
        return
    for a in found["accounts"]:
        until = a["valid_until"] or "-"
        typer.echo(f"{a['status']:8} {a['actor']} ({a['role']}) until {until}")
    for w in found["exempt_reads"]:
        typer.echo(f"warning: {w['actor']} read under {w['purpose']} on {w['day']} with a lapsed training")
    counts = found["counts"]
    typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="The account.")],
    role: AsOpt = None,
    fmt: FormatOpt = DataFormat.TEXT,
) -> None:
    """An account's trainings, the latest first."""
    found = use_cases.history(
        container().training_desk(), actor=name, role=role_only(role, "an account's trainings")
    )
    if fmt is DataFormat.JSON:
        emit_json(found)
        return
    for t in found["trainings"]:
        typer.echo(
            f"{t['completed_on']} {t['course']} (valid until {t['valid_until']}, recorded by "
            f"{t['recorded_by']})"
        )
    if not found["trainings"]:
        typer.echo(f"no training on record for {name}")
