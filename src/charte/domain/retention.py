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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from charte.domain.dates import purge_due, retention_end
from charte.domain.policy import RetentionRule
from charte.domain.vocabulary import ContactKind


class UnitKind(StrEnum):
    """The units the register holds; each is a subject category of the policy, with its rule."""

    CLIENT = "client"  # person x contract
    OTHER_CONTACT = "other_contact"  # person x contract
    PROSPECT = "prospect"  # person
    TRUSTED_PERSON = "trusted_person"  # person x site


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
