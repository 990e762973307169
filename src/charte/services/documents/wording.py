"""The engine's own sentences, in French and English.

Only generic wording lives here — how a retention anchor, a legal basis or a right is said.
Everything particular to a charter (names, labels, periods, recipients) comes from the policy.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from charte.domain.accountability import Processor, TransferOut
from charte.domain.durations import Duration
from charte.domain.policy import Purpose
from charte.domain.register import Role
from charte.domain.vocabulary import Anchor, Language, LegalBasis, Right, RoleKind, SourceKind

FR, EN = Language.FR, Language.EN

_UNITS = {
    FR: (("an", "ans"), ("mois", "mois"), ("jour", "jours")),
    EN: (("year", "years"), ("month", "months"), ("day", "days")),
}
_AND = {FR: "et", EN: "and"}


def duration(d: Duration, lang: Language) -> str:
    """``P1Y6M`` -> "1 an et 6 mois" / "1 year and 6 months"."""
    parts = [
        f"{n} {names[0] if n == 1 else names[1]}"
        for n, names in zip((d.years, d.months, d.days), _UNITS[lang], strict=True)
        if n
    ]
    if not parts:
        return {FR: "0 jour", EN: "0 days"}[lang]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {_AND[lang]} {parts[-1]}"


def join(items: list[str], lang: Language) -> str:
    """ "a, b et c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND[lang]} " + items[-1]


_OR = {Language.FR: "ou", Language.EN: "or"}


