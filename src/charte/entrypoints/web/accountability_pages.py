"""The console's accountability page for the DPO's team and internal audit (docs/accountability.md):
what lint finds missing or overdue today, the processors and their transfers, each activity's DPIA
screening and record, the balancing tests; the annual report to download (HTML, PDF, CSV) and the
CNIL inspection pack (zip)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.web import pages
from charte.entrypoints.web.accountability_words import CRITERIA, FINDINGS, RISKS
from charte.entrypoints.web.audited_reads import NO_PERSONAL
from charte.services import accountability, annual_report, inspection
from charte.services.documents import wording as w
from charte.services.documents.annual_report import CSV_HEADERS, build_report, csv_rows

Csrf = Annotated[str, Form(max_length=100)]
Year = Annotated[int | None, Query(ge=2000, le=9999)]


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


def _about(container: Container, at: list[str | int], lang: Language) -> str:
    """What a finding is about, in the policy's words: an activity, a processor, a purpose."""
    p = container.policy
    head = at[0] if at else ""
    key = str(at[1]) if len(at) > 1 else ""
    if head == "activities" and key in p.activities:
        return p.activities[key].name(lang)
    if head == "processors" and key in p.processors:
        return p.processors[key].name
    if head == "purposes" and key in p.purposes:
        return p.purposes[key].label(lang)
    if head == "balancing_tests" and isinstance(at[1], int) and at[1] < len(p.balancing_tests):
        return pages.policy_label(container, "purpose", p.balancing_tests[at[1]].purpose, lang)
    return "la formation" if lang is Language.FR else "training"


def in_words(container: Container, records: dict[str, Any], lang: Language) -> dict[str, Any]:
    """The records as the page says them: criteria, mechanisms, risks and findings in words, dates
    in the page's language, every id in the policy's words."""
    p = container.policy

    def day(value: str | date | None) -> str:
        if value is None:
            return "—"
        return w.day(value if isinstance(value, date) else date.fromisoformat(value), lang)

    def label(kind: str, code: str) -> str:
        return pages.policy_label(container, kind, code, lang)

    findings = [
        {"error": f["severity"] == "error", "what": FINDINGS.get(f["code"], {}).get(lang, f["code"]),
         "about": _about(container, f["at"], lang), "source": f["source"]}
        for f in records["findings"] if f["severity"] != "note"
    ]  # fmt: skip
    processors = []
    for x in p.processors.values():
        a = x.agreement
        processors.append({
            "name": x.name,
            "recipients": ", ".join(label("role", r) for r in x.recipients),
            "locations": ", ".join(x.locations),
            "agreement": (a.version, day(a.signed_on), day(a.review_due)) if a else None,
            "transfers": [w.transfer(x, t, lang) for t in x.transfers],
        })  # fmt: skip
    dpias = []
    for aid, d in records["dpia"].items():
        record = d["record"]
        dpias.append({
            "activity": p.activities[aid].name(lang),
            "criteria": ", ".join(CRITERIA.get(c, {}).get(lang, c) for c in d["criteria"]) or "—",
            "required": d["dpia_required"],
            "record": (record["ref"], day(record["dpo_signed_on"]), RISKS[record["residual_risk"]][lang],
                       day(record["review_due"])) if record else None,
        })  # fmt: skip
    tests = [
        {"purpose": label("purpose", t["purpose"]),
         "subjects": ", ".join(label("category", c) for c in t["subjects"]) if t["subjects"] else None,
         "reviewed": f"{label('role', t['reviewed_by'])}, {day(t['reviewed_on'])}",
         "due": day(t["review_due"])}
        for t in records["balancing_tests"]
    ]  # fmt: skip
    return {"findings": findings, "processors": processors, "dpia": dpias, "balancing_tests": tests}


def router(container: Container) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/console/accountability", openapi_extra=NO_PERSONAL)
    def page(request: Request) -> Response:
        actor = pages.require_actor(container, request)
        today, lang = container.clock.today(), pages.language(request)
        shown = accountability.records(container.policy, role=actor.role, today=today)
        return pages.console_page(
            container, request, actor, "accountability.html.j2", records=in_words(container, shown, lang),
            as_of=shown["as_of"], year=today.year, years=list(range(today.year, today.year - 5, -1)),
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
