"""What the ports hand back: frozen read models, and the one way they become JSON.

A port returns typed, frozen values (an ``AlarmSession``, a ``Step``, a ``PersonRow``...), never
a ``dict[str, Any]``: a use case reads their fields by name, mypy checks them, and a fake in the
tests builds the same values. The API, the CLI and the letters then need plain JSON: ``plain``
turns a read model into it the same way everywhere (instants and dates in ISO 8601, tuples as
lists, nested read models as objects).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return plain(value)
    if isinstance(value, Mapping):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = [_value(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    return value


def plain(model: Any) -> dict[str, Any]:
    """The read model as JSON-ready data: one key per field, in declaration order."""
    return {f.name: _value(getattr(model, f.name)) for f in fields(model)}
