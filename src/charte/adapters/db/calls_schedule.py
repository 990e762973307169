"""When a call is erased: its retention rule from the call's day, extended by the litigation holds
naming the call or its person, exactly as a person's units are (``domain.retention.call_schedule``
decides; this module gathers the holds and writes the schedules).

A recorded call follows the policy's ``recordings.retention`` (six months in the shipped policy),
another its ``recordings.metadata_retention``. Calls are scheduled as an import writes them, and
re-scheduled when a case naming them, or their person, changes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.hold_releases import load_cases
from charte.adapters.db.times import utc
from charte.domain.litigation import release
from charte.domain.policy import Policy
from charte.domain.register_rules import CallRow
from charte.domain.retention import HoldRelease, Schedule, call_schedule

PARIS = ZoneInfo("Europe/Paris")


def _schedules(
    conn: Connection, policy: Policy, calls: Sequence[tuple[str, str | None, date, bool]], today: date
) -> dict[str, Schedule]:
    """Each call's schedule — the recordings rule for a recorded call, the metadata rule for the
    others — with the holds of the cases naming it or its person."""
    refs = [c[0] for c in calls]
    persons = [c[1] for c in calls if c[1]]
    s = t.case_subjects.c
    named = conn.execute(
        select(s.case_id, s.kind, s.ref).where(
            or_((s.kind == "call") & s.ref.in_(refs), (s.kind == "person") & s.ref.in_(persons))
        )
    ).all()
    cases = load_cases(conn, (r.case_id for r in named))
    releases = {
        cid: HoldRelease(case.ref, release(case, policy.litigation, as_of=today).on)
        for cid, case in cases.items()
    }
    holds: dict[tuple[str, str], list[HoldRelease]] = defaultdict(list)
    for row in named:
        holds[(row.kind, row.ref)].append(releases[row.case_id])
    out = {}
    for ref, person, on, recorded in calls:
        found = holds.get(("call", ref), []) + (holds.get(("person", person), []) if person else [])
        out[ref] = call_schedule(policy, on, recorded, found, today)
    return out


def _values(s: Schedule) -> dict[str, Any]:
    return {
        "rule": s.rule,
        "status": s.status.value,
        "retention_end": s.retention_end,
        "purge_due": s.purge_due,
        "held_by": ",".join(s.held_by) or None,
    }


def insert_calls(conn: Connection, policy: Policy, calls: Sequence[CallRow], today: date) -> dict[str, int]:
    """The chunk's new calls, scheduled; their ids by ref."""
    if not calls:
        return {}
    plans = _schedules(conn, policy, [(c.ref, c.person_ref, c.on, c.recorded) for c in calls], today)
    purposes = json.dumps(list(policy.recordings.purposes))
    rows = [
        {
            "ref": c.ref,
            "number": c.number,
            "person_ref": c.person_ref,
            "direction": c.direction,
            "at": c.at.astimezone(UTC),
            "recorded": c.recorded,
            "listened_live": c.listened_live,
            "purposes": purposes if c.recorded else "[]",
            "kept_for": "[]",
            "pending_audio": c.audio,
            "event_id": c.event_id,
            **_values(plans[c.ref]),
        }
        for c in calls
    ]
    conn.execute(insert(t.calls), rows)
    k = t.calls.c
    return dict(conn.execute(select(k.ref, k.id).where(k.ref.in_([c.ref for c in calls]))).all())


def refresh_call_holds(conn: Connection, policy: Policy, case_ids: Iterable[int], today: date) -> None:
    """Re-schedule the calls these cases name, or whose person they name (a hold placed,
    judged, appealed or lifted)."""
    ids = list(case_ids)
    if not ids:
        return
    s, k = t.case_subjects.c, t.calls.c
    named = select(s.ref).where(s.case_id.in_(ids))
    rows = conn.execute(
        select(k.id, k.ref, k.person_ref, k.at, k.recorded).where(
            or_(k.ref.in_(named.where(s.kind == "call")), k.person_ref.in_(named.where(s.kind == "person")))
        )
    ).all()
    if not rows:
        return
    plans = _schedules(conn, policy, [(r.ref, r.person_ref, _day(r.at), r.recorded) for r in rows], today)
    conn.execute(  # one statement, executed for every row's values
        update(t.calls)
        .where(k.id == bindparam("call_id"))
        .values({c: bindparam(c) for c in ("rule", "status", "retention_end", "purge_due", "held_by")}),
        [{"call_id": r.id, **_values(plans[r.ref])} for r in rows],
    )


def _day(at: datetime) -> date:
    return utc(at).astimezone(PARIS).date()
