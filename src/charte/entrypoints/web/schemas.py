"""API response schemas (the public contract of /api/v1)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator

from charte.domain.dates import FIRST_YEAR, LAST_YEAR, out_of_range
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel
from charte.domain.vocabulary import Language
from charte.services.consents import WithdrawnBy


def _in_calendar(value: Any) -> Any:
    if (outside := out_of_range(value)) is not None:
        raise ValueError(outside)
    return value


_YEARS = f"between the years {FIRST_YEAR} and {LAST_YEAR}"
# What every body and query of the API accepts as an instant or a day: within the calendar charte
# reasons in (domain.dates.out_of_range), so that an edge of the calendar is a 422 naming the
# field, not an overflow deep in the Paris-time conversion.
Instant = Annotated[
    AwareDatetime, AfterValidator(_in_calendar), Field(description=f"With its UTC offset, {_YEARS}.")
]
Day = Annotated[date, AfterValidator(_in_calendar), Field(description=f"YYYY-MM-DD, {_YEARS}.")]


def _no_controls(value: Any, depth: int = 0) -> None:
    if isinstance(value, str):
        if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
            raise ValueError("a control character is not allowed (a value is plain text)")
    elif isinstance(value, list | tuple) and depth < 3:
        for item in value:
            _no_controls(item, depth + 1)


class Input(BaseModel):
    """Every request body: no control character in a text but tabs and line breaks — PostgreSQL
    refuses NUL in text, and the others garble letters and pages — refused naming the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        _no_controls(value)
        return value


class PolicySummary(BaseModel):
    id: str
    source: str
    charter_updated_on: date
    languages: list[str]
    purposes: list[str]
    roles: list[str]
    subject_categories: list[str]
    activities: list[str]
    assumptions: int

    @classmethod
    def of(cls, p: Policy, source: str) -> PolicySummary:
        return cls(
            id=p.id,
            source=source,
            charter_updated_on=p.updated_on,
            languages=[lang.value for lang in p.languages],
            purposes=list(p.purposes),
            roles=list(p.roles),
            subject_categories=list(p.subject_categories),
            activities=list(p.activities),
            assumptions=len(p.assumptions),
        )


class SourcePublic(BaseModel):
    kind: str
    ref: str | None


class RolePublic(BaseModel):
    """A role the reader may see; a key is absent when the field it carries is hidden
    (``services.access.ROLE_FIELDS``: ``contract`` needs ``contract_ref``...)."""

    role: str
    contract: str | None = None
    site: str | None = None
    source: SourcePublic | None = None
    started_on: date | None = None
    ended_on: date | None = None
    rank: int | None = None


class ContractPublic(BaseModel):
    """A contract as the reader may see it: a key is absent when its field is hidden."""

    ref: str | None = None
    offer: str | None = None
    site: str | None = None
    partner: str | None = None
    prescriber: str | None = None
    signed_on: date | None = None
    ended_on: date | None = None
    status: str | None = None  # active or ended (the contract_status field)


class SitePublic(BaseModel):
    ref: str
    fields: dict[str, str]


class ContactPublic(BaseModel):
    on: date
    direction: str
    channel: str | None
    answered: bool
    outcome: str | None


class RestrictionPublic(BaseModel):
    since: date
    ground: str | None


class PersonPublic(BaseModel):
    ref: str
    restricted: RestrictionPublic | None = None
    fields: dict[str, str]
    field_sources: dict[str, list[str]]
    roles: list[RolePublic]
    contracts: list[ContractPublic]
    sites: list[SitePublic]
    contact_log: list[ContactPublic]


class PersonSummary(BaseModel):
    ref: str
    open_roles: list[str]


class PersonPage(BaseModel):
    total: int
    limit: int
    offset: int
    persons: list[PersonSummary]


class PersonSearchIn(Input):
    text: str = Field(
        min_length=1,
        max_length=200,
        description="A name (each word from its beginning, without case or accents), an e-mail "
        "address or a phone number (whole, in any usual spelling) or a ref.",
    )
    limit: int = Field(default=10, ge=1, le=50, description="Candidates shown at most.")


class PersonSearchOut(BaseModel):
    by: list[str] = Field(description="How it searched: ref, contact, name.")
    candidates: list[PersonPublic]
    withheld: int = Field(description="Persons found that the caller may not see for the purpose.")
    more: bool = Field(description="More persons matched than shown: type more of the name.")


