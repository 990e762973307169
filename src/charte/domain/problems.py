"""A problem found in a policy, located by its key path (and, once a reader knows it, a line)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """``("roles", "sales", "grants", 0)`` -> ``roles.sales.grants[0]``; the root is ``(root)``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(root)"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with (or worth saying about) a policy.

    ``found`` and ``expected`` are kept apart so that every message says both; ``source`` names
    the law or guidance a compliance note rests on.
    """

    path: KeyPath
    message: str
    found: str | None = None
    expected: str | None = None
    severity: Severity = Severity.ERROR
    code: str = "invalid"
    source: str | None = None
    file: str | None = None
    line: int | None = None

    def located(self, file: str, line: int | None) -> Problem:
        return replace(self, file=file, line=line)

    @property
    def where(self) -> str:
        place = self.file or "<policy>"
        if self.line is not None:
            place += f":{self.line}"
        return f"{place}: {format_path(self.path)}"

    def describe(self) -> str:
        """The one-line text printed to the user: where, what, found, expected, source."""
        text = f"{self.where}: {self.message}"
        details = [
            f"found {self.found}" if self.found is not None else "",
            f"expected {self.expected}" if self.expected is not None else "",
        ]
        if any(details):
            text += " (" + "; ".join(d for d in details if d) + ")"
        if self.source:
            text += f" [source: {self.source}]"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "path": format_path(self.path),
            "message": self.message,
            "found": self.found,
            "expected": self.expected,
            "source": self.source,
        }


@dataclass(slots=True)
class ProblemList:
    """Collects problems while reading or checking, so that all are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: KeyPath,
        message: str,
        *,
        found: str | None = None,
        expected: str | None = None,
        code: str = "invalid",
    ) -> None:
        self.items.append(Problem(path=path, message=message, found=found, expected=expected, code=code))

    def __bool__(self) -> bool:
        return bool(self.items)


def unknown(path: KeyPath, what: str, found: str, declared: Iterable[str], where: str) -> Problem:
    """A reference to something the policy does not declare, listing what it does."""
    names = ", ".join(declared)
    return Problem(
        path=path,
        message=f"unknown {what} '{found}'",
        found=repr(found),
        expected=f"one of the {what}s declared under '{where}' ({names})",
        code=f"unknown_{what.replace(' ', '_')}",
    )


def unknown_refs(
    path: KeyPath, ids: Iterable[str], declared: Collection[str], what: str, where: str
) -> Iterator[Problem]:
    for i, ref in enumerate(ids):
        if ref not in declared:
            yield unknown((*path, i), what, ref, declared, where)
