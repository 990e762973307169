"""The policy: a charter as frozen objects, the single source every rule of charte reads.

Objects here are built by a reader (``charte.adapters.policy_document``) and checked by
``charte.domain.policy_checks``; they hold no behaviour beyond simple look-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from charte.domain.accountability import BalancingTest, Dpia, Processor, Training, TransferOut
from charte.domain.datasets import DatasetSpec
from charte.domain.durations import Duration
from charte.domain.problems import KeyPath
from charte.domain.prospecting import Prospecting
from charte.domain.vocabulary import (
    Anchor,
    CallDirection,
    Channel,
    ContactKind,
    Counting,
    CourtKind,
    DocumentDeletion,
    DocumentRequired,
    ErasureAction,
    ErasureGround,
    HolidayCalendar,
    IdentityMethod,
    IdentityRequestEffect,
    InferenceFamily,
    InferenceTarget,
    Language,
    LegalBasis,
    Objection,
    RecordingMode,
    Recourse,
    RestrictedUse,
    RestrictionGround,
    Right,
    RoleKind,
    SourceKind,
    WindowStart,
)


@dataclass(frozen=True, slots=True)
class Text:
    """A text in each of the policy's languages."""

    values: Mapping[Language, str]

    def __call__(self, lang: Language) -> str:
        return self.values[lang]


@dataclass(frozen=True, slots=True)
class Assumption:
    """A value the charter does not state and the policy had to choose."""

    path: KeyPath
    value: str
    why: str


@dataclass(frozen=True, slots=True)
class Controller:
    name: str
    parent: str | None
    activity: Text
    contact: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dpo:
    title: Text
    level: str
    postal_address: tuple[str, ...]
    email: str


@dataclass(frozen=True, slots=True)
class SupervisoryAuthority:
    name: str
    full_name: str
    complaint_url: str
    postal_address: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataCategory:
    id: str
    label: Text
    encrypted: bool = False  # stored encrypted with a key kept outside the database


@dataclass(frozen=True, slots=True)
class Inferred:
    what: str  # an inference of the policy's ``inferences`` taxonomy
    about: tuple[InferenceTarget, ...]


@dataclass(frozen=True, slots=True)
class SubjectBasis:
    """The basis a purpose rests on for one category of data subjects, where it differs from the
    purpose's own: a trusted person is not party to the client's contract (EDPB Guidelines 2/2019
    on Art. 6(1)(b)), so alarm handling rests for them on legitimate interest (Art. 6(1)(f)) — the
    interest named — and they may object (Art. 21(1))."""

    legal_basis: LegalBasis
    objection: Objection
    interest: Text | None = None  # the legitimate interest relied on (Art. 13(1)(d), 14(2)(b))


@dataclass(frozen=True, slots=True)
class Purpose:
    id: str
    label: Text
    legal_basis: LegalBasis
    objection: Objection
    infers: tuple[Inferred, ...] = ()
    by_subject: Mapping[str, SubjectBasis] = field(default_factory=dict)
    interest: Text | None = None  # the legitimate interest relied on, when that is the basis
    obligation: str | None = None  # the law laying down a legal obligation relied on (Art. 6(3))
    # A purpose of analysis (statistics over the register, GDPR Art. 89(1)): only such a purpose
    # may take data out as an analysis dataset (domain.datasets).
    analysis: bool = False

    def basis_for(self, category: str) -> LegalBasis:
        """The basis this purpose rests on for a category of data subjects."""
        found = self.by_subject.get(category)
        return found.legal_basis if found is not None else self.legal_basis

    def objection_for(self, category: str) -> Objection:
        """Whether a person of that category may object to this purpose (GDPR Art. 21)."""
        found = self.by_subject.get(category)
        return found.objection if found is not None else self.objection

    def interest_for(self, category: str) -> Text | None:
        found = self.by_subject.get(category)
        return found.interest if found is not None else self.interest


