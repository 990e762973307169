"""The letter that goes with each step told to a requester (refusal, extension, answer...).

The notice text (``documents.notices``) is what an e-mail or SMS carries; the letter is the same
message on the controller's paper, for the post and the file: the date, the request's number and
day of receipt, the text, what the step did (what was erased or kept and why, the data
rectified, the services and recipients told, the objection recorded), then the rights, the CNIL
complaint route and the DPO's contact, which Art. 12(4) requires with any refusal and which every
answer benefits from. Nothing of the requester's data is repeated beyond what the step needs:
field names and categories, never their values. Pure: built from the policy and the step's detail.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from charte.domain.policy import Policy
from charte.domain.vocabulary import Language
from charte.services.documents import wording as w
from charte.services.documents.charter import rights_section
from charte.services.documents.model import Block, Bullets, Document, Heading, Paragraph, Table
from charte.services.documents.notices import KEPT_WHY

FR, EN = Language.FR, Language.EN

_T: dict[str, dict[Language, str]] = {
    "ref": {
        FR: "Référence : votre demande n° {n}, reçue le {d}",
        EN: "Reference: your request no. {n}, received on {d}",
    },
    "erased.h": {FR: "Ce que nous avons effacé", EN: "What we erased"},
    "kept.h": {FR: "Ce que nous conservons, et pourquoi", EN: "What we keep, and why"},
    "col.data": {FR: "Données", EN: "Data"},
    "col.why": {FR: "Motif", EN: "Reason"},
    "col.until": {FR: "Effacement le", EN: "Erased on"},
    "open": {FR: "à la fin de la relation", EN: "when the relationship ends"},
    "fields": {FR: "Données rectifiées : {x}.", EN: "Data rectified: {x}."},
    "fields.erased": {FR: "Données effacées : {x}.", EN: "Data erased: {x}."},
    "systems": {FR: "Nos systèmes informés : {x}.", EN: "Our systems told: {x}."},
    "recipients": {
        FR: "Destinataires de vos données informés (article 19 du RGPD) : {x}.",
        EN: "Recipients of your data told (GDPR Article 19): {x}.",
    },
    "objected": {
        FR: "Finalité à laquelle vous vous opposez : {x}.",
        EN: "Purpose you object to: {x}.",
    },
    "suppressed": {
        FR: "Pour que votre opposition soit respectée, vos coordonnées sont conservées sous une forme "
        "chiffrée dans une liste d'opposition, utilisée à cette seule fin, jusqu'au {d}.",
        EN: "So that your objection is respected, your contact details are kept in a keyed (unreadable) "
        "form in a suppression list, used for that sole purpose, until {d}.",
    },
    "ground": {FR: "Motif de la limitation : {x}.", EN: "Ground of the restriction: {x}."},
}

_GROUNDS = {
    "accuracy": {
        FR: "vous contestez l'exactitude de vos données (article 18.1.a du RGPD)",
        EN: "you contest the accuracy of your data (GDPR Article 18(1)(a))",
    },
    "unlawful": {
        FR: "le traitement est illicite et vous préférez la limitation à l'effacement (article 18.1.b)",
        EN: "the processing is unlawful and you prefer restriction to erasure (Article 18(1)(b))",
    },
    "legal_claims": {
        FR: "vous en avez besoin pour la constatation, l'exercice ou la défense de droits en justice "
        "(article 18.1.c)",
        EN: "you need them for the establishment, exercise or defence of legal claims (Article 18(1)(c))",
    },
    "objection_pending": {
        FR: "votre opposition est en cours d'examen (article 18.1.d)",
        EN: "your objection is being examined (Article 18(1)(d))",
    },
}


def _t(key: str, lang: Language, **values: Any) -> str:
    return _T[key][lang].format(**values)


def build(
    *,
    policy: Policy,
    lang: Language,
    request_id: int,
    received_on: date,
    today: date,
    subject: str,
    text: str,
    detail: dict[str, Any] | None = None,
) -> Document:
    """The letter for one step: ``subject`` and ``text`` are the notice's, ``detail`` what the
    step did (the keys the rights effects return: erased, kept, fields, orders, recipients,
    purpose, suppressed_until, ground)."""
    blocks: list[Block] = [
        Paragraph(
            # The DPO's postal address may begin with their title: said once in the letterhead.
            " – ".join(
                dict.fromkeys((policy.controller.name, policy.dpo.title(lang), *policy.dpo.postal_address))
            )
        ),
        Paragraph(w.t("letter.date", lang, d=w.day(today, lang))),
        Paragraph(_t("ref", lang, n=request_id, d=w.day(received_on, lang))),
        Paragraph(w.t("letter.hello", lang)),
        *(Paragraph(part) for part in text.split("\n\n") if part.strip()),
        *_what_was_done(policy, lang, detail or {}),
        *rights_section(policy, lang),
        Paragraph(w.t("letter.bye", lang)),
        Paragraph(policy.dpo.title(lang)),
    ]
    return Document(title=subject, lang=lang, blocks=tuple(blocks))


def _what_was_done(p: Policy, lang: Language, detail: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    labels = {sid: c.label(lang) for sid, c in p.subject_categories.items()}

    def unit(u: dict[str, Any]) -> str:
        name = labels.get(u["unit"], u["unit"])
        return f"{name} ({u['context']})" if u.get("context") else name

    if detail.get("erased"):
        blocks += [Heading(3, _t("erased.h", lang)), Bullets(tuple(unit(u) for u in detail["erased"]))]
    if detail.get("kept"):
        rows = tuple(
            (
                unit(k),
                KEPT_WHY[k["why"]][lang] if k["why"] in KEPT_WHY else k["why"],
                w.day(date.fromisoformat(k["until"]), lang) if k.get("until") else _t("open", lang),
            )
            for k in detail["kept"]
        )
        blocks += [
            Heading(3, _t("kept.h", lang)),
            Table((_t("col.data", lang), _t("col.why", lang), _t("col.until", lang)), rows),
        ]
    lines: list[str] = []
    if detail.get("fields"):
        # An erasure's answer names the fields that went; a rectification's those it changed.
        key = "fields.erased" if "erased" in detail else "fields"
        named = list(dict.fromkeys(p.field_label(f, lang) for f in detail["fields"]))
        lines.append(_t(key, lang, x=", ".join(named)))
    if detail.get("ground") in _GROUNDS:
        lines.append(_t("ground", lang, x=_GROUNDS[detail["ground"]][lang]))
    if detail.get("purpose") in p.purposes:
        lines.append(_t("objected", lang, x=p.purposes[detail["purpose"]].label(lang).lower()))
    if isinstance(detail.get("orders"), list) and detail["orders"]:  # an erasure counts them
        systems = sorted({p.systems[s].label(lang) if s in p.systems else s for s in detail["orders"]})
        lines.append(_t("systems", lang, x=", ".join(systems)))
    if detail.get("recipients"):
        told = sorted({p.roles[r].label(lang) if r in p.roles else r for r in detail["recipients"]})
        lines.append(_t("recipients", lang, x=", ".join(told)))
    if detail.get("suppressed_until"):
        lines.append(_t("suppressed", lang, d=w.day(date.fromisoformat(detail["suppressed_until"]), lang)))
    return blocks + [Paragraph(line) for line in lines]
