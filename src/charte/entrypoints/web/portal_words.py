"""The portal's sentences, in French (the default) and English: one catalogue, read by the templates.

The rights' names and descriptions come from the letters' catalogue
(``charte.services.documents.wording.RIGHT``), so that the portal and the letters say the same.
"""

from __future__ import annotations

from charte.domain.vocabulary import Language

FR, EN = Language.FR, Language.EN

WORDS: dict[str, dict[Language, str]] = {
    "title": {FR: "Vos droits sur vos données personnelles", EN: "Your rights over your personal data"},
    "withdraw_h": {FR: "Retirer mon consentement à la prospection", EN: "Withdraw my consent to marketing"},
    "withdraw_intro": {
        FR: "Indiquez le numéro ou l'adresse e-mail auxquels nous vous sollicitons : tout consentement qui "
        "les couvre est retiré immédiatement, aussi simplement que vous l'avez donné, et nos systèmes en sont "
        "informés. Aucun justificatif n'est demandé.",
        EN: "Give the number or e-mail address at which we contact you: any consent covering it is withdrawn "
        "at once, as easily as you gave it, and our systems are told. No proof is asked.",
    },
    "withdraw_channel": {
        FR: "Vous ne voulez plus être sollicité(e)",
        EN: "You no longer want to be contacted",
    },
    "withdraw_contact": {FR: "Votre numéro ou votre adresse e-mail", EN: "Your number or e-mail address"},
    "withdraw_submit": {FR: "Retirer mon consentement", EN: "Withdraw my consent"},
    "withdraw_done": {
        FR: "C'est fait : si un consentement couvrait ce contact, il est retiré et nous ne l'utiliserons plus "
        "pour vous solliciter. Vous pouvez aussi vous opposer à toute prospection depuis l'accueil du portail.",
        EN: "Done: if a consent covered this contact, it is withdrawn and we will no longer use it to contact "
        "you. You may also object to all marketing from the portal's home page.",
    },
    "withdraw_bad_phone": {
        FR: "Ce numéro n'est pas un numéro de téléphone valide.",
        EN: "This is not a valid phone number.",
    },
    "withdraw_bad_email": {
        FR: "Cette adresse e-mail n'est pas valide.",
        EN: "This is not a valid e-mail address.",
    },
    "withdraw_link": {FR: "Retirer un consentement à la prospection", EN: "Withdraw a consent to marketing"},
    "channel_phone": {FR: "par téléphone", EN: "by phone"},
    "channel_sms": {FR: "par SMS", EN: "by text message"},
    "channel_email": {FR: "par e-mail", EN: "by e-mail"},
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
    "choose": {FR: "Quelle demande souhaitez-vous faire ?", EN: "Which request would you like to make?"},
    "continue": {FR: "Continuer", EN: "Continue"},
    "chosen": {FR: "Votre demande : {right}.", EN: "Your request: {right}."},
    "change": {FR: "Choisir une autre demande", EN: "Choose another request"},
    "fix": {
        FR: "Votre demande n'est pas encore envoyée : corrigez ce qui est indiqué ci-dessous.",
        EN: "Your request is not sent yet: correct what is shown below.",
    },
    "choose_one": {FR: "— choisir —", EN: "— choose —"},
    "name": {FR: "Nom et prénom", EN: "Full name"},
    "contact": {FR: "Adresse e-mail ou téléphone pour vous répondre", EN: "E-mail or phone to answer you"},
    "details": {
        FR: "Précisions (facultatif : contrat, site, ce que vous souhaitez)",
        EN: "Details (optional: contract, site, what you would like)",
    },
    "purpose": {
        FR: "À quelle utilisation de vos données vous opposez-vous ?",
        EN: "Which use of your data do you object to?",
    },
    "field": {FR: "Donnée à corriger", EN: "Data to correct"},
    "new_value": {FR: "Valeur exacte", EN: "Correct value"},
    "ground": {
        FR: "Pourquoi l'utilisation de vos données doit-elle être gelée ?",
        EN: "Why should the use of your data be frozen?",
    },
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

# What to fix in the request form, field by field, in the visitor's language (the service's own
# messages name the command line's options, in English: never shown on the portal).
ERRORS: dict[str, dict[Language, str]] = {
    "type": {FR: "Choisissez une demande dans la liste.", EN: "Choose a request from the list."},
    "name": {FR: "Indiquez votre nom et votre prénom.", EN: "Give your full name."},
    "contact": {
        FR: "Indiquez une adresse e-mail ou un numéro de téléphone où vous répondre.",
        EN: "Give an e-mail address or a phone number to answer you.",
    },
    "one_line": {
        FR: "Écrivez-le sur une seule ligne, sans caractère de contrôle.",
        EN: "Write it on one line, without control characters.",
    },
    "too_long": {
        FR: "Ce texte est trop long ({limit} caractères au plus).",
        EN: "This text is too long (at most {limit} characters).",
    },
    "purpose": {
        FR: "Choisissez l'utilisation de vos données à laquelle vous vous opposez.",
        EN: "Choose the use of your data you object to.",
    },
    "field": {FR: "Choisissez la donnée à corriger.", EN: "Choose the data to correct."},
    "new_value": {
        FR: "Indiquez la valeur exacte de cette donnée.",
        EN: "Give the correct value of this data.",
    },
    "ground": {
        FR: "Choisissez pourquoi l'utilisation de vos données doit être gelée.",
        EN: "Choose why the use of your data should be frozen.",
    },
    "other": {
        FR: "Votre demande n'a pas pu être enregistrée : vérifiez les champs et réessayez.",
        EN: "Your request could not be recorded: check the fields and try again.",
    },
    "document": {
        FR: "La pièce d'identité doit être un fichier PDF, JPEG ou PNG de 10 Mo au plus.",
        EN: "The identity document must be a PDF, JPEG or PNG file of at most 10 MB.",
    },
    "code": {
        FR: "Ce code ne correspond pas, ou il a expiré : vérifiez-le, ou demandez-en un nouveau.",
        EN: "This code does not match, or it has expired: check it, or ask for a new one.",
    },
    "link": {
        FR: "Ce lien de téléchargement n'est plus valable : rechargez la page de votre demande pour en obtenir un nouveau.",
        EN: "This download link is no longer valid: reload your request's page for a new one.",
    },
    "number": {
        FR: "Indiquez d'abord votre numéro de suivi.",
        EN: "Enter your follow-up number first.",
    },
}

# An error page of the portal, in the visitor's words: what happened and what to do, never the
# engine's own message (English, and naming command-line options).
PROBLEMS: dict[int, dict[Language, str]] = {
    403: {
        FR: "Le formulaire a expiré : rechargez la page et recommencez.",
        EN: "The form has expired: reload the page and try again.",
    },
    404: {
        FR: "Cette page ou cette demande est introuvable : vérifiez votre numéro de suivi.",
        EN: "This page or request cannot be found: check your follow-up number.",
    },
    413: {FR: "Le fichier envoyé est trop volumineux.", EN: "The file sent is too large."},
    429: {
        FR: "Trop de demandes depuis cette adresse : réessayez dans {retry} secondes.",
        EN: "Too many requests from this address: try again in {retry} seconds.",
    },
    503: {
        FR: "Le service est momentanément indisponible : réessayez dans quelques minutes.",
        EN: "The service is briefly unavailable: try again in a few minutes.",
    },
}
OTHER_PROBLEM = {
    FR: "Votre demande n'a pas pu être traitée : vérifiez ce que vous avez saisi et réessayez.",
    EN: "Your request could not be handled: check what you entered and try again.",
}


def problem_detail(status: int, detail: str, lang: Language, retry: str = "") -> str:
    """What an error page of the portal says: a message already in the visitor's words (one of
    ``ERRORS``) as it is, else the words for its status."""
    if any(detail == texts[lang] for texts in ERRORS.values()):
        return detail
    return (
        PROBLEMS.get(status, OTHER_PROBLEM)[lang].format(retry=retry)
        if status in PROBLEMS
        else OTHER_PROBLEM[lang]
    )


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