@dataclass(frozen=True, slots=True)
class ErasureEffect:
    """What an erasure request does to data under a retention rule (GDPR Art. 17(3))."""

    action: ErasureAction
    ground: ErasureGround | None = None


@dataclass(frozen=True, slots=True)
class RetentionRule:
    id: str
    anchor: Anchor
    period: Duration
    on_erasure_request: ErasureEffect
    contacts_reset_clock: tuple[ContactKind, ...] = ()
    archive_after_anchor: bool = False


@dataclass(frozen=True, slots=True)
class SubjectCategory:
    id: str
    label: Text
    sources: tuple[SourceKind, ...]
    fields: tuple[str, ...]
    retention: str
    # Whether these persons are party to the contract a purpose on Art. 6(1)(b) rests on (the
    # client is; a trusted person or another contact is not: EDPB Guidelines 2/2019).
    party_to_contract: bool = False
    staff: bool = False  # the operator's own staff (recorded at work: Code du travail duties)


@dataclass(frozen=True, slots=True)
class Grant:
    """A role may act under ``purposes`` and then see ``fields`` of ``subjects``.

    ``subjects`` is ``None`` for any subject category; ``fields`` is ``None`` for all fields.
    """

    purposes: tuple[str, ...]
    subjects: tuple[str, ...] | None
    fields: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    kind: RoleKind
    label: Text
    grants: tuple[Grant, ...]
    archive_access: bool = False
    # Where a recipient organisation is told of a rectification, erasure or restriction of data it
    # received (GDPR Art. 19): an e-mail address.
    contact: str | None = None

    @property
    def purposes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for g in self.grants for p in g.purposes))


@dataclass(frozen=True, slots=True)
class RestrictionException:
    """A purpose that may still use a restricted person's data, with its Art. 18(2) ground."""

    purpose: str
    ground: RestrictedUse


@dataclass(frozen=True, slots=True)
class ExclusiveUse:
    role: str
    purpose: str
    context: str | None = None  # the kind of context the read must be part of (e.g. alarm_session)


@dataclass(frozen=True, slots=True)
class ContextBoundFields:
    """Fields ``role`` sees for ``purpose`` only inside an open context of kind ``context``."""

    role: str
    purpose: str
    context: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Access:
    """Rules of the access gate beyond the roles' grants (``charte.domain.access``).

    The defaults deny: without exceptions a restricted person's data are only stored; holds can
    be changed by nobody until the policy names who may.
    """

    restriction_exceptions: tuple[RestrictionException, ...] = ()
    exclusive: Mapping[str, tuple[ExclusiveUse, ...]] = field(default_factory=dict)  # by subject category
    holds_managed_by: tuple[str, ...] = ()
    context_bound_fields: tuple[ContextBoundFields, ...] = ()


@dataclass(frozen=True, slots=True)
class Recordings:
    mode: RecordingMode
    share: float | None
    legal_requirement: str | None
    live_double_listening: bool
    purposes: tuple[str, ...]
    opposition_stops: tuple[str, ...]
    listeners: tuple[str, ...]
    fields: tuple[str, ...]
    retention: str
    # The rule for the metadata of calls that were not recorded (default: ``retention``), and
    # for analysis documents — scoring grids, reports (none: such documents are refused).
    metadata_retention: str | None = None
    analysis_retention: str | None = None
    # Which calls may be recorded: the charter announces the recording of calls *to* its services
    # (inbound); an outbound call (to a client, a trusted person during an alarm) is recorded only
    # where the policy says so.
    directions: frozenset[CallDirection] = frozenset({CallDirection.INBOUND})

    @property
    def metadata_rule(self) -> str:
        return self.metadata_retention or self.retention

    @property
    def systematic(self) -> bool:
        """Every call recorded, whether said outright or by a share of 100 %."""
        return self.mode is RecordingMode.SYSTEMATIC or (self.share is not None and self.share >= 1)


