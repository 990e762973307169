"""`charte accountability`: the controller's records and what lint finds missing today."""

from __future__ import annotations

from typing import Annotated

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, role_only
from charte.services import accountability as use_cases


def accountability(
    role: AsOpt = None,
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
) -> None:
    """Processors and transfers, each activity's DPIA screening and record, the balancing tests,
    and today's findings (errors first) — the records the policy keeps (docs/accountability.md)."""
    c = container()
    found = use_cases.records(
        c.policy, role=role_only(role, "the accountability records"), today=c.clock.today()
    )
    if fmt is DataFormat.JSON:
        emit_json(found)
        return
    for x in found["processors"]:
        agreement = x["agreement"]
        signed = (
            f"agreement v{agreement['version']} of {agreement['signed_on']}, review by {x['review_due']}"
            if agreement
            else "NO AGREEMENT"
        )
        transfers = ", ".join(f"{t['country']} ({t['mechanism']})" for t in x["transfers"]) or "no transfer"
        typer.echo(f"processor {x['id']}: {', '.join(x['locations'])}; {signed}; {transfers}")
    for aid, d in found["dpia"].items():
        record = d["record"]["ref"] if d["record"] else ("NONE" if d["dpia_required"] else "-")
        typer.echo(f"activity {aid}: DPIA {'required' if d['dpia_required'] else 'not required'} "
                   f"({', '.join(d['criteria']) or 'no criterion'}); record: {record}")  # fmt: skip
    for t in found["balancing_tests"]:
        reviewed = f"reviewed {t['reviewed_on']} by {t['reviewed_by']}, due {t['review_due']}"
        typer.echo(f"balancing test {t['purpose']}: {reviewed}")
    for f in found["findings"]:
        if f["severity"] != "note":
            typer.echo(f"{f['severity']}: {f['path']}: {f['message']} [source: {f['source']}]")
