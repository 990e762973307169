"""The English of the accountability page's French sentences (docs/accountability.md), merged into
``console_words.EN``."""

from __future__ import annotations

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
}
