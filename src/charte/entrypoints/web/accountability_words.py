"""The English of the accountability page's French sentences (docs/accountability.md), merged into
``console_words.EN``."""

from __future__ import annotations

from charte.domain.vocabulary import Language

FR, EN = Language.FR, Language.EN

# The WP248 rev.01 criteria (domain.accountability.Criterion), in words.
CRITERIA = {
    "evaluation_or_scoring": {FR: "évaluation ou notation", EN: "evaluation or scoring"},
    "automated_decision": {FR: "décision automatisée", EN: "automated decision"},
    "systematic_monitoring": {FR: "surveillance systématique", EN: "systematic monitoring"},
    "sensitive_or_highly_personal": {
        FR: "données sensibles ou très personnelles",
        EN: "sensitive or highly personal data",
    },
    "large_scale": {FR: "grande échelle", EN: "large scale"},
    "matching_datasets": {FR: "croisement de données", EN: "matching datasets"},
    "vulnerable_persons": {FR: "personnes vulnérables", EN: "vulnerable persons"},
    "innovative_technology": {FR: "usage innovant d'une technologie", EN: "innovative use of technology"},
    "prevents_a_right": {FR: "empêche d'exercer un droit", EN: "prevents exercising a right"},
}
RISKS = {
    "low": {FR: "faible", EN: "low"},
    "medium": {FR: "moyen", EN: "medium"},
    "high": {FR: "élevé", EN: "high"},
}
# What each accountability finding is (domain.accountability_lint.AccountabilityCode), in words.
FINDINGS = {
    "processor_agreement": {
        FR: "sous-traitant sans contrat consigné",
        EN: "processor without an agreement on record",
    },
    "agreement_review": {FR: "contrat de sous-traitance à revoir", EN: "processing agreement due for review"},
    "sub_processor_authorisation": {
        FR: "sous-traitant ultérieur sans autorisation écrite",
        EN: "sub-processor without written authorisation",
    },
    "transfer_mechanism": {
        FR: "transfert hors EEE sans fondement",
        EN: "transfer outside the EEA without a mechanism",
    },
    "transfer_assessment": {
        FR: "transfert sans évaluation de son impact",
        EN: "transfer without an impact assessment",
    },
    "adequacy_decision": {FR: "décision d'adéquation à confirmer", EN: "adequacy decision to confirm"},
    "dpia_screening": {FR: "activité non examinée pour une AIPD", EN: "activity not screened for a DPIA"},
    "dpia_criterion": {FR: "critère oublié dans l'examen", EN: "criterion missing from the screening"},
    "dpia_required": {FR: "AIPD requise, aucune consignée", EN: "DPIA required, none recorded"},
    "dpia_signature": {FR: "AIPD sans avis signé du DPO", EN: "DPIA without the DPO's signed advice"},
    "dpia_review": {FR: "AIPD à revoir", EN: "DPIA due for review"},
    "prior_consultation": {
        FR: "risque résiduel élevé sans consultation de la CNIL",
        EN: "high residual risk without consulting the CNIL",
    },
    "balancing_test": {
        FR: "intérêt légitime sans mise en balance",
        EN: "legitimate interest without a balancing test",
    },
    "balancing_review": {FR: "mise en balance à revoir", EN: "balancing test due for review"},
    "training": {FR: "formations non exigées", EN: "training not required"},
}

ACCOUNTABILITY_EN: dict[str, str] = {
    "Conformité": "Accountability",
    "Registres de conformité": "Accountability records",
    "Ce que la politique consigne et ce que le RGPD demande de pouvoir démontrer (article 5.2) : "
    "sous-traitants, transferts, analyses d'impact, mises en balance. Vérifié au {day}.": "What the policy "
    "records and the GDPR asks the controller to be able to demonstrate (Art. 5(2)): processors, "
    "transfers, impact assessments, balancing tests. Checked on {day}.",
    "Ce qui manque ou doit être revu": "What is missing or due for review",
    "Erreur": "Error",
    "Avertissement": "Warning",
    "Rien ne manque.": "Nothing is missing.",
    "Sous-traitants et transferts": "Processors and transfers",
    "Sous-traitant": "Processor",
    "Destinataires": "Recipients",
    "Lieux": "Locations",
    "Contrat (article 28)": "Agreement (Art. 28)",
    "Transferts hors EEE": "Transfers outside the EEA",
    "version {v}, signé le {s}, à revoir avant le {d}": "version {v}, signed on {s}, to review by {d}",
    "aucun": "none",
    "Analyses d'impact (article 35)": "Impact assessments (Art. 35)",
    "Activité": "Activity",
    "Critères (lignes directrices WP248)": "Criteria (WP248 guidelines)",
    "AIPD requise": "DPIA required",
    "AIPD": "DPIA",
    "{ref}, avis du DPO le {s}, risque résiduel {r}, à revoir avant le {d}": "{ref}, DPO's advice on {s}, "
    "residual risk {r}, to review by {d}",
    "Mises en balance des intérêts légitimes": "Legitimate-interest balancing tests",
    "Revue par": "Reviewed by",
    "À revoir avant le": "To review by",
    "toutes": "all",
    "Rapport annuel et dossier d'inspection": "Annual report and inspection pack",
    "Année": "Year",
    "Format": "Format",
    "Obtenir le rapport annuel": "Get the annual report",
    "Le dossier réunit ce qu'un contrôleur de la CNIL demande d'abord, sans donnée personnelle autre que "
    "des références, avec un manifeste signé par la clé du journal d'audit (vérifiable par « charte "
    "inspection verify »).": "The pack gathers what a CNIL inspector asks for first, with no personal data "
    "beyond refs, and a manifest signed with the audit log's key (checked by “charte inspection verify”).",
    "Télécharger le dossier d'inspection": "Download the inspection pack",
    "la formation": "training",
}
