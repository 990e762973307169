"""What an erasure removes, what it keeps and why: one plan for every path that erases.

Every path that erases personal data — the retention sweep (storage limitation, GDPR Art. 5(1)(e)),
an erasure request (Art. 17), an absolute objection (Art. 21(3), which leads to erasure by
17(1)(c)), and the replay of the erasure ledger after a restore — gathers the same facts about a
batch of persons and asks ``plan`` what follows. The store then carries the plan out, set-based, in
one transaction; nothing here reads a database or a clock.

What a unit's erasure takes with it, in order:
1. the unit's roles (a client's role on its contract, a trusted person's designations for the site,
   a prospect's role and its contact log);
2. the attributions of fields to a kind of role the person no longer has, then the fields no
   attribution justifies any more;
3. the person, when no role is left: whole, remembered by a tombstone (a keyed HMAC of the ref);
4. the contracts and sites nothing refers to any more, remembered the same way;
5. an order to every system that holds what went (a promise kept only in charte's copy is not
   kept), and on request the Art. 19 notices owed to the recipients of what went.

What stays, and why:
- a unit under a litigation hold (Art. 17(3)(e)): never in a plan, whatever the path;
- on the sweep, the units of a person who restricted their data because they need them for legal
  claims (Art. 18(1)(c)), until the restriction is lifted;
- on request, a unit whose rule says ``keep_until_purge`` until its purge date (Art. 17(3)(b) or
  (e), the policy's ground), or while its contract runs; a unit whose purge date has come goes
  whatever its rule: the ground for keeping it has ended (Art. 17(1)(a)).
The replay decides nothing: it re-applies erasures that were made (the ledger says so) to a copy
restored from before them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from charte.domain.orders import Order, OrderKind, orders_due, plan_orders
from charte.domain.policy import Policy
from charte.domain.retention import PER_CONTRACT, UnitKind, UnitStatus
from charte.domain.vocabulary import ErasureAction, ErasureGround, RestrictionGround

# Art. 18(1)(c): the restriction grounds under which the sweep keeps a person's due data.
SPARING_RESTRICTIONS = frozenset({RestrictionGround.LEGAL_CLAIMS})


# Why a unit is kept: one of these, or the policy's Art. 17(3) ground.
LITIGATION_HOLD = "litigation_hold"  # Art. 17(3)(e)
CONTRACT_RUNNING = "contract_running"  # the contract still needs the data (Art. 6(1)(b))
RESTRICTED_FOR_CLAIMS = "restricted_for_legal_claims"  # Art. 18(1)(c), on the sweep


# -- the facts of a batch ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A retention unit: a person's data under one rule, for one contract, site, or none."""

    id: int
    person: int
    kind: str  # a UnitKind value
    context: str  # the contract or site ref; "" for a prospect
    rule: str
    status: UnitStatus
    purge_due: date | None

    def held_on(self, day: date) -> bool:
        """Whether a litigation hold keeps it on ``day``: a hold whose release is known has moved
        its purge date past the release (``retention.apply_holds``); one not known yet, removed it."""
        return self.status is UnitStatus.HELD and (self.purge_due is None or self.purge_due > day)


@dataclass(frozen=True, slots=True)
class Role:
    """One of a person's roles, with the contract and site it ties them to."""

    id: int
    person: int
    kind: str
    contract: str | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A person of the batch: the fields on file, each with the kinds of role that justify it (an
    empty set: none does any more), and the ground of a restriction if one is set."""

    id: int
    ref: str
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    restriction: RestrictionGround | None = None


@dataclass(frozen=True, slots=True)
class Contract:
    """A contract a unit of the batch is for: its site, and how many roles of persons outside the
    batch refer to it."""

    ref: str
    site: str
    others: int = 0


@dataclass(frozen=True, slots=True)
class Site:
    """A site the batch touches: its contracts, and how many roles of persons outside the batch
    refer to it."""

    ref: str
    contracts: frozenset[str] = frozenset()
    others: int = 0


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything a plan is computed from: the batch's persons, all their units and roles, and
    the contracts and sites their units and roles are tied to."""

    persons: Mapping[int, Person]
    units: tuple[Unit, ...] = ()
    roles: tuple[Role, ...] = ()
    contracts: Mapping[str, Contract] = field(default_factory=dict)
    sites: Mapping[str, Site] = field(default_factory=dict)