class Rejected(BaseModel):
    line: int
    errors: list[str]


class ImportSummary(BaseModel):
    lines: int
    applied: int
    duplicates: int
    skipped_erased: int
    suppressed: int
    rejected: int
    committed: bool
    errors: list[str]
    rejects: list[Rejected]
    audio_sealed: int = 0  # audio files of calls sealed from the inbox after this import


class OrderPublic(BaseModel):
    id: int
    system: str
    kind: str
    person: str
    fields: list[str]
    values: dict[str, str | None]
    reason: str
    created_at: datetime
    due_by: datetime
    acked_at: datetime | None
    acked_by: str | None
    overdue: bool


class OrderList(BaseModel):
    orders: list[OrderPublic]
    next: int | None = Field(
        default=None, description="The next page's cursor: give it as `after` (null on the last page)."
    )


class BulkAck(Input):
    """Orders a system carried out: their ids, or every pending order up to an id."""

    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, min_length=1, max_length=5000, description="The orders carried out."
    )
    up_to: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Every pending order of the system up to this id."
    )
    by: str | None = Field(default=None, max_length=200, description="The operator or job that did it.")


class BulkAcknowledged(BaseModel):
    acknowledged: int = Field(description="Orders acknowledged now.")
    already: int = Field(description="Orders acknowledged before.")
    unknown: list[int] = Field(description="Ids that are not this system's orders (nothing done).")


class Acknowledged(BaseModel):
    id: int
    acknowledged_at: datetime | None
    already: bool


class DisclosureIn(Input):
    to: str = Field(max_length=64, description="The recipient: a policy role.")
    person: str = Field(max_length=128, description="The person's ref.")
    purpose: str = Field(max_length=64, description="The purpose of the disclosure.")


class DisclosureOut(BaseModel):
    disclosure: int
    to: str
    purpose: str
    fields: list[str]
    view: PersonPublic


class Problem(BaseModel):
    """An error (RFC 9457 problem details); ``reason`` is the access gate's denial code."""

    type: str
    title: str
    status: int
    detail: str
    reason: str | None = None
    summary: dict[str, Any] | None = None  # a refused import: every line error


class InvalidInput(BaseModel):
    """FastAPI's answer to a body or query off its schema or out of range: each error's ``loc``
    names the field (``["body", "at"]``) and ``msg`` says why."""

    detail: list[dict[str, Any]]


class SolicitationIn(Input):
    contact: str = Field(
        min_length=1, max_length=400, description="The phone number, e-mail address or postal address."
    )
    channel: Channel = Field(description="How the person would be solicited.")
    at: Instant | None = Field(
        default=None, description="When, with its offset (2026-12-07T11:00:00+01:00); default: now."
    )
    person: str | None = Field(default=None, max_length=128, description="The person's ref, when known.")
    campaign: str | None = Field(default=None, max_length=200, description="The campaign it belongs to.")


class SolicitationReason(BaseModel):
    code: str = Field(description="The rule's verdict (docs/prospecting.md lists them).")
    source: str = Field(description="The law or guidance the rule applies.")
    detail: str = Field(description="The dates that decided it; never a personal value.")


class SolicitationAnswer(BaseModel):
    decision: int = Field(description="The answer's id, kept as proof.")
    answer: Literal["allowed", "refused"]
    reasons: list[SolicitationReason] = Field(description="Every refusal, or every ground when allowed.")
    channel: Channel
    purpose: str
    moment: str = Field(description="The moment judged, ISO 8601 with its offset.")
    time_zones: list[str] = Field(
        description="The consumer's time zones from their number (none: the policy's)."
    )
    campaign: str | None


class WithdrawalIn(Input):
    contact: str = Field(min_length=1, max_length=400, description="The number, e-mail or postal address.")
    channel: Channel = Field(description="The channel the consent covered.")
    how: WithdrawnBy = Field(description="How the person withdrew: portal, link, keyword, call.")
    purpose: str | None = Field(default=None, max_length=64, description="One purpose; default: every one.")


class WithdrawalOut(BaseModel):
    withdrawn: int = Field(description="Consents ended.")
    orders: int = Field(description="Orders written to the systems holding the contact.")


