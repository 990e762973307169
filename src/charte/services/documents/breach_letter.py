"""What is written about a breach: the letter to each person (GDPR Art. 34(2)), the public
communication (Art. 34(3)(c)) and the draft of the CNIL notification (Art. 33(3)).

Art. 34(2): the letter describes in clear and plain language the nature of the breach and gives at
least the DPO's contact, the likely consequences and the measures taken or proposed, including to
mitigate its possible adverse effects (Art. 33(3)(b)-(d)). charte adds what only it can say: which
of the person's data were reached (field names, never their values). The DPO team's texts (the
facts' description, consequences, measures) go in as written: each may be one text, or one per
language (``{"fr": ..., "en": ...}``).

The CNIL draft follows Art. 33(3) — the nature of the breach with the categories and approximate
numbers of persons and records, the DPO's contact, the likely consequences, the measures — under
the headings of the CNIL's online notification (the organisation, the notification's kind, the
breach and its dates, the data and persons, the consequences, the measures, the information of the
persons, the reasons for a delay). Pure: built from the policy and the breach's record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from charte.domain.policy import Policy
from charte.domain.vocabulary import Language
from charte.services.documents import wording as w
from charte.services.documents.model import Block, Bullets, Document, Heading, Paragraph, Table

FR, EN = Language.FR, Language.EN

_T: dict[str, dict[Language, str]] = {
    "title": {FR: "Information sur une violation de vos données personnelles",
              EN: "Information about a breach of your personal data"},
    "public.title": {FR: "Communication publique sur une violation de données personnelles",
                     EN: "Public communication about a personal-data breach"},
    "intro": {
        FR: "Nous vous informons, conformément à l'article 34 du RGPD, d'une violation de données "
        "personnelles survenue chez {c} (référence {n}) et qui touche des données vous concernant.",
        EN: "As GDPR Article 34 requires, we inform you of a personal-data breach at {c} (reference {n}) "
        "that concerns data about you.",
    },
    "public.intro": {
        FR: "{c} informe le public, conformément à l'article 34.3.c du RGPD, d'une violation de données "
        "personnelles (référence {n}) : informer chaque personne individuellement exigerait des efforts "
        "disproportionnés.",
        EN: "{c} informs the public, as GDPR Article 34(3)(c) provides, of a personal-data breach "
        "(reference {n}): informing each person individually would involve disproportionate effort.",
    },
    "h.what": {FR: "Ce qui s'est passé", EN: "What happened"},
    "nature": {FR: "Nature de la violation : {x}.", EN: "Nature of the breach: {x}."},
    "when": {FR: "Nous en avons eu connaissance le {d}.", EN: "We became aware of it on {d}."},
    "h.yours": {FR: "Vos données concernées", EN: "Your data concerned"},
    "yours": {FR: "Les données vous concernant qui ont pu être atteintes : {x}.",
              EN: "The data about you that may have been reached: {x}."},
    "h.consequences": {FR: "Conséquences probables", EN: "Likely consequences"},
    "h.measures": {FR: "Mesures prises", EN: "Measures taken"},
    "h.proposed": {FR: "Ce que nous vous recommandons", EN: "What we recommend"},
    "h.dpo": {FR: "Pour toute question", EN: "Questions"},
    "dpo": {FR: "Notre délégué à la protection des données : {e} ; {a}.",
            EN: "Our data protection officer: {e}; {a}."},
    "complaint": {FR: "Vous pouvez aussi introduire une réclamation auprès de la {n} : {u}.",
                  EN: "You may also lodge a complaint with the {n}: {u}."},
    "none": {FR: "Non renseigné.", EN: "Not stated."},
}  # fmt: skip

NATURES = {
    "confidentiality": {FR: "perte de confidentialité (accès ou divulgation non autorisés)",
                        EN: "loss of confidentiality (unauthorised access or disclosure)"},
    "integrity": {FR: "perte d'intégrité (modification non autorisée)",
                  EN: "loss of integrity (unauthorised alteration)"},
    "availability": {FR: "perte de disponibilité (perte ou destruction, accès perdu)",
                     EN: "loss of availability (loss or destruction, access lost)"},
}  # fmt: skip


def _t(key: str, lang: Language, **values: Any) -> str:
    return _T[key][lang].format(**values)


def said(value: Any, lang: Language) -> str | None:
    """A fact's text in ``lang``: one text as written, or its version in that language (the other
    one, if only the other was written)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        found = value.get(lang.value) or next((v for v in value.values() if isinstance(v, str)), None)
        return found if isinstance(found, str) else None
    return None


def _natures(natures: Sequence[str], lang: Language) -> str:
    return w.join([NATURES[n][lang] for n in natures if n in NATURES], lang)


def _dpo(p: Policy, lang: Language) -> str:
    return _t("dpo", lang, e=p.dpo.email, a=", ".join(p.dpo.postal_address))


def _texts(facts: Mapping[str, Any], lang: Language) -> list[Block]:
    blocks: list[Block] = []
    for heading, key in (("h.consequences", "consequences"), ("h.measures", "measures_taken"),
                         ("h.proposed", "measures_proposed")):  # fmt: skip
        blocks += [Heading(2, _t(heading, lang)), Paragraph(said(facts.get(key), lang) or _t("none", lang))]
    return blocks