# -- what asks for the erasure ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Due:
    """The sweep: every unit due on ``as_of``."""

    as_of: date


@dataclass(frozen=True, slots=True)
class Asked:
    """An erasure request (or an absolute objection, limited to the ``kinds`` of unit that served
    the purpose objected to), answered on ``today``."""

    request: int
    today: date
    kinds: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Replayed:
    """Erasures the ledger recorded, re-applied on ``today`` to a restored copy: these units, as
    the request that asked (None: the sweep) had them erased."""

    units: frozenset[int]
    request: int | None
    today: date


Cause = Due | Asked | Replayed


# -- what the plan needs to know --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Needed:
    """What a plan needs beyond the batch's units and roles (``Facts`` read in two steps, so that a
    store reads only what can change the plan): the fields, with the kinds of role that justify
    them, of the persons who lose a kind of role and stay; the names of the fields of the persons
    who go whole; the contracts that may be left without anyone (with their sites), and the sites."""

    kinds: frozenset[int] = frozenset()
    names: frozenset[int] = frozenset()
    contracts: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()


def needed(facts: Facts, cause: Cause, policy: Policy) -> Needed:
    """From the batch's units and roles alone, what else ``plan`` reads for ``cause``."""
    chosen, _ = _choose(facts, cause, policy)
    if not chosen:
        return Needed()
    going = _roles_going(facts.roles, chosen)
    left: dict[int, set[str]] = defaultdict(set)
    lost: dict[int, set[str]] = defaultdict(set)
    for role in facts.roles:
        (lost if role.id in going else left)[role.person].add(role.kind)
    touched = {u.person for u in chosen}
    whole = frozenset(p for p in touched if not left[p])
    losing = frozenset(p for p in touched - whole if lost[p] - left[p])
    contracts = frozenset(u.context for u in chosen if u.kind in PER_CONTRACT)
    sites = {u.context for u in chosen if u.kind == UnitKind.TRUSTED_PERSON.value}
    sites |= {r.site for r in facts.roles if r.id in going and r.site}
    return Needed(losing, whole, contracts, frozenset(sites))


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Erased:
    """A unit that goes, with what its proof and audit entry say."""

    unit: Unit
    ref: str  # the person's ref (hashed before it is written anywhere)
    person_erased: bool
    fields: tuple[str, ...]  # the person's fields that go in the same transaction
    due_on: date  # its purge date; erased on request, the day it goes
    reason: str  # "retention:<rule>" or "rights_request:<id>" (no personal data)


@dataclass(frozen=True, slots=True)
class Kept:
    unit: Unit
    why: str  # LITIGATION_HOLD, CONTRACT_RUNNING, RESTRICTED_FOR_CLAIMS or the policy's ground
    until: date | None  # the purge date when known


