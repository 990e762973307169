"""Litigation holds: how long a case keeps data — until the recourse routes are exhausted.

The seed keeps recordings "pour la durée du contentieux et jusqu'à l'expiration des voies de
recours"; charte applies it to every unit a case names. After the last judgment, every route
still open against it runs for the policy's window and the hold keeps the longest: civil appeal
1 month from service (CPC 538), cassation 2 months (CPC 612), référé appeal 15 days (CPC 490),
each longer for a party far from the court (CPC 643 before a court in metropolitan France, CPC 644
before one sitting overseas); criminal appeal 10 days for the parties (CPP 498) and 20 days for
the procureur général (CPP 505) from pronouncement, cassation within five *jours francs* (CPP 568:
neither the day of the decision nor the day of expiry counts); administrative appeal and
cassation 2 months from service (CJA R811-2, R821-1) with the distance extensions of R421-7
(R811-5). A civil judgment never served can no longer be appealed 2 years after it was pronounced
(CPC 528-1). A last day on a Saturday, Sunday or public holiday rolls to the next working day by
the rule of the route's code (CPC 642; CPP 801 for criminal courts). A judgment against which no
recourse is open, or a closed case, releases at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from charte.domain.dates import add_period, roll_to_working_day
from charte.domain.durations import Duration
from charte.domain.policy import Distance, Litigation, RecourseRoute
from charte.domain.vocabulary import Counting, CourtKind, CourtSeat, Recourse, WindowStart


class Residence(StrEnum):
    """Where the party farthest from the court lives (CPC 643, 644 extend windows for distance).

    Before a court sitting overseas, ``overseas`` is the court's own collectivity and
    ``other_overseas`` another one; before a court in metropolitan France both are overseas."""

    METROPOLITAN = "metropolitan"
    OVERSEAS = "overseas"
    OTHER_OVERSEAS = "other_overseas"
    ABROAD = "abroad"


@dataclass(frozen=True, slots=True)
class Judgment:
    pronounced_on: date
    recourse: Recourse | None  # the recourse open against it; None: no recourse (final)
    served_on: date | None = None
    residence: Residence = Residence.METROPOLITAN
    court_seat: CourtSeat = CourtSeat.METROPOLITAN


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
    ends = [_route_end(route, last, case.kind, policy) for route in window.routes]
    steps = tuple(step for _, route_steps in ends for step in route_steps)
    if any(end is None for end, _ in ends):
        return Release(None, "judgment not served yet: the recourse window has not started", steps=steps)
    last_day = max(end for end, _ in ends if end is not None)
    why = "recourse window after the last judgment"
    if len(ends) > 1:
        why += ": the longest open route"
    return Release(last_day, why, steps=steps)


def _extension(route: RecourseRoute, judgment: Judgment) -> tuple[Duration, Distance] | None:
    """The extension for distance this route gives the farthest party, if any (CPC 643, 644)."""
    far = judgment.residence
    if judgment.court_seat is CourtSeat.OVERSEAS:
        distance = route.overseas_court
        if distance is None or far is Residence.OVERSEAS:  # living where the court sits
            return None
    else:
        distance = route.distance
        if distance is None or far is Residence.METROPOLITAN:
            return None
    return (distance.abroad if far is Residence.ABROAD else distance.overseas), distance


def _route_end(
    route: RecourseRoute, last: Judgment, kind: CourtKind, policy: Litigation
) -> tuple[date | None, list[str]]:
    """The last day this route is open (None: it has not started), with the steps that give it."""
    who = f", by {route.by}" if route.by else ""
    clear = " clear days" if route.counting is Counting.CLEAR_DAYS else ""
    steps = [
        f"{last.recourse.value if last.recourse else ''}: {route.period}{clear} from {route.start.value}"
        f"{who} ({route.source})"
    ]
    start = last.served_on if route.start is WindowStart.SERVICE else last.pronounced_on
    if start is None:
        # Never served: the window has not started, but a civil judgment cannot be appealed 2 years
        # after it was pronounced (CPC 528-1); other courts keep the hold until service.
        if kind not in (CourtKind.CIVIL, CourtKind.REFERE):
            return None, steps
        end = add_period(last.pronounced_on, policy.unserved_judgment_limit)
        steps.append(
            f"never served: {policy.unserved_judgment_limit} from pronouncement ({policy.unserved_source})"
        )
    else:
        period = route.period
        extra = _extension(route, last)
        if extra is not None:
            more, distance = extra
            period = Duration(period.years, period.months + more.total_months, period.days + more.days)
            court = " before a court sitting overseas" if last.court_seat is CourtSeat.OVERSEAS else ""
            steps.append(f"+{more} for a party {last.residence.value}{court} ({distance.source})")
        end = add_period(start, period)
        if route.counting is Counting.CLEAR_DAYS:
            # Jours francs: the day the period expires does not count either (CPP 568).
            end += timedelta(days=1)
    rolled = roll_to_working_day(end, policy.holiday_calendar)
    if rolled != end:
        steps.append(f"{end} is not a working day: {rolled} ({route.rolled_by})")
    return rolled, steps
