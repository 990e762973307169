"""What charte tells a requester at each step of their request: subject and text, French and English.

The texts name the request by its number and never repeat the requester's data beyond what the
step needs (a code, a date, the handler's own reasons). The policy's first language is used.
"""

from __future__ import annotations

from charte.domain.vocabulary import Language

FR, EN = Language.FR, Language.EN

_NOTICES: dict[str, dict[Language, tuple[str, str]]] = {
    "identity_asked": {
        FR: (
            "Votre demande d'exercice de droits : justificatif d'identité",
            "Pour traiter votre demande n° {n}, nous avons besoin de vérifier votre identité ({methods}). Sans réponse de votre part au plus tard le {by}, votre demande sera close. Le délai de réponse est suspendu jusqu'à réception.",
        ),
        EN: (
            "Your rights request: proof of identity",
            "To handle your request no. {n} we need to verify your identity ({methods}). Without an answer by {by}, your request will be closed. The reply period is suspended until we receive it.",
        ),
    },
    "code": {
        FR: (
            "Votre code de vérification",
            "Votre code pour la demande n° {n} : {code}. Il expire dans {minutes} minutes. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message et prévenez notre délégué à la protection des données.",
        ),
        EN: (
            "Your verification code",
            "Your code for request no. {n}: {code}. It expires in {minutes} minutes. If you did not make this request, ignore this message and tell our data protection officer.",
        ),
    },
    "extended": {
        FR: (
            "Votre demande d'exercice de droits : prolongation du délai",
            "Le délai de réponse à votre demande n° {n} est prolongé jusqu'au {due} (article 12.3 du RGPD), pour la raison suivante : {reason}",
        ),
        EN: (
            "Your rights request: the reply period is extended",
            "The reply to your request no. {n} is extended until {due} (GDPR Article 12(3)), for this reason: {reason}",
        ),
    },
    "refused": {
        FR: (
            "Votre demande d'exercice de droits : refus motivé",
            "Nous ne pouvons donner suite à votre demande n° {n}, pour la raison suivante : {reason}. Vous pouvez introduire une réclamation auprès de la CNIL ({url}) et former un recours juridictionnel.",
        ),
        EN: (
            "Your rights request: refusal and its reasons",
            "We cannot act on your request no. {n}, for this reason: {reason}. You may lodge a complaint with the CNIL ({url}) and seek a judicial remedy.",
        ),
    },
    "fee_asked": {
        FR: (
            "Votre demande d'exercice de droits : frais demandés",
            "Votre demande n° {n} nous paraît manifestement infondée ou excessive, pour la raison suivante : {reason}. Comme l'article 12.5 du RGPD le permet, nous y donnerons suite contre le paiement de frais raisonnables, calculés sur les coûts administratifs : {amount}. Vous pouvez contester cette décision auprès de la CNIL ({url}) et former un recours juridictionnel.",
        ),
        EN: (
            "Your rights request: a fee is asked",
            "Your request no. {n} appears to us manifestly unfounded or excessive, for this reason: {reason}. As GDPR Article 12(5) allows, we will act on it against a reasonable fee based on the administrative costs: {amount}. You may contest this decision with the CNIL ({url}) and seek a judicial remedy.",
        ),
    },
    "closed": {
        FR: (
            "Votre demande d'exercice de droits : clôture",
            "Faute d'avoir pu vérifier votre identité, votre demande n° {n} est close. Vous pouvez présenter une nouvelle demande à tout moment, ou introduire une réclamation auprès de la CNIL ({url}).",
        ),
        EN: (
            "Your rights request: closed",
            "As we could not verify your identity, your request no. {n} is closed. You may make a new request at any time, or lodge a complaint with the CNIL ({url}).",
        ),
    },
    "fulfilled.access": {
        FR: (
            "Votre demande d'accès : réponse",
            "La réponse à votre demande n° {n} est prête : la copie de vos données et un courrier qui l'accompagne vous sont transmis par notre délégué à la protection des données.",
        ),
        EN: (
            "Your access request: answer",
            "The answer to your request no. {n} is ready: the copy of your data and its cover letter are sent to you by our data protection officer.",
        ),
    },
    "fulfilled.portability": {
        FR: (
            "Votre demande de portabilité : réponse",
            "Les données que vous nous avez fournies (demande n° {n}) vous sont transmises dans un format structuré (JSON et CSV), que vous pouvez réutiliser ou confier à un autre prestataire.",
        ),
        EN: (
            "Your portability request: answer",
            "The data you provided to us (request no. {n}) are sent to you in a structured format (JSON and CSV) that you may reuse or give to another provider.",
        ),
    },
    "fulfilled.restriction": {
        FR: (
            "Votre demande de limitation : réponse",
            "Suite à votre demande n° {n}, l'utilisation de vos données est limitée (article 18 du RGPD) : elles sont conservées mais ne sont plus utilisées, sauf pour la sécurité des personnes et la défense de droits en justice. Nous vous informerons avant de lever cette limitation.",
        ),
        EN: (
            "Your restriction request: answer",
            "Following your request no. {n}, the use of your data is restricted (GDPR Article 18): they are stored but no longer used, except for the safety of persons and legal claims. We will tell you before the restriction is lifted.",
        ),
    },
    "fulfilled.rectification": {
        FR: (
            "Votre demande de rectification : réponse",
            "Suite à votre demande n° {n}, vos données ont été rectifiées. Nos services et les destinataires auxquels elles avaient été communiquées en sont informés.",
        ),
        EN: (
            "Your rectification request: answer",
            "Following your request no. {n}, your data have been rectified. Our services and the recipients they had been disclosed to are informed.",
        ),
    },
    "fulfilled.erasure": {
        FR: (
            "Votre demande d'effacement : réponse",
            "Suite à votre demande n° {n}, nous avons effacé vos données de : {erased}. Nous conservons, comme la loi nous y oblige ou nous y autorise (article 17.3 du RGPD) : {kept}. Nos services et les destinataires de vos données sont informés de l'effacement.",
        ),
        EN: (
            "Your erasure request: answer",
            "Following your request no. {n}, we erased your data as: {erased}. We keep, as the law obliges or allows us to (GDPR Article 17(3)): {kept}. Our services and the recipients of your data are told of the erasure.",
        ),
    },
    "fulfilled.opposition": {
        FR: (
            "Votre demande d'opposition : réponse",
            "Suite à votre demande n° {n}, votre opposition est enregistrée et respectée par nos services et nos prestataires.",
        ),
        EN: (
            "Your objection: answer",
            "Following your request no. {n}, your objection is recorded and respected by our services and providers.",
        ),
    },
    "fulfilled.opposition.designation": {
        FR: (
            "Votre demande d'opposition : réponse",
            "Suite à votre demande n° {n}, votre opposition est enregistrée : vous n'êtes plus désigné(e) "
            "comme personne de confiance, vos données ont été effacées, et nos services inviteront le "
            "client qui vous avait désigné(e) à désigner une autre personne.",
        ),
        EN: (
            "Your objection: answer",
            "Following your request no. {n}, your objection is recorded: you are no longer designated as "
            "a trusted person, your data have been erased, and our services will ask the client who "
            "designated you to designate someone else.",
        ),
    },
    "designation_ended_client": {
        FR: (
            "Votre personne de confiance pour le site {site}",
            "Madame, Monsieur,\n\nUne personne que vous aviez désignée comme personne de confiance pour le site référencé {site} ne l'est plus, à sa demande, et ses données ont été effacées. Pour que nous puissions toujours joindre quelqu'un en cas d'alarme, merci de désigner une autre personne de confiance auprès de notre service client (notre référence : avis n° {notice}).",
        ),
        EN: (
            "Your trusted person for site {site}",
            "Dear Sir or Madam,\n\nA person you had designated as a trusted person for the site referenced {site} is no longer designated, at their own request, and their data have been erased. So that we can still reach someone when an alarm goes off, please designate another trusted person with our customer service (our reference: notice no. {notice}).",
        ),
    },
    "recipient_notice": {
        FR: (
            "Article 19 du RGPD : données d'une personne modifiées à sa demande",
            "Madame, Monsieur,\n\nNous vous avons communiqué des données de la personne référencée {person}. À sa demande (n° {n}), {done} : {fields}. Merci de faire de même dans vos propres fichiers, sans délai (article 19 du RGPD), et de nous le confirmer en répondant à ce message (notre référence : avis n° {notice}).",
        ),
        EN: (
            "GDPR Article 19: a person's data changed at their request",
            "Dear Sir or Madam,\n\nWe disclosed to you data of the person referenced {person}. At their request (no. {n}), {done}: {fields}. Please do the same in your own files without delay (GDPR Article 19) and confirm it by replying to this message (our reference: notice no. {notice}).",
        ),
    },
    "fulfilled.consent_withdrawal": {
        FR: (
            "Votre retrait de consentement : réponse",
            "Suite à votre demande n° {n}, votre retrait de consentement est enregistré : nous ne traitons plus vos données pour cette finalité, et nos services et prestataires en sont informés.",
        ),
        EN: (
            "Your withdrawal of consent: answer",
            "Following your request no. {n}, your withdrawal of consent is recorded: we no longer process your data for this purpose, and our services and providers are told.",
        ),
    },
    "not_consented": {
        FR: (
            "",
            "le traitement pour la finalité « {purpose} » ne repose pas sur votre consentement mais sur {basis} : il n'y a pas de consentement à retirer ; vous pouvez en revanche vous y opposer lorsque l'article 21 du RGPD le permet",
        ),
        EN: (
            "",
            'the processing for the purpose "{purpose}" does not rest on your consent but on {basis}: there is no consent to withdraw; you may object to it where GDPR Article 21 allows',
        ),
    },
    "not_objectable": {
        FR: (
            "",
            "le traitement pour la finalité « {purpose} » repose sur {basis} : le droit d'opposition de l'article 21 du RGPD ne s'y applique pas",
        ),
        EN: (
            "",
            'the processing for the purpose "{purpose}" rests on {basis}: the right to object of GDPR Article 21 does not apply to it',
        ),
    },
    "restriction_lifting": {
        FR: (
            "Levée de la limitation de vos données",
            "La limitation de l'utilisation de vos données, posée suite à votre demande n° {n}, va être levée (article 18.3 du RGPD).",
        ),
        EN: (
            "Your restriction is being lifted",
            "The restriction on the use of your data, set following your request no. {n}, is about to be lifted (GDPR Article 18(3)).",
        ),
    },
    "portability_refused": {
        FR: (
            "",
            "le droit à la portabilité ne porte que sur les données que vous nous avez fournies dans le cadre d'un contrat ou de votre consentement (article 20 du RGPD) ; nous pouvons répondre à votre demande comme une demande d'accès, qui vous donnera une copie de toutes vos données",
        ),
        EN: (
            "",
            "the right to data portability covers only the data you provided to us under a contract or your consent (GDPR Article 20); we can answer your request as an access request, which gives you a copy of all your data",
        ),
    },
}

