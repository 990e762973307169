"""`column IN (the batch's values)` as one parameter, whatever the batch's size.

An expanding ``IN (?, ?, ...)`` makes new SQL text for every size of batch: SQLAlchemy renders it
at each execution, and neither its cache nor the server's prepared statements help. One parameter
instead: on PostgreSQL an array (``= ANY(%s)``), on SQLite a JSON array read by ``json_each``
(``IN (SELECT value FROM json_each(?))``, which SQLite answers by probing the column's index for
each value). The statement is then rendered and planned once for every batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import ARRAY, ColumnElement, Select, any_, func, literal, literal_column, select
from sqlalchemy.types import Text


def among(column: Any, values: Iterable[Any], dialect: str) -> ColumnElement[bool]:
    listed = list(values)
    if dialect == "postgresql":
        return column == any_(literal(listed, ARRAY(column.type)))  # type: ignore[no-any-return]
    each: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(literal(orjson.dumps(listed).decode(), Text))
    )
    return column.in_(each)  # type: ignore[no-any-return]
