"""What the ports hand back: frozen read models, and the one way they become JSON.

A port returns typed, frozen values (an ``AlarmSession``, a ``Step``, a ``Listed`` person...),
never a bare ``dict[str, Any]``: a use case reads their fields by name, mypy checks them, and a
fake in the tests builds the same values. The API, the CLI and the letters then need plain JSON:
``plain`` turns a read model into it the same way everywhere (instants and dates in ISO 8601,
tuples as lists, nested read models as objects).

What a port hands back as JSON is a ``JsonRecord``: a document that *is* JSON where it is kept —
an audit entry's chained body, a step's detail on a request's timeline, a line of the erasure
ledger, the answer an erasure remembered, a notice kept to be sent again. Its keys are the
format's (docs/access.md for the audit and the ledger, docs/rights.md for the timeline), not a
read model's; a test (tests/unit/test_architecture.py) keeps every other port typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeAlias

JsonRecord: TypeAlias = dict[str, Any]


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