@dataclass(frozen=True, slots=True)
class Distance:
    """How much longer a recourse is open for a party who lives far from the court.

    For a court in metropolitan France: ``overseas`` for a party living overseas, ``abroad`` for
    one abroad (CPC 643; CJA R421-7 before the administrative courts). For a court sitting
    overseas (CPC 644): ``overseas`` for a party not living in the court's own collectivity
    (metropolitan France or another one), ``abroad`` for one abroad."""

    overseas: Duration
    abroad: Duration
    source: str


@dataclass(frozen=True, slots=True)
class RecourseRoute:
    """One way a judgment may still be challenged: its period, from which date, counted how, by
    whom (the parties, the procureur général...), extended for distance or not, and the rule that
    rolls its last day past a non-working day."""

    period: Duration
    start: WindowStart
    source: str
    distance: Distance | None = None  # None: no extension for distance
    overseas_court: Distance | None = None  # the extension before a court sitting overseas
    counting: Counting = Counting.CALENDAR
    rolled_by: str = "Code de procédure civile art. 642"
    by: str | None = None


@dataclass(frozen=True, slots=True)
class RecourseWindow:
    """Every route open against one kind of judgment: the hold keeps the longest."""

    routes: tuple[RecourseRoute, ...]


@dataclass(frozen=True, slots=True)
class Litigation:
    recourse_windows: Mapping[CourtKind, Mapping[Recourse, RecourseWindow]]
    unserved_judgment_limit: Duration
    unserved_source: str
    review_hold_without_judgment_after: Duration
    holiday_calendar: HolidayCalendar


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024  # 10 MiB, when the policy names no limit


@dataclass(frozen=True, slots=True)
class IdentityVerification:
    methods: tuple[IdentityMethod, ...]
    document_required: DocumentRequired
    delete_document: DocumentDeletion
    # The register's contact fields on file (e-mail, phone): where a one-time code may go, and what
    # a requester's contact must be one of for a client-number check.
    contact_fields: tuple[str, ...] = ()
    client_number_field: str | None = None  # the register field holding the client number
    # The largest identity document accepted (bytes): enough for a phone's photo or a scan in PDF;
    # over HTTP a larger body is refused before it is read (entrypoints.web.body_limits).
    document_max_bytes: int = DOCUMENT_MAX_BYTES

    def one_line(self, field: str) -> bool:
        """Whether a value of ``field`` must be one line: a contact codes and notices are sent to
        goes into an e-mail header, where a line break forges headers (RFC 5322 §2.2)."""
        return field in self.contact_fields


@dataclass(frozen=True, slots=True)
class Rights:
    granted: tuple[Right, ...]
    reply_within: Duration
    extension_up_to: Duration
    identity_request: IdentityRequestEffect
    identity_answer_within: Duration
    submit_to: tuple[str, ...]
    channels: tuple[Channel, ...]
    identity_verification: IdentityVerification
    restriction_grounds: tuple[RestrictionGround, ...]
    portability_bases: tuple[LegalBasis, ...]
    suppression_list_retention: str
    purpose: str | None = None  # the purpose the handlers read a person's data under to answer


@dataclass(frozen=True, slots=True)
class System:
    """One of the operator's systems that holds personal data and must carry out charte's orders."""

    id: str
    label: Text
    holds: tuple[str, ...]  # data categories
    # The event types its feed may send (``contract.signed``, or a family ``litigation.*``);
    # ``None``: every type but those with an authority of their own (``alarms.raised_by``).
    sends: tuple[str, ...] | None = None

    def may_send(self, event_type: str) -> bool:
        if self.sends is None:
            return True
        family = event_type.split(".", 1)[0] + ".*"
        return event_type in self.sends or family in self.sends


@dataclass(frozen=True, slots=True)
class Activity:
    """An entry of the record of processing activities (GDPR Art. 30(1))."""

    id: str
    name: Text
    purposes: tuple[str, ...]
    subject_categories: tuple[str, ...]
    data_categories: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: tuple[str, ...]
    security_measures: tuple[str, ...]
    dpia: Dpia | None = None  # the DPIA screening and record (GDPR Art. 35); None: not screened


