"""Typed, problem-collecting accessors over untyped policy data (as YAML gives it).

Each accessor records a located problem and returns a harmless default, so that reading goes on
and every problem of a file is reported at once; ``policy_document`` builds the policy with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from charte.domain import vocabulary as v
from charte.domain.durations import Duration, DurationSyntaxError
from charte.domain.policy import Text
from charte.domain.problems import KeyPath, ProblemList

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
_ABSENT = object()

# What a missing key should hold, for the keys whose absence users most often need explained.
_MISSING_HINTS = {
    "retention": "the id of a rule declared under 'retention' (every subject category needs one)",
    "legal_basis": "one of " + ", ".join(b.value for b in v.LegalBasis) + " (GDPR Art. 6(1))",
    "objection": "none, grounds or absolute (GDPR Art. 21)",
    "period": "an ISO 8601 duration such as P5Y or P6M",
    "anchor": "one of " + ", ".join(a.value for a in v.Anchor),
    "on_erasure_request": "{action: erase} or {action: keep_until_purge, ground: ...}",
    "label": "a text per language, e.g. {fr: ..., en: ...}",
    "grants": "a list of {purposes, subjects, fields}",
}


def kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


class Reader:
    """Typed accessors over untyped data; each records a located problem and returns a default."""

    def __init__(self) -> None:
        self.problems = ProblemList()
        self.languages: tuple[v.Language, ...] = (v.Language.FR,)

    # -- containers -------------------------------------------------------------------------

    def section(
        self, value: Any, path: KeyPath, *, required: set[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problems.add(path, "wrong type", found=kind_of(value), expected="a mapping")
            return {}
        allowed = required | optional
        for key in value:
            if key not in allowed:
                self.problems.add(
                    (*path, key),
                    f"unknown key '{key}'",
                    expected="one of " + ", ".join(sorted(allowed)),
                    code="unknown_key",
                )
        for key in sorted(required - set(value)):
            self.problems.add(
                (*path, key), f"missing key '{key}'", expected=_MISSING_HINTS.get(key), code="missing_key"
            )
        return value

    def entries(self, data: Mapping[str, Any], key: str, path: KeyPath) -> list[tuple[str, Any]]:
        """The ``id: body`` pairs of a mapping of declarations (purposes, roles, ...)."""
        value = data.get(key, {})
        if not isinstance(value, dict) or not value:
            self.problems.add(
                (*path, key),
                "wrong type",
                found=kind_of(value) if value != {} else "nothing",
                expected="a non-empty mapping of id: declaration",
            )
            return []
        return list(value.items())

    # -- scalars ----------------------------------------------------------------------------

    def text(self, data: Mapping[str, Any], key: str, path: KeyPath) -> str:
        value = data.get(key, _ABSENT)
        if value is _ABSENT:
            return ""  # reported by section()
        if not isinstance(value, str) or not value.strip():
            self.problems.add((*path, key), "wrong type", found=kind_of(value), expected="non-empty text")
            return ""
        return value.strip()

    def optional_text(self, data: Mapping[str, Any], key: str, path: KeyPath) -> str | None:
        return self.text(data, key, path) if data.get(key) is not None else None

    def flag(self, data: Mapping[str, Any], key: str, path: KeyPath, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problems.add((*path, key), "wrong type", found=repr(value), expected="true or false")
            return default
        return value

    def positive(self, data: Mapping[str, Any], key: str, path: KeyPath, default: int) -> int:
        """A whole number above zero (a size in bytes, a count); ``default`` when absent."""
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problems.add(
                (*path, key), "wrong type", found=repr(value), expected="a whole number above 0"
            )
            return default
        return value

    def day(self, data: Mapping[str, Any], key: str, path: KeyPath) -> date:
        value = data.get(key, _ABSENT)
        if value is not _ABSENT and not isinstance(value, date):
            self.problems.add((*path, key), "not a date", found=repr(value), expected="YYYY-MM-DD")
        return value if isinstance(value, date) else date.min

    def choice(self, data: Mapping[str, Any], key: str, path: KeyPath, enum: type[E]) -> E:
        return self._enum(data.get(key, _ABSENT), (*path, key), enum)

    def _enum(self, value: Any, path: KeyPath, enum: type[E]) -> E:
        first = next(iter(enum))
        if value is _ABSENT:
            return first
        try:
            return enum(value)
        except ValueError:
            self.problems.add(
                path,
                "unknown value",
                found=repr(value),
                expected="one of " + ", ".join(m.value for m in enum),
                code="unknown_value",
            )
            return first

    def duration(self, data: Mapping[str, Any], key: str, path: KeyPath) -> Duration:
        value = data.get(key, _ABSENT)
        if value is _ABSENT:
            return Duration()
        try:
            return Duration.parse(value)
        except DurationSyntaxError:
            self.problems.add(
                (*path, key),
                "not an ISO 8601 duration",
                found=repr(value),
                expected="a duration such as P5Y, P6M, P15D or P1Y6M",
                code="duration",
            )
            return Duration()

    def localized(self, value: Any, path: KeyPath) -> Text:
        if not isinstance(value, dict):
            self.problems.add(
                path,
                "wrong type",
                found=kind_of(value),
                expected="a text per language: " + ", ".join(f"{lang}: ..." for lang in self.languages),
            )
            return Text({})
        for key in value:
            if key not in self.languages:
                # Often an unquoted comma in a flow mapping: {fr: a, b, en: c} reads "b" as a key.
                self.problems.add(
                    (*path, str(key)),
                    f"unknown language key '{key}'",
                    expected="one of the policy's languages ("
                    + ", ".join(self.languages)
                    + "); quote texts that contain a comma",
                    code="unknown_key",
                )
        for lang in self.languages:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.problems.add(
                    (*path, lang),
                    f"missing the '{lang}' text",
                    found=kind_of(value.get(lang)),
                    expected="non-empty text",
                )
        return Text({lang: " ".join(str(value.get(lang, "")).split()) for lang in self.languages})

    # -- lists ------------------------------------------------------------------------------

    def ids(
        self, data: Mapping[str, Any], key: str, path: KeyPath, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key, _ABSENT)
        if value is _ABSENT:
            return ()
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.problems.add((*path, key), "wrong type", found=kind_of(value), expected="a list of ids")
            return ()
        if not value and not allow_empty:
            self.problems.add((*path, key), "empty list", found="[]", expected="at least one id")
        for i, item in enumerate(value):
            if item in value[:i]:
                self.problems.add((*path, key, i), f"'{item}' is listed twice", expected="each id once")
        return tuple(value)

    def choices(
        self, data: Mapping[str, Any], key: str, path: KeyPath, enum: type[E], *, allow_empty: bool = False
    ) -> tuple[E, ...]:
        raw = self.ids(data, key, path, allow_empty=allow_empty)
        return tuple(self._enum(item, (*path, key, i), enum) for i, item in enumerate(raw))

    def lines(self, data: Mapping[str, Any], key: str, path: KeyPath) -> tuple[str, ...]:
        """A postal address: a list of non-empty lines."""
        value = data.get(key, _ABSENT)
        if value is _ABSENT:
            return ()
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(x, str) and x.strip() for x in value)
        ):
            self.problems.add(
                (*path, key), "wrong type", found=kind_of(value), expected="a non-empty list of address lines"
            )
            return ()
        return tuple(value)

    def each(
        self, data: Mapping[str, Any], key: str, path: KeyPath, read: Callable[[str, Any, KeyPath], T]
    ) -> dict[str, T]:
        return {id_: read(id_, body, (*path, key, id_)) for id_, body in self.entries(data, key, path)}
