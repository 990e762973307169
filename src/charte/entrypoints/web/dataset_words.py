"""The English of every French sentence the console's datasets page shows (merged into
``console_words.EN``; docs/datasets.md)."""

from __future__ import annotations

# What becomes of a column, in French (the page translates them like every sentence).
TRANSFORMS = {
    "drop": "écartée",
    "keep": "telle quelle",
    "pseudonym": "pseudonyme",
    "count": "effectif",
    "age_band": "tranche d'âge",
    "years_band": "ancienneté en années",
    "place": "lieu",
    "period": "période",
    "family": "famille",
}
LEVELS = {
    "departement": "département",
    "region": "région",
    "*": "tout (non publié)",
    "week": "semaine",
    "month": "mois",
    "quarter": "trimestre",
    "year": "année",
    "family": "famille",
    "as_is": "telle quelle",
}


DATASET_EN: dict[str, str] = {
    "écartée": "dropped",
    "telle quelle": "as it is",
    "pseudonyme": "pseudonym",
    "effectif": "count",
    "tranche d'âge": "age band",
    "ancienneté en années": "years since",
    "lieu": "place",
    "période": "period",
    "famille": "family",
    "département": "département",
    "région": "region",
    "tout (non publié)": "all (not published)",
    "semaine": "week",
    "mois": "month",
    "trimestre": "quarter",
    "année": "year",
    "Laplace discret": "discrete Laplace",
    "tranches de {n} ans": "bands of {n} years",
    "Jeux de données": "Datasets",
    "Jeux de données d'analyse": "Analysis datasets",
    "Les seules données qui sortent pour l'analyse : déclarées dans la politique, construites par charte, "
    "vérifiées contre leur modèle de confidentialité avant d'être écrites, détruites à leur échéance. Les "
    "personnes qui se sont opposées, qui ont limité leurs données ou dont les données sont à effacer n'y "
    "figurent pas.": "The only data that leave for analysis: declared in the policy, built by charte, "
    "checked against their privacy model before they are written, destroyed when they expire. Persons who "
    "objected, restricted their data or whose data are due for erasure are not in them.",
    "Déclarés dans la politique": "Declared in the policy",
    "Jeu de données": "Dataset",
    "Finalité": "Purpose",
    "Destinataires": "Recipients",
    "Modèle": "Model",
    "Conservation": "Retention",
    "k-anonymat (k = {k}, l = {l})": "k-anonymity (k = {k}, l = {l})",
    "k-anonymat (k = {k})": "k-anonymity (k = {k})",
    "confidentialité différentielle (ε = {e} par construction, budget {b})": "differential privacy (ε = {e} "
    "per build, budget {b})",
    "Constructions": "Builds",
    "N°": "No.",
    "Construit le": "Built on",
    "Par": "By",
    "Lignes": "Rows",
    "Garantie": "Guarantee",
    "Échéance": "Expires on",
    "État": "State",
    "Action": "Action",
    "k = {k}, l = {l}, {s} ligne(s) écartée(s)": "k = {k}, l = {l}, {s} row(s) suppressed",
    "ε = {e} (budget dépensé : {spent} sur {b})": "ε = {e} (budget spent: {spent} of {b})",
    "disponible": "available",
    "révoqué le {day} par {who}": "revoked on {day} by {who}",
    "expiré, détruit le {day}": "expired, destroyed on {day}",
    "Révoquer {name} n° {n}": "Revoke {name} no. {n}",
    "Révoquer": "Revoke",
    "Fiche de données": "Data sheet",
    "Population": "Population",
    "{c} candidats ; écartés : {o} opposition(s), {r} limitation(s), {d} donnée(s) à effacer ; {s} retenus, "
    "{p} publiés": "{c} candidates; left out: {o} objection(s), {r} restriction(s), {d} due for erasure; "
    "{s} selected, {p} published",
    "Niveaux de généralisation": "Generalisation levels",
    "{n} cellules publiées ; effectifs exacts non communiqués (confidentialité différentielle)": "{n} cells "
    "published; exact counts withheld (differential privacy)",
    "Mécanisme": "Mechanism",
    "Colonnes": "Columns",
    "Politique": "Policy",
    "Aucune construction.": "No build.",
    "{column} : {level}": "{column}: {level}",
}
