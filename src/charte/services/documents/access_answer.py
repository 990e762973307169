"""The answer to an access request (GDPR Art. 15): the data as JSON, and the cover letter.

Art. 15(1) lists what the answer states: the purposes, the categories of data, the recipients,
the retention period, the rights, the complaint to the CNIL, the source where the data were not
collected from the person; 15(3) a copy of the data. The CJEU (C-579/21, 22 June 2023) adds the
consultations of the person's data — when, for what — without naming the staff who made them:
each is told by its role. Other people's data appear only where the requester provided them (the
trusted persons a client designated; 15(4)).

Pure: the use case gathers the inputs (through the access gate, audited) and renders the outputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from charte.domain.policy import Policy
from charte.domain.vocabulary import Language, SourceKind
from charte.services.alarms import AlarmCall
from charte.services.audit import Consultation
from charte.services.calls import CallView
from charte.services.disclosures import Disclosure
from charte.services.documents import wording as w
from charte.services.documents.charter import rights_section
from charte.services.documents.confirmation import Stating
from charte.services.documents.model import Block, Bullets, Document, Heading, Paragraph, Table
from charte.services.person_view import Designated
from charte.services.read_model import plain
from charte.services.retention import UnitView

FR, EN = Language.FR, Language.EN

_T: dict[str, dict[Language, str]] = {
    "title": {FR: "Réponse à votre demande d'accès n° {n}", EN: "Answer to your access request no. {n}"},
    "subject": {
        FR: "Objet : votre demande d'accès reçue le {d}",
        EN: "Subject: your access request received on {d}",
    },
    "intro": {
        FR: "Vous nous avez demandé l'accès aux données personnelles vous concernant (article 15 du RGPD). Vous "
        "trouverez ci-joint, dans le fichier data.json, une copie de l'ensemble des données que nous détenons "
        "sur vous, les destinataires auxquels elles ont été communiquées et les consultations dont elles ont "
        "fait l'objet. Ce courrier en résume le contenu et vous dit, pour chacune, pourquoi nous la détenons "
        "et jusqu'à quand.",
        EN: "You asked for access to the personal data about you (GDPR Article 15). The attached data.json "
        "file holds a copy of all the data we hold about you, the recipients they were disclosed to and the "
        "consultations they were the subject of. This letter summarises it and tells you, for each, why we "
        "hold it and until when.",
    },
    "nothing": {
        FR: "Vous nous avez demandé l'accès aux données personnelles vous concernant (article 15 du RGPD). Après "
        "vérification, nous ne détenons aucune donnée personnelle vous concernant.",
        EN: "You asked for access to the personal data about you (GDPR Article 15). Having checked, we hold no "
        "personal data about you.",
    },
    "h.held": {FR: "Les données que nous détenons", EN: "The data we hold"},
    "calls": {
        FR: "Appels : nous conservons la trace de {n} appel(s) avec vous, dont {r} enregistré(s) ; le fichier "
        "data.json en donne la date, le sens et les finalités. Ils sont conservés {k}, au plus tard "
        "jusqu'au {d}, sauf contentieux. Vous pouvez demander à écouter un enregistrement.",
        EN: "Calls: we keep a record of {n} call(s) with you, {r} of them recorded; data.json gives their date, "
        "direction and purposes. They are kept {k}, at the latest until {d}, unless in litigation. You "
        "may ask to listen to a recording.",
    },
    "calls.held": {
        FR: "Appels : nous conservons la trace de {n} appel(s) avec vous, dont {r} enregistré(s), conservés "
        "pour un contentieux jusqu'à l'épuisement des voies de recours.",
        EN: "Calls: we keep a record of {n} call(s) with you, {r} of them recorded, kept for litigation until "
        "all appeal routes are exhausted.",
    },
    "as": {FR: "En tant que {s}{c}", EN: "As {s}{c}"},
    "context.contract": {FR: " (contrat {r})", EN: " (contract {r})"},
    "context.site": {FR: " (site {r})", EN: " (site {r})"},
    "categories": {FR: "Données : {x}.", EN: "Data: {x}."},
    "purposes": {FR: "Finalités et bases légales : {x}.", EN: "Purposes and legal bases: {x}."},
    "source": {
        FR: "Source : ces données ont été collectées {x}.",
        EN: "Source: these data were collected {x}.",
    },
    "kept.until": {
        FR: "Conservation : {x} ; elles seront effacées le {d}.",
        EN: "Retention: {x}; they will be erased on {d}.",
    },
    "kept.open": {
        FR: "Conservation : {x} ; la date d'effacement sera fixée à la fin de la relation.",
        EN: "Retention: {x}; the erasure date will be set when the relationship ends.",
    },
    "kept.held": {
        FR: "Conservation : {x} ; elles sont actuellement conservées pour un contentieux, jusqu'à l'épuisement des voies de recours.",
        EN: "Retention: {x}; they are currently kept for litigation, until all appeal routes are exhausted.",
    },
    "designated": {
        FR: "Les personnes de confiance que vous nous avez désignées figurent aussi dans le fichier, telles que vous nous les avez communiquées.",
        EN: "The trusted persons you designated also appear in the file, as you gave them to us.",
    },
    "restricted": {
        FR: "L'utilisation de vos données est limitée depuis le {d} (article 18 du RGPD).",
        EN: "The use of your data has been restricted since {d} (GDPR Article 18).",
    },
    "h.recipients": {FR: "Destinataires", EN: "Recipients"},
    "recipients": {
        FR: "Peuvent accéder à vos données, chacun pour sa mission : {x}.",
        EN: "May access your data, each for their task: {x}.",
    },
    "disclosed": {FR: "Vos données ont été communiquées :", EN: "Your data were disclosed:"},
    "disclosure": {
        FR: "le {d} à : {r}, pour : {p} ({n} donnée(s))",
        EN: "on {d} to: {r}, for: {p} ({n} item(s))",
    },
    "never.disclosed": {
        FR: "Vos données n'ont été communiquées à aucun destinataire extérieur.",
        EN: "Your data were not disclosed to any outside recipient.",
    },
    "h.consulted": {FR: "Consultations de vos données", EN: "Consultations of your data"},
    "consulted": {
        FR: "Vos données ont été consultées {n} fois ; le détail (date, finalité, fonction de la personne) figure dans le fichier. En résumé :",
        EN: "Your data were consulted {n} times; the details (date, purpose, function of the person) are in the file. In summary:",
    },
    "never.consulted": {FR: "Vos données n'ont pas été consultées.", EN: "Your data were not consulted."},
    "col.purpose": {FR: "Finalité", EN: "Purpose"},
    "col.by": {FR: "Consultées par", EN: "Consulted by"},
    "col.count": {FR: "Nombre", EN: "Count"},
    "col.first": {FR: "Première", EN: "First"},
    "col.last": {FR: "Dernière", EN: "Last"},
}


def _t(key: str, lang: Language, **values: Any) -> str:
    return _T[key][lang].format(**values)


@dataclass(frozen=True, slots=True)
class AccessAnswer:
    data: dict[str, Any]
    letter: Document


def build(
    *,
    policy: Policy,
    lang: Language,
    request_id: int,
    received_on: date,
    today: date,
    person: dict[str, Any] | None,
    designated: Sequence[Designated],
    units: list[UnitView],
    disclosures: Sequence[Disclosure],
    consultations: Sequence[Consultation],
    calls: Sequence[CallView] = (),
    alarm_calls: Sequence[AlarmCall] = (),
) -> AccessAnswer:
    p = policy
    role_label = {rid: r.label(lang) for rid, r in p.roles.items()}
    purpose_label = {pid: x.label(lang) for pid, x in p.purposes.items()}
    data: dict[str, Any] = {
        "request": {
            "id": request_id,
            "type": "access",
            "received_on": received_on.isoformat(),
            "answered_on": today.isoformat(),
        },
        "controller": p.controller.name,
        "person": person,
        "designated_trusted_persons": [plain(d) for d in designated],
        "retention": [_unit(u) for u in units],
        "disclosures": [
            {
                "on": d.at.date().isoformat(),
                "to": d.to,
                "to_label": role_label.get(d.to, d.to),
                "purpose": d.purpose,
                "fields": list(d.fields),
            }
            for d in disclosures
        ],
        "calls": [_call(c) for c in calls],
        "alarm_calls": [
            a.as_dict() for a in alarm_calls
        ],  # the station's call attempts that reached the person
        "consultations": [
            {
                "on": c.at.date().isoformat(),
                "at": c.at.isoformat(),
                "purpose": c.purpose,
                "by": role_label.get(c.role or "", c.role),
                "action": c.action,
            }
            for c in consultations
        ],
    }
    blocks: list[Block] = [
        Paragraph(w.t("letter.date", lang, d=w.day(today, lang))),
        Paragraph(_t("subject", lang, d=w.day(received_on, lang))),
        Paragraph(w.t("letter.hello", lang)),
    ]
    if person is None:
        blocks.append(Paragraph(_t("nothing", lang)))
    else:
        blocks += [Paragraph(_t("intro", lang)), *_held(p, lang, person, units, Stating(p, lang))]
        if designated:
            blocks.append(Paragraph(_t("designated", lang)))
        if person.get("restricted"):
            since = date.fromisoformat(person["restricted"]["since"])
            blocks.append(Paragraph(_t("restricted", lang, d=w.day(since, lang))))
        if calls:
            recorded = [c for c in calls if c.recorded]
            ends = sorted(c.retention_end for c in calls if c.retention_end)
            blocks.append(
                Paragraph(
                    _t(
                        "calls",
                        lang,
                        n=len(calls),
                        r=len(recorded),
                        d=w.day(ends[-1], lang),
                        k=w.duration(p.retention[p.recordings.retention].period, lang),
                    )
                    if ends
                    else _t("calls.held", lang, n=len(calls), r=len(recorded))
                )
            )
        blocks += _recipients(p, lang, person, data["disclosures"], purpose_label)
        blocks += _consulted(lang, data["consultations"], purpose_label)
    blocks += [*rights_section(p, lang), Paragraph(w.t("letter.bye", lang)), Paragraph(p.dpo.title(lang))]
    return AccessAnswer(
        data, Document(title=_t("title", lang, n=request_id), lang=lang, blocks=tuple(blocks))
    )


_CALL_KEYS = ("ref", "at", "direction", "number", "recorded", "listened_live", "purposes", "retention_end",
              "purge_due", "held_by", "audio")  # fmt: skip


def _call(call: CallView) -> dict[str, Any]:
    """A call as the answer's data.json gives it: its metadata (the audio and the transcript are
    given on request, Art. 15(3) by another copy)."""
    shown = plain(call)
    return {k: shown[k] for k in _CALL_KEYS}


def _unit(u: UnitView) -> dict[str, Any]:
    keep = ("unit", "context", "rule", "status", "retention_end", "purge_due")
    return {k: v for k, v in u.as_dict().items() if k in keep}


def _held(
    p: Policy, lang: Language, person: dict[str, Any], units: list[UnitView], say: Stating
) -> list[Block]:
    """What is held for each role; a basis or a period the policy only assumes is marked as in the
    charter (« [à confirmer : key] »): the letter is the person's, and tells nothing assumed as fact."""
    blocks: list[Block] = [Heading(2, _t("h.held", lang))]
    sources: dict[str, list[str]] = person.get("field_sources", {})
    unit_of = {(u.unit, u.context or ""): u for u in units}
    for role in person["roles"]:
        category = p.subject_categories.get(role["role"])
        if category is None:
            continue
        context = ""
        if role["contract"]:
            context = _t("context.contract", lang, r=role["contract"])
        elif role["site"]:
            context = _t("context.site", lang, r=role["site"])
        fields = [f for f, given_as in sources.items() if role["role"] in given_as and f in p.fields]
        cats = list(dict.fromkeys(p.data_categories[p.fields[f]].label(lang).lower() for f in fields))
        # Calls and recordings have their own purposes, told with the calls once charte holds them.
        purposes = dict.fromkeys(
            pid
            for a in p.activities_for_subject(category.id)
            for pid in a.purposes
            if pid not in p.recordings.purposes
        )
        named = [
            f"{p.purposes[x].label(lang).lower()} ({w.basis_of(p.purposes[x], category.id, lang)})"
            for x in purposes
        ]
        source = w.source_of(
            SourceKind(role["source"]["kind"]), category.party_to_contract, lang, category.id
        )
        rule = p.retention[category.retention]
        phrase = w.retention(rule.anchor, rule.period, lang, party_to_contract=category.party_to_contract)
        unit = unit_of.get((role["role"], role["contract"] or role["site"] or ""))
        if unit is not None and unit.status == "held":
            kept = _t("kept.held", lang, x=phrase)
        elif unit is not None and unit.purge_due:
            kept = _t("kept.until", lang, x=phrase, d=w.day(unit.purge_due, lang))
        else:
            kept = _t("kept.open", lang, x=phrase)
        bases = [
            k
            for x in purposes
            for k in (("purposes", x, "legal_basis"), ("purposes", x, "by_subject", category.id))
        ]
        kept = say(
            kept, ("retention", category.retention, "anchor"), ("retention", category.retention, "period")
        )
        items = [
            _t("categories", lang, x=w.join(cats, lang)) if cats else None,
            say(_t("purposes", lang, x=w.join(named, lang)), *bases),
            _t("source", lang, x=source),
            kept,
        ]
        blocks += [
            Heading(3, _t("as", lang, s=category.label(lang).lower(), c=context)),
            Bullets(tuple(i for i in items if i)),
        ]
    return blocks


