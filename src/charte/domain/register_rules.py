"""How events change the register: the checks that need its state, and the changes they make.

A :class:`RegisterChunk` holds the state of every ref a chunk of events touches, loaded in bulk
by the store, and applies the events in file order. Each event is checked before it changes
anything: an invalid one leaves the state as it was and returns its errors, so that the rest of
the file can still be checked (and, with ``--skip-invalid``, applied). The changes accumulate as
net writes the store performs in bulk: no round trip per event.

Field attribution: each stored field is attributed to the roles (client, prospect, trusted
person, other contact) whose events supplied it, so that ending every role of a kind erases
exactly the fields no remaining kind justifies (the erasure plan reads this).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from charte.domain.policy import Policy
from charte.domain.register import (
    AlarmRaised,
    CallRecorded,
    CallTranscribed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactRegistered,
    ContractEnded,
    ContractSigned,
    Event,
    LineError,
    LitigationAppealed,
    LitigationEvent,
    LitigationJudgment,
    LitigationOpened,
    LitigationServed,
    PersonData,
    ProspectCollected,
    ProspectContacted,
    Role,
    SiteData,
    Source,
    TrustedPersonDesignated,
    TrustedPersonRemoved,
)


@dataclass(slots=True)
class ContractRow:
    ref: str
    signed_on: date
    ended_on: date | None = None
    offer: str = ""
    site_ref: str = ""
    partner: str | None = None
    prescriber: str | None = None
    id: int | None = None  # None until written
    ended_changed: bool = False


@dataclass(slots=True)
class RoleRow:
    """One role of one person: per contract (client, other contact), per site (trusted person),
    or on its own (prospect, with the site they asked about)."""

    person_ref: str
    role: Role
    source: Source
    started_on: date
    contract_ref: str | None = None
    site_ref: str | None = None
    ended_on: date | None = None
    rank: int | None = None
    id: int | None = None  # None until written
    changed: bool = False

    @property
    def key(self) -> tuple[str, Role, str | None]:
        context = self.contract_ref if self.role in (Role.CLIENT, Role.OTHER_CONTACT) else None
        if self.role is Role.TRUSTED_PERSON:
            context = self.site_ref
        return (self.person_ref, self.role, context)


@dataclass(slots=True)
class CaseRow:
    """A litigation case as the feed sees it: enough state to check the next event."""

    ref: str
    kind: str
    opened_on: date
    id: int | None = None  # None until written
    appealed: bool = False
    closed_on: date | None = None
    closed_reason: str | None = None
    last_judgment_id: int | None = None  # the stored last judgment, for a later `served`
    last_pronounced: date | None = None
    last_served: date | None = None
    last_recourse: str | None = None
    subjects: list[tuple[str, str]] = field(default_factory=list)  # (kind, ref) new in this chunk
    judgments: list[dict[str, object]] = field(default_factory=list)  # new in this chunk
    served_stored: date | None = None  # `served` for the stored last judgment
    changed: bool = False
    events: list[str] = field(default_factory=list)  # the ids applied, for the case log


@dataclass(slots=True)
class ContactLogRow:
    person_ref: str
    on: date
    direction: str
    answered: bool
    channel: str | None
    outcome: str | None
    event_id: str


@dataclass(slots=True)
class CallRow:
    """A call as the feed reports it; its audio and transcript are sealed by the store."""

    ref: str
    number: str | None
    direction: str
    person_ref: str | None
    at: datetime
    on: date
    recorded: bool
    listened_live: bool
    audio: str | None  # the inbox file to seal
    event_id: str


@dataclass(slots=True)
class EventRow:
    id: str
    type: str
    digest: str
    on: date


@dataclass(slots=True)
class RegisterChunk:
    """The register as seen by one chunk of events: loaded state plus the chunk's own changes."""

    # Loaded by the store for the refs the chunk names.
    persons: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    contracts: dict[str, ContractRow] = field(default_factory=dict)
    open_roles: dict[tuple[str, Role, str | None], RoleRow] = field(default_factory=dict)
    event_digests: dict[str, str] = field(default_factory=dict)
    erased: dict[str, date] = field(default_factory=dict)  # "person:P1" -> erased on (tombstones)
    suppressed: set[str] = field(default_factory=set)  # ids of prospect events for contacts who objected
    cases: dict[str, CaseRow] = field(default_factory=dict)
    calls: dict[str, bool] = field(default_factory=dict)  # stored call refs -> recorded
    sites_with_contract: set[str] = field(default_factory=set)  # an alarm's session needs one

    # Net writes.
    new_persons: list[str] = field(default_factory=list)
    new_sites: list[str] = field(default_factory=list)
    person_fields: dict[tuple[str, str], str | None] = field(default_factory=dict)
    attributions: set[tuple[str, str, Role]] = field(default_factory=set)
    site_fields: dict[tuple[str, str], str | None] = field(default_factory=dict)
    new_contracts: list[ContractRow] = field(default_factory=list)
    new_roles: list[RoleRow] = field(default_factory=list)
    changed_roles: list[RoleRow] = field(default_factory=list)  # stored roles this chunk changed
    # (person, from, to): a prospect who signs keeps, as a client, the fields they gave as a
    # prospect that the client allow-list permits.
    conversions: list[tuple[str, Role, Role]] = field(default_factory=list)
    contact_log: list[ContactLogRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    new_calls: list[CallRow] = field(default_factory=list)
    transcripts: list[tuple[str, str]] = field(default_factory=list)  # (call ref, text)
    alarms: list[AlarmRaised] = field(default_factory=list)
    withdrawals: list[tuple[str, str, date]] = field(default_factory=list)  # (person, purpose, on)
    consents: list[ConsentGiven] = field(default_factory=list)
    consent_ends: list[ConsentWithdrawn] = field(default_factory=list)  # each ends what it names

    duplicates: int = 0
    skipped_erased: int = 0  # events about erased persons, contracts or sites, dated before it
    dropped_suppressed: int = 0  # prospects whose contact objected to prospecting

    # -- entry point --------------------------------------------------------------------------

    def apply(self, event: Event) -> list[LineError]:
        """Check then apply one event; on errors nothing changes. A known id with the same
        content is a duplicate: counted, not applied again."""
        env = event.env
        seen = self.event_digests.get(env.id)
        if seen is not None:
            if seen == env.digest:
                self.duplicates += 1
                return []
            return [LineError(env.line, "id", f"'{env.id}' was already used for a different event")]
        if env.id in self.suppressed:
            self.dropped_suppressed += 1  # accepted and dropped: they objected (GDPR Art. 21(3))
            return []
        if self._about_erased(event):
            self.skipped_erased += 1  # an old fact about what the sweep erased: never a resurrection
            return []
        errors = self._check(event)
        if errors:
            return errors
        self._change(event)
        self.event_digests[env.id] = env.digest
        self.events.append(EventRow(env.id, event.type, env.digest, env.on))
        return []

    # -- checks -------------------------------------------------------------------------------

    def _about_erased(self, e: Event) -> bool:
        if not self.erased:
            return False
        return any((when := self.erased.get(key)) is not None and e.env.on <= when for key in names_of(e))

    def _check(self, e: Event) -> list[LineError]:
        errors: list[LineError] = []
        line, on = e.env.line, e.env.on
        if isinstance(e, ProspectCollected):
            self._check_person(e.person, "person", line, errors)
        elif isinstance(e, ProspectContacted):
            if self._check_person(e.person, "person", line, errors):
                prospect = self.open_roles.get((e.person.ref, Role.PROSPECT, None))
                if prospect is None:
                    errors.append(LineError(line, "person", f"'{e.person.ref}' is not a prospect"))
                elif on < prospect.started_on:
                    errors.append(self._before(line, on, "the prospect was collected", prospect.started_on))
        elif isinstance(e, ContractSigned):
            if self._contract(e.contract_ref) is not None:
                errors.append(LineError(line, "contract.ref", f"contract '{e.contract_ref}' already exists"))
            self._check_person(e.client, "client", line, errors)
        elif isinstance(e, ContractEnded):
            contract = self._known_contract(e.contract_ref, "contract", line, errors)
            if contract is not None:
                if contract.ended_on is not None:
                    errors.append(
                        LineError(
                            line, "contract", f"'{e.contract_ref}' already ended on {contract.ended_on}"
                        )
                    )
                elif on < contract.signed_on:
                    errors.append(self._before(line, on, "the contract was signed", contract.signed_on))
        elif isinstance(e, TrustedPersonDesignated):
            if not self._site_exists(e.site_ref):
                errors.append(LineError(line, "site", f"unknown site ref '{e.site_ref}'"))
            self._check_person(e.person, "person", line, errors)
        elif isinstance(e, ConsentWithdrawn | ConsentGiven):
            if not self._person_exists(e.person_ref):
                errors.append(LineError(line, "person", f"unknown person ref '{e.person_ref}'"))
        elif isinstance(e, TrustedPersonRemoved):
            designation = self.open_roles.get((e.person_ref, Role.TRUSTED_PERSON, e.site_ref))
            if not self._site_exists(e.site_ref):
                errors.append(LineError(line, "site", f"unknown site ref '{e.site_ref}'"))
            elif designation is None:
                errors.append(
                    LineError(
                        line, "person", f"'{e.person_ref}' is not a trusted person of site '{e.site_ref}'"
                    )
                )
            elif on < designation.started_on:
                errors.append(self._before(line, on, "the person was designated", designation.started_on))
        elif isinstance(e, ContactRegistered):
            contract = self._known_contract(e.contract_ref, "contract", line, errors)
            if contract is not None and on < contract.signed_on:
                errors.append(self._before(line, on, "the contract was signed", contract.signed_on))
            self._check_person(e.person, "person", line, errors)
        elif isinstance(e, CallRecorded):
            if e.call_ref in self.calls:
                errors.append(LineError(line, "call.ref", f"call '{e.call_ref}' was already reported"))
            if e.audio is not None and not e.recorded:
                errors.append(LineError(line, "audio", "a call that was not recorded has no audio"))
            if e.env.at is None:
                errors.append(
                    LineError(line, "at", "a call needs its time (an ISO 8601 datetime with offset)")
                )
        elif isinstance(e, AlarmRaised):
            if e.env.at is None:
                errors.append(
                    LineError(line, "at", "an alarm needs its time (an ISO 8601 datetime with offset)")
                )
            if not self._site_exists(e.site_ref):
                errors.append(LineError(line, "site", f"unknown site ref '{e.site_ref}'"))
            elif e.site_ref not in self.sites_with_contract:
                errors.append(
                    LineError(line, "site", f"site '{e.site_ref}' has no contract to keep the alarm with")
                )
        elif isinstance(e, CallTranscribed):
            recorded = self.calls.get(e.call_ref)
            if recorded is None:
                errors.append(LineError(line, "call", f"unknown call ref '{e.call_ref}'"))
            elif not recorded:
                errors.append(LineError(line, "call", f"call '{e.call_ref}' was not recorded"))
        else:
            self._check_case(e, line, errors)
        return errors

    def _check_case(self, e: LitigationEvent, line: int, errors: list[LineError]) -> None:
        case = self.cases.get(e.case_ref)
        if isinstance(e, LitigationOpened):
            if case is not None:
                errors.append(LineError(line, "case.ref", f"case '{e.case_ref}' is already open"))
            return
        if case is None:
            errors.append(LineError(line, "case", f"unknown case ref '{e.case_ref}'"))
            return
        if case.closed_on is not None:
            errors.append(LineError(line, "case", f"case '{e.case_ref}' was closed on {case.closed_on}"))
        elif isinstance(e, LitigationJudgment) and e.pronounced_on < case.opened_on:
            errors.append(self._before(line, e.pronounced_on, "the case was opened", case.opened_on))
        elif isinstance(e, LitigationServed):
            if case.last_pronounced is None or case.last_served is not None:
                errors.append(
                    LineError(line, "case", f"case '{e.case_ref}' has no judgment awaiting service")
                )
            elif e.served_on < case.last_pronounced:
                errors.append(
                    self._before(line, e.served_on, "the judgment was pronounced", case.last_pronounced)
                )
        elif isinstance(e, LitigationAppealed) and (
            case.last_pronounced is None or case.last_recourse is None
        ):
            errors.append(LineError(line, "case", f"case '{e.case_ref}' has no judgment open to recourse"))

    @staticmethod
    def _before(line: int, on: date, what: str, when: date) -> LineError:
        return LineError(line, "at", f"{on} is before {what} ({when})")

    def _check_person(self, p: PersonData, name: str, line: int, errors: list[LineError]) -> bool:
        if p.fields is None and not self._person_exists(p.ref):
            errors.append(
                LineError(line, name, f"unknown person ref '{p.ref}' (give the person as an object)")
            )
            return False
        return True

    def _known_contract(self, ref: str, name: str, line: int, errors: list[LineError]) -> ContractRow | None:
        contract = self._contract(ref)
        if contract is None:
            errors.append(LineError(line, name, f"unknown contract ref '{ref}'"))
        return contract

    def _person_exists(self, ref: str) -> bool:
        return ref in self.persons

    def _site_exists(self, ref: str) -> bool:
        return ref in self.sites

    def _contract(self, ref: str) -> ContractRow | None:
        return self.contracts.get(ref)

    # -- changes ------------------------------------------------------------------------------

    def _change(self, e: Event) -> None:
        on = e.env.on
        if isinstance(e, ProspectCollected):
            self._person(e.person, Role.PROSPECT)
            if e.site is not None:
                self._site(e.site)
            role = self.open_roles.get((e.person.ref, Role.PROSPECT, None))
            if role is None:
                site = e.site.ref if e.site else None
                self._open(RoleRow(e.person.ref, Role.PROSPECT, e.source, on, site_ref=site))
            elif on > role.started_on:
                # Collected again: the clock counts from the latest collection.
                role.started_on, role.source = on, e.source
                self._touch(role)
        elif isinstance(e, ProspectContacted):
            self._person(e.person, Role.PROSPECT)
            self.contact_log.append(
                ContactLogRow(
                    e.person.ref,
                    on,
                    e.direction.value,
                    e.answered,
                    e.channel.value if e.channel else None,
                    e.outcome.value if e.outcome else None,
                    e.env.id,
                )
            )
        elif isinstance(e, ContractSigned):
            self._person(e.client, Role.CLIENT)
            self._site(e.site)
            contract = ContractRow(e.contract_ref, on, None, e.offer, e.site.ref, e.partner, e.prescriber)
            self.contracts[e.contract_ref] = contract
            self.new_contracts.append(contract)
            self.sites_with_contract.add(e.site.ref)
            self._open(RoleRow(e.client.ref, Role.CLIENT, e.source, on, contract_ref=e.contract_ref))
            prospect = self.open_roles.pop((e.client.ref, Role.PROSPECT, None), None)
            if prospect is not None:  # a prospect who signs becomes a client: the prospect role ends
                self._end(prospect, max(on, prospect.started_on))
                self.conversions.append((e.client.ref, Role.PROSPECT, Role.CLIENT))
        elif isinstance(e, ContractEnded):
            contract = self.contracts[e.contract_ref]
            contract.ended_on, contract.ended_changed = on, True
        elif isinstance(e, TrustedPersonDesignated):
            self._person(e.person, Role.TRUSTED_PERSON)
            role = self.open_roles.get((e.person.ref, Role.TRUSTED_PERSON, e.site_ref))
            if role is None:
                self._open(
                    RoleRow(e.person.ref, Role.TRUSTED_PERSON, e.source, on, site_ref=e.site_ref, rank=e.rank)
                )
            elif e.rank is not None and e.rank != role.rank:
                role.rank = e.rank
                self._touch(role)
        elif isinstance(e, TrustedPersonRemoved):
            role = self.open_roles.pop((e.person_ref, Role.TRUSTED_PERSON, e.site_ref))
            self._end(role, on)
        elif isinstance(e, ConsentGiven):
            self.consents.append(e)
        elif isinstance(e, ConsentWithdrawn):
            # Withdrawn on every channel, the purpose stops for the person (recorded with the
            # objections); on one channel or contact, only the consents it names end.
            if e.channel is None:
                self.withdrawals.append((e.person_ref, e.purpose, on))
            self.consent_ends.append(e)
        elif isinstance(e, ContactRegistered):
            self._person(e.person, Role.OTHER_CONTACT)
            if (e.person.ref, Role.OTHER_CONTACT, e.contract_ref) not in self.open_roles:
                self._open(
                    RoleRow(e.person.ref, Role.OTHER_CONTACT, e.source, on, contract_ref=e.contract_ref)
                )
        elif isinstance(e, CallRecorded):
            self.calls[e.call_ref] = e.recorded
            self.new_calls.append(
                CallRow(
                    e.call_ref,
                    e.number,
                    e.direction,
                    e.person_ref,
                    cast(datetime, e.env.at),
                    on,
                    e.recorded,
                    e.listened_live,
                    e.audio,
                    e.env.id,
                )  # at: checked above
            )
        elif isinstance(e, CallTranscribed):
            self.transcripts.append((e.call_ref, e.text))
        elif isinstance(e, AlarmRaised):
            self.alarms.append(e)
        else:
            self._change_case(e)

    def _change_case(self, e: LitigationEvent) -> None:
        if isinstance(e, LitigationOpened):
            case = CaseRow(e.case_ref, e.kind.value, e.env.on, changed=True)
            case.subjects = [("person", r) for r in e.persons] + [("contract", r) for r in e.contracts]
            case.subjects += [("call", r) for r in e.calls]
            case.events.append(e.env.id)
            self.cases[e.case_ref] = case
            return
        case = self.cases[e.case_ref]
        case.changed = True
        case.events.append(e.env.id)
        if isinstance(e, LitigationJudgment):
            recourse = e.recourse.value if e.recourse else None
            case.judgments.append(
                {
                    "pronounced_on": e.pronounced_on,
                    "served_on": e.served_on,
                    "recourse": recourse,
                    "residence": e.residence,
                    "court_seat": e.court_seat,
                }
            )
            case.last_pronounced, case.last_served, case.last_recourse = (
                e.pronounced_on,
                e.served_on,
                recourse,
            )
            case.appealed = False
        elif isinstance(e, LitigationServed):
            if case.judgments:
                case.judgments[-1]["served_on"] = e.served_on
            else:
                case.served_stored = e.served_on
            case.last_served = e.served_on
        elif isinstance(e, LitigationAppealed):
            case.appealed = True
        else:
            case.closed_on, case.closed_reason = e.env.on, e.reason

    def _person(self, p: PersonData, role: Role) -> None:
        if not self._person_exists(p.ref):
            self.persons.add(p.ref)
            self.new_persons.append(p.ref)
        for name, value in (p.fields or {}).items():
            self.person_fields[(p.ref, name)] = value
            if value is not None:
                self.attributions.add((p.ref, name, role))

    def _site(self, s: SiteData) -> None:
        if not self._site_exists(s.ref):
            self.sites.add(s.ref)
            self.new_sites.append(s.ref)
        for name, value in s.fields.items():
            self.site_fields[(s.ref, name)] = value

    def _open(self, role: RoleRow) -> None:
        self.open_roles[role.key] = role
        self.new_roles.append(role)

    def _end(self, role: RoleRow, on: date) -> None:
        role.ended_on = on
        self._touch(role)

    def _touch(self, role: RoleRow) -> None:
        """Remember a stored role that changed; a role new in this chunk is written whole anyway."""
        if role.id is not None and not role.changed:
            role.changed = True
            self.changed_roles.append(role)


def names_of(e: Event) -> list[str]:
    """What an event is about, as "kind:ref" keys (the tombstones' keys)."""
    if isinstance(e, ProspectCollected):
        return [f"person:{e.person.ref}"] + ([f"site:{e.site.ref}"] if e.site else [])
    if isinstance(e, ProspectContacted):
        return [f"person:{e.person.ref}"]
    if isinstance(e, ContractSigned):
        return [f"person:{e.client.ref}", f"contract:{e.contract_ref}", f"site:{e.site.ref}"]
    if isinstance(e, ContractEnded):
        return [f"contract:{e.contract_ref}"]
    if isinstance(e, TrustedPersonDesignated):
        return [f"person:{e.person.ref}", f"site:{e.site_ref}"]
    if isinstance(e, TrustedPersonRemoved):
        return [f"person:{e.person_ref}", f"site:{e.site_ref}"]
    if isinstance(e, ConsentWithdrawn | ConsentGiven):
        return [f"person:{e.person_ref}"]
    if isinstance(e, ContactRegistered):
        return [f"person:{e.person.ref}", f"contract:{e.contract_ref}"]
    if isinstance(e, CallRecorded | CallTranscribed):
        return [f"call:{e.call_ref}"]
    if isinstance(e, AlarmRaised):
        return [f"site:{e.site_ref}"]
    return []  # a case is never erased by the sweep: its events always apply


def justifying_roles(policy: Policy, field: str, roles: Iterable[str]) -> list[str]:
    """The person's kinds of role whose subject category collects ``field``: a field may be added
    (a rectification, GDPR Art. 16) only for them, and is attributed to each."""
    categories = policy.subject_categories
    return sorted({r for r in roles if r in categories and field in categories[r].fields})