def either(items: list[str], lang: Language) -> str:
    """ "a, b ou c" / "a, b or c": alternatives (the seed's « directement auprès de vous ou auprès
    du partenaire »: each datum comes from one of them, not from all)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_OR[lang]} " + items[-1]


_RETENTION = {
    Anchor.CONTRACT_END: {
        FR: "pendant toute la durée du contrat et pendant {d} après sa fin",
        EN: "for the whole term of the contract and {d} after it ends",
    },
    Anchor.COLLECTION_OR_LAST_CONTACT: {
        FR: "au plus {d} à compter de la collecte ou du dernier contact",
        EN: "at most {d} from collection or from the last contact",
    },
    Anchor.LAST_DAY_DESIGNATED: {
        FR: "uniquement pendant la désignation, et {d} après sa fin",
        EN: "only while designated, and {d} after the designation ends",
    },
    Anchor.CALL_DATE: {FR: "{d} à compter de l'appel", EN: "{d} from the call"},
    Anchor.OPPOSITION_DATE: {FR: "{d} à compter de l'opposition", EN: "{d} from the objection"},
    Anchor.REQUEST_CLOSED: {
        FR: "{d} après la clôture de la demande",
        EN: "{d} after the request is closed",
    },
    Anchor.ENTRY_DATE: {FR: "{d} à compter de l'enregistrement", EN: "{d} from the entry"},
    Anchor.ANALYSIS_DATE: {FR: "{d} à compter de l'analyse", EN: "{d} from the analysis"},
    Anchor.CONSENT_END: {
        FR: "{d} à compter de la fin du consentement",
        EN: "{d} from the end of the consent",
    },
}
_WHILE_DESIGNATED = {
    FR: "uniquement pendant le temps où vous êtes désigné(e)",
    EN: "only for as long as you are designated",
}
# A person who is not party to the contract (another contact) has no contract of their own: the
# seed keeps their data « durant toute la durée du contrat concerné par notre échange ».
_CONTRACT_CONCERNED = {
    FR: "pendant toute la durée du contrat concerné par notre échange et pendant {d} après sa fin",
    EN: "for the whole term of the contract our exchange concerned and {d} after it ends",
}


def retention(anchor: Anchor, period: Duration, lang: Language, *, party_to_contract: bool = True) -> str:
    """How long a category's data are kept, said to that category (a person not party to the
    contract is told of the contract their exchange concerned, not of « their » contract)."""
    if anchor is Anchor.LAST_DAY_DESIGNATED and period.is_zero:
        return _WHILE_DESIGNATED[lang]
    if anchor is Anchor.CONTRACT_END and not party_to_contract:
        return _CONTRACT_CONCERNED[lang].format(d=duration(period, lang))
    return _RETENTION[anchor][lang].format(d=duration(period, lang))


LEGAL_BASIS = {
    LegalBasis.CONSENT: {FR: "le consentement", EN: "consent"},
    LegalBasis.CONTRACT: {FR: "l'exécution du contrat", EN: "performance of the contract"},
    LegalBasis.PRE_CONTRACT: {
        FR: "des mesures précontractuelles",
        EN: "steps taken before entering into a contract",
    },
    LegalBasis.LEGAL_OBLIGATION: {FR: "une obligation légale", EN: "a legal obligation"},
    LegalBasis.VITAL_INTERESTS: {FR: "la sauvegarde des intérêts vitaux", EN: "vital interests"},
    LegalBasis.PUBLIC_TASK: {FR: "une mission d'intérêt public", EN: "a task in the public interest"},
    LegalBasis.LEGITIMATE_INTEREST: {FR: "l'intérêt légitime", EN: "legitimate interest"},
}

_FOR = {FR: "pour la catégorie « {c} »", EN: "for the category “{c}”"}
_INTEREST = {FR: "{b} ({i})", EN: "{b} ({i})"}


def basis_of(purpose: Purpose, category: str, lang: Language) -> str:
    """The basis a purpose rests on for one category of persons, with the interest relied on
    when it is a legitimate interest (GDPR Art. 13(1)(c)-(d), 14(1)(c), 14(2)(b))."""
    basis = LEGAL_BASIS[purpose.basis_for(category)][lang]
    interest = purpose.interest_for(category)
    return _INTEREST[lang].format(b=basis, i=interest(lang)) if interest is not None else basis


def basis_inline(purpose: Purpose, category: str, lang: Language) -> str:
    """``basis_of`` for a text that already puts the basis in parentheses: « l'intérêt légitime :
    joindre … » rather than a parenthesis inside another."""
    basis = LEGAL_BASIS[purpose.basis_for(category)][lang]
    interest = purpose.interest_for(category)
    colon = " : " if lang is Language.FR else ": "
    return basis + colon + interest(lang) if interest is not None else basis


def bases_of(purpose: Purpose, labels: Mapping[str, str], lang: Language, among: Collection[str] = ()) -> str:
    """The purpose's basis, then each category it rests on another basis for — « l'exécution du
    contrat ; pour la catégorie « Personne de confiance » : l'intérêt légitime (...) ».
    ``labels``: the categories' labels; ``among``: only those categories (all when empty)."""
    own = LEGAL_BASIS[purpose.legal_basis][lang]
    if purpose.interest is not None:
        own = _INTEREST[lang].format(b=own, i=purpose.interest(lang))
    colon = " : " if lang is Language.FR else ": "
    others = [
        _FOR[lang].format(c=labels.get(sid, sid)) + colon + basis_of(purpose, sid, lang)
        for sid in purpose.by_subject
        if not among or sid in among
    ]
    return "; ".join([own, *others]) if lang is Language.EN else " ; ".join([own, *others])


SOURCE = {
    SourceKind.SUBJECT: {FR: "directement auprès de vous", EN: "directly from you"},
    # Said as the seed says it to a prospect: « le partenaire par lequel vous avez été informé de
    # l'offre »; to a client, ``source_of`` says « par lequel vous avez souscrit le contrat ».
    SourceKind.PARTNER: {
        FR: "auprès du partenaire par lequel vous avez été informé(e) de notre offre",
        EN: "from the partner through which you were told of our offer",
    },
    SourceKind.REFERRAL: {
        FR: "auprès du client qui vous parraine",
        EN: "from the client who referred you",
    },
    SourceKind.CLIENT: {
        FR: "auprès du client qui vous a désigné(e) ou déclaré(e)",
        EN: "from the client who designated or registered you",
    },
}

_PARTNER_SIGNED = {
    FR: "auprès du partenaire par lequel vous avez souscrit le contrat",
    EN: "from the partner through which you took out the contract",
}


