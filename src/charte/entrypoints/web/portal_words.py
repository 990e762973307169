"""The portal's sentences, in French (the default) and English: one catalogue, read by the templates.

The rights' names and descriptions come from the letters' catalogue
(``charte.services.documents.wording.RIGHT``), so that the portal and the letters say the same.
"""

from __future__ import annotations

from charte.domain.vocabulary import Language

FR, EN = Language.FR, Language.EN

WORDS: dict[str, dict[Language, str]] = {
    "title": {FR: "Vos droits sur vos données personnelles", EN: "Your rights over your personal data"},
    "intro": {
        FR: "Vous pouvez exercer ici vos droits auprès de {controller}. Chaque demande est enregistrée dès "
        "son envoi : le délai de réponse court à partir de ce jour, que nous vous connaissions ou non.",
        EN: "You can exercise your rights with {controller} here. Every request is recorded as soon as it "
        "is sent: the time to answer runs from that day, whether or not we know you.",
    },
    "rights_h": {FR: "Vos droits", EN: "Your rights"},
    "deadline_h": {FR: "Délai de réponse", EN: "Time to answer"},
    "deadline": {
        FR: "Nous vous répondons dans un délai de {within} à compter de la réception de votre demande. "
        "Ce délai peut être prolongé de {extension} au plus pour une demande complexe ; nous vous en "
        "informons alors, avec les raisons, avant la fin du premier délai (art. 12(3) RGPD).",
        EN: "We answer within {within} of receiving your request. For a complex request this may be "
        "extended by at most {extension}; we then tell you why before the first deadline (GDPR Art. 12(3)).",
    },
    "identity_h": {FR: "Preuve de votre identité", EN: "Proof of your identity"},
    "identity_document": {
        FR: "Pour protéger vos données, nous vérifions votre identité avant de répondre : vous pourrez "
        "déposer une pièce d'identité (PDF, JPEG ou PNG, 10 Mo au plus) sur la page de suivi de votre "
        "demande. Elle est chiffrée, vérifiée par l'équipe du délégué à la protection des données, puis "
        "effacée aussitôt.",
        EN: "To protect your data we check your identity before answering: you can upload an identity "
        "document (PDF, JPEG or PNG, at most 10 MB) on your request's page. It is encrypted, checked by "
        "the data protection officer's team, then erased at once.",
    },
    "identity_code": {
        FR: "Si la politique le permet, un code à usage unique peut aussi être envoyé à une adresse ou un "
        "numéro déjà connus de nos services (jamais à celui saisi ici).",
        EN: "Where allowed, a one-time code can also be sent to an address or number we already hold "
        "(never to the one typed here).",
    },
    "cnil_h": {FR: "Réclamation auprès de la CNIL", EN: "Complaint to the CNIL"},
    "cnil": {
        FR: "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à "
        "la {authority} ({name}) : {url}, ou par courrier : {address}.",
        EN: "If you believe your rights are not respected, you may lodge a complaint with the {authority} "
        "({name}): {url}, or by post: {address}.",
    },
    "form_h": {FR: "Faire une demande", EN: "Make a request"},
    "type": {FR: "Droit que vous exercez", EN: "Right you exercise"},
    "name": {FR: "Nom et prénom", EN: "Full name"},
    "contact": {FR: "Adresse e-mail ou téléphone pour vous répondre", EN: "E-mail or phone to answer you"},
    "details": {
        FR: "Précisions (facultatif : contrat, site, ce que vous souhaitez)",
        EN: "Details (optional: contract, site, what you would like)",
    },
    "purpose": {FR: "Opposition : à quelle utilisation ?", EN: "Objection: to which use?"},
    "purpose_none": {FR: "(sans objet)", EN: "(not applicable)"},
    "field": {FR: "Rectification : donnée à corriger", EN: "Rectification: data to correct"},
    "new_value": {FR: "Rectification : valeur exacte", EN: "Rectification: correct value"},
    "ground": {FR: "Limitation : motif", EN: "Restriction: ground"},
    "send": {FR: "Envoyer la demande", EN: "Send the request"},
    "follow_h": {FR: "Suivre une demande", EN: "Follow a request"},
    "number": {FR: "Numéro de suivi", EN: "Follow-up number"},
    "follow": {FR: "Voir ma demande", EN: "See my request"},
    "filed_h": {FR: "Votre demande est enregistrée", EN: "Your request is recorded"},
    "filed": {
        FR: "Demande n° {id} reçue le {received}. Conservez ce numéro de suivi : il ne sera plus affiché "
        "et lui seul permet de suivre la demande et de recevoir la réponse.",
        EN: "Request no. {id} received on {received}. Keep this follow-up number: it will not be shown "
        "again and only it lets you follow the request and get the answer.",
    },
    "status_h": {FR: "Votre demande n° {id}", EN: "Your request no. {id}"},
    "status": {FR: "État", EN: "Status"},
    "received": {FR: "Reçue le", EN: "Received on"},
    "due": {FR: "Réponse au plus tard le", EN: "Answer at the latest on"},
    "due_paused": {
        FR: "délai suspendu dans l'attente de votre pièce d'identité",
        EN: "on hold until we receive your identity document",
    },
    "verified": {FR: "Identité vérifiée", EN: "Identity verified"},
    "doc_received": {
        FR: "Pièce d'identité reçue, en cours de vérification.",
        EN: "Identity document received, being checked.",
    },
    "upload": {
        FR: "Pièce d'identité (PDF, JPEG ou PNG, 10 Mo au plus)",
        EN: "Identity document (PDF, JPEG or PNG, at most 10 MB)",
    },
    "upload_send": {FR: "Déposer la pièce", EN: "Upload the document"},
    "code_ask": {FR: "Recevoir un code", EN: "Receive a code"},
    "code": {FR: "Code reçu", EN: "Code received"},
    "code_send": {FR: "Valider le code", EN: "Check the code"},
    "code_sent": {
        FR: "Si ce contact est connu de nos services pour cette demande, un code lui a été envoyé ; il est "
        "valable 30 minutes.",
        EN: "If this contact is on file for the request, a code was sent to it; it is valid for 30 minutes.",
    },
    "answer": {FR: "Télécharger la réponse (archive ZIP)", EN: "Download the answer (ZIP archive)"},
    "answer_note": {
        FR: "Ce lien est valable une heure ; rechargez la page pour en obtenir un nouveau.",
        EN: "This link is valid for one hour; reload the page for a new one.",
    },
    "yes": {FR: "oui", EN: "yes"},
    "no": {FR: "non", EN: "no"},
    "reason": {FR: "Motif", EN: "Reason"},
    "switch": {FR: "English", EN: "Français"},
    "home": {FR: "Accueil du portail", EN: "Portal home"},
    "charter": {FR: "Charte de protection des données", EN: "Data protection charter"},
}

STATUS: dict[str, dict[Language, str]] = {
    "received": {FR: "reçue", EN: "received"},
    "awaiting_identity": {FR: "en attente de votre pièce d'identité", EN: "awaiting your proof of identity"},
    "verified": {
        FR: "identité vérifiée, réponse en préparation",
        EN: "identity verified, answer in preparation",
    },
    "extended": {FR: "délai prolongé", EN: "deadline extended"},
    "awaiting_fee": {FR: "en attente du paiement des frais", EN: "awaiting payment of the fee"},
    "fulfilled": {FR: "traitée", EN: "answered"},
    "refused": {FR: "refusée", EN: "refused"},
    "closed": {FR: "close", EN: "closed"},
}


def words(lang: Language) -> dict[str, str]:
    return {key: texts[lang] for key, texts in WORDS.items()}
