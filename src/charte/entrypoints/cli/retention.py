"""`charte retention ...`: the retention schedule."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from charte.domain.retention import UnitStatus
from charte.entrypoints.cli.args import parse_day, parse_moment, parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import retention as use_cases
from charte.services.erasure_replay import replay_erasures
from charte.services.retention import UnitView

app = typer.Typer(help="Retention: what is kept until when.", no_args_is_help=True, rich_markup_mode=None)

KEYS = ("unit", "person", "context", "retention_end", "purge_due", "status", "held_by", "rule")


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _plain(unit: UnitView) -> dict[str, Any]:
    return {k: v for k, v in unit.as_dict().items() if k in KEYS}


@app.command(name="schedule")
def schedule_(
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    person: Annotated[str | None, typer.Option("--person", help="Only this person's units.")] = None,
    status: Annotated[UnitStatus | None, typer.Option("--status", help="Only units in this status.")] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Only units due before YYYY-MM-DD.")
    ] = None,
    role: AsOpt = None,
) -> None:
    """Every retention unit: what it keeps, until when, by which rule (soonest purge first).
    Names persons by ref: needs --as ROLE, a role that answers for retention (dpo, legal, auditor)."""
    criteria = use_cases.ScheduleFilter(
        person=person,
        status=status.value if status else None,
        due_before=parse_optional_day(due_before, "--due-before"),
    )
    c = container()
    rows = use_cases.schedule(
        queries=c.retention_queries(standby=True),  # a listing: off the primary when configured
        gate=c.gate,
        auditor=c.auditor,
        actor=actor(),
        role=role_only(role, "the retention schedule"),
        criteria=criteria,
    )
    units = (_plain(u) for u in rows)
    out = sys.stdout
    if fmt is Format.JSON:  # streamed: one JSON array, written as rows come
        out.write("[")
        for i, unit in enumerate(units):
            out.write(("," if i else "") + json.dumps(unit, ensure_ascii=False))
        out.write("]\n")
    elif fmt is Format.CSV:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(KEYS)
        for unit in units:
            writer.writerow(
                ["|".join(v) if isinstance(v, list) else ("" if v is None else v) for v in unit.values()]
            )
    else:
        for u in units:
            due = u["purge_due"] or "-"
            out.write(
                f"{u['person']:<14} {u['unit']:<15} {u['context'] or '-':<12} {u['status']:<10} purge {due}\n"
            )


@app.command()
def forecast(
    months: Annotated[int, typer.Option("--months", min=1, max=240)] = 24,
    json_: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Units falling due per month, from this month on."""
    c = container()
    rows = use_cases.forecast(queries=c.retention_queries(standby=True), today=c.clock.today(), months=months)
    if json_:
        emit_json({"months": rows})
        return
    for row in rows:
        typer.echo(f"{row['month']}  {row['units']:>8}")


@app.command()
def sweep(
    as_of: Annotated[
        str, typer.Option("--as-of", help="Erase what is due on this date (YYYY-MM-DD); today for cron.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Do all the work, then roll it back: exact figures.")
    ] = False,
    batch: Annotated[
        int, typer.Option("--batch", min=1, max=10_000, help="Persons per transaction.")
    ] = use_cases.SWEEP_BATCH,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Erase every unit due on --as-of: rows deleted, orders to the systems, proofs kept."""
    c = container()
    day = parse_day(as_of, "--as-of")
    report = use_cases.sweep(
        sweeper=c.eraser(),
        as_of=day,
        today=c.clock.today(),
        dry_run=dry_run,
        batch_size=batch,
        auditor=c.auditor,
    )
    if fmt == "json":
        emit_json(report.as_dict())
        return
    what = "would erase" if dry_run else "erased"
    summary = report.as_dict()
    typer.echo(
        f"{what} {summary['units_erased']} unit(s) due by {day}: "
        f"{summary['persons_erased']} person(s) whole, {summary['fields_erased']} field(s); "
        f"{summary['orders']} order(s) to the systems"
    )
    for rule, count in summary["units_by_rule"].items():
        typer.echo(f"  {rule}: {count}")
    if summary["datasets_expired"]:
        typer.echo(f"{summary['datasets_expired']} analysis dataset build(s) {what} (files and keys)")
    for case, count in summary["kept_by_holds"].items():
        typer.echo(f"kept by hold {case}: {count} unit(s)")


@app.command(name="replay-erasures")
def replay_erasures_(
    since: Annotated[
        str,
        typer.Option(
            "--since",
            help="When the restored backup was taken (ISO 8601; without an offset, Paris time).",
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """After restoring the database from a backup: erase again everyone the erasure ledger says
    was erased since --since, and re-emit the orders to the systems."""
    moment = parse_moment(since, "--since", naive=ZoneInfo("Europe/Paris"))
    c = container()
    report = replay_erasures(
        ledger=c.erasure_ledger, replayer=c.erasure_replay(), auditor=c.auditor, since=moment, actor=actor()
    )
    if fmt == "json":
        emit_json(report)
        return
    typer.echo(
        f"replayed {report['records']} ledger line(s) since {report['since']}: "
        f"{report['units_erased']} unit(s) erased again ({report['persons_erased']} person(s) whole), "
        f"{report['already_gone']} already gone; {report['tombstones']} tombstone(s), "
        f"{report['suppressions']} suppression(s), {report['recordings_erased']} recording(s); "
        f"{report['orders']} order(s) re-emitted"
    )
    if report["torn_lines"]:
        typer.echo(f"{report['torn_lines']} ledger line(s) cut by a crash were skipped")