def letter(
    p: Policy,
    *,
    breach: int,
    natures: Sequence[str],
    aware_at: datetime,
    facts: Mapping[str, Any],
    fields: Sequence[str],
    lang: Language,
    today: date,
) -> Document:
    """The letter to one person (Art. 34(2)), naming the fields of theirs that were reached."""
    reached = w.join([p.field_label(f, lang) for f in fields if f in p.fields], lang)
    blocks: list[Block] = [
        Paragraph(w.day(today, lang)),
        Paragraph(_t("intro", lang, c=p.controller.name, n=breach)),
        Heading(2, _t("h.what", lang)),
        Paragraph(said(facts.get("description"), lang) or _t("none", lang)),
        Paragraph(_t("nature", lang, x=_natures(natures, lang))),
        Paragraph(_t("when", lang, d=w.day(aware_at.date(), lang))),
    ]
    if reached:
        blocks += [Heading(2, _t("h.yours", lang)), Paragraph(_t("yours", lang, x=reached))]
    blocks += _texts(facts, lang)
    blocks += _contacts(p, lang)
    return Document(title=_t("title", lang), lang=lang, blocks=tuple(blocks))


def public_notice(
    p: Policy,
    *,
    breach: int,
    natures: Sequence[str],
    aware_at: datetime,
    facts: Mapping[str, Any],
    lang: Language,
    today: date,
) -> Document:
    """The public communication (Art. 34(3)(c)): the same contents, to everyone."""
    blocks: list[Block] = [
        Paragraph(w.day(today, lang)),
        Paragraph(_t("public.intro", lang, c=p.controller.name, n=breach)),
        Heading(2, _t("h.what", lang)),
        Paragraph(said(facts.get("description"), lang) or _t("none", lang)),
        Paragraph(_t("nature", lang, x=_natures(natures, lang))),
        Paragraph(_t("when", lang, d=w.day(aware_at.date(), lang))),
        *_texts(facts, lang),
        *_contacts(p, lang),
    ]
    return Document(title=_t("public.title", lang), lang=lang, blocks=tuple(blocks))


def _contacts(p: Policy, lang: Language) -> list[Block]:
    authority = p.supervisory_authority
    return [
        Heading(2, _t("h.dpo", lang)),
        Paragraph(_dpo(p, lang)),
        Paragraph(_t("complaint", lang, n=authority.name, u=authority.complaint_url)),
    ]


# The CNIL draft: French, the headings of the CNIL's online notification; each value from the register.
_CNIL_HEADINGS = (
    ("organisme", "Organisme"),
    ("notification", "Notification"),
    ("violation", "La violation"),
    ("donnees", "Données et personnes concernées"),
    ("consequences", "Conséquences probables"),
    ("mesures", "Mesures prises ou envisagées"),
    ("information", "Information des personnes"),
    ("retard", "Motifs du retard"),
)


def cnil_draft(p: Policy, record: Mapping[str, Any], *, phase: str) -> dict[str, Any]:
    """The notification's contents as JSON (Art. 33(3)); ``record`` is the breach as
    ``services.breaches.view`` gives it."""
    facts: Mapping[str, Any] = record.get("facts") or {}
    scope: Mapping[str, Any] = record.get("scope") or {}
    persons = scope.get("persons") or {}
    found = int(persons.get("in_register", 0)) + int(persons.get("erased", 0)) if persons else None
    first_notice = next((s for s in record["timeline"] if s["step"] == "cnil_notified"), None)
    fr = Language.FR
    return {
        "organisme": {
            "nom": p.controller.name,
            "coordonnees": list(p.controller.contact),
            "dpo": {"email": p.dpo.email, "adresse": list(p.dpo.postal_address)},
        },
        "notification": {
            "type": phase,
            "reference_cnil": record.get("cnil_reference"),
            "violation": record["breach"],
        },
        "violation": {
            "intitule": record["title"],
            "decouverte_le": record["discovered_at"],
            "decouverte_par": record["discovered_by"],
            "connaissance_le": record["aware_at"],
            "sous_traitant": record.get("processor"),
            "nature": list(record["natures"]),
            "cause": said(facts.get("cause"), fr),
            "description": said(facts.get("description"), fr),
            "systemes": list(facts.get("systems", [])),
            "echeance_72h": record["clock"]["deadline_at"],
        },
        "donnees": {
            "categories_de_donnees": list(scope.get("data_categories") or facts.get("data_categories", [])),
            "champs": dict(scope.get("fields") or {}),
            "categories_de_personnes": dict(scope.get("subject_categories") or {})
            or list(facts.get("subject_categories", [])),
            "nombre_de_personnes": found if found is not None else facts.get("persons_estimate"),
            "nombre_d_enregistrements": facts.get("records_estimate"),
            "source": "périmètre calculé depuis le journal d'audit" if persons else "estimation",
            "journal_verifie": (scope.get("chain") or {}).get("ok"),
        },
        "consequences": said(facts.get("consequences"), fr),
        "mesures": {
            "prises": said(facts.get("measures_taken"), fr),
            "envisagees": said(facts.get("measures_proposed"), fr),
        },
        "information": {
            "personnes_informees": record.get("tell_persons"),
            "motif": record.get("tell_persons_why"),
        },
        "retard": (first_notice or {}).get("detail", {}).get("delay_reasons"),
    }


def cnil_document(draft: Mapping[str, Any]) -> Document:
    """The draft as a document for the file (PDF, HTML): one table per heading."""
    blocks: list[Block] = []
    for key, heading in _CNIL_HEADINGS:
        value = draft.get(key)
        blocks.append(Heading(2, heading))
        if isinstance(value, Mapping):
            rows = tuple((k.replace("_", " "), _cell(v)) for k, v in value.items())
            blocks.append(Table(("Rubrique", "Valeur"), rows, key=key))
        else:
            blocks.append(Paragraph(_cell(value)))
    bullets = ("Brouillon préparé par charte à partir du registre des violations ; à vérifier avant envoi.",)
    return Document(title="Notification d'une violation de données personnelles (brouillon)", lang=FR,
                    blocks=(Bullets(bullets), *blocks))  # fmt: skip


def _cell(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return " ; ".join(f"{k} : {_cell(v)}" for k, v in value.items())
    return str(value)