_CLIENT_DESIGNATED = {
    FR: "auprès du client qui vous a désigné(e) comme personne de confiance dans ses consignes d'intervention",
    EN: "from the client who designated you as a trusted person in their intervention instructions",
}
_CLIENT_CONTRACT = {
    FR: "auprès du client du contrat pour lequel vous nous avez contactés",
    EN: "from the client of the contract you contacted us about",
}


def source_of(kind: SourceKind, party_to_contract: bool, lang: Language, category: str = "") -> str:
    """Where a category's data came from, as the seed says it: a client's partner is the one
    « par lequel vous avez souscrit le contrat », a prospect's the one that told them of the offer;
    the client who gave a trusted person's data « vous [a] désigné comme personne de confiance dans
    ses consignes d'intervention », another contact's is the client of the contract concerned."""
    if kind is SourceKind.PARTNER and party_to_contract:
        return _PARTNER_SIGNED[lang]
    if kind is SourceKind.CLIENT and category == Role.TRUSTED_PERSON.value:
        return _CLIENT_DESIGNATED[lang]
    if kind is SourceKind.CLIENT and category == Role.OTHER_CONTACT.value:
        return _CLIENT_CONTRACT[lang]
    return SOURCE[kind][lang]


ROLE_KIND = {
    RoleKind.STAFF: {FR: "Nos collaborateurs habilités", EN: "Our authorised staff"},
    RoleKind.PROVIDER: {FR: "Nos prestataires", EN: "Our service providers"},
    RoleKind.SUBCONTRACTOR: {FR: "Nos sous-traitants techniques", EN: "Our technical subcontractors"},
    RoleKind.THIRD_PARTY: {FR: "Tiers destinataires", EN: "Third-party recipients"},
}

RIGHT = {
    Right.ACCESS: {
        FR: (
            "Droit d'accès",
            "connaître les données personnelles vous concernant dont nous disposons et en obtenir une copie (art. 15 RGPD).",
        ),
        EN: (
            "Right of access",
            "know which personal data about you we hold and obtain a copy (GDPR Art. 15).",
        ),
    },
    Right.RECTIFICATION: {
        FR: (
            "Droit de rectification",
            "faire rectifier vos données si elles sont inexactes ou incomplètes (art. 16 RGPD).",
        ),
        EN: (
            "Right to rectification",
            "have your data corrected if they are inaccurate or incomplete (GDPR Art. 16).",
        ),
    },
    Right.ERASURE: {
        FR: (
            "Droit à l'effacement",
            "demander la suppression de vos données, sauf lorsque la réglementation nous oblige ou nous autorise à les conserver (art. 17 RGPD).",
        ),
        EN: (
            "Right to erasure",
            "ask for your data to be deleted, except where the law obliges or allows us to keep them (GDPR Art. 17).",
        ),
    },
    Right.CONSENT_WITHDRAWAL: {
        FR: (
            "Retrait du consentement",
            "retirer à tout moment, aussi simplement que vous l'avez donné, le consentement sur lequel repose un traitement (art. 7.3 RGPD).",
        ),
        EN: (
            "Withdrawal of consent",
            "withdraw at any time, as easily as you gave it, the consent a processing rests on (GDPR Art. 7(3)).",
        ),
    },
    Right.OPPOSITION: {
        FR: (
            "Droit d'opposition",
            "vous opposer à tout moment à certaines utilisations de vos données, et sans motif à la prospection (art. 21 RGPD).",
        ),
        EN: (
            "Right to object",
            "object at any time to some uses of your data, and without giving reasons to prospecting (GDPR Art. 21).",
        ),
    },
    Right.RESTRICTION: {
        FR: (
            "Droit à la limitation",
            "faire geler l'utilisation de vos données, notamment le temps de vérifier une autre demande (art. 18 RGPD).",
        ),
        EN: (
            "Right to restriction",
            "have the use of your data frozen, in particular while another request is being checked (GDPR Art. 18).",
        ),
    },
    Right.PORTABILITY: {
        FR: (
            "Droit à la portabilité",
            "récupérer les données que vous nous avez fournies, dans un format structuré, pour vous ou pour un tiers de votre choix (art. 20 RGPD).",
        ),
        EN: (
            "Right to data portability",
            "receive the data you provided to us in a structured format, for yourself or a third party of your choice (GDPR Art. 20).",
        ),
    },
}

