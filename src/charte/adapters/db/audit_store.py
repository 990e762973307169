"""The audit chain in SQL: append under the period's head lock, read back in order, search.

Appending locks the head row of each period concerned (created on first use), chains the new
entries after it and moves it, all in one transaction — the caller's when given and on the same
database, so that a sweep's erasures and their audit entries commit together (PostgreSQL). When the
audit has a database of its own (SQLite's default, adapters.db.audit_database), the entries commit
first, then the change. Entries are never updated or deleted here.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, tuple_, update

from charte.adapters.db import tables as t
from charte.adapters.db.audit_partitions import drop_month, is_partitioned, keep_ahead
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.times import utc
from charte.domain.audit import (
    SHARED,
    Chained,
    ChainKey,
    Entry,
    Stored,
    act_of,
    chain,
    genesis,
    period_month,
)
from charte.services.audit import AuditFilter, Consultation, note_entries

__all__ = ["AuditFilter", "SqlAuditStore"]

COLUMNS = ("month", "body", "prev", "hash")  # the rest is generated from the body by the database
GENERATED = ("period", "seq", "at", "actor", "action", "purpose", "subject", "writer")


# Move a chain's head from the one this store last committed (no row if another appender moved
# it meanwhile); the entries are then chained after it.
_MOVE_HEAD = (
    "UPDATE audit_heads SET seq = ?, hash = ? WHERE period = ? AND writer = ? AND seq = ? AND hash = ?"
)
# Both in one statement on PostgreSQL: the insert reads the update's RETURNING, so it adds the
# entries only if the head moved, and the statement is one transaction.
_PG_APPEND_AFTER = """WITH moved AS (
    UPDATE audit_heads SET seq = %s, hash = %s WHERE period = %s AND writer = %s AND seq = %s AND hash = %s
    RETURNING 1
)
INSERT INTO audit_entries (month, body, prev, hash)
SELECT u.month, u.body, u.prev, u.hash
FROM unnest(%b::date[], %b::text[], %b::varchar[], %b::varchar[]) AS u(month, body, prev, hash)
WHERE EXISTS (SELECT 1 FROM moved)"""


class SqlAuditStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # The head this store last committed, per chain: a hint that saves the lock-and-read
        # round trips when this store is the chain's only appender (a serving process's own chain).
        self._last: dict[ChainKey, tuple[int, str]] = {}

    def append(self, entries: Sequence[Entry], conn: Connection | None = None) -> list[Chained]:
        if not entries:
            return []
        if conn is not None:  # an adapter's own transaction, in the caller's thread (not the Auditor's)
            note_entries(len(entries))
        if conn is None or conn.engine is not self.engine:
            # The audit in a database of its own (SQLite's default): the entries commit here,
            # just before the caller's change commits. A change is then never unaudited; if it
            # fails after this point, its entry stands for an attempt that was rolled back.
            chained = self._append_after_last(entries)
            if chained is None:
                with self.engine.begin() as own:
                    chained = self._append(own, entries)
            self._last.update({c.key: (c.seq, c.hash) for c in chained})  # committed
            return chained
        return self._append(conn, entries)  # the caller commits, or not: no hint from it

    def _append_after_last(self, entries: Sequence[Entry]) -> list[Chained] | None:
        """Chain after the head this store last committed, if it is still the head: a conditional
        update of the head (which finds no row if another appender moved it meanwhile) and the
        insert, committed. None, with nothing written, otherwise.

        This is the serving process's audit writer, one transaction per group of reads, so its
        round trips count: on PostgreSQL, one statement in autocommit (itself a transaction), where
        BEGIN, an UPDATE and an INSERT built by SQLAlchemy, and COMMIT took 1.23 ms of the writer's
        CPU per group (measured; BENCHMARKS.md, audited reads)."""
        key = (entries[0].period, entries[0].writer)
        last = self._last.get(key)
        if last is None or any((e.period, e.writer) != key for e in entries):
            return None
        chained = chain(entries, {key: last})
        rows = [(c.month, c.body.decode(), c.prev, c.hash) for c in chained]
        head = (chained[-1].seq, chained[-1].hash, *key, last[0], last[1])
        if self.engine.dialect.name == "postgresql":
            columns = [list(values) for values in zip(*rows, strict=True)]
            with self.engine.connect() as conn:
                alone = conn.execution_options(isolation_level="AUTOCOMMIT")
                moved = alone.exec_driver_sql(_PG_APPEND_AFTER, (*head, *columns)).rowcount == len(rows)
        else:
            with self.engine.begin() as conn:
                moved = conn.exec_driver_sql(_MOVE_HEAD, head).rowcount == 1
                if moved:
                    insert_rows(conn, t.audit_entries, COLUMNS, rows)
        if not moved:  # another appender moved the head; nothing was written
            del self._last[key]
            return None
        return chained

    def _append(self, conn: Connection, entries: Sequence[Entry]) -> list[Chained]:
        h = t.audit_heads.c
        wanted = sorted({(e.period, e.writer) for e in entries})
        # A write first: on SQLite it takes the database's write lock before anything is read.
        insert_rows(
            conn,
            t.audit_heads,
            ("period", "writer", "seq", "hash"),
            [(p, w, 0, genesis(p, w)) for p, w in wanted],
            conflict=("period", "writer"),
        )
        heads = {
            (row.period, row.writer): (row.seq, row.hash)
            for row in conn.execute(
                select(h.period, h.writer, h.seq, h.hash)
                .where(tuple_(h.period, h.writer).in_(wanted))  # these rows only, locked in one order
                .order_by(h.period, h.writer)
                .with_for_update()
            )
        }
        chained = chain(entries, heads)
        rows = [(c.month, c.body.decode(), c.prev, c.hash) for c in chained]
        insert_rows(conn, t.audit_entries, COLUMNS, rows)
        last: dict[ChainKey, Chained] = {c.key: c for c in chained}
        for (period, writer), c in last.items():
            conn.execute(
                update(t.audit_heads)
                .where(h.period == period, h.writer == writer)
                .values(seq=c.seq, hash=c.hash)
            )
        return chained

    def already_chained(self, entries: Sequence[Entry]) -> list[bool]:
        """Which of ``entries`` (spooled while an append failed) the chain holds already: found by
        their times (indexed), then compared byte for byte without their place in the chain."""
        a = t.audit_entries.c
        times = sorted({e.at_text for e in entries})
        there: set[bytes] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(times), 500):
                query = select(a.body).where(a.at.in_(times[start : start + 500]))
                there.update(act_of(body.encode()) for body in conn.execute(query).scalars())
        return [e.act() in there for e in entries]

    def periods(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(t.audit_entries.c.period).distinct().order_by(t.audit_entries.c.period)
                ).scalars()
            )

    def chains(self, periods: Collection[str] | None = None) -> list[ChainKey]:
        """Every chain that holds entries (in ``periods`` only, when given): (period, writer), in
        order. Read from the entries, never from the head rows a tamperer could remove."""
        a = t.audit_entries.c
        query = select(a.period, a.writer).distinct().order_by(a.period, a.writer)
        if periods is not None:
            query = query.where(a.period.in_(sorted(periods)))
        with self.engine.connect() as conn:
            return [(p, w) for p, w in conn.execute(query)]

    def heads(self) -> dict[ChainKey, tuple[int, str]]:
        h = t.audit_heads.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(h.period, h.writer, h.seq, h.hash))
            return {(r.period, r.writer): (r.seq, r.hash) for r in rows if r.seq > 0}

    def stored(self, period: str, writer: str = SHARED) -> Iterator[Stored]:
        """A chain's entries in sequence order, streamed (a period may hold millions)."""
        a = t.audit_entries.c
        query = (
            select(a.seq, a.body, a.hash)
            # the month as well: one partition read, where the audit is partitioned
            .where(a.month == period_month(period), a.period == period, a.writer == writer)
            .order_by(a.seq)
            .execution_options(yield_per=5000)
        )
        with self.engine.connect() as conn:
            for seq, body, digest in conn.execute(query):
                yield seq, body.encode(), digest

    def altered(self) -> str | None:
        """Why the search columns may no longer be trusted, or None: each must still be generated by
        the database from the bytes (a tamperer could drop one and add a plain column in its place,
        then write what they like in it)."""
        if self.engine.dialect.name == "postgresql":
            query = text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_entries' "
                "AND table_schema = current_schema() AND is_generated = 'ALWAYS'"
            )
        else:  # table_xinfo's hidden: 2 for a virtual generated column, 3 for a stored one
            query = text("SELECT name FROM pragma_table_xinfo('audit_entries') WHERE hidden IN (2, 3)")
        with self.engine.connect() as conn:
            generated = set(conn.execute(query).scalars())
        lost = [name for name in GENERATED if name not in generated]
        if lost:
            names = ", ".join(lost)
            return f"the search column(s) {names} no longer come from the bytes: the table was altered"
        return None

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

    def consultations(self, subject: str) -> list[Consultation]:
        """The allowed reads, listings and disclosures of one subject (its HMAC), oldest first:
        what an access answer tells the person (CJEU C-579/21: dates and purposes, the staff's
        role rather than their name). Uses the subject index: it does not grow with the log."""
        a = t.audit_entries.c
        query = (
            select(a.body)
            .where(a.subject == subject, a.action.in_(("read", "list", "disclose")))
            .order_by(a.at, a.period, a.seq)
        )
        with self.engine.connect() as conn:
            out = []
            for (body,) in conn.execute(query):
                entry = json.loads(body)
                if entry["decision"] == "allowed":
                    detail = entry.get("detail") or {}
                    at = utc(datetime.fromisoformat(entry["at"]))
                    out.append(
                        Consultation(at, entry["action"], entry["role"], entry["purpose"], detail.get("to"))
                    )
            return out

    def drop(self, period: str) -> int:
        """Drop a whole period (past the audit retention: the caller checked); return the entries
        gone. Where the audit is partitioned by month, its partition is detached and dropped;
        otherwise its entries are deleted under a drop permit, the only delete the append-only
        triggers let through."""
        with self.engine.begin() as conn:
            gone = drop_month(conn, period_month(period)) if is_partitioned(conn) else None
            if gone is None:
                conn.execute(insert(t.audit_drop_permits).values(period=period))
                a = t.audit_entries.c
                gone = conn.execute(delete(t.audit_entries).where(a.period == period)).rowcount
                conn.execute(delete(t.audit_drop_permits).where(t.audit_drop_permits.c.period == period))
            conn.execute(delete(t.audit_heads).where(t.audit_heads.c.period == period))
        return int(gone)

    def keep_ahead(self) -> None:
        with self.engine.begin() as conn:
            keep_ahead(conn)
