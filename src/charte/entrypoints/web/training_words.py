"""The console's words for staff trainings (docs/accountability.md): the statuses in French, and
the English of every French sentence the trainings page and the dashboard's part show (merged
into ``console_words.EN``)."""

from __future__ import annotations

TRAINING_STATUSES = {
    "current": "à jour",
    "lapsing": "expire bientôt",
    "lapsed": "expirée",
    "never": "jamais formé",
}

TRAINING_EN: dict[str, str] = {
    "à jour": "current",
    "expire bientôt": "lapsing soon",
    "expirée": "lapsed",
    "jamais formé": "never trained",
    "Formations": "Trainings",
    "Formation des collaborateurs": "Staff training",
    "Un collaborateur dont la formation à la protection des données n'est pas à jour ne lit aucune "
    "donnée personnelle, sauf pour les finalités que la politique exempte ({exempt}) : le DPO en est "
    "alors averti.": "A staff member whose data-protection training is not current reads no personal "
    "data, except for the purposes the policy exempts ({exempt}): the DPO is then warned.",
    "aucune": "none",
    "Compte": "Account",
    "Rôle": "Role",
    "Dernière formation": "Latest training",
    "Valable jusqu'au": "Valid until",
    "Situation": "Status",
    "Comptes du personnel et leur dernière formation (validité : {months})": "Staff accounts and their "
    "latest training (valid for: {months})",
    "Aucun compte du personnel.": "No staff account.",
    "Lectures avec une formation expirée (30 derniers jours)": "Reads with a lapsed training (last 30 days)",
    "{actor} a lu des données pour « {purpose} » le {day} avec une formation expirée.": "{actor} read data "
    "for “{purpose}” on {day} with a lapsed training.",
    "Enregistrer une formation suivie": "Record a training completed",
    "Formation": "Course",
    "Suivie le": "Completed on",
    "Formations à renouveler": "Trainings to renew",
    (
        "{current} à jour, {lapsing} expirant bientôt, {lapsed} expirée(s), {never} jamais formé(s)."
    ): "{current} current, {lapsing} lapsing soon, {lapsed} lapsed, {never} never trained.",
    "Toutes les formations sont à jour.": "Every training is current.",
    "Voir les formations": "See the trainings",
    "Votre formation à la protection des données n'est pas à jour : les demandes d'exercice des droits "
    "ne s'affichent pas. Faites-la enregistrer par l'équipe du DPO.": "Your data-protection training is "
    "not current: the rights requests are not shown. Have the DPO's team record it.",
}
