"""The person search's index in SQL: terms written with their fields, found by index ranges.

Every write of a searched field (the feed's import, a rectification) writes its terms in the same
transaction (``write_terms``); an erased field takes its terms with it (the foreign key cascades).
A search is a fixed number of statements, each an index range (``SqlPersonSearch.find``), however
many persons the register holds. ``rebuild`` fills the index from the fields on file — after the
migration that creates it, or when the policy changes which fields are searched. The state row
(``person_search_state``) says whether the index is whole and for which fields: a search in an
index built for other fields than the policy's is refused (NotReady) rather than silently partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    delete,
    func,
    intersect,
    select,
    text,
    union,
    update,
)

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.domain.policy import Search
from charte.domain.search import Query, by_prefix, contact_term, name_terms
from charte.services.errors import NotReady

CHUNK = 5000
STALE = (
    "the person search's index was not built for the fields the policy searches "
    "(a register from before the index, or a policy whose search changed): "
    "run `charte db upgrade` or `charte persons reindex`"
)


def terms(search: Search, field: str, value: str) -> frozenset[str]:
    """The index's terms for one value of a field (none for a field the policy does not search)."""
    if field in search.names:
        return name_terms(value)
    if field in search.contacts:
        found = contact_term(value)
        return frozenset({found}) if found else frozenset()
    return frozenset()


def _fields_key(search: Search) -> str:
    return ",".join(sorted(search.fields))


def settle(conn: Connection, search: Search) -> bool:
    """Whether the index holds every person's terms for the fields the policy searches. An index
    whose fields are not yet said (created on an empty register) is claimed for them here: every
    write since its creation wrote its terms with the policy in use."""
    st = t.person_search_state.c
    row = conn.execute(select(st.complete, st.built_for).where(st.id == 1)).first()
    if row is None or not row.complete:
        return False
    if row.built_for is None:
        conn.execute(update(t.person_search_state).where(st.id == 1).values(built_for=_fields_key(search)))
        return True
    return bool(row.built_for == _fields_key(search))


def write_terms(
    conn: Connection, search: Search, written: Iterable[tuple[int, str, str | None]], *, fresh: bool = False
) -> None:
    """The terms of fields just written — ``(person_id, field, value)``, a value of None for a field
    erased — replacing those they had (unless ``fresh``: persons created by this transaction)."""
    settle(conn, search)
    rows = [(pid, f, v) for pid, f, v in written if f in search.names or f in search.contacts]
    if not rows:
        return
    if not fresh:
        s = t.person_search.c
        conn.execute(
            delete(t.person_search).where(s.person_id == bindparam("p"), s.field == bindparam("f")),
            [{"p": pid, "f": f} for pid, f, _ in rows],
        )
    insert_rows(
        conn,
        t.person_search,
        ("person_id", "field", "term"),
        [(pid, f, term) for pid, f, v in rows if v is not None for term in sorted(terms(search, f, v))],
    )


