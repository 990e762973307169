"""Litigation cases as the event feed writes them: loaded for a chunk, written back in bulk.

A chunk's litigation events (``litigation.opened``, ``.judgment``, ``.served``, ``.appealed``,
``.closed``) are applied to the stored cases by ``charte.domain.register_rules``; this module
reads their state and writes what changed, in a fixed number of statements per chunk.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.domain.register_rules import CaseRow, RegisterChunk


def load_cases(conn: Connection, chunk: RegisterChunk, refs: set[str]) -> None:
    """The stored state of the cases the chunk's litigation events name, with each case's last
    judgment, into ``chunk.cases`` (the rules then apply the events to them)."""
    if not refs:
        return
    cs, j = t.cases.c, t.case_judgments.c
    rows = conn.execute(select(t.cases).where(cs.ref.in_(refs))).mappings().all()
    last: dict[int, Any] = {}
    ids = [r["id"] for r in rows]
    for judgment in conn.execute(
        select(t.case_judgments).where(j.case_id.in_(ids)).order_by(j.pronounced_on, j.id)
    ).mappings():
        last[judgment["case_id"]] = judgment
    for r in rows:
        lj = last.get(r["id"])
        chunk.cases[r["ref"]] = CaseRow(
            r["ref"],
            r["kind"],
            r["opened_on"],
            r["id"],
            r["appealed"],
            r["closed_on"],
            r["closed_reason"],
            lj["id"] if lj else None,
            lj["pronounced_on"] if lj else None,
            lj["served_on"] if lj else None,
            lj["recourse"] if lj else None,
        )


def write_cases(conn: Connection, chunk: RegisterChunk, now: datetime) -> list[int]:
    """Litigation events: cases, subjects, judgments and the case log, written in bulk; the ids
    of the cases the chunk changed (their units and calls are re-scheduled)."""
    touched = [c for c in chunk.cases.values() if c.changed]
    if not touched:
        return []
    cs = t.cases.c
    new = [c for c in touched if c.id is None]
    insert_rows(
        conn,
        t.cases,
        ("ref", "kind", "opened_on", "appealed", "closed_on", "closed_reason"),
        [(c.ref, c.kind, c.opened_on, c.appealed, c.closed_on, c.closed_reason) for c in new],
    )
    ids = dict(conn.execute(select(cs.ref, cs.id).where(cs.ref.in_([c.ref for c in touched]))).all())
    stored = [c for c in touched if c.id is not None]
    if stored:
        conn.execute(
            update(t.cases)
            .where(cs.id == bindparam("i"))
            .values(appealed=bindparam("a"), closed_on=bindparam("c"), closed_reason=bindparam("r")),
            [{"i": c.id, "a": c.appealed, "c": c.closed_on, "r": c.closed_reason} for c in stored],
        )
    served = [
        {"i": c.last_judgment_id, "s": c.served_stored}
        for c in stored
        if c.served_stored and c.last_judgment_id
    ]
    if served:
        j = t.case_judgments.c
        conn.execute(
            update(t.case_judgments).where(j.id == bindparam("i")).values(served_on=bindparam("s")),
            served,
        )
    insert_rows(
        conn,
        t.case_subjects,
        ("case_id", "kind", "ref"),
        [(ids[c.ref], kind, ref) for c in new for kind, ref in c.subjects],
        conflict=("case_id", "kind", "ref"),
    )
    insert_rows(
        conn,
        t.case_judgments,
        ("case_id", "pronounced_on", "served_on", "recourse", "residence", "court_seat"),
        [
            (
                ids[c.ref],
                jd["pronounced_on"],
                jd["served_on"],
                jd["recourse"],
                jd["residence"],
                jd["court_seat"],
            )
            for c in touched
            for jd in c.judgments
        ],
    )
    insert_rows(
        conn,
        t.case_log,
        ("case_ref", "action", "detail", "actor", "at"),
        [(c.ref, "feed", json.dumps({"events": c.events}), "event feed", now) for c in touched],
    )
    return [ids[c.ref] for c in touched]