KEPT_WHY = {
    "litigation_hold": {
        FR: "conservé pour un contentieux en cours, jusqu'à l'épuisement des voies de recours",
        EN: "kept for ongoing litigation, until all appeal routes are exhausted",
    },
    "contract_running": {
        FR: "nécessaire à l'exécution de votre contrat en cours",
        EN: "needed to perform your current contract",
    },
    "legal_claims": {
        FR: "conservé pour la constatation, l'exercice ou la défense de droits en justice",
        EN: "kept for the establishment, exercise or defence of legal claims",
    },
    "legal_obligation": {
        FR: "conservé pour respecter une obligation légale",
        EN: "kept to comply with a legal obligation",
    },
}
UNTIL = {FR: "effacement le", EN: "erased on"}

# What an Art. 19 notice tells a recipient was done, by the kind of order the answer made.
RECIPIENT_NOTICE = {
    "erasure.required": {
        FR: "nous avons effacé les données suivantes",
        EN: "we erased these data",
    },
    "rectification.required": {
        FR: "nous avons rectifié les données suivantes",
        EN: "we rectified these data",
    },
    "restriction.set": {
        FR: "nous avons limité l'utilisation des données suivantes (article 18 du RGPD)",
        EN: "we restricted the use of these data (GDPR Article 18)",
    },
    "restriction.lifted": {
        FR: "nous avons levé la limitation de l'utilisation des données suivantes",
        EN: "we lifted the restriction of these data",
    },
}
NOTHING = {FR: "rien", EN: "nothing"}

