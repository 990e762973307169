"""Times read back from the database, made aware and in UTC whatever the engine.

charte stores every instant in UTC; SQLite hands it back naive, PostgreSQL aware. One helper, so
that no comparison ever mixes the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def utc(value: datetime) -> datetime: ...


@overload
def utc(value: None) -> None: ...


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
