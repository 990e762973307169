"""`charte holds ...`: litigation holds placed, judged and lifted by hand."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from charte.domain.litigation import Judgment, Residence
from charte.domain.vocabulary import CourtKind, CourtSeat, Recourse
from charte.entrypoints.cli.args import parse_day, parse_optional_day
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, actor, role_only
from charte.services import holds as use_cases

app = typer.Typer(
    help="Litigation holds: keep data until the recourse routes are exhausted.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class RecourseChoice(StrEnum):
    APPEAL = "appeal"
    CASSATION = "cassation"
    NONE = "none"


CaseOpt = Annotated[str, typer.Option("--case", help="The case ref.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the change).")]


def _editing(role: str | None) -> dict[str, Any]:
    """The keyword arguments naming who changes a hold: the actor, their role, the gate."""
    c = container()
    return {"holds": c.holds(), "actor": actor(), "role": role_only(role, "a hold change"), "gate": c.gate}


@app.command()
def place(
    case: CaseOpt,
    reason: ReasonOpt,
    kind: Annotated[
        CourtKind, typer.Option("--kind", help="The court the case is before.")
    ] = CourtKind.CIVIL,
    person: Annotated[
        list[str] | None, typer.Option("--person", help="A person ref (all their units).")
    ] = None,
    contract: Annotated[
        list[str] | None, typer.Option("--contract", help="A contract ref (its units).")
    ] = None,
    call: Annotated[list[str] | None, typer.Option("--call", help="A call ref (its recording).")] = None,
    role: AsOpt = None,
) -> None:
    """Open a case (or add to it): what it names is kept until the case releases it."""
    subjects = [("person", r) for r in person or []] + [("contract", r) for r in contract or []]
    subjects += [("call", r) for r in call or []]
    pending = use_cases.place(case=case, kind=kind, subjects=subjects, reason=reason, **_editing(role))
    typer.echo(f"hold {case}: {len(subjects)} subject(s) kept")
    for kind_, ref in pending:
        typer.echo(
            f"warning: {kind_} {ref} is not in the register yet: the hold will apply when it arrives",
            err=True,
        )


@app.command()
def judgment(
    case: CaseOpt,
    reason: ReasonOpt,
    pronounced: Annotated[str, typer.Option("--pronounced", help="YYYY-MM-DD")],
    recourse: Annotated[RecourseChoice, typer.Option("--recourse", help="The recourse open against it.")],
    served: Annotated[str | None, typer.Option("--served", help="YYYY-MM-DD, if served")] = None,
    residence: Annotated[
        Residence, typer.Option("--residence", help="Where the party farthest from the court lives.")
    ] = Residence.METROPOLITAN,
    court_seat: Annotated[
        CourtSeat, typer.Option("--court-seat", help="Where the court sits (CPC 643 or 644).")
    ] = CourtSeat.METROPOLITAN,
    role: AsOpt = None,
) -> None:
    """Record a judgment: the release date follows from the policy's recourse table."""
    open_recourse = None if recourse is RecourseChoice.NONE else Recourse(recourse.value)
    j = Judgment(
        parse_day(pronounced, "--pronounced"),
        open_recourse,
        parse_optional_day(served, "--served"),
        residence,
        court_seat,
    )
    use_cases.record_judgment(case=case, judgment=j, reason=reason, **_editing(role))
    typer.echo(f"hold {case}: judgment of {j.pronounced_on} recorded")


@app.command()
def appealed(case: CaseOpt, reason: ReasonOpt, role: AsOpt = None) -> None:
    """A recourse was lodged against the last judgment: the hold runs on to the next one."""
    use_cases.record_appeal(case=case, reason=reason, **_editing(role))
    typer.echo(f"hold {case}: appeal recorded")


@app.command()
def lift(case: CaseOpt, reason: ReasonOpt, role: AsOpt = None) -> None:
    """Close the case: what it kept goes back to its own retention dates."""
    use_cases.lift(case=case, reason=reason, **_editing(role))
    typer.echo(f"hold {case}: lifted")


@app.command(name="list")
def list_(
    json_: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    role: AsOpt = None,
) -> None:
    """Every case, what it keeps, and until when (with the steps that give the date)."""
    wired = container()
    cases = use_cases.list_cases(
        holds=wired.holds(),
        litigation=wired.policy.litigation,
        gate=wired.gate,
        auditor=wired.auditor,
        actor=actor(),
        role=role_only(role, "listing holds"),
    )
    if json_:
        emit_json({"cases": cases})
        return
    for c in cases:
        until = c["release"] or "not known yet"
        flag = "  REVIEW" if c["review"] else ""
        kept = f"keeps {len(c['subjects'])} subject(s) until {until}"
        typer.echo(f"{c['case']:<12} {c['kind']:<14} {kept}{flag}  ({c['why']})")
