"""The audit chain in SQL: append under the period's head lock, read back in order, search.

Appending locks the head row of each period concerned (created on first use), chains the new
entries after it and moves it, all in one transaction — the caller's when given and on the same
database, so that a sweep's erasures and their audit entries commit together (PostgreSQL). When the
audit has a database of its own (SQLite's default, adapters.db.audit_database), the entries commit
first, then the change. Entries are never updated or deleted here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Connection, Engine, cast, delete, func, insert, not_, select, update
from sqlalchemy.dialects.postgresql import JSONB

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.domain.audit import SEARCH_COLUMNS, Chained, Entry, Stored, chain, genesis

COLUMNS = ("period", "seq", "at", "actor", "action", "purpose", "subject", "body", "prev", "hash")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    subject: str | None = None  # the HMAC, computed by the caller from a ref
    actor: str | None = None
    purpose: str | None = None
    since: str | None = None  # ISO 8601, compared with the stored UTC times
    until: str | None = None
    limit: int = 100


class SqlAuditStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, entries: Sequence[Entry], conn: Connection | None = None) -> list[Chained]:
        if not entries:
            return []
        if conn is None or conn.engine is not self.engine:
            # The audit in a database of its own (SQLite's default): the entries commit here,
            # just before the caller's change commits. A change is then never unaudited; if it
            # fails after this point, its entry stands for an attempt that was rolled back.
            with self.engine.begin() as own:
                return self._append(own, entries)
        return self._append(conn, entries)

    def _append(self, conn: Connection, entries: Sequence[Entry]) -> list[Chained]:
        h = t.audit_heads.c
        wanted = sorted({e.period for e in entries})
        # A write first: on SQLite it takes the database's write lock before anything is read.
        insert_rows(
            conn,
            t.audit_heads,
            ("period", "seq", "hash"),
            [(p, 0, genesis(p)) for p in wanted],
            conflict=("period",),
        )
        heads = {
            row.period: (row.seq, row.hash)
            for row in conn.execute(
                select(h.period, h.seq, h.hash)
                .where(h.period.in_(wanted))
                .order_by(h.period)
                .with_for_update()
            )
        }
        chained = chain(entries, heads)
        rows = [
            (link.period, link.seq, entry.at_text, entry.actor, entry.action.value, entry.purpose,
             entry.subject, link.body.decode(), link.prev, link.hash)
            for link, entry in zip(chained, entries, strict=True)
        ]  # fmt: skip
        insert_rows(conn, t.audit_entries, COLUMNS, rows)
        last: dict[str, Chained] = {c.period: c for c in chained}
        for period, c in last.items():
            conn.execute(update(t.audit_heads).where(h.period == period).values(seq=c.seq, hash=c.hash))
        return chained

    def periods(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(t.audit_entries.c.period).distinct().order_by(t.audit_entries.c.period)
                ).scalars()
            )

    def heads(self) -> dict[str, tuple[int, str]]:
        h = t.audit_heads.c
        with self.engine.connect() as conn:
            return {
                r.period: (r.seq, r.hash) for r in conn.execute(select(h.period, h.seq, h.hash)) if r.seq > 0
            }

    def stored(self, period: str) -> Iterator[Stored]:
        """A period's entries in sequence order, streamed (a period may hold millions)."""
        a = t.audit_entries.c
        query = (
            select(a.seq, a.body, a.prev, a.hash)
            .where(a.period == period)
            .order_by(a.seq)
            .execution_options(yield_per=5000)
        )
        with self.engine.connect() as conn:
            for seq, body, prev, digest in conn.execute(query):
                yield seq, body.encode(), prev, digest

    def columns_break(self, period: str) -> tuple[int, str] | None:
        """The first entry whose search columns, sequence or period disagree with its bytes, and
        which. Found in SQL, parsing each entry's JSON once (PostgreSQL: the jsonb of the bytes must
        contain the columns' object; SQLite: one json_extract of every key, compared with
        json_array of the columns);
        only the broken entry, if any, is then read to name the column."""
        a = t.audit_entries.c
        names = ("seq", "period", *SEARCH_COLUMNS)
        if self.engine.dialect.name == "postgresql":
            # One jsonb per row: the bytes must contain every column's value under its key.
            columns = func.jsonb_build_object(*[x for n in names for x in (n, getattr(a, n))])
            contains = cast(a.body, JSONB).op("@>", return_type=Boolean)(columns)
            first = select(a.seq).where(a.period == period, not_(contains)).order_by(a.seq).limit(1)
        else:
            implied = func.json_extract(a.body, *[f"$.{n}" for n in names])
            stored = func.json_array(*[getattr(a, n) for n in names])
            first = select(a.seq).where(a.period == period, implied != stored).order_by(a.seq).limit(1)
        with self.engine.connect() as conn:
            seq = conn.execute(first).scalar()
            if seq is None:
                return None
            row = conn.execute(
                select(a.body, *[getattr(a, n) for n in names]).where(a.period == period, a.seq == seq)
            ).one()
        body = json.loads(row.body)
        for name in names:
            if body.get(name) != getattr(row, name):
                return int(seq), name
        return int(seq), "body"  # the SQL saw a difference the JSON comparison does not: say so

    def search(self, criteria: AuditFilter) -> list[dict[str, Any]]:
        a = t.audit_entries.c
        query = select(a.body, a.period, a.seq, a.hash).order_by(a.at, a.period, a.seq).limit(criteria.limit)
        for column, value in (
            (a.subject, criteria.subject),
            (a.actor, criteria.actor),
            (a.purpose, criteria.purpose),
        ):
            if value is not None:
                query = query.where(column == value)
        if criteria.since:
            query = query.where(a.at >= criteria.since)
        if criteria.until:
            query = query.where(a.at < criteria.until)
        with self.engine.connect() as conn:
            return [{**json.loads(r.body), "hash": r.hash} for r in conn.execute(query)]

    def drop(self, period: str) -> int:
        """Delete a whole period (past the audit retention: the caller checked) under a drop
        permit, the only delete the append-only triggers let through; return the entries gone."""
        with self.engine.begin() as conn:
            conn.execute(insert(t.audit_drop_permits).values(period=period))
            gone = conn.execute(delete(t.audit_entries).where(t.audit_entries.c.period == period)).rowcount
            conn.execute(delete(t.audit_heads).where(t.audit_heads.c.period == period))
            conn.execute(delete(t.audit_drop_permits).where(t.audit_drop_permits.c.period == period))
        return int(gone)
