"""Bulk inserts and upserts for imports and sweeps, close to the driver's own executemany.

SQLAlchemy Core's executemany processes every parameter of every row in Python, which costs
about twice the driver's own executemany on SQLite (measured, BENCHMARKS.md). For the few
statements that write many rows, the SQL is rendered once per table and the rows go to the driver
as tuples. `INSERT ... ON CONFLICT` has the same syntax on SQLite (>= 3.24) and PostgreSQL.

SQLite has no date types: dates and times are written in the text format SQLAlchemy itself uses
there, so reading them back through SQLAlchemy gives the same values; datetimes are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
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
        rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
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
