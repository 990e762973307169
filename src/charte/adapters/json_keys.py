"""Keys given twice in one JSON object: orjson, like most parsers, keeps the last value silently.

The check counts the keys of the raw line and of its parsed form; only a line whose counts differ
is parsed again, slowly, to name the key and where it sits (``person.ref``). Counting the raw
line's keys is a byte count when the line has no backslash and no quote followed by blank space
(what every feed's compact JSON looks like): no string then holds a quote, so every ``":`` closes
a key. Otherwise a regex walks the line string by string.
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
# A quote followed by blank space: the line may hold `"key" : value`, which the byte count misses.
_QUOTE_BLANK = ('" ', '"\t', '"\r', '"\n')
_QUOTE_BLANK_B = tuple(x.encode() for x in _QUOTE_BLANK)


def _keys_in_text(raw: bytes | str) -> int:
    """The keys the text holds, or more, never fewer. The byte count may count too many (a string
    value opening with a colon): that costs the slow parse, never a duplicate missed."""
    if isinstance(raw, bytes):
        if b"\\" not in raw and not any(blank in raw for blank in _QUOTE_BLANK_B):
            return raw.count(b'":')
    elif "\\" not in raw and not any(blank in raw for blank in _QUOTE_BLANK):
        return raw.count('":')
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