_T: dict[str, dict[Language, str]] = {
    "updated": {FR: "Mis à jour le {d}", EN: "Updated on {d}"},
    # What every letter to a data subject opens and closes with.
    "letter.date": {FR: "Le {d}", EN: "{d}"},
    "letter.hello": {FR: "Madame, Monsieur,", EN: "Dear Sir or Madam,"},
    "letter.bye": {
        FR: "Nous restons à votre disposition pour toute question. Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        EN: "We remain at your disposal for any question. Yours faithfully,",
    },
    "intro": {
        FR: "{c} traite des données personnelles qui peuvent concerner des clients, des prospects ou toute personne en contact avec ses services. La présente charte vous informe de l'utilisation qui est faite de vos données et de la manière dont nous les protégeons.",
        EN: "{c} processes personal data that may concern clients, prospects or anyone in contact with its services. This charter tells you how your data are used and how we protect them.",
    },
    "h.why": {
        FR: "Pourquoi avons-nous besoin de données personnelles ?",
        EN: "Why do we need personal data?",
    },
    "why": {
        FR: "Nous traitons vos données personnelles pour les finalités suivantes :",
        EN: "We process your personal data for the following purposes:",
    },
    "h.what": {
        FR: "Quelles données sont collectées et dans quel objectif ?",
        EN: "Which data are collected, and for what?",
    },
    "subject": {FR: "Si vous êtes : {s}", EN: "If you are: {s}"},
    "collected": {FR: "Données collectées : {x}.", EN: "Data collected: {x}."},
    "from": {FR: "Ces données sont collectées {x}.", EN: "These data are collected {x}."},
    "for": {FR: "Elles sont traitées pour : {x}.", EN: "They are processed for: {x}."},
    "for.calls": {
        FR: "Elles sont traitées pour les finalités de l'enregistrement des appels, décrites ci-dessous.",
        EN: "They are processed for the purposes of call recording, described below.",
    },
    "kept": {FR: "Nous les conservons {x}.", EN: "We keep them {x}."},
    "h.calls": {FR: "Enregistrement des conversations téléphoniques", EN: "Recording of phone calls"},
    # The seed: « enregistre ou réalise de la double écoute sur une partie des appels à destination
    # de ses services » — the listening is on the same calls, in the same directions, as recording.
    "calls.partial": {
        FR: "{c} enregistre une partie des {calls}",
        EN: "{c} records some of the {calls}",
    },
    "calls.partial_live": {
        FR: "{c} enregistre ou réalise de la double écoute sur une partie des {calls}",
        EN: "{c} records or listens in live on some of the {calls}",
    },
    "calls.systematic": {
        FR: "{c} enregistre l'ensemble des {calls}, conformément à {law}",
        EN: "{c} records all the {calls}, as required by {law}",
    },
    "calls.systematic_live": {
        FR: "{c} enregistre l'ensemble des {calls}, conformément à {law}, et peut réaliser sur ces appels de la double écoute",
        EN: "{c} records all the {calls}, as required by {law}, and may listen in live on them",
    },
    "calls.inbound": {FR: "appels à destination de ses services", EN: "calls to its services"},
    "calls.outbound": {FR: "appels passés par ses services", EN: "calls its services make"},
    "calls.both": {
        FR: "appels à destination de ses services ou passés par eux",
        EN: "calls to its services or made by them",
    },
    "calls.controller": {FR: ", en qualité de responsable de traitement", EN: ", as controller"},
    "calls.none": {FR: "{c} n'enregistre pas les appels", EN: "{c} does not record calls"},
    "calls.li": {
        FR: "Ces enregistrements sont utilisés au titre de notre intérêt légitime, sauf opposition de votre part, pour :",
        EN: "These recordings are used on the basis of our legitimate interest, unless you object, for:",
    },
    "calls.other": {
        FR: "Ils peuvent aussi être utilisés, même en cas d'opposition, pour :",
        EN: "They may also be used, even if you object, for:",
    },
    "calls.who": {
        FR: "Ils sont destinés aux seules personnes habilitées : {x}.",
        EN: "Only authorised people may access them: {x}.",
    },
    "calls.kept": {
        FR: "Ils sont conservés {x}, sauf en cas de contentieux où ils sont conservés pour la durée du contentieux et jusqu'à l'expiration des voies de recours.",
        EN: "They are kept {x}, except in litigation, where they are kept for as long as it lasts and until all appeal routes are exhausted.",
    },
    "h.access": {
        FR: "Qui peut avoir accès à vos données personnelles ?",
        EN: "Who may access your personal data?",
    },
    "access": {
        FR: "Chacun n'accède qu'aux données nécessaires à sa mission, pour les finalités indiquées.",
        EN: "Each accesses only the data needed for their task, for the stated purposes.",
    },
    "recipient": {FR: "{r} — pour : {p}", EN: "{r} — for: {p}"},
    "h.basis": {
        FR: "Quelle est la base légale du traitement ?",
        EN: "What is the legal basis of the processing?",
    },
    "basis": {
        FR: "Nos traitements reposent sur {x}. Pour chaque finalité :",
        EN: "Our processing rests on {x}. For each purpose:",
    },
    "h.commit": {FR: "Quels sont nos engagements ?", EN: "What are our commitments?"},
    "commit": {
        FR: "Nous ne collectons que les données strictement nécessaires aux finalités ci-dessus, et leur utilisation se limite exclusivement à ces finalités.",
        EN: "We collect only the data strictly necessary for the purposes above, and use them for those purposes only.",
    },
    "h.measures": {
        FR: "Que mettons-nous en œuvre pour respecter nos engagements ?",
        EN: "What do we do to keep our commitments?",
    },
    "transfers.none": {
        FR: "Vos données ne sont pas transférées hors de l'Espace économique européen.",
        EN: "Your data are not transferred outside the European Economic Area.",
    },
    "transfers.some": {
        FR: "Vos données peuvent être transférées hors de l'Espace économique européen :",
        EN: "Your data may be transferred outside the European Economic Area:",
    },
    "transfer": {
        FR: "{country}, par {processor}, sur le fondement : {mechanism}",
        EN: "{country}, by {processor}, on: {mechanism}",
    },
    "mechanism.adequacy": {
        FR: "décision d'adéquation de la Commission européenne",
        EN: "an adequacy decision of the European Commission",
    },
    "mechanism.scc_2021": {
        FR: "clauses contractuelles types de la Commission européenne (2021), module {m}",
        EN: "the European Commission's standard contractual clauses (2021), module {m}",
    },
    "mechanism.bcr": {FR: "règles d'entreprise contraignantes", EN: "binding corporate rules"},
    "mechanism.dpf": {
        FR: "cadre de protection des données UE–États-Unis (Data Privacy Framework)",
        EN: "the EU–US Data Privacy Framework",
    },
    "mechanism.derogation": {
        FR: "dérogation de l'article 49(1)({d}) du RGPD",
        EN: "the derogation of GDPR Art. 49(1)({d})",
    },
    "h.rights": {
        FR: "Quels sont vos droits concernant vos données personnelles ?",
        EN: "What are your rights over your personal data?",
    },
    "right": {FR: "{n} : vous pouvez {d}", EN: "{n}: you may {d}"},
    "deadline": {
        FR: "Nous répondons dans un délai de {r} à compter de la réception de votre demande ; ce délai peut être prolongé de {e} en raison de la complexité ou du nombre de demandes, et nous vous en informons alors dans le premier délai.",
        EN: "We answer within {r} of receiving your request; this may be extended by {e} because of complexity or the number of requests, in which case we tell you within the first period.",
    },
    "h.how": {FR: "Comment exercer vos droits ?", EN: "How to exercise your rights?"},
    "how.always": {
        FR: "Vous pouvez exercer vos droits, sous réserve de la fourniture d'une pièce justificative d'identité, en adressant votre demande à :",
        EN: "You may exercise your rights, subject to providing proof of identity, by sending your request to:",
    },
    "how.doubt": {
        FR: "Vous pouvez exercer vos droits en adressant votre demande ci-dessous ; en cas de doute raisonnable sur votre identité, nous pourrons vous demander des informations complémentaires :",
        EN: "You may exercise your rights by sending your request below; if we have reasonable doubts about your identity we may ask for more information:",
    },
    "how.never": {
        FR: "Vous pouvez exercer vos droits en adressant votre demande à :",
        EN: "You may exercise your rights by sending your request to:",
    },
    "dpo.email": {FR: "par e-mail : {e}", EN: "by email: {e}"},
    "dpo.post": {FR: "par courrier : {a}", EN: "by post: {a}"},
    "h.complaint": {FR: "Réclamation auprès de la {n}", EN: "Complaint to the {n}"},
    "complaint": {
        FR: "Vous disposez du droit d'introduire une réclamation auprès de la {f} ({n}) si vous considérez que le traitement de données vous concernant constitue une violation des dispositions légales : {u} ; {a}.",
        EN: "You have the right to lodge a complaint with the {f} ({n}) if you consider that the processing of your data breaches the law: {u}; {a}.",
    },
    # The record of processing activities (GDPR Art. 30(1)).
    "register.title": {FR: "Registre des activités de traitement", EN: "Record of processing activities"},
    "register.intro": {
        FR: "Registre tenu par {c} en qualité de responsable de traitement (article 30.1 du RGPD), établi à partir de la charte du {d}.",
        EN: "Record kept by {c} as controller (GDPR Article 30(1)), generated from the charter of {d}.",
    },
    "col.field": {FR: "Rubrique", EN: "Field"},
    "col.value": {FR: "Contenu", EN: "Content"},
    "col.activity": {FR: "Activité de traitement", EN: "Processing activity"},
    "col.controller": {FR: "Responsable du traitement et coordonnées", EN: "Controller and contact details"},
    "col.dpo": {FR: "Délégué à la protection des données", EN: "Data protection officer"},
    "col.purposes": {FR: "Finalités", EN: "Purposes"},
    "col.basis": {FR: "Base légale", EN: "Legal basis"},
    "col.subjects": {FR: "Catégories de personnes concernées", EN: "Categories of data subjects"},
    "col.data": {FR: "Catégories de données", EN: "Categories of personal data"},
    "col.recipients": {FR: "Destinataires", EN: "Recipients"},
    "col.transfers": {FR: "Transferts hors Espace économique européen", EN: "Transfers outside the EEA"},
    "col.retention": {FR: "Durées de conservation", EN: "Retention periods"},
    "col.security": {FR: "Mesures de sécurité", EN: "Security measures"},
    "none": {FR: "Aucun", EN: "None"},
}