@dataclass(frozen=True, slots=True)
class Search:
    """What the console's person search looks in: ``names`` matched word by word from their
    beginning, ``contacts`` (e-mail, phone) matched whole in their canonical form. Each is kept
    folded beside its value, in the register's own index (never an encrypted field)."""

    names: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.names, *self.contacts)


@dataclass(frozen=True, slots=True)
class AlarmKind:
    """A kind of alarm as the monitoring software names it: its words, and how urgent it is (the
    waiting list shows the most urgent first — 1 before 2 —, the oldest first within a level)."""

    label: Text
    priority: int


@dataclass(frozen=True, slots=True)
class Alarms:
    """Alarm handling at the monitoring station.

    ``purpose``: the purpose every read of an alarm session is made and audited under;
    ``dispatch_to``: the provider roles an operator may dispatch from a session (a disclosure of
    the role's view under its own grant's purpose); ``kept_with``: the subject category whose
    per-contract data the sessions are kept with — they leave when the contract's data leave;
    ``raised_by``: the systems that may raise alarms.
    """

    purpose: str
    dispatch_to: tuple[str, ...]
    kept_with: str
    # The systems whose feed or API actor may raise an alarm: an alarm opens the site's trusted
    # persons and access instructions to the station, so no other system may raise one.
    raised_by: tuple[str, ...] = ()
    # What the waiting list shows of each alarm's site (its address, say): read through the gate
    # for ``kept_with`` under ``purpose`` and audited; fields bound to a session never are.
    list_fields: tuple[str, ...] = ()
    # The kinds the monitoring software sends, in words and by urgency; an unknown kind is shown
    # as sent, after every known one.
    kinds: Mapping[str, AlarmKind] = field(default_factory=dict)

    def kind_label(self, kind: str, lang: Language) -> str:
        found = self.kinds.get(kind)
        return found.label(lang) if found is not None else kind

    def urgency(self, kind: str) -> int:
        found = self.kinds.get(kind)
        return (
            found.priority
            if found is not None
            else max((k.priority for k in self.kinds.values()), default=0) + 1
        )


