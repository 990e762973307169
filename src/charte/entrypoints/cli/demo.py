"""`charte demo seed`: a realistic French demo register, generated as events and imported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import open_private
from charte.entrypoints.cli.args import parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.events import ProgressLine
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import actor
from charte.services.importing import import_events

app = typer.Typer(help="A demo register to try charte on.", no_args_is_help=True, rich_markup_mode=None)


@app.command()
def seed(
    persons: Annotated[
        int, typer.Option("--persons", min=1, max=5_000_000, help="How many people (about).")
    ] = 1000,
    seed_: Annotated[int, typer.Option("--seed", help="Same seed and date, same register.")] = 1,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default: today).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Keep the event file here (default: in CHARTE_HOME).")
    ] = None,
    fmt: Annotated[DataFormat, typer.Option("--format")] = DataFormat.TEXT,
) -> None:
    """Generate a demo register (Faker fr_FR) as an event file, then import it like any feed."""
    c = container()
    today = parse_optional_day(as_of, "--as-of") or c.clock.today()
    store, parser = c.register_store(), c.feed_reader()
    path = out or c.settings.home / f"demo-events-{seed_}-{persons}.jsonl"
    with open_private(path, "w") as handle:
        stats = c.write_demo_register(handle, seed=seed_, today=today, persons=persons)
    with (
        path.open("rb") as source,
        ProgressLine(enabled=fmt is DataFormat.TEXT and sys.stderr.isatty()) as progress,
    ):
        report = import_events(
            source=source, parser=parser, store=store, progress=progress, audit=(c.auditor, actor())
        )
    summary = {
        "file": str(path),
        "persons": stats.persons,
        "events": stats.events,
        **report.as_dict(max_errors=10),
    }
    if fmt is DataFormat.JSON:
        emit_json(summary)
    else:
        typer.echo(
            f"demo register: {stats.persons} persons, {stats.events} events written to {path}; "
            f"applied {report.applied}, already there {report.duplicates}"
        )
    for error in report.errors[:10]:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(Exit.OK if report.committed and not report.errors else Exit.REFUSED)