def t(key: str, lang: Language, **values: str) -> str:
    """The sentence ``key`` in ``lang`` with its placeholders filled."""
    return _T[key][lang].format(**values)


def transfer(processor: Processor, out: TransferOut, lang: Language) -> str:
    """One transfer outside the EEA as the register and the charter state it (GDPR Art. 13(1)(f),
    30(1)(e)): the country, the processor, the mechanism in words."""
    mechanism = t(f"mechanism.{out.mechanism}", lang, m=str(out.module or ""), d=out.derogation or "")
    return t("transfer", lang, country=out.country, processor=processor.name, mechanism=mechanism)


def day(d: date, lang: Language) -> str:
    """A date as the reader writes it: 28/03/2024 in French, 2024-03-28 in English."""
    return d.strftime("%d/%m/%Y") if lang is FR else d.isoformat()


PARIS = ZoneInfo("Europe/Paris")


def moment(at: datetime, lang: Language) -> str:
    """An instant as the reader writes it, in Paris time: 26/11/2026 à 12:00 in French,
    2026-11-26 12:00 in English."""
    local = at.astimezone(PARIS)
    return local.strftime("%d/%m/%Y à %H:%M") if lang is FR else local.strftime("%Y-%m-%d %H:%M")


def euros(cents: int, lang: Language) -> str:
    """An amount as the reader writes it: 15,50 € in French, €15.50 in English."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d} €" if lang is FR else f"€{whole}.{rest:02d}"
