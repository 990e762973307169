"""Retention units: when each piece of personal data must go, from the facts and the policy.

Every piece of personal data belongs to one or more units; a unit's schedule comes from its rule
(``policy.retention``) and the date its clock starts from (the anchor). A unit is

- ``active`` while the thing that justifies it runs (a contract, a designation): no due date;
- ``scheduled`` with ``retention_end`` (the last day data may be kept) and ``purge_due`` (the day
  after, never moved for weekends);
- ``held`` when a litigation hold keeps it past its normal date (``apply_holds``);
- ``review`` when its anchor is missing: never purged automatically, never kept silently either,
  but listed for a human.

Pure functions: the store gathers the facts, these decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from charte.domain.dates import purge_due, retention_end
from charte.domain.policy import Policy, RetentionRule
from charte.domain.vocabulary import ContactKind


class UnitKind(StrEnum):
    """The units the register holds; each is a subject category of the policy, with its rule."""

    CLIENT = "client"  # person x contract
    OTHER_CONTACT = "other_contact"  # person x contract
    PROSPECT = "prospect"  # person
    TRUSTED_PERSON = "trusted_person"  # person x site


# A client's or other contact's unit is per contract; a trusted person's per site; a prospect's
# has no context. Proofs and tombstones name a unit's context by the HMAC of "<kind>:<ref>".
PER_CONTRACT = (UnitKind.CLIENT.value, UnitKind.OTHER_CONTACT.value)
CONTEXT_KIND = {
    UnitKind.CLIENT.value: "contract",
    UnitKind.OTHER_CONTACT.value: "contract",
    UnitKind.TRUSTED_PERSON.value: "site",
}


def context_name(kind: str, context: str) -> str | None:
    """What a unit's context is named by before it is hashed ("contract:<ref>", "site:<ref>"), the
    same in proofs, tombstones and the erasure ledger; None for a unit without one (a prospect)."""
    return f"{CONTEXT_KIND.get(kind, kind)}:{context}" if context else None


class UnitStatus(StrEnum):
    ACTIVE = "active"
    SCHEDULED = "scheduled"
    HELD = "held"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Schedule:
    rule: str
    status: UnitStatus
    retention_end: date | None = None
    purge_due: date | None = None
    held_by: tuple[str, ...] = ()
    review_reason: str | None = None

    def due_by(self, as_of: date) -> bool:
        """Whether a sweep on ``as_of`` erases this unit."""
        return self.purge_due is not None and self.purge_due <= as_of


def schedule(
    rule_id: str, rule: RetentionRule, anchor: date | None, *, running: bool, missing: str = ""
) -> Schedule:
    """A unit's schedule: active while ``running``; else from its anchor; review without one."""
    if running:
        return Schedule(rule_id, UnitStatus.ACTIVE)
    if anchor is None:
        return Schedule(rule_id, UnitStatus.REVIEW, review_reason=missing or f"no {rule.anchor.value} date")
    last_day = retention_end(anchor, rule.period)
    return Schedule(rule_id, UnitStatus.SCHEDULED, last_day, purge_due(last_day))


# -- anchors ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contact:
    on: date
    inbound: bool
    answered: bool

    @property
    def kinds(self) -> frozenset[ContactKind]:
        """The policy's contact kinds this contact counts as."""
        if self.inbound:
            return frozenset({ContactKind.INBOUND})
        if self.answered:
            return frozenset({ContactKind.OUTBOUND, ContactKind.OUTBOUND_ANSWERED})
        return frozenset({ContactKind.OUTBOUND})


def prospect_anchor(
    collected_on: date | None, contacts: Iterable[Contact], resets: Sequence[ContactKind]
) -> date | None:
    """The later of the collection and the last contact that restarts the clock (policy)."""
    if collected_on is None:
        return None
    restarting = [c.on for c in contacts if c.kinds & set(resets)]
    return max([collected_on, *restarting])


def designation_end(
    removed_on: date | None, site_contract_ends: Sequence[date | None]
) -> tuple[date | None, bool]:
    """(end of the designation, still running?) — its removal, or the day the site stopped being
    under any active contract; a site with no contract at all gives no end (review)."""
    if removed_on is not None:
        return removed_on, False
    if not site_contract_ends or any(end is None for end in site_contract_ends):
        return None, bool(site_contract_ends)  # an active contract: running; none at all: unknown
    return max(e for e in site_contract_ends if e is not None), False


def last_day_designated(end: date) -> date:
    """The anchor of the trusted-person rule: the designation ended on ``end``, so the day before."""
    return end - timedelta(days=1)


# -- holds ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoldRelease:
    """A litigation hold on a unit: its case, and the last day it keeps data (None: not known yet)."""

    case: str
    release: date | None


