"""The register's lifecycle events, as the operator's systems report them (docs/events.md).

An event is a fact about a person, a contract or a site, dated on the Europe/Paris calendar. The
feed reader (``charte.adapters.event_feed``) builds these objects from JSON Lines after checking
their shape and the policy's allow-lists; ``charte.domain.register_rules`` applies them to the
register's state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from charte.domain.prospecting import Channel, ConsentMethod
from charte.domain.vocabulary import CourtKind, Recourse, SourceKind


class Role(StrEnum):
    """The roles the event feed gives a person; each names a subject category of the policy."""

    CLIENT = "client"
    PROSPECT = "prospect"
    TRUSTED_PERSON = "trusted_person"
    OTHER_CONTACT = "other_contact"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    MAIL = "mail"
    VISIT = "visit"
    WEB = "web"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    REFUSED = "refused"  # the person refused the solicitation during it (D223-9 al. 3's pause)
    NO_ANSWER = "no_answer"


# Events are plain frozen dataclasses without __slots__: an import spools them with pickle, and
# slotted dataclasses pickle through dataclasses.fields() on every object, several times slower.

# Field values: a text, or None to erase the field.
Fields = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class LineError:
    """Why one line of an event file cannot be applied; names the field, never its value."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class PersonData:
    """A person as an event names them: ``fields`` is ``None`` when only the ref is given."""

    ref: str
    fields: Fields | None = None


@dataclass(frozen=True)
class SiteData:
    ref: str
    fields: Fields


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    ref: str | None = None


@dataclass(frozen=True)
class Envelope:
    """What every event carries: its idempotency key, where it stood, when it happened."""

    id: str
    line: int
    on: date  # the Europe/Paris calendar day of `at`
    at: datetime | None  # the instant, when the event gave one
    digest: str  # of the event's canonical JSON: the same id must always carry the same content


@dataclass(frozen=True)
class ProspectCollected:
    env: Envelope
    person: PersonData
    source: Source
    site: SiteData | None = None
    type = "prospect.collected"


@dataclass(frozen=True)
class ProspectContacted:
    env: Envelope
    person: PersonData
    direction: Direction
    answered: bool
    channel: ContactChannel | None = None
    outcome: Outcome | None = None
    type = "prospect.contacted"


@dataclass(frozen=True)
class ContractSigned:
    env: Envelope
    contract_ref: str
    offer: str
    site: SiteData
    client: PersonData
    source: Source
    partner: str | None = None
    prescriber: str | None = None
    type = "contract.signed"


@dataclass(frozen=True)
class ContractEnded:
    env: Envelope
    contract_ref: str
    type = "contract.ended"


@dataclass(frozen=True)
class TrustedPersonDesignated:
    env: Envelope
    site_ref: str
    person: PersonData
    source: Source
    rank: int | None = None
    type = "trusted_person.designated"


@dataclass(frozen=True)
class TrustedPersonRemoved:
    env: Envelope
    site_ref: str
    person_ref: str
    type = "trusted_person.removed"


@dataclass(frozen=True)
class ConsentWithdrawn:
    """A person withdrew the consent a purpose rested on (GDPR Art. 7(3)) — by an unsubscribe
    link, to the CRM, on the phone: recorded, the purpose stops for them."""

    env: Envelope
    person_ref: str
    purpose: str
    channel: Channel | None = None  # None: every channel, and the purpose stops for the person
    contact: str | None = None  # canonical, as ConsentGiven's; None: every contact
    type = "consent.withdrawn"


