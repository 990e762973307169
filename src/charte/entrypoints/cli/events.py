"""`charte events import`: apply a JSON Lines file of lifecycle events (docs/events.md)."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated

import typer

from charte.bootstrap import open_private
from charte.domain.register import LineError
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import actor
from charte.services.importing import ImportReport, Progress, import_events

app = typer.Typer(help="The lifecycle event feed.", no_args_is_help=True, rich_markup_mode=None)


@app.command(name="import")
def import_(
    file: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input.")],
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Apply the valid lines; write the refused ones to the reject file."
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects", help="Reject file (default: FILE.rejects.jsonl, or rejects.jsonl for stdin)."
        ),
    ] = None,
    fmt: Annotated[
        DataFormat, typer.Option("--format", help="text, or a one-line JSON summary.")
    ] = DataFormat.TEXT,
) -> None:
    """Apply a file of events atomically: all of it, or nothing and every refused line listed."""
    c = container()
    store, parser = c.register_store(), c.feed_reader()
    with ExitStack() as stack:
        if file == "-":
            source: IO[bytes] = sys.stdin.buffer
        else:
            path = Path(file)
            if not path.is_file():
                typer.echo(f"error: event file not found: {file}", err=True)
                raise typer.Exit(Exit.NOT_FOUND)
            source = stack.enter_context(path.open("rb"))
        reject = None
        reject_path = None
        if skip_invalid:
            reject_path = rejects or Path("rejects.jsonl" if file == "-" else f"{file}.rejects.jsonl")
            out = stack.enter_context(open_private(reject_path, "w"))

            def reject(line: int, raw: bytes, errors: list[LineError]) -> None:
                record = {
                    "line": line,
                    "errors": [f"{e.field}: {e.message}" for e in errors],
                    "event": raw.decode("utf-8", errors="replace"),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

        progress = stack.enter_context(ProgressLine(enabled=fmt is DataFormat.TEXT and sys.stderr.isatty()))
        report = import_events(
            source=source,
            parser=parser,
            store=store,
            skip_invalid=skip_invalid,
            reject=reject,
            progress=progress,
            audit=(c.auditor, actor()),
        )
    summary = {
        "file": file,
        **report.as_dict(),
        "rejects_file": str(reject_path) if reject_path and report.errors else None,
        # Audio the calls wait for, sealed from the inbox once the import holds (docs/calls.md).
        "audio_sealed": c.calls().ingest_pending(c.settings.inbox_dir) if report.committed else 0,
    }
    if fmt is DataFormat.JSON:
        emit_json(summary)
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    if fmt is DataFormat.TEXT:
        typer.echo(_sentence(report))
        if summary["rejects_file"]:
            typer.echo(f"refused lines written to {summary['rejects_file']}")
    raise typer.Exit(
        Exit.OK if report.committed and (not report.errors or _kept_some(report)) else Exit.REFUSED
    )


def _kept_some(report: ImportReport) -> bool:
    """With --skip-invalid, the file was taken as asked when some of its lines were: applied, or
    already applied, or dropped as the register's rules say. Every line refused is a failure."""
    return bool(report.applied or report.duplicates or report.skipped_erased or report.suppressed)


def _sentence(report: ImportReport) -> str:
    rejected = len(report.rejected_lines)
    if not report.committed:
        return f"nothing applied: {rejected} of {report.lines} line(s) refused"
    if (
        report.applied == 0
        and not rejected
        and not report.skipped_erased
        and not report.suppressed
        and report.lines
    ):
        return f"nothing to do: all {report.duplicates} event(s) were already applied"
    parts = [f"applied {report.applied} event(s)"]
    if report.duplicates:
        parts.append(f"{report.duplicates} already applied")
    if report.skipped_erased:
        parts.append(f"{report.skipped_erased} about erased persons, contracts or sites skipped")
    if report.suppressed:
        parts.append(f"{report.suppressed} prospect(s) who objected to prospecting dropped")
    if rejected:
        parts.append(f"{rejected} line(s) refused and skipped")
    return ", ".join(parts)


class ProgressLine:
    """A Rich progress line on a terminal (stderr); nothing when piped or in JSON mode."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self) -> Progress | None:
        if not self.enabled:
            return None
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Bar(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True)
        self.bar.start()
        self.tasks = {
            phase: self.bar.add_task(f"{phase}: 0 lines", total=None) for phase in ("checked", "applied")
        }

        def update(phase: str, done: int) -> None:
            self.bar.update(self.tasks[phase], description=f"{phase}: {done} lines")

        return update

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()