def apply_holds(unit: Schedule, holds: Iterable[HoldRelease], as_of: date) -> Schedule:
    """A held unit's purge date is max(its own, the latest release + 1 day); a hold whose release is
    not known yet keeps the unit with no purge date at all. No unit under a hold is ever due."""
    holds = list(holds)
    if not holds or unit.status in (UnitStatus.ACTIVE, UnitStatus.REVIEW):
        return replace(unit, held_by=tuple(sorted({h.case for h in holds})))
    keeping = tuple(sorted({h.case for h in holds if h.release is None or h.release >= as_of}))
    if any(h.release is None for h in holds):
        return replace(unit, status=UnitStatus.HELD, purge_due=None, held_by=keeping)
    latest = max(h.release for h in holds if h.release is not None)
    own = unit.purge_due
    if own is None:  # a scheduled unit always has one; there is nothing to extend otherwise
        return replace(unit, held_by=keeping)
    due = max(own, purge_due(latest))
    status = UnitStatus.HELD if due > own and latest >= as_of else UnitStatus.SCHEDULED
    return replace(unit, purge_due=due, status=status, held_by=keeping)


# -- the units of a person, from the facts ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleDates:
    """One of a person's roles with the dates that anchor its unit."""

    person: int
    kind: str
    started_on: date
    ended_on: date | None = None
    contract: str | None = None  # its ref
    contract_end: date | None = None
    site_id: int | None = None
    site: str | None = None  # its ref


UnitKey = tuple[int, str, str]  # (person, kind, context)


def units_of(
    policy: Policy,
    roles: Iterable[RoleDates],
    site_ends: Mapping[int, Sequence[date | None]],
    contacts: Mapping[int, Sequence[Contact]],
) -> dict[UnitKey, Schedule]:
    """Each person's units and their schedules, under the rule of the role's subject category:

    - a client or other contact: one unit per contract, running while the contract does, anchored
      on its end;
    - a prospect: one unit, anchored on the later of the latest collection and the last contact
      the rule says restarts the clock (``prospect_anchor``);
    - a trusted person: one unit per site, from the latest designation for it, running while the
      site is under an active contract, anchored on the last day designated (``designation_end``).
    A kind of role the policy declares no subject category for has no unit."""

    def rule(kind: UnitKind) -> tuple[str, RetentionRule] | None:
        category = policy.subject_categories.get(kind.value)
        return (category.retention, policy.retention[category.retention]) if category else None

    units: dict[UnitKey, Schedule] = {}
    prospects: dict[int, date] = {}
    designations: dict[tuple[int, int | None], RoleDates] = {}
    for row in roles:
        kind = UnitKind(row.kind)
        if kind in (UnitKind.CLIENT, UnitKind.OTHER_CONTACT):
            found = rule(kind)
            if found:
                units[(row.person, kind.value, row.contract or "")] = schedule(
                    *found, row.contract_end, running=row.contract_end is None
                )
        elif kind is UnitKind.PROSPECT:
            prospects[row.person] = max(prospects.get(row.person, row.started_on), row.started_on)
        else:  # the latest designation of a person for a site decides
            key = (row.person, row.site_id)
            if key not in designations or row.started_on >= designations[key].started_on:
                designations[key] = row
    prospect_rule = rule(UnitKind.PROSPECT)
    if prospect_rule:
        for pid, collected in prospects.items():
            anchor = prospect_anchor(collected, contacts.get(pid, []), prospect_rule[1].contacts_reset_clock)
            units[(pid, UnitKind.PROSPECT.value, "")] = schedule(*prospect_rule, anchor, running=False)
    trusted_rule = rule(UnitKind.TRUSTED_PERSON)
    if trusted_rule:
        for (pid, site_id), row in designations.items():
            end, running = designation_end(row.ended_on, site_ends.get(site_id, []) if site_id else [])
            anchor = last_day_designated(end) if end else None
            units[(pid, UnitKind.TRUSTED_PERSON.value, row.site or "")] = schedule(
                *trusted_rule,
                anchor,
                running=running,
                missing="the site has no contract to end the designation",
            )
    return units


def held_units(
    units: Mapping[UnitKey, Schedule],
    refs: Mapping[int, str],
    on_person: Mapping[str, Sequence[HoldRelease]],
    on_contract: Mapping[str, Sequence[HoldRelease]],
    as_of: date,
) -> dict[UnitKey, Schedule]:
    """The units with their holds applied: a hold on a person keeps all their units; a hold on a
    contract keeps the units for that contract (its clients' and other contacts')."""
    if not on_person and not on_contract:
        return dict(units)
    out = {}
    for (pid, kind, context), unit in units.items():
        holds = list(on_person.get(refs[pid], [])) + (
            list(on_contract.get(context, [])) if kind in PER_CONTRACT else []
        )
        out[(pid, kind, context)] = apply_holds(unit, holds, as_of)
    return out


def call_schedule(
    policy: Policy, on: date, recorded: bool, holds: Iterable[HoldRelease], as_of: date
) -> Schedule:
    """A call's schedule: the recordings rule for a recorded call, the metadata rule for another,
    from the call's day, extended by the holds naming the call or its person like a unit's."""
    rec = policy.recordings
    rule_id = rec.retention if recorded else rec.metadata_rule
    own = schedule(rule_id, policy.retention[rule_id], on, running=False)
    return apply_holds(own, holds, as_of)


def analysis_document_schedule(policy: Policy, made_on: date) -> Schedule | None:
    """An analysis document (scoring grid, report) drawn from a recording follows the policy's
    ``recordings.analysis_retention`` from the day it is made; None when the policy keeps none."""
    rule_id = policy.recordings.analysis_retention
    if rule_id is None:
        return None
    return schedule(rule_id, policy.retention[rule_id], made_on, running=False)
