"""Keys given twice in one JSON object: orjson, like most parsers, keeps the last value silently.

The check costs one regex pass over the raw line and a count of the parsed keys; only a line whose
counts differ is parsed again, slowly, to name the key and where it sits (``person.ref``).
"""

from __future__ import annotations

import json
import re
from typing import Any


def duplicate_key_path(raw: bytes | str, data: Any) -> str | None:
    """Where a key given twice sits in the line (``data`` is its parsed form), or None."""
    if _keys_in_text(raw) == _keys_parsed(data):
        return None
    duplicate = _duplicate_key(raw)
    if duplicate is None:
        return None
    return _path_to(data, duplicate) or duplicate


# Every JSON string, whole, and whether a colon follows it (then it is a key). Outside strings
# every quote opens one, so scanning string by string is exact.
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?')
_STRINGS_B = re.compile(rb'"(?:[^"\\]|\\.)*"(\s*:)?')


def _keys_in_text(raw: bytes | str) -> int:
    found = _STRINGS_B.findall(raw) if isinstance(raw, bytes) else _STRINGS.findall(raw)
    return len(found) - found.count(b"" if isinstance(raw, bytes) else "")


def _keys_parsed(value: Any) -> int:
    """The keys of every object in ``value``: fewer than the text has when a key was repeated
    (orjson, like most parsers, keeps the last value silently)."""
    if isinstance(value, dict):
        return len(value) + sum(_keys_parsed(v) for v in value.values() if isinstance(v, dict | list))
    if isinstance(value, list):
        return sum(_keys_parsed(v) for v in value if isinstance(v, dict | list))
    return 0


def _duplicate_key(raw: bytes | str) -> str | None:
    """The first key given twice in one object (the slow parser, only for a suspect line)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                raise _Duplicate(key)
            seen[key] = value
        return seen

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except _Duplicate as found:
        return str(found.args[0])
    return None


def _path_to(value: Any, key: str, prefix: str = "") -> str | None:
    """Where ``key`` sits in the parsed line (``person.ref``), to name the field in the error."""
    if isinstance(value, dict):
        if key in value:
            return prefix + key
        items = [(f"{prefix}{k}.", v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{prefix}{i}.", v) for i, v in enumerate(value)]
    else:
        return None
    for at, inner in items:
        if isinstance(inner, dict | list) and (found := _path_to(inner, key, at)) is not None:
            return found
    return None


class _Duplicate(Exception):
    pass
