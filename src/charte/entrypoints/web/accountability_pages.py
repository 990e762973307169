"""The console's accountability page for the DPO's team and internal audit (docs/accountability.md):
what lint finds missing or overdue today, the processors and their transfers, each activity's DPIA
screening and record, the balancing tests; the annual report to download (HTML, PDF, CSV) and the
CNIL inspection pack (zip)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.web import pages
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.services import accountability, annual_report, inspection
from charte.services.documents.annual_report import CSV_HEADERS, build_report, csv_rows

Csrf = Annotated[str, Form(max_length=100)]
Year = Annotated[int | None, Query(ge=2000, le=9999)]


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/console/accountability", openapi_extra=NO_PERSONAL)
    def page(request: Request) -> Response:
        actor = pages.require_actor(container, request)
        today = container.clock.today()
        shown = accountability.records(container.policy, role=actor.role, today=today)
        return pages.console_page(
            container, request, actor, "accountability.html.j2", records=shown, year=today.year,
            years=list(range(today.year, today.year - 5, -1)),
            may_pack=actor.role in container.policy.rights.submit_to,
        )  # fmt: skip

    @r.get("/console/report", openapi_extra=NO_PERSONAL)
    def report(
        request: Request, year: Year = None, fmt: Annotated[str, Query(alias="format")] = "html"
    ) -> Response:
        actor = pages.require_actor(container, request)
        today, lang = container.clock.today(), pages.language(request)
        chosen = inspection.year_of(year, today)
        figures = annual_report.metrics(
            source=container.report_source(), breaches=container.breach_store(), policy=container.policy,
            role=actor.role, year=chosen, today=today,
        )  # fmt: skip
        name = f"rapport-{chosen}" if lang is Language.FR else f"report-{chosen}"
        if fmt == "csv":
            return Response(
                Container.render_csv(CSV_HEADERS, csv_rows(figures)), media_type="text/csv; charset=utf-8",
                headers=_download(f"{name}.csv"),
            )  # fmt: skip
        labels = {pid: p.label(lang) for pid, p in container.policy.purposes.items()}
        doc = build_report(figures, lang, purposes=labels)
        if fmt == "pdf":
            return Response(
                Container.letters().pdf(doc), media_type="application/pdf", headers=_download(f"{name}.pdf")
            )
        return HTMLResponse(Container.render(doc, "html"), headers={"Cache-Control": "no-store"})

    @r.post("/console/inspection-pack", openapi_extra=NO_PERSONAL)
    def pack(request: Request, csrf: Csrf, year: Annotated[int, Form(ge=2000, le=9999)]) -> Response:
        pages.check_csrf(request, csrf)
        actor = pages.require_actor(container, request)
        today = container.clock.today()
        chosen = inspection.year_of(year, today)
        files = inspection.pack(
            container.inspection_sources(chosen), signer=container.pack_signer(), role=actor.role,
            year=chosen, today=today, now=container.clock.now(),
        )  # fmt: skip
        name = f"inspection-{container.policy.id}-{today.isoformat()}.zip"
        return Response(Container.pack_bytes(files), media_type="application/zip", headers=_download(name))

    return r
