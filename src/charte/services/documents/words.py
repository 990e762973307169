"""The machine words of the register told in words: what a letter prints for a status, an act, a
direction, an outcome — never the code itself (GDPR Art. 12(1): clear and plain language).

Words that the policy names (fields, roles, purposes, data categories) come from the policy's
labels; the words here are the engine's own vocabularies, in each language. ``KINDS`` lists each
vocabulary with the codes it must cover, so that a test finds a code without its words.
"""

from __future__ import annotations

from charte.domain.audit import Action
from charte.domain.prospecting import Channel as ProspectingChannel
from charte.domain.prospecting import ConsentMethod, Ground, Refusal
from charte.domain.register import ContactChannel, Direction
from charte.domain.register import Outcome as ContactOutcome
from charte.domain.retention import UnitStatus
from charte.domain.vocabulary import CallDirection, Language, RestrictionGround
from charte.services.alarms import Outcome as CallOutcome
from charte.services.consents import WithdrawnBy

FR, EN = Language.FR, Language.EN

_WORDS: dict[str, dict[str, dict[Language, str]]] = {
    # A retention unit's state (domain.retention.UnitStatus).
    "unit_status": {
        "active": {FR: "en cours", EN: "current"},
        "scheduled": {FR: "effacement programmé", EN: "erasure scheduled"},
        "held": {FR: "conservée pour un contentieux", EN: "kept for litigation"},
        "review": {FR: "conservation en cours de réexamen", EN: "retention under review"},
    },
    # What a retention unit keeps when it is not a category of persons (services.retention.UnitView).
    "unit": {
        "recording": {FR: "enregistrement d'un appel", EN: "call recording"},
        "call": {FR: "trace d'un appel", EN: "call record"},
        "alarm_session": {FR: "gestion d'une alarme", EN: "alarm handling"},
    },
    # A contract's state, as the register gives it.
    "contract_status": {
        "active": {FR: "en cours", EN: "running"},
        "ended": {FR: "terminé", EN: "ended"},
    },
    # What was done with the person's data (domain.audit.Action), as a consultation tells it.
    "action": {
        "read": {FR: "consultation", EN: "viewed"},
        "list": {FR: "consultation dans une liste", EN: "viewed in a list"},
        "search": {FR: "recherche d'une personne", EN: "search for a person"},
        "import": {FR: "mise à jour par nos systèmes", EN: "updated by our systems"},
        "erase": {FR: "effacement", EN: "erasure"},
        "hold": {FR: "conservation pour un contentieux", EN: "kept for litigation"},
        "actor": {FR: "gestion des accès", EN: "access management"},
        "disclose": {FR: "communication à un destinataire", EN: "disclosed to a recipient"},
        "session": {FR: "connexion", EN: "sign-in"},
        "rights": {FR: "traitement d'une demande d'exercice de droits", EN: "handling of a rights request"},
        "alarm": {FR: "gestion d'une alarme", EN: "alarm handling"},
        "key": {FR: "renouvellement d'une clé de chiffrement", EN: "renewal of an encryption key"},
        "breach": {FR: "gestion d'une violation de données", EN: "handling of a personal-data breach"},
        "training": {FR: "formation du personnel", EN: "staff training"},
        "dataset": {FR: "jeu de données d'analyse", EN: "analysis dataset"},
        "prospecting": {
            FR: "vérification avant une sollicitation commerciale",
            EN: "check before a marketing solicitation",
        },
    },
    # A call's direction (domain.vocabulary.CallDirection), and a prospect contact's.
    "direction": {
        "inbound": {FR: "appel reçu", EN: "call received"},
        "outbound": {FR: "appel passé", EN: "call made"},
    },
    "contact_direction": {
        "inbound": {FR: "de votre part", EN: "from you"},
        "outbound": {FR: "de notre part", EN: "from us"},
    },
    "channel": {
        "phone": {FR: "téléphone", EN: "phone"},
        "email": {FR: "e-mail", EN: "e-mail"},
        "sms": {FR: "SMS", EN: "text message"},
        "mail": {FR: "courrier", EN: "post"},
        "visit": {FR: "visite", EN: "visit"},
        "web": {FR: "site web", EN: "website"},
    },
    "contact_outcome": {
        "accepted": {FR: "accord", EN: "accepted"},
        "interested": {FR: "intéressé(e)", EN: "interested"},
        "not_interested": {FR: "pas intéressé(e)", EN: "not interested"},
        "refused": {FR: "refus", EN: "refused"},
        "no_answer": {FR: "pas de réponse", EN: "no answer"},
    },
    # What a call of the monitoring station to the person gave (services.alarms.Outcome).
    "call_outcome": {
        "answered": {FR: "vous avez répondu", EN: "you answered"},
        "no_answer": {FR: "pas de réponse", EN: "no answer"},
        "voicemail": {FR: "messagerie", EN: "voicemail"},
        "wrong_number": {FR: "faux numéro", EN: "wrong number"},
    },
    # Why the person's data are restricted (GDPR Art. 18(1)(a)-(d)).
    "restriction_ground": {
        "accuracy": {
            FR: "vous contestez leur exactitude, le temps de la vérifier",
            EN: "you contest their accuracy, while it is checked",
        },
        "unlawful": {
            FR: "leur traitement était illicite et vous avez préféré la limitation à l'effacement",
            EN: "their processing was unlawful and you preferred restriction to erasure",
        },
        "legal_claims": {
            FR: "vous en avez besoin pour un droit en justice",
            EN: "you need them for a legal claim",
        },
        "objection_pending": {
            FR: "votre opposition est en cours d'examen",
            EN: "your objection is being considered",
        },
    },
    # The prospecting gate's reasons (domain.prospecting.Refusal and Ground).
    "prospecting_reason": {
        "objected": {FR: "opposition à la prospection", EN: "objection to marketing"},
        "no_consent": {FR: "pas de consentement", EN: "no consent"},
        "consent_withdrawn": {FR: "consentement retiré", EN: "consent withdrawn"},
        "bloctel_listed": {FR: "inscrit sur Bloctel", EN: "on the Bloctel list"},
        "bloctel_not_checked": {FR: "liste Bloctel absente ou trop ancienne", EN: "no recent Bloctel list"},
        "outside_hours": {FR: "hors des jours et heures permis", EN: "outside the permitted days and hours"},
        "too_many": {FR: "plus de 4 appels en 30 jours", EN: "over 4 calls in 30 days"},
        "after_refusal": {FR: "moins de 60 jours après un refus", EN: "within 60 days of a refusal"},
        "consent": {FR: "consentement donné", EN: "consent given"},
        "client_contract": {FR: "client sous contrat", EN: "client under contract"},
        "bloctel_clear": {FR: "absent de la liste Bloctel", EN: "not on the Bloctel list"},
        "within_hours": {FR: "dans les jours et heures permis", EN: "within the permitted days and hours"},
        "under_limit": {FR: "sous la limite d'appels", EN: "under the call limit"},
        "no_consent_needed": {
            FR: "pas de consentement requis à cette date",
            EN: "no consent required on that day",
        },
    },
    # How a consent was given (domain.prospecting.ConsentMethod).
    "consent_method": {
        "web_form": {FR: "formulaire en ligne", EN: "web form"},
        "call": {FR: "appel", EN: "call"},
        "paper": {FR: "papier", EN: "paper"},
        "partner": {FR: "recueilli par un partenaire", EN: "collected by a partner"},
    },
    # How it was withdrawn (services.consents.WithdrawnBy), or ended with its person.
    "consent_end": {
        "portal": {FR: "retiré sur le portail", EN: "withdrawn on the portal"},
        "link": {FR: "retiré par le lien de désinscription", EN: "withdrawn by the opt-out link"},
        "keyword": {FR: "retiré par le mot STOP", EN: "withdrawn by the STOP keyword"},
        "call": {FR: "retiré lors d'un appel", EN: "withdrawn during a call"},
        "erasure": {FR: "fin avec l'effacement de la personne", EN: "ended with the person's erasure"},
        "feed": {FR: "retiré auprès de nos systèmes", EN: "withdrawn through our systems"},
    },
    # Who collected a consent (domain.vocabulary.SourceKind, as a consent's source allows).
    "consent_source": {
        "subject": {FR: "la personne elle-même", EN: "the person themselves"},
        "partner": {FR: "un partenaire", EN: "a partner"},
    },
    # The channels of the prospecting gate (domain.prospecting.Channel).
    "prospecting_channel": {
        "phone": {FR: "téléphone", EN: "phone"},
        "email": {FR: "e-mail", EN: "e-mail"},
        "sms": {FR: "SMS", EN: "text message"},
        "post": {FR: "courrier", EN: "post"},
    },
    "yes_no": {
        "true": {FR: "oui", EN: "yes"},
        "false": {FR: "non", EN: "no"},
    },
}

