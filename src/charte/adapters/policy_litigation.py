"""The policy's ``litigation`` section: recourse windows as routes, their counting, rolling and
distance extensions (CPC 538-644, CPP 498-801, CJA R421-7; docs/policy.md)."""

from __future__ import annotations

from typing import Any

from charte.adapters.policy_reader import Reader
from charte.domain import vocabulary as v
from charte.domain.policy import Distance, Litigation, RecourseRoute, RecourseWindow
from charte.domain.problems import KeyPath


def _distance(r: Reader, value: Any, path: KeyPath) -> Distance:
    d = r.section(value, path, required={"overseas", "abroad", "source"})
    return Distance(r.duration(d, "overseas", path), r.duration(d, "abroad", path), r.text(d, "source", path))


_ROUTE_KEYS = frozenset({"counting", "rolled_by", "by"})
CIVIL_ROLLING = "Code de procédure civile art. 642"  # when the policy names no other rule


def _route(
    r: Reader, value: Any, path: KeyPath, civil: tuple[Distance, Distance], rolled_by: str
) -> RecourseRoute:
    """One route: ``distance_extension`` is ``true`` (the civil extensions, CPC 643/644),
    ``false``, or a mapping of its own (another code's, e.g. CJA R421-7)."""
    d = r.section(
        value, path, required={"period", "from", "distance_extension", "source"}, optional=_ROUTE_KEYS
    )
    raw = d.get("distance_extension", False)
    distance: Distance | None
    overseas_court: Distance | None
    if isinstance(raw, dict):
        distance = overseas_court = _distance(r, raw, (*path, "distance_extension"))
    else:
        extended = r.flag(d, "distance_extension", path)
        distance, overseas_court = civil if extended else (None, None)
    counting = r.choice(d, "counting", path, v.Counting) if "counting" in d else v.Counting.CALENDAR
    return RecourseRoute(
        period=r.duration(d, "period", path),
        start=r.choice(d, "from", path, v.WindowStart),
        source=r.text(d, "source", path),
        distance=distance,
        overseas_court=overseas_court,
        counting=counting,
        rolled_by=r.text(d, "rolled_by", path) if "rolled_by" in d else rolled_by,
        by=r.optional_text(d, "by", path),
    )


def _window(
    r: Reader, value: Any, path: KeyPath, civil: tuple[Distance, Distance], rolled_by: str
) -> RecourseWindow:
    """A window is one route (a mapping) or every route open (a list: the hold keeps the longest)."""
    if isinstance(value, list):
        if not value:
            r.problems.add(path, "wrong type", found="an empty list", expected="at least one route")
        return RecourseWindow(
            tuple(_route(r, x, (*path, str(i)), civil, rolled_by) for i, x in enumerate(value))
        )
    return RecourseWindow((_route(r, value, path, civil, rolled_by),))


def read_litigation(r: Reader, value: Any, path: KeyPath) -> Litigation:
    """The ``litigation`` section: the recourse windows each judgment opens (docs/policy.md)."""
    d = r.section(
        value,
        path,
        required={
            "holds_keep_until",
            "recourse_windows",
            "distance_extension",
            "unserved_judgment_limit",
            "review_hold_without_judgment_after",
            "holiday_calendar",
        },
        optional=frozenset({"rolled_by"}),
    )
    if "holds_keep_until" in d and d["holds_keep_until"] != "recourse_exhausted":
        r.problems.add(
            (*path, "holds_keep_until"),
            "unknown value",
            found=repr(d["holds_keep_until"]),
            expected="recourse_exhausted",
        )
    dpath = (*path, "distance_extension")
    dist = r.section(
        d.get("distance_extension", {}),
        dpath,
        required={"overseas", "abroad", "source"},
        optional=frozenset({"court_overseas"}),
    )
    metropolitan = Distance(
        r.duration(dist, "overseas", dpath), r.duration(dist, "abroad", dpath), r.text(dist, "source", dpath)
    )
    # Before a court sitting overseas CPC 644 gives the same months to a party outside its
    # collectivity: a policy that says nothing of such courts gets them rather than none (a hold
    # released early would erase what may still be appealed).
    overseas_court = (
        _distance(r, dist["court_overseas"], (*dpath, "court_overseas"))
        if "court_overseas" in dist
        else Distance(metropolitan.overseas, metropolitan.abroad, "Code de procédure civile art. 644")
    )
    civil = (metropolitan, overseas_court)
    # Which rule rolls a last day past a non-working day, per kind of court (CPC 642; CPP 801).
    rpath = (*path, "rolled_by")
    rolled = r.section(
        d.get("rolled_by", {}), rpath, required=set(), optional=frozenset(c.value for c in v.CourtKind)
    )
    wpath = (*path, "recourse_windows")
    courts = r.section(d.get("recourse_windows", {}), wpath, required={c.value for c in v.CourtKind})
    windows = {}
    for court in v.CourtKind:
        cpath = (*wpath, court.value)
        kinds = r.section(courts.get(court.value, {}), cpath, required={k.value for k in v.Recourse})
        rolled_by = (
            r.text(rolled, court.value, rpath)
            if court.value in rolled
            else "Code de procédure civile art. 642"
        )
        windows[court] = {
            k: _window(r, kinds.get(k.value, {}), (*cpath, k.value), civil, rolled_by) for k in v.Recourse
        }
    upath = (*path, "unserved_judgment_limit")
    unserved = r.section(d.get("unserved_judgment_limit", {}), upath, required={"period", "source"})
    return Litigation(
        recourse_windows=windows,
        unserved_judgment_limit=r.duration(unserved, "period", upath),
        unserved_source=r.text(unserved, "source", upath),
        review_hold_without_judgment_after=r.duration(d, "review_hold_without_judgment_after", path),
        holiday_calendar=r.choice(d, "holiday_calendar", path, v.HolidayCalendar),
    )
