"""The sentences of the access answer's letter, in each language (services.documents.access_answer)."""

from __future__ import annotations

from typing import Any

from charte.domain.vocabulary import Language

FR, EN = Language.FR, Language.EN

_T: dict[str, dict[Language, str]] = {
    "title": {FR: "Réponse à votre demande d'accès n° {n}", EN: "Answer to your access request no. {n}"},
    "subject": {
        FR: "Objet : votre demande d'accès reçue le {d}",
        EN: "Subject: your access request received on {d}",
    },
    "intro": {
        FR: "Vous nous avez demandé l'accès aux données personnelles vous concernant (article 15 du "
        "RGPD). Ce courrier vous donne toutes les données que {c} détient sur vous, pourquoi et "
        "jusqu'à quand nous les conservons, à qui elles ont été communiquées et quand elles ont été "
        "consultées. Le fichier data.json joint en est la copie dans un format lisible par machine.",
        EN: "You asked for access to the personal data about you (GDPR Article 15). This letter gives "
        "you all the data {c} holds about you, why and until when we keep them, who they were "
        "disclosed to and when they were consulted. The attached data.json file is a copy of them "
        "in a machine-readable format.",
    },
    "nothing": {
        FR: "Vous nous avez demandé l'accès aux données personnelles vous concernant (article 15 du "
        "RGPD). Après vérification, nous ne détenons aucune donnée personnelle vous concernant.",
        EN: "You asked for access to the personal data about you (GDPR Article 15). Having checked, we "
        "hold no personal data about you.",
    },
    "h.held": {FR: "Les données que nous détenons", EN: "The data we hold"},
    "h.yours": {FR: "Vos données", EN: "Your data"},
    "ref": {FR: "Votre référence dans nos fichiers : {r}.", EN: "Your reference in our files: {r}."},
    "col.datum": {FR: "Donnée", EN: "Item"},
    "col.value": {FR: "Valeur", EN: "Value"},
    "col.given_as": {FR: "Recueillie en tant que", EN: "Collected as"},
    "as": {FR: "En tant que {s}{c}", EN: "As {s}{c}"},
    "context.contract": {FR: " (contrat {r})", EN: " (contract {r})"},
    "context.site": {FR: " (site {r})", EN: " (site {r})"},
    "since": {FR: "Depuis le {d}.", EN: "Since {d}."},
    "between": {FR: "Du {a} au {b}.", EN: "From {a} to {b}."},
    "rank": {FR: "Rang dans l'ordre d'appel : {n}.", EN: "Rank in the calling order: {n}."},
    "categories": {FR: "Données : {x}.", EN: "Data: {x}."},
    "purposes": {FR: "Finalités et bases légales : {x}.", EN: "Purposes and legal bases: {x}."},
    "source": {
        FR: "Source : ces données ont été collectées {x}.",
        EN: "Source: these data were collected {x}.",
    },
    "source.ref": {FR: "{x} (référence {r})", EN: "{x} (reference {r})"},
    "kept.until": {
        FR: "Conservation : {x} ; elles seront effacées le {d}.",
        EN: "Retention: {x}; they will be erased on {d}.",
    },
    "kept.open": {
        FR: "Conservation : {x} ; la date d'effacement sera fixée à la fin de la relation.",
        EN: "Retention: {x}; the erasure date will be set when the relationship ends.",
    },
    "kept.held": {
        FR: "Conservation : {x} ; elles sont actuellement conservées pour un contentieux, jusqu'à "
        "l'épuisement des voies de recours.",
        EN: "Retention: {x}; they are currently kept for litigation, until all appeal routes are exhausted.",
    },
    "h.contracts": {FR: "Vos contrats", EN: "Your contracts"},
    "col.contract": {FR: "Contrat", EN: "Contract"},
    "col.offer": {FR: "Offre", EN: "Offer"},
    "col.signed": {FR: "Souscrit le", EN: "Signed on"},
    "col.ended": {FR: "Terminé le", EN: "Ended on"},
    "col.status": {FR: "État", EN: "Status"},
    "col.partner": {FR: "Partenaire", EN: "Partner"},
    "col.prescriber": {FR: "Prescripteur", EN: "Prescriber"},
    "col.site": {FR: "Site", EN: "Site"},
    "h.sites": {FR: "Vos sites télésurveillés", EN: "Your monitored sites"},
    "site": {FR: "Site {r}", EN: "Site {r}"},
    "h.contacts": {FR: "Nos échanges avec vous", EN: "Our exchanges with you"},
    "col.on": {FR: "Date", EN: "Date"},
    "col.direction": {FR: "À l'initiative", EN: "Initiated"},
    "col.channel": {FR: "Moyen", EN: "Channel"},
    "col.answered": {FR: "Réponse", EN: "Answered"},
    "col.outcome": {FR: "Suite", EN: "Outcome"},
    "h.consents": {FR: "Vos consentements à être sollicité(e)", EN: "Your consents to be contacted"},
    "col.given": {FR: "Donné le", EN: "Given on"},
    "col.how": {FR: "Comment", EN: "How"},
    "col.text": {FR: "Texte présenté", EN: "Text shown"},
    "col.collected": {FR: "Recueilli par", EN: "Collected by"},
    "col.consent_end": {FR: "Fin", EN: "End"},
    "consent.by.subject": {FR: "vous-même", EN: "yourself"},
    "consent.by.partner": {FR: "notre partenaire {ref}", EN: "our partner {ref}"},
    "at": {FR: "{d} à {t}", EN: "{d} at {t}"},
    "consent.text": {
        FR: "Le texte « {name} » que vous avez accepté est identifié par son empreinte SHA-256 : {sha}.",
        EN: "The text « {name} » you accepted is identified by its SHA-256 fingerprint: {sha}.",
    },
    "consent.ended": {FR: "{at} : {how}", EN: "{at}: {how}"},
    "consent.standing": {FR: "en vigueur", EN: "in force"},
    "consent.kept": {
        FR: "La preuve de votre consentement ({purpose}) est conservée jusqu'au {d}, puis effacée.",
        EN: "The proof of your consent ({purpose}) is kept until {d}, then erased.",
    },
    "restricted": {
        FR: "L'utilisation de vos données est limitée depuis le {d} (article 18 du RGPD).",
        EN: "The use of your data has been restricted since {d} (GDPR Article 18).",
    },
    "restricted.why": {
        FR: "L'utilisation de vos données est limitée depuis le {d} (article 18 du RGPD) : {g}.",
        EN: "The use of your data has been restricted since {d} (GDPR Article 18): {g}.",
    },
    "h.designated": {
        FR: "Les personnes de confiance que vous nous avez désignées",
        EN: "The trusted persons you designated",
    },
    "designated": {
        FR: "Nous les connaissons telles que vous nous les avez communiquées :",
        EN: "We hold them as you gave them to us:",
    },
    "col.person": {FR: "Personne", EN: "Person"},
    "col.rank": {FR: "Rang", EN: "Rank"},
    "col.from": {FR: "Depuis le", EN: "Since"},
    "col.until": {FR: "Jusqu'au", EN: "Until"},
    "col.details": {FR: "Coordonnées", EN: "Details"},
    "h.retention": {FR: "Jusqu'à quand nous les conservons", EN: "Until when we keep them"},
    "col.kept_as": {FR: "Données conservées", EN: "Data kept"},
    "col.context": {FR: "Pour", EN: "For"},
    "col.rule": {FR: "Durée", EN: "Period"},
    "col.end": {FR: "Fin de conservation", EN: "End of retention"},
    "col.purge": {FR: "Effacement prévu le", EN: "Erasure due on"},
    "h.calls": {FR: "Vos appels", EN: "Your calls"},
    "calls": {
        FR: "Nous conservons la trace de {n} appel(s) avec vous, dont {r} enregistré(s). Les "
        "enregistrements sont conservés {k}, sauf contentieux. Vous pouvez demander à écouter un "
        "enregistrement.",
        EN: "We keep a record of {n} call(s) with you, {r} of them recorded. Recordings are kept {k}, "
        "unless in litigation. You may ask to listen to a recording.",
    },
    "col.call": {FR: "Appel", EN: "Call"},
    "col.at": {FR: "Date et heure", EN: "Date and time"},
    "col.number": {FR: "Numéro", EN: "Number"},
    "col.recorded": {FR: "Enregistré", EN: "Recorded"},
    "col.live": {FR: "Écouté en direct", EN: "Listened to live"},
    "col.audio": {FR: "Enregistrement conservé", EN: "Recording kept"},
    "col.purposes": {FR: "Finalités", EN: "Purposes"},
    "col.held": {FR: "Contentieux", EN: "Litigation"},
    "h.alarm_calls": {
        FR: "Les appels de notre station de télésurveillance",
        EN: "The calls of our monitoring station",
    },
    "alarm_calls": {
        FR: "Lors des alarmes suivantes, notre station de télésurveillance vous a appelé(e) :",
        EN: "During the following alarms, our monitoring station called you:",
    },
    "col.alarm": {FR: "Alarme", EN: "Alarm"},
    "col.as": {FR: "En tant que", EN: "As"},
    "h.recipients": {FR: "Destinataires", EN: "Recipients"},
    "recipients": {
        FR: "Peuvent accéder à vos données, chacun pour sa mission : {x}.",
        EN: "May access your data, each for their task: {x}.",
    },
    "disclosed": {FR: "Vos données ont été communiquées :", EN: "Your data were disclosed:"},
    "disclosure": {
        FR: "le {d} à : {r}, pour : {p} — {x}",
        EN: "on {d} to: {r}, for: {p} — {x}",
    },
    "never.disclosed": {
        FR: "Vos données n'ont été communiquées à aucun destinataire extérieur.",
        EN: "Your data were not disclosed to any outside recipient.",
    },
    "h.consulted": {FR: "Consultations de vos données", EN: "Consultations of your data"},
    "consulted": {
        FR: "Vos données ont été consultées {n} fois. En résumé :",
        EN: "Your data were consulted {n} times. In summary:",
    },
    "consulted.each": {
        FR: "Chaque consultation (la personne est désignée par sa fonction) :",
        EN: "Each consultation (the person is named by their function):",
    },
    "never.consulted": {FR: "Vos données n'ont pas été consultées.", EN: "Your data were not consulted."},
    "col.purpose": {FR: "Finalité", EN: "Purpose"},
    "col.by": {FR: "Consultées par", EN: "Consulted by"},
    "col.act": {FR: "Opération", EN: "Operation"},
    "col.count": {FR: "Nombre", EN: "Count"},
    "col.first": {FR: "Première", EN: "First"},
    "col.last": {FR: "Dernière", EN: "Last"},
}


def t(key: str, lang: Language, **values: Any) -> str:
    return _T[key][lang].format(**values)
