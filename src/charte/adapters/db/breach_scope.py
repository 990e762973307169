"""A breach's scope in SQL: what the audit, the disclosure ledger and the outbox say reached whom.

Each source is one indexed range, grouped by subject and field list in the database (the audit's
``(actor, at)`` index, the ledger's ``(recipient, at)``, the outbox's ``system``); the subjects
resolve to persons in chunks by ``persons.subject`` and to tombstones by their key. The audit may
be in a database of its own (SQLite's default): it is read there, the register here. Persons whose
subject is not filled yet (a register from before the column) are filled first, in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, select, text, update

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import copy_rows
from charte.adapters.db.times import utc
from charte.adapters.ref_hmac import RefHasher
from charte.services.breach_scope import Hit, Reached

CHUNK = 5000
ACTIONS = ("read", "list", "disclose")


def _iso(moment: datetime) -> str:
    """A time as the audit's bytes hold it (ISO 8601 UTC to the microsecond): compared as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _at(value: Any) -> datetime:
    return utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


class SqlScopeSource:
    def __init__(self, engine: Engine, audit_engine: Engine, hasher: RefHasher) -> None:
        self.engine, self.audit_engine, self.hasher = engine, audit_engine, hasher

    def actor_hits(self, actor: str, since: datetime, until: datetime) -> Iterator[Hit]:
        if self.audit_engine.dialect.name == "postgresql":
            fields, decision = "(body::jsonb -> 'fields')::text", "(body::jsonb ->> 'decision')"
        else:
            fields, decision = "json_extract(body, '$.fields')", "json_extract(body, '$.decision')"
        query = text(
            f"SELECT subject, {fields} AS fields, count(*) AS n, min(at) AS first, max(at) AS last "  # noqa: S608  # constant expressions
            "FROM audit_entries WHERE actor = :actor AND at >= :since AND at < :until "
            f"AND action IN ('read', 'list', 'disclose') AND subject IS NOT NULL AND {decision} = 'allowed' "
            f"GROUP BY subject, {fields}"
        )
        lists: dict[str, tuple[str, ...]] = {}  # an actor reads the same few field lists again and again
        with self.audit_engine.connect() as conn:
            rows = conn.execution_options(yield_per=CHUNK).execute(
                query, {"actor": actor, "since": _iso(since), "until": _iso(until)}
            )
            for r in rows:
                names = lists.get(r.fields)
                if names is None:
                    names = lists[r.fields] = tuple(json.loads(r.fields or "[]"))
                yield Hit(r.subject, names, int(r.n), _at(r.first), _at(r.last))

    def _ledger(self, where: Any) -> Iterator[Hit]:
        d = t.disclosures.c
        query = (
            select(d.person_hmac, d.fields, func.count(), func.min(d.at), func.max(d.at))
            .where(where)
            .group_by(d.person_hmac, d.fields)
        )
        with self.engine.connect() as conn:
            for subject, fields, n, first, last in conn.execution_options(yield_per=CHUNK).execute(query):
                yield Hit(subject, tuple(json.loads(fields)), int(n), _at(first), _at(last))

    def recipient_hits(self, recipient: str, since: datetime, until: datetime) -> Iterator[Hit]:
        d = t.disclosures.c
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        return self._ledger((d.recipient == recipient) & (d.at >= since) & (d.at < until))

    def disclosure_hits(self, number: int) -> Iterator[Hit]:
        return self._ledger(t.disclosures.c.id == number)

    def system_hits(self, system: str, since: datetime, until: datetime) -> Iterator[Hit]:
        """What charte sent the system: its orders' refs and field names (an order to erase the
        whole person names no field: the person's ref is what reached the system)."""
        o = t.outbox.c
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        query = (
            select(o.person_ref, o.fields, func.count(), func.min(o.created_at), func.max(o.created_at))
            .where(o.system == system, o.created_at >= since, o.created_at < until)
            .group_by(o.person_ref, o.fields)
        )
        with self.engine.connect() as conn:
            for ref, fields, n, first, last in conn.execution_options(yield_per=CHUNK).execute(query):
                yield Hit(
                    self.hasher(f"person:{ref}"), tuple(json.loads(fields)), int(n), _at(first), _at(last)
                )

    def answer_hits(self, request: int) -> Iterator[Hit]:
        """The reads made to answer the request (audit entries of its person in its context): what
        its answer file and letters carried of the person."""
        r = t.rights_requests.c
        with self.engine.connect() as conn:
            ref = conn.execute(select(r.person_ref).where(r.id == request)).scalar_one_or_none()
        if ref is None:
            return
        subject, context = self.hasher(f"person:{ref}"), f"rights_request:{request}"
        a = t.audit_entries.c
        query = select(a.body).where(a.subject == subject, a.action.in_(ACTIONS))  # the subject's index
        with self.audit_engine.connect() as conn:
            bodies = [json.loads(b) for b in conn.execute(query).scalars()]
        shown = [b for b in bodies if b["context"] == context and b["decision"] == "allowed"]
        if shown:
            fields = tuple(sorted({f for b in shown for f in b["fields"]}))
            times = [_at(b["at"]) for b in shown]
            yield Hit(subject, fields, len(shown), min(times), max(times))

    def settle(self) -> int:
        """Fill ``persons.subject`` where a register from before the column left it empty; the count.
        A one-off after the migration (``charte db upgrade`` runs it): each chunk one read and one
        executemany, by primary key."""
        p = t.persons.c
        filled = 0
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(select(p.id, p.ref).where(p.subject.is_(None)).limit(CHUNK)).all()
                if not rows:
                    return filled
                conn.execute(
                    update(t.persons).where(p.id == bindparam("pid")).values(subject=bindparam("s")),
                    [{"pid": r.id, "s": self.hasher(f"person:{r.ref}")} for r in rows],
                )
                filled += len(rows)

    def resolve(self, subjects: Collection[str]) -> dict[str, int]:
        self.settle()
        p = t.persons.c
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(subjects)):
                out.update(
                    (s, int(i)) for s, i in conn.execute(select(p.subject, p.id).where(p.subject.in_(chunk)))
                )
        return out

    def erased(self, subjects: Collection[str]) -> int:
        ts = t.tombstones.c
        count = 0
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(subjects)):
                count += int(
                    conn.execute(
                        select(func.count()).where(ts.kind == "person", ts.ref_hmac.in_(chunk))
                    ).scalar_one()
                )
        return count

    def keep(self, breach: int, persons: Iterable[tuple[int, Reached]]) -> None:
        """Replace the breach's persons, in one transaction (COPY on PostgreSQL)."""
        columns = ("breach_id", "person_id", "fields", "times", "first_at", "last_at")
        rows = ((breach, pid, json.dumps(sorted(r.fields)), r.times, r.first, r.last) for pid, r in persons)
        with self.engine.begin() as conn:
            conn.execute(delete(t.breach_persons).where(t.breach_persons.c.breach_id == breach))
            copy_rows(conn, t.breach_persons, columns, rows)

    def subject_categories(self, breach: int) -> dict[str, int]:
        r, b = t.roles.c, t.breach_persons.c
        query = (
            select(r.role, func.count(func.distinct(r.person_id)))
            .where(r.person_id.in_(select(b.person_id).where(b.breach_id == breach)))
            .group_by(r.role)
            .order_by(r.role)
        )
        with self.engine.connect() as conn:
            return {str(kind): int(n) for kind, n in conn.execute(query)}
