"""Rules are decided in the domain; adapters only carry them out (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import charte

ADAPTERS = Path(charte.__file__).parent / "adapters"

# What decides what an erasure removes, which orders the systems get, which retention rule a role
# follows and which notices are owed: asked of the domain by the use cases, never by an adapter.
DECISIONS = {
    "charte.domain.orders": {"plan_orders"},
    "charte.domain.erasure": {"plan"},
    "charte.domain.retention": {"schedule", "apply_holds", "prospect_anchor", "designation_end"},
    "charte.domain.information": {"needs_notice", "notice_due"},
}
# Values a rule turns on: an adapter comparing against one of them is re-implementing the rule.
RULE_VALUES = {
    ("RestrictionGround", "LEGAL_CLAIMS"),  # Art. 18(1)(c): domain.erasure.SPARING_RESTRICTIONS
    ("SourceKind", "SUBJECT"),  # Art. 13/14: domain.information.needs_notice
    ("ErasureAction", "KEEP_UNTIL_PURGE"),  # Art. 17(3): domain.erasure
    ("ErasureAction", "ERASE"),
}


def _offences(path: Path, root: Path = ADAPTERS.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in DECISIONS:
            found += [
                f"imports {node.module}.{a.name}" for a in node.names if a.name in DECISIONS[node.module]
            ]
        is_name = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if is_name and (node.value.id, node.attr) in RULE_VALUES:  # type: ignore[attr-defined]
            found.append(f"compares with {node.value.id}.{node.attr}")
    return [f"{path.relative_to(root)}:{x}" for x in found]


def test_no_adapter_makes_a_retention_erasure_order_or_notice_decision():
    """Erasure (GDPR Art. 17), retention (Art. 5(1)(e)), orders and Art. 14 notices are decided in
    ``charte.domain`` and asked for by ``charte.services``; SQL carries the decision out."""
    offences = [x for path in sorted(ADAPTERS.rglob("*.py")) for x in _offences(path)]
    assert offences == []


def test_the_check_finds_a_decision_made_in_an_adapter(tmp_path):
    """The scan is not vacuous: the way the sweep once spared restricted persons is caught."""
    sample = tmp_path / "sweep.py"
    sample.write_text(
        "from charte.domain.orders import plan_orders\n"
        "from charte.domain.vocabulary import RestrictionGround\n"
        "x = RestrictionGround.LEGAL_CLAIMS\n",
        encoding="utf-8",
    )
    assert _offences(sample, tmp_path) == [
        "sweep.py:imports charte.domain.orders.plan_orders",
        "sweep.py:compares with RestrictionGround.LEGAL_CLAIMS",
    ]


SERVICES = ADAPTERS.parent / "services"
# A bare mapping or Any hides what a port returns; JSON documents say so with ``JsonRecord``.
_UNTYPED = ("dict[str, Any]", "Any", "Mapping[str, Any]")


def _untyped_ports(path: Path, root: Path = SERVICES.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for cls in tree.body:
        bases = [ast.unparse(b) for b in getattr(cls, "bases", [])]
        if not isinstance(cls, ast.ClassDef) or "Protocol" not in bases:
            continue
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef) or method.returns is None or method.name == "as_dict":
                continue
            returned = ast.unparse(method.returns)
            if any(u == returned or f"[{u}]" in returned or f"{u} |" in returned or f"{u}]" in returned
                   for u in _UNTYPED):  # fmt: skip
                found.append(f"{path.relative_to(root)}:{cls.name}.{method.name} -> {returned}")
    return found


def test_every_port_returns_a_typed_read_model_or_says_it_returns_a_json_document():
    """Ports hand back frozen read models (services.read_model); what is JSON where it is kept
    (an audit body, a step's detail, a ledger line) is typed ``JsonRecord``."""
    offences = [x for path in sorted(SERVICES.rglob("*.py")) for x in _untyped_ports(path)]
    assert offences == []


def test_the_port_check_finds_a_port_returning_a_bare_mapping(tmp_path):
    """The scan is not vacuous: the way the alarm store once returned its sessions is caught."""
    sample = tmp_path / "alarms.py"
    sample.write_text(
        "from typing import Any, Protocol\n"
        "class AlarmStore(Protocol):\n"
        "    def session(self, session_id: int) -> dict[str, Any] | None: ...\n"
        "    def people(self, session_id: int) -> list[dict[str, Any]]: ...\n"
        "    def take(self, session_id: int) -> bool: ...\n",
        encoding="utf-8",
    )
    assert _untyped_ports(sample, tmp_path) == [
        "alarms.py:AlarmStore.session -> dict[str, Any] | None",
        "alarms.py:AlarmStore.people -> list[dict[str, Any]]",
    ]