class ConsentTextIn(Input):
    name: str = Field(min_length=1, max_length=200, description="The name of the text shown.")
    sha256: str = Field(pattern="^[0-9a-f]{64}$", description="The SHA-256 of its words.")


class ConsentSourceIn(Input):
    kind: str = Field(description="subject, or partner (the policy's prospecting.consent.sources).")
    ref: str | None = Field(default=None, max_length=128, description="The partner's ref.")


class ConsentIn(Input):
    id: str = Field(min_length=1, max_length=200, description="An idempotency key chosen by the caller.")
    at: Instant = Field(description="When the consent was given.")
    person: str = Field(min_length=1, max_length=128, description="The person's ref.")
    purpose: str = Field(min_length=1, max_length=64)
    channel: Channel
    contact: str = Field(min_length=1, max_length=400, description="The number or address it covers.")
    method: str = Field(description="web_form, call, paper or partner.")
    text: ConsentTextIn
    source: ConsentSourceIn


class BreachFactsIn(Input):
    """What is known of a breach (docs/breaches.md): each key optional, each replaced when given again."""

    cause: str | None = Field(default=None, max_length=4000)
    description: str | None = Field(default=None, max_length=4000)
    systems: list[str] | None = Field(default=None, max_length=100)
    actors: list[str] | None = Field(default=None, max_length=1000)
    recipients: list[str] | None = Field(default=None, max_length=100)
    exports: list[str] | None = Field(default=None, max_length=1000)
    data_categories: list[str] | None = Field(default=None, max_length=100)
    subject_categories: list[str] | None = Field(default=None, max_length=100)
    persons_estimate: int | None = Field(default=None, ge=0, le=10**9)
    records_estimate: int | None = Field(default=None, ge=0, le=10**12)
    consequences: str | None = Field(default=None, max_length=4000)
    measures_taken: str | None = Field(default=None, max_length=4000)
    measures_proposed: str | None = Field(default=None, max_length=4000)


class BreachIn(Input):
    title: str = Field(min_length=1, max_length=200, description="A short description, no personal data.")
    natures: list[str] = Field(
        min_length=1, max_length=3, description="confidentiality, integrity, availability."
    )
    discovered_at: Instant
    discovered_by: str = Field(min_length=1, max_length=200)
    aware_at: Instant | None = Field(
        None, description="When the controller became aware (default: discovered_at)."
    )
    processor: str | None = Field(
        None, max_length=200, description="GDPR Art. 33(2): the processor whose notice it was."
    )
    facts: BreachFactsIn = BreachFactsIn()


class CompromisedIn(Input):
    kind: str = Field(description="actor, recipient, system or disclosure.")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    number: int | None = Field(default=None, ge=1, le=2**31 - 1)
    since: Instant | None = None
    until: Instant | None = None


class ScopeIn(Input):
    items: list[CompromisedIn] = Field(min_length=1, max_length=50)


class AssessIn(Input):
    natures: list[str] = Field(default_factory=list, max_length=3)
    vulnerable: bool = False
    unintelligible: bool = False
    mitigated: bool = False
    restored: bool = False
    facts: BreachFactsIn = BreachFactsIn()


class DecisionIn(Input):
    notify_cnil: bool
    notify_cnil_why: str = Field(min_length=1, max_length=4000)
    tell_persons: bool
    tell_persons_why: str = Field(min_length=1, max_length=4000)


class NotificationIn(Input):
    at: Instant
    phase: str = Field(default="complete", description="initial, complement or complete (GDPR Art. 33(4)).")
    reference: str | None = Field(default=None, min_length=1, max_length=64)
    delay_reasons: str | None = Field(default=None, max_length=4000)


class CloseIn(Input):
    summary: str = Field(min_length=1, max_length=4000)


class RevokeIn(Input):
    actor: str = Field(min_length=1, max_length=200, description="The actor whose token or password leaked.")


class PublicIn(Input):
    where: str = Field(
        min_length=1, max_length=400, description="Where it is published (a page, a newspaper)."
    )
    lang: Language | None = None


class ResetIn(Input):
    actors: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        default=None, max_length=1000, description="The actors whose passwords are cleared; null: every one."
    )


class TrainingIn(Input):
    actor: str = Field(min_length=1, max_length=200, description="The account that completed the course.")
    course: str = Field(min_length=1, max_length=64, description="A course of the policy's training.courses.")
    completed_on: date = Field(description="The day the course was completed (not in the future).")
