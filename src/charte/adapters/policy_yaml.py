"""YAML text -> plain data, with the line of every key path and the policy's assumptions.

PyYAML's ``compose`` keeps each node's position; we build the Python values ourselves from the
node tree so that duplicate keys (which ``yaml.safe_load`` silently overwrites) are reported,
and so that a problem found later by key path can be pointed at its line.

An assumption is written either as a value wrapper ``{value: X, assumption: true, why: ...}``
(replaced by ``X``) or as ``assumption: true`` plus ``why`` inside any mapping (removed from it);
both are recorded with their key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from charte.domain.policy import Assumption
from charte.domain.problems import KeyPath, Problem, ProblemList

_WRAPPER_KEYS = {"value", "assumption", "why"}


@dataclass(slots=True)
class YamlDocument:
    """A parsed policy file: its data, the line of each key path, and its assumptions."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    assumptions: list[Assumption] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor when the key is missing."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def locate(self, problem: Problem) -> Problem:
        return problem.located(self.file, self.line_of(problem.path))


class _Builder:
    def __init__(self, doc: YamlDocument, problems: ProblemList) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> Any:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                self._problem(path, key_node, "keys must be text", found=repr(key))
                continue
            if key in out:
                self._problem(
                    (*path, key),
                    key_node,
                    f"duplicate key '{key}'",
                    expected="each key once per mapping",
                )
                continue
            # A key's own line, not its value's: a nested mapping's value starts a line lower.
            self.doc.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return self._unwrap_assumption(out, path)

    def _unwrap_assumption(self, out: dict[str, Any], path: KeyPath) -> Any:
        if "assumption" not in out:
            return out
        flag, why = out.pop("assumption"), out.pop("why", None)
        if flag is not True:
            self.problems.add(
                (*path, "assumption"),
                "'assumption' marks a value the charter does not state",
                found=repr(flag),
                expected="true (or remove the key)",
            )
        if not isinstance(why, str) or not why.strip():
            self.problems.add(
                (*path, "why"),
                "an assumption must say why it was chosen",
                found=repr(why),
                expected="a non-empty text under 'why'",
            )
            why = ""
        wrapper = "value" in out and set(out) <= _WRAPPER_KEYS
        value = out["value"] if wrapper else out
        shown = "(this entry)" if not wrapper else _show(value)
        self.doc.assumptions.append(Assumption(path=path, value=shown, why=" ".join(why.split())))
        return value

    def _problem(
        self,
        path: KeyPath,
        node: yaml.Node,
        message: str,
        *,
        found: str | None = None,
        expected: str | None = None,
    ) -> None:
        line = node.start_mark.line + 1
        self.problems.items.append(
            Problem(path=path, message=message, found=found, expected=expected, line=line)
        )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


def parse_yaml(text: str, file: str) -> tuple[YamlDocument, list[Problem]]:
    """Parse policy YAML; problems (syntax, duplicate keys, bad assumption marks) are located."""
    doc = YamlDocument(file=file, data=None)
    problems = ProblemList()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        line = mark.line + 1 if mark is not None else None
        syntax = Problem(path=(), message=f"YAML syntax error: {what}", code="yaml", line=line)
        return doc, [syntax.located(file, line)]
    except yaml.YAMLError as exc:  # errors without a position (e.g. bad encoding)
        return doc, [Problem(path=(), message=f"YAML error: {exc}", code="yaml", file=file)]
    if node is not None:
        doc.data = _Builder(doc, problems).build(node, ())
    return doc, [p.located(file, p.line or doc.line_of(p.path)) for p in problems.items]
