"""`charte datasets ...`: analysis datasets built from the register as the policy declares them
(docs/datasets.md): built, listed, exported to a recipient, revoked by the DPO."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from charte.bootstrap import open_private
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, actor, reader, role_only
from charte.services import datasets as use_cases
from charte.services.dataset_ports import BuildView
from charte.services.read_model import plain

app = typer.Typer(
    help="Analysis datasets: minimised, objections honoured, privacy model checked before writing.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

FormatOpt = Annotated[DataFormat, typer.Option("--format", help="Output format.")]


def _plain(view: BuildView) -> dict[str, Any]:
    return {**plain(view), "live": view.live}


def _line(view: BuildView) -> str:
    state = "live until " + view.purge_due.isoformat() if view.live else f"destroyed ({view.destroyed_why})"
    privacy = view.sheet.get("privacy", {})
    achieved = (
        f"k={privacy.get('k_achieved')}"
        if view.model == "k_anonymity"
        else f"epsilon={view.epsilon:g} of {privacy.get('budget')}"
    )
    return f"{view.dataset} #{view.build}: {view.rows} rows, {achieved}, built by {view.actor}, {state}"


@app.command()
def build(
    name: Annotated[str, typer.Argument(help="A dataset of the policy (datasets.<id>).")],
    role: AsOpt = None,
    purpose: PurposeOpt = None,
    fmt: FormatOpt = DataFormat.TEXT,
) -> None:
    """Build a dataset now: the population selected, transformed, checked against its privacy
    model before anything is written; prints its data sheet (JSON) or a line."""
    view = use_cases.build(container().dataset_desk(), reader(role, purpose), name)
    if fmt is DataFormat.JSON:
        emit_json(_plain(view))
        return
    typer.echo(_line(view))


@app.command("list")
def list_(
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset's builds.")] = None,
    role: AsOpt = None,
    fmt: FormatOpt = DataFormat.TEXT,
) -> None:
    """The builds the role may see (every one for the DPO), live and destroyed."""
    found = use_cases.builds(container().dataset_desk(), role_only(role, "listing datasets"), dataset)
    if fmt is DataFormat.JSON:
        emit_json([_plain(v) for v in found])
        return
    for view in found:
        typer.echo(_line(view))


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="The dataset.")],
    number: Annotated[int, typer.Argument(help="The build's number.")],
    role: AsOpt = None,
) -> None:
    """One build with its data sheet (JSON)."""
    view = use_cases.shown(
        container().dataset_desk(), role_only(role, "a dataset's data sheet"), name, number
    )
    emit_json(_plain(view))


@app.command()
def export(
    name: Annotated[str, typer.Argument(help="The dataset.")],
    number: Annotated[int, typer.Argument(help="The build's number.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the file (created 0600).")],
    kind: Annotated[str, typer.Option("--format", help="parquet, csv or sheet.")] = "parquet",
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Copy a live build's file for a recipient (gated and audited)."""
    path = use_cases.open_file(container().dataset_desk(), reader(role, purpose), name, number, kind)
    with path.open("rb") as source, open_private(out, "wb") as target:
        shutil.copyfileobj(source, target)
    typer.echo(f"{name} #{number}: {kind} written to {out}")


@app.command()
def revoke(
    name: Annotated[str, typer.Argument(help="The dataset.")],
    number: Annotated[int, typer.Argument(help="The build's number.")],
    role: AsOpt = None,
    fmt: FormatOpt = DataFormat.TEXT,
) -> None:
    """Destroy a build now, its files and its pseudonyms' key (the DPO's roles)."""
    view = use_cases.revoke(
        container().dataset_desk(), actor(), role_only(role, "revoking a dataset"), name, number
    )
    if fmt is DataFormat.JSON:
        emit_json(_plain(view))
        return
    typer.echo(_line(view))
