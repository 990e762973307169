"""The closed vocabularies the engine understands; a policy chooses among them.

These words are the engine's, not a charter's: a policy may declare any purposes, roles,
fields and categories it likes, but a legal basis, an anchor for a retention clock or a court
kind must be one the engine knows how to enforce.
"""

from __future__ import annotations

from enum import StrEnum


class LegalBasis(StrEnum):
    """GDPR Art. 6(1) bases; ``pre_contract`` is the second half of 6(1)(b)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    PRE_CONTRACT = "pre_contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTEREST = "legitimate_interest"


# GDPR Art. 21(1): objection exists only against processing on 6(1)(e) or (f).
OBJECTABLE_BASES = frozenset({LegalBasis.LEGITIMATE_INTEREST, LegalBasis.PUBLIC_TASK})

# GDPR Art. 20(1)(a): portability covers processing on consent or contract.
PORTABLE_BASES = frozenset({LegalBasis.CONSENT, LegalBasis.CONTRACT, LegalBasis.PRE_CONTRACT})


class Objection(StrEnum):
    """Whether the subject may object to a purpose (GDPR Art. 21)."""

    NONE = "none"  # the basis gives no right to object
    GROUNDS = "grounds"  # Art. 21(1): on grounds relating to their situation
    ABSOLUTE = "absolute"  # Art. 21(2)-(3): direct marketing, no reason needed


class InferenceFamily(StrEnum):
    """What the AI Act makes of an inference, whatever the policy calls it (``inferences``)."""

    # Identifying or inferring emotions or intentions from biometric data such as the voice (AI Act
    # art. 3(39)) — emotion, sentiment, stress, mood, satisfaction scored from the voice: forbidden
    # about people at work (art. 5(1)(f)), high-risk about others (Annex III 1(c); art. 50(3)).
    EMOTION_RECOGNITION = "emotion_recognition"
    # Evaluating workers' performance or behaviour (Annex III 4(b)): high-risk.
    WORKER_EVALUATION = "worker_evaluation"
    CONTENT = "content"  # what was said: topics, who spoke when — none of the above


class InferenceTarget(StrEnum):
    STAFF = "staff"
    DATA_SUBJECTS = "data_subjects"


class SourceKind(StrEnum):
    """From whom a subject's data were collected (GDPR Art. 13 vs 14)."""

    SUBJECT = "subject"
    PARTNER = "partner"
    REFERRAL = "referral"  # a client who refers a prospect
    CLIENT = "client"  # a client who designates a trusted person or registers a contact


class Anchor(StrEnum):
    """The date a retention clock starts from; each is documented in docs/policy.md."""

    CONTRACT_END = "contract_end"
    COLLECTION_OR_LAST_CONTACT = "collection_or_last_contact"
    LAST_DAY_DESIGNATED = "last_day_designated"
    CALL_DATE = "call_date"
    OPPOSITION_DATE = "opposition_date"
    REQUEST_CLOSED = "request_closed"
    ENTRY_DATE = "entry_date"
    ANALYSIS_DATE = "analysis_date"
    CONSENT_END = "consent_end"  # a consent's proof: from its withdrawal (or its person's erasure)


class ContactKind(StrEnum):
    """Which prospect contacts may restart the prospect clock."""

    INBOUND = "inbound"
    OUTBOUND_ANSWERED = "outbound_answered"
    OUTBOUND = "outbound"


class ErasureAction(StrEnum):
    ERASE = "erase"
    KEEP_UNTIL_PURGE = "keep_until_purge"


class ErasureGround(StrEnum):
    """GDPR Art. 17(3) exceptions that let data outlive an erasure request."""

    LEGAL_OBLIGATION = "legal_obligation"  # 17(3)(b)
    LEGAL_CLAIMS = "legal_claims"  # 17(3)(e)


class RoleKind(StrEnum):
    STAFF = "staff"
    PROVIDER = "provider"
    SUBCONTRACTOR = "subcontractor"
    THIRD_PARTY = "third_party"


class RecordingMode(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    SYSTEMATIC = "systematic"


class CourtKind(StrEnum):
    CIVIL = "civil"
    REFERE = "refere"
    CRIMINAL = "criminal"
    ADMINISTRATIVE = "administrative"


class Recourse(StrEnum):
    APPEAL = "appeal"
    CASSATION = "cassation"


class WindowStart(StrEnum):
    SERVICE = "service"
    PRONOUNCEMENT = "pronouncement"


class CallDirection(StrEnum):
    """Who called whom: a call to the operator's services, or one it makes."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Counting(StrEnum):
    """How a recourse period counts its days."""

    CALENDAR = "calendar"  # from the day after the start, the last day included (CPC 641)
    # Jours francs: neither the day of the decision nor the day the period expires counts, so the
    # act may still be done the day after (CPP 568 for the criminal cassation).
    CLEAR_DAYS = "clear_days"


class CourtSeat(StrEnum):
    """Where the court sits: the distance extensions differ (CPC 643 for a court in metropolitan
    France, CPC 644 for one sitting overseas)."""

    METROPOLITAN = "metropolitan"
    OVERSEAS = "overseas"


class HolidayCalendar(StrEnum):
    METROPOLITAN = "metropolitan"
    ALSACE_MOSELLE = "alsace_moselle"


class Right(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    OPPOSITION = "opposition"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    # Not one of the rights a policy grants: open to anyone whose data a purpose processes on their
    # consent, at any time, as easily as it was given (GDPR Art. 7(3)).
    CONSENT_WITHDRAWAL = "consent_withdrawal"


class IdentityRequestEffect(StrEnum):
    """What asking the requester to prove identity does to the reply clock."""

    PAUSE = "pause"
    RESTART = "restart"


class IdentityMethod(StrEnum):
    CODE = "code"
    CLIENT_NUMBER = "client_number"
    DOCUMENT = "document"


class DocumentRequired(StrEnum):
    ALWAYS = "always"
    WHEN_IN_DOUBT = "when_in_doubt"
    NEVER = "never"


class DocumentDeletion(StrEnum):
    ON_VERIFICATION = "on_verification"
    ON_CLOSURE = "on_closure"


class Channel(StrEnum):
    POST = "post"
    EMAIL = "email"
    PHONE = "phone"
    WEB = "web"
    IN_PERSON = "in_person"


class RestrictedUse(StrEnum):
    """GDPR Art. 18(2): what a restricted person's data may still be processed for, beyond storage."""

    CONSENT = "consent"
    LEGAL_CLAIMS = "legal_claims"
    PROTECTION_OF_OTHERS = "protection_of_others"  # of another natural or legal person
    PUBLIC_INTEREST = "public_interest"


class RestrictionGround(StrEnum):
    """GDPR Art. 18(1)(a)-(d)."""

    ACCURACY = "accuracy"
    UNLAWFUL = "unlawful"
    LEGAL_CLAIMS = "legal_claims"
    OBJECTION_PENDING = "objection_pending"


class Language(StrEnum):
    FR = "fr"
    EN = "en"
