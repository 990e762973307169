"""The annual report in words (French or English): headings, tables and charts from
``services.annual_report.metrics``, for HTML and PDF; and the same figures as CSV rows (one row
per figure: section, measure, month or key, value)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from charte.domain.vocabulary import Language, Right
from charte.services.documents import wording as w
from charte.services.documents.model import Block, Chart, Document, Heading, Paragraph, Series, Table
from charte.services.documents.wording import RIGHT

FR, EN = Language.FR, Language.EN

_W: dict[str, dict[Language, str]] = {
    "title": {FR: "Rapport annuel du DPO — {year}", EN: "DPO's annual report — {year}"},
    "so_far": {FR: "Année en cours : chiffres arrêtés au {day}.", EN: "Year not over: figures up to {day}."},
    "intro": {
        FR: "Chiffres tirés du registre de charte (politique « {policy} ») : des décomptes et des dates, "
        "aucune donnée d'une personne.",
        EN: "Figures drawn from charte's register (policy “{policy}”): counts and dates, no one's data.",
    },
    "h.rights": {FR: "Demandes d'exercice des droits", EN: "Rights requests"},
    "rights.summary": {
        FR: "{received} demande(s) reçue(s) ; {answered} traitée(s) (satisfaites ou refusées) ; délai "
        "médian {median} j, 95e centile {p95} j ; {late} réponse(s) après l'échéance ; "
        "{open_late} demande(s) ouverte(s) en retard ; {extended} prolongation(s) ; {refused} refus ; "
        "{identity} demande(s) close(s) faute d'identité établie ; {withdrawn} retirée(s).",
        EN: "{received} request(s) received; {answered} answered (fulfilled or refused); median lead time "
        "{median} d, 95th percentile {p95} d; {late} answer(s) after the due date; "
        "{open_late} open request(s) past due; {extended} extension(s); {refused} refusal(s); "
        "{identity} closed for want of identity; {withdrawn} withdrawn.",
    },
    "chart.requests": {FR: "Demandes reçues par mois", EN: "Requests received per month"},
    "col.type": {FR: "Droit", EN: "Right"},
    "col.channel": {FR: "Canal", EN: "Channel"},
    "col.count": {FR: "Nombre", EN: "Count"},
    "col.answered": {FR: "Traitées", EN: "Answered"},
    "col.median": {FR: "Délai médian (j)", EN: "Median (d)"},
    "col.p95": {FR: "95e centile (j)", EN: "95th percentile (d)"},
    "col.reason": {FR: "Motif du refus", EN: "Reason for refusal"},
    "col.rule": {FR: "Règle de conservation", EN: "Retention rule"},
    "col.units": {FR: "Unités effacées", EN: "Units erased"},
    "col.purpose": {FR: "Finalité", EN: "Purpose"},
    "col.given": {FR: "Donnés", EN: "Given"},
    "col.withdrawn": {FR: "Retirés", EN: "Withdrawn"},
    "h.erasures": {FR: "Effacements à échéance", EN: "Erasures when due"},
    "erasures.summary": {
        FR: "{sweeps} purge(s) ; {persons} personne(s) effacée(s).",
        EN: "{sweeps} sweep(s); {persons} person(s) erased.",
    },
    "chart.erasures": {FR: "Unités effacées par mois", EN: "Units erased per month"},
    "h.holds": {FR: "Gels pour contentieux", EN: "Litigation holds"},
    "holds.summary": {
        FR: "{opened} dossier(s) ouvert(s), {closed} levé(s) ; {active} actif(s) en fin de période.",
        EN: "{opened} case(s) opened, {closed} lifted; {active} active at the end of the period.",
    },
    "h.breaches": {FR: "Violations de données", EN: "Personal-data breaches"},
    "breaches.summary": {
        FR: "{recorded} violation(s) enregistrée(s) ; {notified} notifiée(s) à la CNIL, {not_notified} "
        "sans notification (décision motivée) ; {closed} close(s).",
        EN: "{recorded} breach(es) recorded; {notified} notified to the CNIL, {not_notified} not notified "
        "(reasoned decision); {closed} closed.",
    },
    "breaches.numbers": {FR: "Numéros au registre : {numbers}.", EN: "Numbers in the register: {numbers}."},
    "h.consents": {FR: "Consentements à la prospection", EN: "Consents to prospecting"},
    "consents.summary": {
        FR: "{given} consentement(s) donné(s), {withdrawn} retiré(s).",
        EN: "{given} consent(s) given, {withdrawn} withdrawn.",
    },
    "chart.consents": {
        FR: "Consentements donnés et retirés par mois",
        EN: "Consents given and withdrawn per month",
    },
    "none": {FR: "aucun", EN: "none"},
    "reason.unstated": {FR: "(sans motif écrit)", EN: "(no reason written)"},
    "reasons.withheld": {
        FR: "Les motifs de refus, rédigés par l'équipe du DPO, ne figurent pas dans cette version.",
        EN: "The reasons for refusal, written by the DPO's team, are left out of this version.",
    },
}


def _t(key: str, lang: Language, **values: object) -> str:
    return _W[key][lang].format(**values)


def _right(code: str, lang: Language) -> str:
    try:
        return RIGHT[Right(code)][lang][0]
    except (ValueError, KeyError):
        return code


def _day(value: int | None) -> str:
    return "—" if value is None else str(value)


def build_report(
    m: dict[str, Any], lang: Language, *, reasons: bool = True, purposes: Mapping[str, str] | None = None
) -> Document:
    """The report; ``reasons=False`` leaves the refusal reasons' texts out (the inspection pack
    carries no words the DPO's team wrote about a request); ``purposes``: their names in ``lang``."""
    named = purposes or {}
    r, months = m["rights"], m["months"]
    blocks: list[Block] = [Paragraph(_t("intro", lang, policy=m["policy"]))]
    if m["as_of"]:
        blocks.append(Paragraph(_t("so_far", lang, day=w.day(date.fromisoformat(m["as_of"]), lang))))
    lead = r["lead_days"]
    blocks += [
        Heading(2, _t("h.rights", lang)),
        Paragraph(
            _t(
                "rights.summary",
                lang,
                received=r["received"],
                answered=r["answered"],
                median=_day(lead["median"]),
                p95=_day(lead["p95"]),
                late=r["late_answers"],
                open_late=r["open_past_due"],
                extended=r["extended"],
                refused=r["refused"],
                identity=r["identity_failures"],
                withdrawn=r["withdrawn"],
            )
        ),
    ]
    types = sorted({t for per in r["by_month"].values() for t in per})
    if types:
        blocks.append(
            Chart(
                _t("chart.requests", lang),
                tuple(months),
                tuple(
                    Series(_right(t, lang), tuple(r["by_month"][mo].get(t, 0) for mo in months))
                    for t in types
                ),
            )
        )
        blocks.append(
            Table(
                (
                    _t("col.type", lang),
                    _t("col.count", lang),
                    _t("col.answered", lang),
                    _t("col.median", lang),
                    _t("col.p95", lang),
                ),
                tuple(
                    (
                        _right(t, lang),
                        str(r["by_type"].get(t, 0)),
                        str(lead["by_type"].get(t, {}).get("answered", 0)),
                        _day(lead["by_type"].get(t, {}).get("median")),
                        _day(lead["by_type"].get(t, {}).get("p95")),
                    )
                    for t in sorted(set(types) | set(lead["by_type"]))
                ),
                key="requests_by_type",
            )
        )
    if r["by_channel"]:
        blocks.append(
            Table(
                (_t("col.channel", lang), _t("col.count", lang)),
                tuple((c, str(n)) for c, n in r["by_channel"].items()),
                key="requests_by_channel",
            )
        )
    if r["refusals_by_reason"]:
        if reasons:
            blocks.append(
                Table(
                    (_t("col.reason", lang), _t("col.count", lang)),
                    tuple(
                        (k or _t("reason.unstated", lang), str(n)) for k, n in r["refusals_by_reason"].items()
                    ),
                    key="refusals",
                )
            )
        else:
            blocks.append(Paragraph(_t("reasons.withheld", lang)))
    e = m["erasures"]
    blocks += [
        Heading(2, _t("h.erasures", lang)),
        Paragraph(_t("erasures.summary", lang, sweeps=e["sweeps"], persons=e["persons_erased"])),
    ]
    if e["units_by_rule"]:
        rules = list(e["units_by_rule"])
        blocks.append(
            Chart(
                _t("chart.erasures", lang),
                tuple(months),
                tuple(Series(rule, tuple(e["by_month"][mo].get(rule, 0) for mo in months)) for rule in rules),
            )
        )
        blocks.append(
            Table(
                (_t("col.rule", lang), _t("col.units", lang)),
                tuple((k, str(v)) for k, v in e["units_by_rule"].items()),
                key="erasures",
            )
        )
    h = m["holds"]
    blocks += [
        Heading(2, _t("h.holds", lang)),
        Paragraph(
            _t("holds.summary", lang, opened=h["opened"], closed=h["closed"], active=h["active_at_end"])
        ),
    ]
    b = m["breaches"]
    blocks += [
        Heading(2, _t("h.breaches", lang)),
        Paragraph(
            _t(
                "breaches.summary",
                lang,
                recorded=b["recorded"],
                notified=b["notified_to_cnil"],
                not_notified=b["not_notified"],
                closed=b["closed"],
            )
        ),
    ]
    if b["numbers"]:
        blocks.append(
            Paragraph(_t("breaches.numbers", lang, numbers=", ".join(str(n) for n in b["numbers"])))
        )
    c = m["consents"]
    blocks += [
        Heading(2, _t("h.consents", lang)),
        Paragraph(_t("consents.summary", lang, given=c["given"], withdrawn=c["withdrawn"])),
    ]
    if c["given"] or c["withdrawn"]:
        blocks.append(
            Chart(
                _t("chart.consents", lang),
                tuple(months),
                (
                    Series(_t("col.given", lang), tuple(c["by_month"][mo]["given"] for mo in months)),
                    Series(_t("col.withdrawn", lang), tuple(c["by_month"][mo]["withdrawn"] for mo in months)),
                ),
            )
        )
        blocks.append(
            Table(
                (
                    _t("col.purpose", lang),
                    _t("col.channel", lang),
                    _t("col.given", lang),
                    _t("col.withdrawn", lang),
                ),
                tuple(
                    (
                        named.get(x["purpose"], x["purpose"]),
                        x["channel"],
                        str(x["given"]),
                        str(x["withdrawn"]),
                    )
                    for x in c["by_purpose_channel"]
                ),
                key="consents",
            )
        )
    return Document(title=_t("title", lang, year=m["year"]), lang=lang, blocks=tuple(blocks))


