"""Bulk inserts and upserts for imports and sweeps, close to the driver's own executemany.

SQLAlchemy Core's executemany processes every parameter of every row in Python, which costs
about twice the driver's own executemany on SQLite (measured, BENCHMARKS.md). For the few
statements that write many rows, the SQL is rendered once per table and the rows go to the driver
as tuples. `INSERT ... ON CONFLICT` has the same syntax on SQLite (>= 3.24) and PostgreSQL.

On PostgreSQL the rows go as one statement whatever their number: one array parameter per column,
`INSERT ... SELECT * FROM unnest(%b::type[], ...)`. psycopg's executemany sends one statement per
row (pipelined), and its per-row work in Python bound an import to the client's CPU (profiled:
1 million statements for 100,000 events, most of the import's time); one array per column, sent
in binary (`%b`: no quoting of each text), costs a fraction of that, the text is the same for
every batch (prepared once), and ON CONFLICT works as before (100,000 events: 47 s -> 25 s with
the chunk's reads as arrays too). The rows come out of unnest, and go into the table, in the order
given (a function scan feeding the insert).

SQLite has no date types: dates and times are written in the text format SQLAlchemy itself uses
there, so reading them back through SQLAlchemy gives the same values; datetimes are stored in UTC.
Only the columns the table declares as dates or times are converted (the others go to the driver
as they are: converting every value of every row cost 14 % of an import, measured).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        # The text strftime("%Y-%m-%d %H:%M:%S.%f") gives, at a tenth of its cost.
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _sql(
    dialect: str,
    quote: Any,
    table: str,
    columns: tuple[str, ...],
    conflict: tuple[str, ...] | None,
    update: tuple[str, ...],
) -> str:
    marker = "?" if dialect == "sqlite" else "%s"
    cols = ", ".join(quote(c) for c in columns)
    # Identifiers come from the table metadata, quoted by the dialect; values go as parameters.
    sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({', '.join([marker] * len(columns))})"  # noqa: S608
    if conflict is not None:
        target = ", ".join(quote(c) for c in conflict)
        if update:
            sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
            sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
        else:
            sql += f" ON CONFLICT ({target}) DO NOTHING"
    return sql


@cache
def _dated(table: Table, columns: tuple[str, ...]) -> tuple[int, ...]:
    """The positions, among ``columns``, of the table's date and datetime columns."""
    return tuple(i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date | DateTime))


def _sqlite_rows(table: Table, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> list[Any]:
    dated = _dated(table, columns)
    if not dated:
        return [row if isinstance(row, tuple) else tuple(row) for row in rows]
    # A sweep's rows share a few instants (its time, the orders' deadline): each converted once.
    seen: dict[Any, Any] = {}
    out = []
    for row in rows:
        values = list(row)
        for i in dated:
            value = values[i]
            text = seen.get(value)
            if text is None:
                text = seen[value] = _sqlite_value(value)
            values[i] = text
        out.append(tuple(values))
    return out


def _array_of(kind: Any, dialect: Any) -> str:
    """The SQL type of an array of the column's values (a collation belongs to the column, not
    to the array: `VARCHAR(200)[]`, not `VARCHAR(200) COLLATE "C"[]`)."""
    kind = kind.dialect_impl(dialect)  # the type this engine uses (a variant's, if any)
    if getattr(kind, "collation", None):
        kind = kind.copy()
        kind.collation = None
    return f"{kind.compile(dialect=dialect)}[]"


@cache
def _pg_sql(
    table: Table,
    columns: tuple[str, ...],
    conflict: tuple[str, ...] | None,
    update: tuple[str, ...],
    dialect: Any,
) -> str:
    quote = dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    # %b: psycopg sends the arrays in binary (no quoting of each text, 2.4x faster to dump, measured).
    arrays = ", ".join(f"%b::{_array_of(table.c[c].type, dialect)}" for c in columns)
    # Identifiers and types come from the table metadata; values go as parameters.
    sql = f"INSERT INTO {quote(table.name)} ({cols}) SELECT * FROM unnest({arrays})"  # noqa: S608
    if conflict is not None:
        target = ", ".join(quote(c) for c in conflict)
        if update:
            sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
            sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
        else:
            sql += f" ON CONFLICT ({target}) DO NOTHING"
    return sql


def _last_per_key(
    columns: tuple[str, ...], conflict: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> list[Sequence[Any]]:
    """One row per conflict key, the last given: as one row after the other would leave it (one
    statement may not update the same row twice)."""
    at = [columns.index(c) for c in conflict]
    kept = {tuple(row[i] for i in at): row for row in rows}
    return list(kept.values())


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] | None = None,
    update: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order); with ``conflict``, upsert or skip duplicates."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        names = tuple(columns)
        target = tuple(conflict) if conflict is not None else None
        if target is not None and update:
            rows = _last_per_key(names, target, rows)
        sql = _pg_sql(table, names, target, tuple(update), conn.dialect)
        conn.exec_driver_sql(sql, tuple(list(values) for values in zip(*rows, strict=True)))
        return
    dialect = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    sql = _sql(
        dialect,
        quote,
        table.name,
        tuple(columns),
        tuple(conflict) if conflict is not None else None,
        tuple(update),
    )
    if dialect == "sqlite":
        rows = _sqlite_rows(table, tuple(columns), rows)
    conn.exec_driver_sql(sql, list(rows))


def copy_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Plain inserts of many rows: PostgreSQL's COPY in the connection's own transaction (the
    fastest way it takes rows), ``insert_rows`` on SQLite. No conflict handling: new rows only."""
    if conn.dialect.name != "postgresql":
        insert_rows(conn, table, columns, list(rows))
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