def _after(word: str) -> str:
    """The first string after every string that begins with ``word`` (code point order)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


class SqlPersonSearch:
    """Implements the person search port (services.person_search) on a SQLAlchemy engine."""

    def __init__(self, engine: Engine, search: Search) -> None:
        self.engine, self.search = engine, search

    def find(self, query: Query, limit: int) -> list[str]:
        """The refs of the persons the query names — by ref, by a contact whole, or having a name
        word that is each word typed — then, while fewer than ``limit``, those having a name word
        that begins with each word typed (« martin » finds the Martins before the Martinez). At
        most ``limit``: the first in the register of each kind (cut on the index's person ids,
        before the persons' table is read), each kind in ref order."""
        with self.engine.connect() as conn:
            if not settle(conn, self.search):
                raise NotReady(STALE)
            named = self._refs(conn, self._whole(query), limit, ())
            if len(named) < limit and any(by_prefix(w) for w in query.words) and self.search.names:
                beginning = self._words(query, prefix=True)
                named += self._refs(conn, [beginning], limit - len(named), named)
            conn.commit()  # a claim of a fresh index (settle), if there was one
            return named

    def _whole(self, query: Query) -> list[Select[Any]]:
        """The persons the query names exactly: the ref, the contact, every word a name word."""
        s, p = t.person_search.c, t.persons.c
        found: list[Select[Any]] = [select(p.id.label("id")).where(p.ref == query.ref)]
        if query.contact is not None and self.search.contacts:
            found.append(
                select(s.person_id).where(s.term == query.contact, s.field.in_(self.search.contacts))
            )
        if query.words and self.search.names:
            found.append(self._words(query, prefix=False))
        return found

    def _words(self, query: Query, *, prefix: bool) -> Select[Any]:
        """The persons having, for each word typed, a name word equal to it or (``prefix``, for
        words of three letters or more) beginning with it: one index range a word, intersected."""
        s = t.person_search.c
        each = [
            select(s.person_id).where(
                and_(s.term >= w, s.term < _after(w)) if prefix and by_prefix(w) else s.term == w,
                s.field.in_(self.search.names),
            )
            for w in query.words
        ]
        if len(each) == 1:
            return each[0]
        both = intersect(*each).subquery()  # a subquery: SQLite does not nest a compound in parentheses
        return select(both.c[0])

    @staticmethod
    def _refs(conn: Connection, found: list[Select[Any]], limit: int, besides: Sequence[str]) -> list[str]:
        p = t.persons.c
        ids = union(*found).subquery() if len(found) > 1 else found[0].subquery()
        keep = select(ids.c[0].label("id"))
        if besides:
            keep = keep.where(ids.c[0].not_in(select(p.id).where(p.ref.in_(besides))))
        first = keep.order_by(ids.c[0]).limit(limit).subquery()
        refs = select(p.ref).join(first, p.id == first.c.id).order_by(p.ref)
        return list(conn.execute(refs).scalars())

    def whole(self) -> bool:
        """Whether the index holds every person's terms for the policy's fields (else: rebuild)."""
        with self.engine.connect() as conn:
            settled = settle(conn, self.search)
            conn.commit()
            return settled

    def rebuild(self) -> int:
        """Index every searched field on file again, a page of persons at a time (memory bounded,
        no cursor left open while writing); the number of terms written."""
        pf = t.person_fields.c
        written, last = 0, -1
        fields = self.search.fields
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # A concurrent import writes its terms after this rebuild commits, never beside it
                # (its persons are not in the rebuild's pages: it has not committed them).
                conn.execute(text("LOCK TABLE person_search IN EXCLUSIVE MODE"))
            conn.execute(delete(t.person_search))
            st = t.person_search_state.c
            conn.execute(
                update(t.person_search_state)
                .where(st.id == 1)
                .values(complete=True, built_for=_fields_key(self.search))
            )
            while fields:
                ids = select(pf.person_id).where(pf.person_id > last, pf.field.in_(fields)).distinct()
                page = ids.order_by(pf.person_id).limit(CHUNK).subquery()
                upto = conn.execute(select(func.max(page.c.person_id))).scalar()
                if upto is None:
                    break
                rows = conn.execute(
                    select(pf.person_id, pf.field, pf.value).where(
                        pf.person_id > last, pf.person_id <= upto, pf.field.in_(fields)
                    )
                ).all()
                written += _fill(conn, self.search, [(r.person_id, r.field, r.value) for r in rows])
                last = upto
        self._tidy()
        return written

    def _tidy(self) -> None:
        """Fresh statistics for the planner and, on PostgreSQL, the visibility map set, so that a
        search reads the index alone from its first query (autovacuum would, some minutes later):
        PostgreSQL's own VACUUM, outside any transaction, as it requires."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE) person_search"))
        else:
            with self.engine.begin() as conn:
                conn.execute(text("ANALYZE person_search"))


def _fill(conn: Connection, search: Search, chunk: Sequence[tuple[int, str, str | None]]) -> int:
    write_terms(conn, search, chunk, fresh=True)
    return sum(len(terms(search, f, v)) for _, f, v in chunk if v is not None)