def _recipients(
    p: Policy,
    lang: Language,
    person: dict[str, Any],
    disclosed: list[dict[str, Any]],
    purpose_label: dict[str, str],
) -> list[Block]:
    categories = {r["role"] for r in person["roles"]}
    recipients = dict.fromkeys(
        rid for a in p.activities.values() if categories & set(a.subject_categories) for rid in a.recipients
    )
    names = [p.roles[r].label(lang) for r in recipients if r in p.roles]
    blocks: list[Block] = [
        Heading(2, _t("h.recipients", lang)),
        Paragraph(_t("recipients", lang, x=w.join(names, lang))),
    ]
    if not disclosed:
        return [*blocks, Paragraph(_t("never.disclosed", lang))]
    items = tuple(
        _t(
            "disclosure",
            lang,
            d=w.day(date.fromisoformat(d["on"]), lang),
            r=d["to_label"],
            p=purpose_label.get(d["purpose"], d["purpose"]).lower(),
            n=len(d["fields"]),
        )
        for d in disclosed
    )
    return [*blocks, Paragraph(_t("disclosed", lang)), Bullets(items)]


def _consulted(
    lang: Language, consultations: list[dict[str, Any]], purpose_label: dict[str, str]
) -> list[Block]:
    blocks: list[Block] = [Heading(2, _t("h.consulted", lang))]
    if not consultations:
        return [*blocks, Paragraph(_t("never.consulted", lang))]
    groups = Counter((c["purpose"], c["by"]) for c in consultations)
    first: dict[tuple[str, str], str] = {}
    last: dict[tuple[str, str], str] = {}
    for c in consultations:
        key = (c["purpose"], c["by"])
        first.setdefault(key, c["on"])
        last[key] = c["on"]
    rows = tuple(
        (
            purpose_label.get(purpose, purpose or "-"),
            by or "-",
            str(n),
            w.day(date.fromisoformat(first[(purpose, by)]), lang),
            w.day(date.fromisoformat(last[(purpose, by)]), lang),
        )
        for (purpose, by), n in sorted(groups.items(), key=lambda kv: (first[kv[0]], kv[0]))
    )
    headers = tuple(_t(k, lang) for k in ("col.purpose", "col.by", "col.count", "col.first", "col.last"))
    return [
        *blocks,
        Paragraph(_t("consulted", lang, n=len(consultations))),
        Table(headers, rows, key="consultations"),
    ]
