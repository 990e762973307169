"""`charte policy ...`: check, lint and render the policy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import Container
from charte.domain.problems import Severity
from charte.domain.vocabulary import Language
from charte.entrypoints.cli.args import parse_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json, write
from charte.services import policy_review
from charte.services.documents.charter import build_charter

app = typer.Typer(
    help="Check, lint and render the policy (the charter as YAML).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PathArg = Annotated[
    Path | None,
    typer.Argument(help="Policy file; default: CHARTE_POLICY, else the shipped policy.", show_default=False),
]
FormatOpt = Annotated[DataFormat, typer.Option("--format", help="Output format.")]


class DocFormat(StrEnum):
    MD = "md"
    HTML = "html"


@app.command()
def check(path: PathArg = None, fmt: FormatOpt = DataFormat.TEXT) -> None:
    """Validate a policy: exit 0 if valid, 1 with every located problem if not."""
    c = container()
    result = policy_review.check_policy(loader=c.policies, location=str(path) if path else None)
    for problem in result.problems:
        typer.echo(f"error: {problem.describe()}", err=True)
    if fmt is DataFormat.JSON:
        p = result.policy
        emit_json(
            {
                "valid": result.valid,
                "source": result.source,
                "policy_id": p.id if p else None,
                "counts": {
                    "purposes": len(p.purposes),
                    "roles": len(p.roles),
                    "activities": len(p.activities),
                    "subject_categories": len(p.subject_categories),
                    "assumptions": len(p.assumptions),
                }
                if p
                else None,
                "problems": [x.as_dict() for x in result.problems],
            }
        )
    elif result.policy is not None:
        p = result.policy
        typer.echo(
            f"OK: {result.source} is a valid policy "
            f"({p.id}: {len(p.purposes)} purposes, {len(p.roles)} roles, "
            f"{len(p.activities)} activities, {len(p.assumptions)} assumptions)"
        )
    else:
        typer.echo(f"{len(result.problems)} problem(s) in {result.source}", err=True)
    raise typer.Exit(Exit.OK if result.valid else Exit.REFUSED)


@app.command()
def lint(
    path: PathArg = None,
    fmt: FormatOpt = DataFormat.TEXT,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge the law in force on this date (YYYY-MM-DD); default today."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when lint finds an error (a record the law requires).")
    ] = False,
) -> None:
    """Compliance errors, warnings and notes, each with its source; exits 0 unless the policy is
    invalid, or ``--strict`` and an error was found."""
    c = container()
    day = parse_day(as_of, "--as-of") if as_of else c.clock.today()
    findings = policy_review.lint(loader=c.policies, location=str(path) if path else None, as_of=day)
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    failed = strict and counts[Severity.ERROR] > 0
    if fmt is DataFormat.JSON:
        emit_json(
            {
                "as_of": day.isoformat(),
                "errors": counts[Severity.ERROR],
                "warnings": counts[Severity.WARNING],
                "notes": counts[Severity.NOTE],
                "findings": [f.as_dict() for f in findings],
            }
        )
        raise typer.Exit(Exit.REFUSED if failed else Exit.OK)
    for f in findings:
        typer.echo(f"{f.severity}: {f.describe()}")
    typer.echo(
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.NOTE]} note(s)"
    )
    raise typer.Exit(Exit.REFUSED if failed else Exit.OK)


@app.command()
def render(
    lang: Annotated[Language, typer.Option("--lang", help="Language of the charter.")] = Language.FR,
    fmt: Annotated[DocFormat, typer.Option("--format", help="Document format.")] = DocFormat.MD,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: CHARTE_POLICY or shipped).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
    final: Annotated[
        bool,
        typer.Option(
            "--final", help="Refuse while a published value is an unconfirmed assumption (naming each key)."
        ),
    ] = False,
) -> None:
    """The public charter, regenerated from the policy. A draft marks each sentence stating a value
    the policy only assumes « [à confirmer : key] »; `--final` refuses while one is left."""
    c = container()
    loaded = c.policies.load(str(policy) if policy else None)
    write(Container.render(build_charter(loaded.policy, lang, final=final), fmt.value), out)
