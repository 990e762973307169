"""Litigation holds: how long a case keeps data — until the recourse routes are exhausted.

The seed keeps recordings "pour la durée du contentieux et jusqu'à l'expiration des voies de
recours"; charte applies it to every unit a case names. After the last judgment, the recourse
open against it runs for the policy's window (civil appeal 1 month from service, CPC 538;
cassation 2 months, CPC 612; +1 month overseas, +2 months abroad, CPC 643; référé appeal 15 days,
CPC 490; criminal appeal 10 days and cassation 5 days from pronouncement, CPP 498 and 568;
administrative 2 months); a civil judgment never served can no longer be appealed 2 years after
it was pronounced (CPC 528-1). The window's last day rolls to the next working day (CPC 642).
A judgment against which no recourse is open, or a closed case, releases at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from charte.domain.dates import add_period, roll_to_working_day
from charte.domain.durations import Duration
from charte.domain.policy import Litigation
from charte.domain.vocabulary import CourtKind, Recourse, WindowStart


class Residence(StrEnum):
    """Where the farthest adverse party lives (CPC 643 extends civil windows for distance)."""

    METROPOLITAN = "metropolitan"
    OVERSEAS = "overseas"
    ABROAD = "abroad"


@dataclass(frozen=True, slots=True)
class Judgment:
    pronounced_on: date
    recourse: Recourse | None  # the recourse open against it; None: no recourse (final)
    served_on: date | None = None
    residence: Residence = Residence.METROPOLITAN


@dataclass(frozen=True, slots=True)
class Case:
    ref: str
    kind: CourtKind
    opened_on: date
    judgments: tuple[Judgment, ...] = ()
    appealed_after_last: bool = False  # the recourse was lodged: the case runs on
    closed_on: date | None = None  # settlement, withdrawal, or final


@dataclass(frozen=True, slots=True)
class Release:
    """When a case stops keeping data: ``on`` is the last day it keeps them (None: not known yet)."""

    on: date | None
    why: str
    review: bool = False  # a hold with no judgment for longer than the policy allows
    steps: tuple[str, ...] = field(default=())


def release(case: Case, policy: Litigation, *, as_of: date) -> Release:
    """The last day the case keeps its units, and why."""
    if case.closed_on is not None:
        return Release(case.closed_on, "case closed: released at once")
    if not case.judgments:
        review = add_period(case.opened_on, policy.review_hold_without_judgment_after) < as_of
        return Release(None, "no judgment yet: kept while the case runs", review=review)
    last = case.judgments[-1]
    if case.appealed_after_last:
        return Release(None, "recourse lodged against the last judgment: kept until the next one")
    if last.recourse is None:
        return Release(last.pronounced_on, "no recourse open against the last judgment: released at once")
    window = policy.recourse_windows[case.kind][last.recourse]
    start = last.served_on if window.start is WindowStart.SERVICE else last.pronounced_on
    steps = [f"{last.recourse.value}: {window.period} from {window.start.value} ({window.source})"]
    if start is None:
        # Never served: the window has not started, but a civil judgment cannot be appealed 2 years
        # after it was pronounced (CPC 528-1); other courts keep the hold until service.
        if case.kind not in (CourtKind.CIVIL, CourtKind.REFERE):
            return Release(None, "judgment not served yet: the recourse window has not started")
        end = add_period(last.pronounced_on, policy.unserved_judgment_limit)
        steps.append(
            f"never served: {policy.unserved_judgment_limit} from pronouncement ({policy.unserved_source})"
        )
    else:
        period = window.period
        if window.distance_extension and last.residence is not Residence.METROPOLITAN:
            extra = (
                policy.overseas_extension if last.residence is Residence.OVERSEAS else policy.abroad_extension
            )
            period = Duration(period.years, period.months + extra.total_months, period.days + extra.days)
            steps.append(f"+{extra} for a party {last.residence.value} ({policy.distance_source})")
        end = add_period(start, period)
    rolled = roll_to_working_day(end, policy.holiday_calendar)
    if rolled != end:
        steps.append(f"{end} is not a working day: {rolled} (CPC 642)")
    return Release(rolled, "recourse window after the last judgment", steps=tuple(steps))
