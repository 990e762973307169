"""`charte report --year YEAR`: the DPO's annual report (docs/accountability.md, "Metrics")."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import Container, open_private
from charte.domain.vocabulary import Language
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.reader import AsOpt, role_only
from charte.services import annual_report
from charte.services.documents.annual_report import CSV_HEADERS, build_report, csv_rows


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"


def report(
    year: Annotated[int, typer.Option("--year", help="The calendar year (Europe/Paris).")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Document format.")] = ReportFormat.HTML,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the report.")] = Language.FR,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (owner-only).")] = None,
    role: AsOpt = None,
) -> None:
    """The year's rights requests (by type, channel and month; median and 95th-percentile lead
    times; late answers, extensions, refusals, identity failures), erasures by rule and month,
    holds, breaches, consents — counts only, with charts in HTML and PDF."""
    c = container()
    figures = annual_report.metrics(
        source=c.report_source(),
        breaches=c.breach_store(),
        policy=c.policy,
        role=role_only(role, "the annual report"),
        year=year,
        today=c.clock.today(),
    )
    content: str | bytes
    if fmt is ReportFormat.JSON:
        content = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
    elif fmt is ReportFormat.CSV:
        content = Container.render_csv(CSV_HEADERS, csv_rows(figures))
    else:
        named = {pid: p.label(lang) for pid, p in c.policy.purposes.items()}
        doc = build_report(figures, lang, purposes=named)
        content = Container.letters().pdf(doc) if fmt is ReportFormat.PDF else Container.render(doc, "html")
    if out is None:
        if isinstance(content, bytes):
            if sys.stdout.isatty():
                typer.echo("error: a PDF is written to a file: give --out FILE", err=True)
                raise typer.Exit(2)
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    with open_private(out, "wb") as handle:
        handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    typer.echo(f"wrote {out}", err=True)
