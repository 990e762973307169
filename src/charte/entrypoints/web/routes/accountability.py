"""/api/v1/accountability, /api/v1/report, /api/v1/inspection: the controller's records, the
DPO's annual report and the CNIL inspection pack (docs/accountability.md). Counts, dates and refs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.entrypoints.web.auth import Calling
from charte.services import accountability, annual_report, inspection
from charte.services import actors as accounts
from charte.services.documents.annual_report import CSV_HEADERS, csv_rows

Year = Annotated[int | None, Query(ge=2000, le=9999, description="The calendar year; default: this year.")]


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["accountability"], responses=problems.documented())

    @api.get("/accountability", openapi_extra=NO_PERSONAL)
    def records(actor: Calling) -> dict[str, Any]:
        """Processors and transfers, DPIA screenings and records, balancing tests, and what lint
        finds missing or overdue today (errors first, each with its source)."""
        return accountability.records(
            container.policy, role=accounts.as_person(actor), today=container.clock.today()
        )

    @api.get("/report", openapi_extra=NO_PERSONAL, response_model=None)
    def report(actor: Calling, year: Year = None, csv: bool = False) -> dict[str, Any] | Response:
        """The DPO's annual report's figures (JSON), or one CSV row per figure (`csv=true`)."""
        today = container.clock.today()
        figures = annual_report.metrics(
            source=container.report_source(), breaches=container.breach_store(), policy=container.policy,
            role=accounts.as_person(actor), year=inspection.year_of(year, today), today=today,
        )  # fmt: skip
        if csv:
            return Response(Container.render_csv(CSV_HEADERS, csv_rows(figures)), media_type="text/csv")
        return figures

    @api.post("/inspection/pack", openapi_extra=NO_PERSONAL, response_class=Response)
    def pack(actor: Calling, year: Year = None) -> Response:
        """The CNIL inspection pack (application/zip): its manifest signed with the audit's key."""
        today = container.clock.today()
        chosen = inspection.year_of(year, today)
        files = inspection.pack(
            container.inspection_sources(chosen), signer=container.pack_signer(),
            role=accounts.as_person(actor), year=chosen, today=today, now=container.clock.now(),
        )  # fmt: skip
        name = f"inspection-{container.policy.id}-{today.isoformat()}.zip"
        return Response(
            Container.pack_bytes(files),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )

    return api
