"""`charte audit ...`: verify the chain, checkpoint it, search and export it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import open_private
from charte.domain.audit import genesis
from charte.entrypoints.cli.args import parse_instant, parse_month, parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, role_only
from charte.entrypoints.cli.reader import actor as cli_actor
from charte.services import audit as use_cases
from charte.services.audit import AuditFilter

app = typer.Typer(
    help="The tamper-evident audit of every access and change.", no_args_is_help=True, rich_markup_mode=None
)
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output.")]


@app.command()
def verify(
    json_: JsonOpt = False,
    witness: Annotated[
        Path | None,
        typer.Option(
            "--witness",
            help="A copy of the newest checkpoints kept elsewhere (a checkpoint file or a folder).",
        ),
    ] = None,
) -> None:
    """Check every period's chain and its last signed checkpoint: OK with counts and the unsigned
    tail (exit 0), or the first broken entry and why (exit 1) — a tail signed by no checkpoint for
    longer than CHARTE_AUDIT_UNSIGNED_FOR seconds is broken; with --witness, a checkpoint folder
    that no longer holds the witness's checkpoints too."""
    c = container()
    if witness is not None and not witness.exists():
        raise typer.BadParameter(f"{witness} does not exist", param_hint="--witness")
    report = use_cases.verify(
        store=c.audit_store(),
        checkpoints=c.auditor.checkpoints,
        now=c.clock.now(),
        unsigned_for=timedelta(seconds=c.settings.audit_unsigned_for),
        witness=witness,
    )
    summary = report.as_dict()
    if json_:
        emit_json(summary)
    elif report.ok:
        unsigned = summary["unsigned"]
        tail = (
            f"; {unsigned['entries']} entries not signed yet, since {unsigned['since']}"
            if unsigned["entries"]
            else "; every entry is signed"
        )
        typer.echo(f"OK: {summary['entries']} entries in {summary['periods']} period(s) verify{tail}")
    else:
        broken = summary["broken"]
        where = f"period {broken['period']}" + (
            f", entry {broken['seq']}" if broken["seq"] is not None else ""
        )
        typer.echo(f"BROKEN: {where}: {broken['why']}", err=True)
    raise typer.Exit(Exit.OK if report.ok else Exit.REFUSED)


@app.command()
def checkpoint() -> None:
    """Sign the head of every chain now and write it to the checkpoint folder (a head behind its
    last checkpoint is not signed: exit 1 naming it)."""
    c = container()
    written = c.auditor.checkpoint()
    typer.echo(f"{len(written)} checkpoint(s) written to {c.settings.checkpoint_dir}")


@app.command()
def search(
    person: Annotated[
        str | None, typer.Option("--person", help="A person's ref (matched by its HMAC).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO date or time (UTC), inclusive.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO date or time (UTC), exclusive.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 100,
    json_: JsonOpt = False,
    role: AsOpt = None,
) -> None:
    """Entries matching every filter, oldest first; for a role with archive access (--as), and
    the search is itself audited (as on the console)."""
    as_role = role_only(role, "a search of the audit log")
    c = container()
    subject = c.auditor.subject("person", person) if person else None
    window = parse_instant(since, "--since"), parse_instant(until, "--until")
    found = use_cases.search(
        store=c.audit_store(),
        gate=c.gate,
        auditor=c.auditor,
        actor=cli_actor(),
        role=as_role,
        criteria=AuditFilter(subject, actor, purpose, *window, limit),
    )
    if json_:
        emit_json({"entries": found})
        return
    for e in found:
        who = f"{e['actor']} as {e['role']}" if e["role"] else e["actor"]
        why = f" for {e['purpose']}" if e["purpose"] else ""
        fields = f" [{', '.join(e['fields'])}]" if e["fields"] else ""
        typer.echo(f"{e['at']} {e['period']}#{e['seq']} {e['action']} {who}{why}: {e['decision']}{fields}")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="A JSON Lines file: each entry's bytes and links.")],
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM (default: every period).")] = None,
    role: AsOpt = None,
) -> None:
    """Write the chain as stored (bytes, previous hash, hash), so that it can be verified elsewhere;
    for a role with archive access (--as), audited."""
    as_role = role_only(role, "an export of the audit log")
    c = container()
    store = c.audit_store()
    month = parse_month(period, "--period")
    use_cases.open_log(
        gate=c.gate,
        auditor=c.auditor,
        actor=cli_actor(),
        role=as_role,
        subject=None,
        detail={"of": "audit", "export": month or "all"},
    )
    chains = [(p, w) for p, w in store.chains() if month is None or p == month]
    count = 0
    with open_private(out, "w") as handle:
        for p, w in chains:
            prev = genesis(p, w)  # each entry's hash is sha256(prev || body): the export names both
            for seq, body, digest in store.stored(p, w):
                record = {"period": p, "writer": w, "seq": seq, "prev": prev, "hash": digest,
                          "body": body.decode()}  # fmt: skip
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                prev, count = digest, count + 1
    typer.echo(f"{count} entries written to {out}")


@app.command(name="drop-expired")
def drop_expired(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would go; drop nothing.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Drop the months whose audit retention (the policy's audit.retention) is over, whole."""
    c = container()
    day = parse_optional_day(as_of, "--as-of") or c.clock.today()
    if day > c.clock.today() and not dry_run:
        typer.echo(f"error: --as-of {day} is after today: entries would go early; use --dry-run", err=True)
        raise typer.Exit(Exit.REFUSED)
    rule = c.policy.retention[c.policy.audit_retention]
    dropped = use_cases.drop_expired(
        store=c.audit_store(),
        checkpoints=c.auditor.checkpoints,
        retention=rule.period,
        as_of=day,
        dry_run=dry_run,
    )
    if json_:
        emit_json({"as_of": day.isoformat(), "dry_run": dry_run, "periods": dropped})
        return
    what = "would drop" if dry_run else "dropped"
    for d in dropped:
        count = "" if d["entries"] is None else f": {d['entries']} entries"
        typer.echo(f"{what} {d['period']} (due {d['purge_due']}){count}")
    if not dropped:
        typer.echo(f"no period past the audit retention on {day}")


@app.command()
def partition(
    ahead: Annotated[
        int, typer.Option("--ahead", min=1, max=24, help="Months to have partitions for beyond this one.")
    ] = 3,
    json_: JsonOpt = False,
) -> None:
    """PostgreSQL: the audit table as one partition a month (pg_partman), every entry kept; run
    again, it only makes the partitions ahead (docs/scaling.md)."""
    done = container().partition_audit(ahead=ahead)
    if json_:
        emit_json(done)
        return
    how = "partitioned now" if done["partitioned_now"] else "already partitioned"
    typer.echo(f"audit {how}: {done['entries']} entries in {len(done['partitions'])} partitions")