# The codes each vocabulary must have words for (its enumeration in the engine).
KINDS: dict[str, frozenset[str]] = {
    "unit": frozenset({"recording", "call", "alarm_session"}),
    "unit_status": frozenset(UnitStatus),
    "contract_status": frozenset({"active", "ended"}),
    "action": frozenset(Action),
    "direction": frozenset(CallDirection),
    "contact_direction": frozenset(Direction),
    "channel": frozenset(ContactChannel),
    "contact_outcome": frozenset(ContactOutcome),
    "call_outcome": frozenset(CallOutcome),
    "restriction_ground": frozenset(RestrictionGround),
    "prospecting_reason": frozenset(Refusal) | frozenset(Ground),
    "consent_method": frozenset(ConsentMethod),
    "consent_end": frozenset(WithdrawnBy) | {"erasure", "feed"},
    "consent_source": frozenset({"subject", "partner"}),
    "prospecting_channel": frozenset(ProspectingChannel),
    "yes_no": frozenset({"true", "false"}),
}


def word(kind: str, code: str | bool, lang: Language) -> str:
    """The words for ``code`` in the vocabulary ``kind``; a code without words is printed as it is
    (a test proves every code of every vocabulary has its words)."""
    key = str(code).lower() if isinstance(code, bool) else code
    found = _WORDS[kind].get(key)
    return found[lang] if found is not None else key


def labels(kind: str, lang: Language) -> dict[str, str]:
    """Every code of a vocabulary with its words (the glossary an answer's JSON carries)."""
    return {code: texts[lang] for code, texts in _WORDS[kind].items()}