@dataclass(frozen=True)
class ConsentText:
    """The version of the text the person agreed to: its name and the SHA-256 of its words."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ConsentGiven:
    """A person's prior consent to be solicited for a purpose on one channel at one contact
    (GDPR Art. 7(1): the controller proves it; Code de la consommation L223-1 for calls)."""

    env: Envelope
    person_ref: str
    purpose: str
    channel: Channel
    contact: str  # canonical: ``email:...``, ``phone:...`` (domain.contacts) or ``post:...``
    method: ConsentMethod
    text: ConsentText
    source: Source
    type = "consent.given"


@dataclass(frozen=True)
class ContactRegistered:
    env: Envelope
    person: PersonData
    contract_ref: str
    source: Source
    type = "contact.registered"


@dataclass(frozen=True)
class LitigationOpened:
    env: Envelope
    case_ref: str
    kind: CourtKind
    persons: tuple[str, ...] = ()
    contracts: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    type = "litigation.opened"


@dataclass(frozen=True)
class LitigationJudgment:
    env: Envelope
    case_ref: str
    pronounced_on: date
    recourse: Recourse | None  # None: no recourse open
    served_on: date | None = None
    residence: str = "metropolitan"  # a domain.litigation.Residence value
    court_seat: str = "metropolitan"  # a domain.vocabulary.CourtSeat value
    type = "litigation.judgment"


@dataclass(frozen=True)
class LitigationServed:
    env: Envelope
    case_ref: str
    served_on: date
    type = "litigation.served"


@dataclass(frozen=True)
class LitigationAppealed:
    env: Envelope
    case_ref: str
    type = "litigation.appealed"


@dataclass(frozen=True)
class LitigationClosed:
    env: Envelope
    case_ref: str
    reason: str  # settlement, withdrawal, final
    type = "litigation.closed"


@dataclass(frozen=True)
class CallRecorded:
    """A call the telephony handled: recorded or not, listened to live or not; its audio,
    if any, a file name inside the configured audio inbox (never a path)."""

    env: Envelope
    call_ref: str
    number: str | None  # canonical (domain.contacts); None when withheld
    direction: str  # domain.calls.Direction values
    person_ref: str | None
    recorded: bool
    listened_live: bool
    audio: str | None = None
    type = "call.recorded"


@dataclass(frozen=True)
class CallTranscribed:
    """The operator's speech-to-text of a recorded call; stored encrypted, never in the database."""

    env: Envelope
    call_ref: str
    text: str
    type = "call.transcribed"


# An alarm's kind as the monitoring software names it (intrusion, fire, panic, technical...).
ALARM_KIND = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class AlarmRaised:
    """An alarm went off on a site: a session waits for an operator."""

    env: Envelope
    site_ref: str
    kind: str
    type = "alarm.raised"


LitigationEvent = (
    LitigationOpened | LitigationJudgment | LitigationServed | LitigationAppealed | LitigationClosed
)

Event = (
    ProspectCollected
    | ProspectContacted
    | ContractSigned
    | ContractEnded
    | TrustedPersonDesignated
    | TrustedPersonRemoved
    | ContactRegistered
    | ConsentGiven
    | ConsentWithdrawn
    | LitigationEvent
    | CallRecorded
    | CallTranscribed
    | AlarmRaised
)


@dataclass(frozen=True, slots=True)
class EventType:
    """One type of line of the lifecycle feed (docs/events.md): its name, the event it becomes,
    and the keys its line must and may carry besides ``id``, ``type`` and ``at``."""

    name: str
    model: type
    required: frozenset[str]
    optional: frozenset[str] = frozenset()


def _type(name: str, model: type, required: set[str], optional: set[str] | None = None) -> EventType:
    return EventType(name, model, frozenset(required), frozenset(optional or ()))


# Each event type, once: the feed reader builds each from its line by this table, the policy
# checks name them from it (``systems.<id>.sends``), and docs/events.md documents them.
EVENTS: dict[str, EventType] = {
    e.name: e
    for e in (
        _type("prospect.collected", ProspectCollected, {"person", "source"}, {"site"}),
        _type(
            "prospect.contacted",
            ProspectContacted,
            {"person", "direction", "answered"},
            {"channel", "outcome"},
        ),
        _type("contract.signed", ContractSigned, {"contract", "client", "source"}),
        _type("contract.ended", ContractEnded, {"contract"}),
        _type("trusted_person.designated", TrustedPersonDesignated, {"site", "person", "source"}, {"rank"}),
        _type("trusted_person.removed", TrustedPersonRemoved, {"site", "person"}),
        _type("contact.registered", ContactRegistered, {"person", "contract", "source"}),
        _type(
            "consent.given",
            ConsentGiven,
            {"person", "purpose", "channel", "contact", "method", "text", "source"},
        ),
        _type("consent.withdrawn", ConsentWithdrawn, {"person", "purpose"}, {"channel", "contact"}),
        _type("litigation.opened", LitigationOpened, {"case"}),
        _type(
            "litigation.judgment",
            LitigationJudgment,
            {"case", "pronounced_on", "recourse"},
            {"served_on", "party_residence", "court_seat"},
        ),
        _type("litigation.served", LitigationServed, {"case", "served_on"}),
        _type("litigation.appealed", LitigationAppealed, {"case"}),
        _type("litigation.closed", LitigationClosed, {"case", "reason"}),
        _type("call.recorded", CallRecorded, {"call", "recorded", "listened_live"}, {"person", "audio"}),
        _type("call.transcribed", CallTranscribed, {"call", "text"}),
        _type("alarm.raised", AlarmRaised, {"site", "kind"}),
    )
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENTS)
