"""The holds on units: which cases name a person or a contract, and when each releases them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, or_, select

from charte.adapters.db import tables as t
from charte.domain.litigation import Case, Judgment, Residence, release
from charte.domain.policy import Policy
from charte.domain.retention import HoldRelease
from charte.domain.vocabulary import CourtKind, CourtSeat, Recourse


def load_cases(conn: Connection, case_ids: Iterable[int]) -> dict[int, Case]:
    ids = list(set(case_ids))
    if not ids:
        return {}
    j = t.case_judgments.c
    judgments: dict[int, list[Judgment]] = defaultdict(list)
    for row in conn.execute(
        select(t.case_judgments).where(j.case_id.in_(ids)).order_by(j.pronounced_on, j.id)
    ).mappings():
        judgments[row["case_id"]].append(
            Judgment(
                row["pronounced_on"],
                Recourse(row["recourse"]) if row["recourse"] else None,
                row["served_on"],
                Residence(row["residence"]),
                CourtSeat(row["court_seat"]),
            )
        )
    return {
        row["id"]: Case(
            row["ref"],
            CourtKind(row["kind"]),
            row["opened_on"],
            tuple(judgments[row["id"]]),
            row["appealed"],
            row["closed_on"],
        )
        for row in conn.execute(select(t.cases).where(t.cases.c.id.in_(ids))).mappings()
    }


def holds_for(
    conn: Connection, policy: Policy, persons: dict[int, str], contracts: Iterable[str], today: date
) -> tuple[dict[str, list[HoldRelease]], dict[str, list[HoldRelease]]]:
    """The holds on these persons (by ref) and on these contracts (by ref), with their releases."""
    s = t.case_subjects.c
    rows = conn.execute(
        select(s.case_id, s.kind, s.ref).where(
            or_(
                (s.kind == "person") & s.ref.in_(persons.values()),
                (s.kind == "contract") & s.ref.in_(list(contracts)),
            )
        )
    ).all()
    cases = load_cases(conn, (r.case_id for r in rows))
    releases = {
        cid: HoldRelease(case.ref, release(case, policy.litigation, as_of=today).on)
        for cid, case in cases.items()
    }
    by_person: dict[str, list[HoldRelease]] = defaultdict(list)
    by_contract: dict[str, list[HoldRelease]] = defaultdict(list)
    for row in rows:
        (by_person if row.kind == "person" else by_contract)[row.ref].append(releases[row.case_id])
    return by_person, by_contract


def persons_held_by(conn: Connection, case_ids: Iterable[int]) -> set[int]:
    """The persons whose units these cases may hold: named, or tied to a contract they name."""
    ids = list(case_ids)
    if not ids:
        return set()
    s, p, r, ct = t.case_subjects.c, t.persons.c, t.roles.c, t.contracts.c
    named = select(s.ref).where(s.case_id.in_(ids))
    people = set(conn.execute(select(p.id).where(p.ref.in_(named.where(s.kind == "person")))).scalars())
    via_contract = select(r.person_id).join(t.contracts, ct.id == r.contract_id)
    people |= set(conn.execute(via_contract.where(ct.ref.in_(named.where(s.kind == "contract")))).scalars())
    return people