IDENTITY_METHODS = {
    "document": {FR: "copie d'une pièce d'identité", EN: "a copy of an identity document"},
    "code": {FR: "code envoyé à un contact connu", EN: "a code sent to a contact we hold"},
    "client_number": {FR: "numéro de client", EN: "client number"},
}


_INFORMATION: dict[str, dict[Language, tuple[str, str]]] = {
    "letter": {
        FR: (
            "Information sur le traitement de vos données personnelles",
            "Madame, Monsieur,\n\n{controller} a reçu des données personnelles vous concernant. Elles ont été collectées {source}, et non auprès de vous : c'est pourquoi nous vous en informons (article 14 du RGPD).\n\nCes données sont : {categories}. Elles sont traitées pour : {purposes}. Nous les conservons {kept}. Elles sont destinées à : {recipients}. {transfers}\n\nVous disposez des droits suivants : {rights}. {withdrawal}Pour les exercer, écrivez à notre délégué à la protection des données : {dpo}. Vous pouvez aussi introduire une réclamation auprès de la CNIL ({cnil}).\n\n{controller}",
        ),
        EN: (
            "Information on the processing of your personal data",
            "Dear Sir or Madam,\n\n{controller} has received personal data about you. They were collected {source}, not from you: this is why we tell you (GDPR Article 14).\n\nThese data are: {categories}. They are processed for: {purposes}. We keep them {kept}. They go to: {recipients}. {transfers}\n\nYou have these rights: {rights}. {withdrawal}To exercise them, write to our data protection officer: {dpo}. You may also lodge a complaint with the CNIL ({cnil}).\n\n{controller}",
        ),
    },
    "sms": {
        FR: (
            "",
            "{name} a reçu vos coordonnées {source}. Pourquoi, combien de temps, vos droits : {link}",
        ),
        EN: (
            "",
            "{name} received your contact details {source}. Why, for how long, your rights: {link}",
        ),
    },
}


def information_notice(form: str, lang: Language, **values: object) -> tuple[str, str]:
    """The Art. 14 notice as a letter or an SMS text."""
    subject, text = _INFORMATION[form][lang]
    return subject, text.format(**values)


def notice(key: str, lang: Language, **values: object) -> tuple[str, str]:
    """The subject and text of notice ``key`` in ``lang``, its placeholders filled."""
    subject, text = _NOTICES[key][lang]
    return subject.format(**values), text.format(**values)