CSV_HEADERS = ("section", "measure", "key", "value")


def csv_rows(m: dict[str, Any], *, reasons: bool = True) -> Iterator[tuple[str, str, str, str]]:
    """Every figure of the report as a row: the year's totals, then each month and each key."""
    r = m["rights"]
    for key in ("received", "answered", "late_answers", "open_past_due", "extended", "refused",
                "identity_failures", "withdrawn"):  # fmt: skip
        yield ("rights", key, "", str(r[key]))
    for stat in ("median", "p95"):
        yield ("rights", f"lead_days_{stat}", "", _day(r["lead_days"][stat]))
    for t, n in r["by_type"].items():
        yield ("rights", "received_by_type", t, str(n))
    for ch, n in r["by_channel"].items():
        yield ("rights", "received_by_channel", ch, str(n))
    for month, per in r["by_month"].items():
        for t, n in sorted(per.items()):
            yield ("rights", "received_by_month", f"{month} {t}", str(n))
    for t, s in r["lead_days"]["by_type"].items():
        yield ("rights", "lead_days_median_by_type", t, _day(s["median"]))
        yield ("rights", "lead_days_p95_by_type", t, _day(s["p95"]))
    if reasons:
        for reason, n in r["refusals_by_reason"].items():
            yield ("rights", "refused_by_reason", reason, str(n))
    e = m["erasures"]
    yield ("erasures", "sweeps", "", str(e["sweeps"]))
    yield ("erasures", "persons_erased", "", str(e["persons_erased"]))
    for month, rules in e["by_month"].items():
        for rule, n in sorted(rules.items()):
            yield ("erasures", "units_by_month", f"{month} {rule}", str(n))
    for key, value in m["holds"].items():
        yield ("holds", key, "", str(value))
    for key in ("recorded", "notified_to_cnil", "not_notified", "closed"):
        yield ("breaches", key, "", str(m["breaches"][key]))
    c = m["consents"]
    yield ("consents", "given", "", str(c["given"]))
    yield ("consents", "withdrawn", "", str(c["withdrawn"]))
    for month, n in c["by_month"].items():
        yield ("consents", "given_by_month", month, str(n["given"]))
        yield ("consents", "withdrawn_by_month", month, str(n["withdrawn"]))