@dataclass(frozen=True, slots=True)
class Notice:
    """Art. 19: the recipients of this person's data are owed a notice of the erasure of these
    fields (None: of everything they received, the person being gone)."""

    ref: str
    fields: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class ErasurePlan:
    request: int | None  # the request that asked; None for the sweep
    erased: tuple[Erased, ...] = ()
    kept: tuple[Kept, ...] = ()
    roles: tuple[int, ...] = ()  # role ids
    contact_logs: frozenset[int] = frozenset()  # persons whose contact log goes with their prospect role
    # (person, role kind): every attribution of a person who stays to a kind they no longer have
    attributions: tuple[tuple[int, str], ...] = ()
    fields: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # person -> fields that go
    persons: frozenset[int] = frozenset()  # erased whole
    contracts: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    tombstones: tuple[tuple[str, str], ...] = ()  # (kind, ref): "person", "contract", "site"
    orders: tuple[Order, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.erased


def plan(facts: Facts, cause: Cause, policy: Policy, now: datetime) -> ErasurePlan:
    """What erasing for ``cause`` removes from the batch described by ``facts``, and what it keeps."""
    chosen, kept = _choose(facts, cause, policy)
    request = None if isinstance(cause, Due) else cause.request
    if not chosen:
        return ErasurePlan(request, kept=tuple(kept))
    going = _roles_going(facts.roles, chosen)
    left: dict[int, set[str]] = defaultdict(set)
    for role in facts.roles:
        if role.id not in going:
            left[role.person].add(role.kind)
    touched = {u.person for u in chosen}
    whole = frozenset(pid for pid in touched if not left[pid])
    attributions: list[tuple[int, str]] = []  # a person erased whole loses them all with the person
    fields: dict[int, tuple[str, ...]] = {}
    for pid in sorted(touched):
        person = facts.persons[pid]
        if pid not in whole:
            had = {kind for kinds in person.fields.values() for kind in kinds}
            attributions += [(pid, kind) for kind in sorted(had - left[pid])]
        lost = tuple(sorted(f for f, kinds in person.fields.items() if not kinds & left[pid]))
        if lost:
            fields[pid] = lost
    remaining = [r for r in facts.roles if r.id not in going]
    contracts, sites = _places_going(facts, chosen, going, remaining)
    tombstones = (
        [("person", facts.persons[pid].ref) for pid in sorted(whole)]
        + [("contract", ref) for ref in contracts]
        + [("site", ref) for ref in sites]
    )
    erased: list[Erased] = []
    orders: list[Order] = []
    due_by = orders_due(policy, now)  # one deadline for every order of the batch
    for unit in chosen:
        ref, gone = facts.persons[unit.person].ref, unit.person in whole
        lost = fields.get(unit.person, ())
        due_on, reason = _dated(unit, cause)
        erased.append(Erased(unit, ref, gone, lost, due_on, reason))
        category = policy.subject_categories.get(unit.kind)
        orders += plan_orders(
            policy,
            kind=OrderKind.ERASURE_REQUIRED,
            person_ref=ref,
            at=now,
            reason=f"{reason}:{unit.kind}" + (f":{unit.context}" if unit.context else ""),
            fields=None if gone else list(lost),
            # A role may go without a field going (a designation ends, the person stays a
            # client): the systems that hold that role's data are still told.
            concerning=None if gone else list(category.fields if category else ()),
            due_by=due_by,
        )
    notices: list[Notice] = []
    if isinstance(cause, Asked):  # Art. 19 follows an erasure under Art. 17(1), asked for
        for pid in sorted(touched):
            ref = facts.persons[pid].ref
            notices.append(Notice(ref, None if pid in whole else frozenset(fields.get(pid, ()))))
    return ErasurePlan(
        request=request,
        erased=tuple(erased),
        kept=tuple(kept),
        roles=tuple(sorted(going)),
        contact_logs=frozenset(u.person for u in chosen if u.kind == UnitKind.PROSPECT.value),
        attributions=tuple(attributions),
        fields=fields,
        persons=whole,
        contracts=tuple(contracts),
        sites=tuple(sites),
        tombstones=tuple(tombstones),
        orders=tuple(orders),
        notices=tuple(notices),
    )


def _choose(facts: Facts, cause: Cause, policy: Policy) -> tuple[list[Unit], list[Kept]]:
    """The units that go for ``cause``, and those it reaches but keeps, with why."""
    chosen: list[Unit] = []
    kept: list[Kept] = []
    for unit in sorted(facts.units, key=lambda u: (u.person, u.kind, u.context)):
        if isinstance(cause, Replayed):
            if unit.id in cause.units:
                chosen.append(unit)
            continue
        if unit.held_on(_today(cause)):  # Art. 17(3)(e): never in a plan
            if isinstance(cause, Asked) and _asked_for(unit, cause):
                kept.append(Kept(unit, LITIGATION_HOLD, None))
            continue
        if isinstance(cause, Due):
            if unit.purge_due is None or unit.purge_due > cause.as_of:
                continue
            if facts.persons[unit.person].restriction in SPARING_RESTRICTIONS:
                kept.append(Kept(unit, RESTRICTED_FOR_CLAIMS, None))
                continue
            chosen.append(unit)
            continue
        if not _asked_for(unit, cause):
            continue
        effect = policy.retention[unit.rule].on_erasure_request
        come = unit.purge_due is not None and unit.purge_due <= cause.today
        if effect.action is ErasureAction.KEEP_UNTIL_PURGE and not come:
            if unit.status is UnitStatus.ACTIVE:
                why = CONTRACT_RUNNING
            else:
                why = (effect.ground or ErasureGround.LEGAL_OBLIGATION).value
            kept.append(Kept(unit, why, unit.purge_due))
        else:
            chosen.append(unit)
    return chosen, kept


def _asked_for(unit: Unit, cause: Asked) -> bool:
    return cause.kinds is None or unit.kind in cause.kinds


def _dated(unit: Unit, cause: Cause) -> tuple[date, str]:
    """The unit's due date and reason as its proof records them: erased on request, a unit is due
    the day it goes, whatever its schedule said."""
    request = None if isinstance(cause, Due) else cause.request
    if request is None:
        return unit.purge_due or _today(cause), f"retention:{unit.rule}"
    return _today(cause), f"rights_request:{request}"


def _today(cause: Cause) -> date:
    return cause.as_of if isinstance(cause, Due) else cause.today


def _roles_going(roles: Iterable[Role], units: Iterable[Unit]) -> set[int]:
    """A client or other contact's unit takes the person's roles of that kind on its contract; a
    trusted person's, their designations for the site; a prospect's, their prospect roles."""
    wanted = {(u.person, u.kind, u.context) for u in units}
    going = set()
    for role in roles:
        if role.kind in PER_CONTRACT:
            context = role.contract or ""
        elif role.kind == UnitKind.TRUSTED_PERSON.value:
            context = role.site or ""
        else:
            context = ""
        if (role.person, role.kind, context) in wanted:
            going.add(role.id)
    return going


def _places_going(
    facts: Facts, units: Iterable[Unit], going: set[int], left_roles: Iterable[Role]
) -> tuple[list[str], list[str]]:
    """The contracts and sites nothing refers to any more once the roles ``going`` are gone."""
    left = list(left_roles)
    held_contracts = {r.contract for r in left if r.contract}
    held_sites = {r.site for r in left if r.site}
    units = list(units)
    contracts = sorted(
        ref
        for ref in {u.context for u in units if u.kind in PER_CONTRACT}
        if ref in facts.contracts and facts.contracts[ref].others == 0 and ref not in held_contracts
    )
    candidates = {u.context for u in units if u.kind == UnitKind.TRUSTED_PERSON.value}
    candidates |= {
        facts.contracts[u.context].site
        for u in units
        if u.kind in PER_CONTRACT and u.context in facts.contracts
    }
    candidates |= {r.site for r in facts.roles if r.id in going and r.site}
    gone = set(contracts)
    sites = sorted(
        ref
        for ref in candidates
        if ref in facts.sites
        and facts.sites[ref].others == 0
        and ref not in held_sites
        and facts.sites[ref].contracts <= gone
    )
    return contracts, sites


# -- recordings -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recording:
    """A recorded call of a person who objected to recording: the cases holding it and the
    purposes it is kept for that an objection leaves standing (``recordings.opposition_stops``)."""

    id: int
    held_by: tuple[str, ...] = ()
    kept_for: tuple[str, ...] = ()


def recordings_objected(recordings: Iterable[Recording]) -> tuple[list[int], list[int]]:
    """GDPR Art. 21(1): after an objection to recording, the person's recordings go — but those a
    litigation hold keeps (Art. 17(3)(e)) or kept for a purpose the objection does not stop (the
    compelling legitimate grounds the controller shows) stay. (ids erased, ids kept)."""
    erased: list[int] = []
    kept: list[int] = []
    for r in recordings:
        (kept if r.held_by or r.kept_for else erased).append(r.id)
    return erased, kept
