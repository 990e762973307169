"""The breach register's words in French and English: charte's reasons for what it proposes, the
facts' names and the follow-ups' kinds — what the console shows and the API gives beside each code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from charte.domain.breaches import Reason, Why
from charte.domain.policy import Policy
from charte.domain.vocabulary import Language
from charte.services.documents import wording as w

FR, EN = Language.FR, Language.EN

REASONS: dict[Why, dict[Language, str]] = {
    Why.NOBODY: {FR: "aucune personne n'est connue comme concernée : risque improbable, la violation est "
                     "seulement inscrite au registre",
                 EN: "no person is known to be affected: unlikely to result in a risk, the breach is only "
                     "recorded"},
    Why.RESTORED: {FR: "disponibilité seule, rétablie à temps, sans copie : risque improbable",
                   EN: "availability only, restored in time, no copy made: unlikely to result in a risk"},
    Why.RISK: {FR: "{n} personne(s) concernée(s) par une perte de {x} : risque probable, notifier la CNIL",
               EN: "{n} person(s) affected by a loss of {x}: likely a risk, notify the CNIL"},
    Why.SEVERE: {FR: "des données dont la divulgation peut causer un préjudice grave ont été "
                     "atteintes ({x}) : gravité des conséquences",
                 EN: "data whose disclosure can cause serious harm were reached ({x}): severity of the "
                     "consequences"},
    Why.VULNERABLE: {FR: "des personnes vulnérables sont concernées", EN: "vulnerable persons are affected"},
    Why.MANY: {FR: "{n} personnes concernées (seuil de la politique : {t})",
               EN: "{n} persons affected (the policy's threshold: {t})"},
    Why.UNINTELLIGIBLE: {FR: "les données étaient inintelligibles pour qui les a atteintes : pas de lettres",
                         EN: "the data were unintelligible to whoever reached them: no letters"},
    Why.MITIGATED: {FR: "les mesures prises depuis rendent le risque élevé improbable : pas de lettres",
                    EN: "measures taken since make the high risk no longer likely: no letters"},
    Why.TELL: {FR: "risque élevé : informer les personnes dans les meilleurs délais",
               EN: "high risk: tell the persons without undue delay"},
}  # fmt: skip

NATURE_WORDS = {
    "confidentiality": {FR: "confidentialité", EN: "confidentiality"},
    "integrity": {FR: "intégrité", EN: "integrity"},
    "availability": {FR: "disponibilité", EN: "availability"},
}

FACTS = {
    "cause": {FR: "Cause", EN: "Cause"},
    "description": {FR: "Ce qui s'est passé", EN: "What happened"},
    "systems": {FR: "Systèmes", EN: "Systems"},
    "actors": {FR: "Comptes", EN: "Accounts"},
    "recipients": {FR: "Destinataires", EN: "Recipients"},
    "exports": {FR: "Exports ou fichiers", EN: "Exports or files"},
    "data_categories": {FR: "Catégories de données", EN: "Data categories"},
    "subject_categories": {FR: "Catégories de personnes", EN: "Categories of persons"},
    "persons_estimate": {FR: "Nombre de personnes (estimation)", EN: "Number of persons (estimate)"},
    "records_estimate": {FR: "Nombre d'enregistrements (estimation)", EN: "Number of records (estimate)"},
    "consequences": {FR: "Conséquences probables", EN: "Likely consequences"},
    "measures_taken": {FR: "Mesures prises", EN: "Measures taken"},
    "measures_proposed": {FR: "Mesures envisagées", EN: "Measures proposed"},
}

KINDS = {
    "actor_revoked": {FR: "compte révoqué", EN: "account revoked"},
    "passwords_reset": {FR: "nouveaux mots de passe imposés", EN: "new passwords forced"},
    "codes_rotation_ordered": {FR: "changement des codes d'accès demandé aux systèmes",
                               EN: "systems ordered to change the access codes"},
    "cnil_draft": {FR: "brouillon de notification préparé", EN: "notification drafted"},
    "letters": {FR: "lettres envoyées", EN: "letters sent"},
    "public_communication": {FR: "communication publique", EN: "public communication"},
}  # fmt: skip


def reason(r: Reason, policy: Policy, lang: Language) -> str:
    """One of charte's reasons in words, with its source."""
    if r.why is Why.RISK:
        items = w.join([NATURE_WORDS[x][lang] for x in r.items if x in NATURE_WORDS], lang)
    else:
        items = w.join(
            [
                policy.data_categories[c].label(lang).lower() if c in policy.data_categories else c
                for c in r.items
            ],
            lang,
        )
    return REASONS[r.why][lang].format(n=r.persons, x=items, t=r.threshold) + f" ({r.source})"


def reasons_json(reasons: tuple[Reason, ...], policy: Policy) -> list[dict[str, Any]]:
    """The reasons as the register keeps them: the code, its values, its source, its words."""
    return [
        {"why": r.why.value, "persons": r.persons, "items": list(r.items), "threshold": r.threshold,
         "source": r.source, "fr": reason(r, policy, FR), "en": reason(r, policy, EN)}
        for r in reasons
    ]  # fmt: skip


def fact_value(value: Any, lang: Language, labels: Mapping[str, str]) -> str:
    """A fact as the console shows it: a text in ``lang``, a list of labels, a number."""
    if isinstance(value, Mapping):
        return str(value.get(lang.value) or next(iter(value.values()), ""))
    if isinstance(value, list):
        return ", ".join(labels.get(str(x), str(x)) for x in value)
    return str(value)