@dataclass(frozen=True, slots=True)
class Breaches:
    """The breach register (GDPR Art. 33(5)): who keeps it, how long, and what this operator
    weighs as severe when charte proposes a risk (``domain.breaches.propose``)."""

    handled_by: tuple[str, ...]  # roles that open, assess and notify breaches
    keep_for: Duration  # from the breach's closing
    # Data categories whose disclosure can cause serious harm here (alarm codes, keys, payment).
    severe_categories: tuple[str, ...] = ()
    many_persons: int = 1000  # from this many persons, the volume makes a confidentiality breach high
    # The data category whose compromise orders the systems holding it to rotate the sites' codes.
    codes_category: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    format: int
    languages: tuple[Language, ...]
    title: Text
    updated_on: date
    controller: Controller
    dpo: Dpo
    supervisory_authority: SupervisoryAuthority
    data_categories: Mapping[str, DataCategory]
    fields: Mapping[str, str]  # field id -> data category id
    purposes: Mapping[str, Purpose]
    retention: Mapping[str, RetentionRule]
    subject_categories: Mapping[str, SubjectCategory]
    security_measures: Mapping[str, Text]
    roles: Mapping[str, Role]
    recordings: Recordings
    litigation: Litigation
    rights: Rights
    audit_retention: str
    activities: Mapping[str, Activity]
    systems: Mapping[str, System]
    acknowledge_within: Duration  # an order not acknowledged within this is overdue
    access: Access = Access()
    alarms: Alarms | None = None  # no section: charte handles no alarm
    search: Search = Search()  # no section: the console finds persons by their ref only
    prospecting: Prospecting | None = None  # no section: no prospecting gate
    breaches: Breaches | None = None  # no section: the DPO's roles (rights.submit_to), kept 5 years
    # The controller's records (domain.accountability): processors, balancing tests, training.
    processors: Mapping[str, Processor] = field(default_factory=dict)
    balancing_tests: tuple[BalancingTest, ...] = ()
    training: Training | None = None  # no section: access is not gated on training
    # Purposes whose reads go on when the audit cannot be written: their entries are spooled
    # durably and chained as soon as possible; every other read fails closed.
    audit_spool_for: tuple[str, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    field_labels: Mapping[str, Text] = field(default_factory=dict)  # a field's name in each language
    # What each inference a purpose may make is in law (``inferences: {sentiment: emotion_recognition}``):
    # the policy names its inferences as it likes; the checks judge the family.
    inferences: Mapping[str, InferenceFamily] = field(default_factory=dict)
    # Fields that name a person on their own (a name, a contact, an address, a number) and fields
    # of free text (anything may be written in them): no analysis dataset keeps either.
    direct_identifiers: frozenset[str] = frozenset()
    free_text: frozenset[str] = frozenset()
    # Analysis datasets (domain.datasets): the one way register data leave for analysis.
    datasets: Mapping[str, DatasetSpec] = field(default_factory=dict)

    @property
    def default_language(self) -> Language:
        return self.languages[0]

    def field_label(self, field_id: str, lang: Language) -> str:
        """What a letter calls a field: its label in ``lang``, else its data category's — never
        the field's id, which is an English word in a French letter."""
        label = self.field_labels.get(field_id)
        if label is not None:
            return label(lang)
        category = self.data_categories.get(self.fields.get(field_id, ""))
        return category.label(lang).lower() if category is not None else field_id

    def processors_for(self, activity: str | None = None) -> tuple[Processor, ...]:
        """The processors of one activity (or of all), in policy order."""
        return tuple(x for x in self.processors.values() if activity is None or activity in x.activities)

    def transfers_outside_eu(self, activity: str | None = None) -> tuple[tuple[Processor, TransferOut], ...]:
        """Every transfer outside the EEA, computed from the processors' records (GDPR Art.
        30(1)(e), 13(1)(f)): the register states them per activity, the charter all of them."""
        return tuple((x, t) for x in self.processors_for(activity) for t in x.transfers)

    def transfer_keys(self, activity: str | None = None) -> tuple[KeyPath, ...]:
        """The keys a statement about transfers rests on: where each processor is, what it sends."""
        return tuple(
            key
            for x in self.processors_for(activity)
            for key in (("processors", x.id, "locations"), ("processors", x.id, "transfers"))
        )

    @property
    def encrypted_fields(self) -> frozenset[str]:
        return frozenset(f for f, c in self.fields.items() if self.data_categories[c].encrypted)

    def fields_of(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        """The fields that belong to any of the given data categories, in policy order."""
        return tuple(f for f, c in self.fields.items() if c in categories)

    def refuses_feed(self, system: str | None, event_type: str) -> str | None:
        """Why ``system``'s feed may not send ``event_type``, or ``None`` when it may. ``None`` as
        the system: the server's administrator importing a file (``charte events import``).

        Each system sends what its policy entry says (``systems.<id>.sends``); an alarm comes only
        from ``alarms.raised_by``, whatever else the system may send."""
        if system is None:
            return None
        if event_type == "alarm.raised":
            raisers = self.alarms.raised_by if self.alarms is not None else ()
            if system not in raisers:
                return f"system '{system}' may not raise alarms (policy: alarms.raised_by)"
            return None
        found = self.systems.get(system)
        if found is None:
            return f"'{system}' is not a system of the policy"
        if not found.may_send(event_type):
            return f"system '{system}' may not send {event_type} events (policy: systems.{system}.sends)"
        return None

    def activities_for_subject(self, subject: str) -> tuple[Activity, ...]:
        return tuple(a for a in self.activities.values() if subject in a.subject_categories)
