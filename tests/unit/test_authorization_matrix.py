"""The authorization matrix: for every role x purpose x subject category x field of the shipped
policy, the gate answers what the policy file says — no over-disclosure anywhere.

The expected answer is computed here from the raw YAML with plain loops, not from the policy
objects the gate compiles, so a mistake in reading or compiling the policy shows up as a
difference.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from charte.config import shipped_policy_path
from charte.domain.access import AccessGate, ReadContext, Standing


def unwrap(node: Any) -> Any:
    """The policy's `{value, assumption, why}` wrappers, replaced by their value."""
    if isinstance(node, dict):
        if "assumption" in node and "value" in node:
            return unwrap(node["value"])
        return {k: unwrap(v) for k, v in node.items()}
    if isinstance(node, list):
        return [unwrap(v) for v in node]
    return node


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = unwrap(yaml.safe_load(shipped_policy_path().read_text(encoding="utf-8")))
    return data


def expected(
    raw: dict[str, Any], role: str, purpose: str, category: str, field: str, context: str | None = None
) -> bool:
    if field not in raw["subject_categories"][category]["fields"]:
        return False
    granted = False
    for grant in raw["roles"][role]["grants"]:
        if purpose not in grant["purposes"]:
            continue
        if "subjects" in grant and category not in grant["subjects"]:
            continue
        if grant["fields"] == "all" or field in grant["fields"]:
            granted = True
    owners = raw.get("access", {}).get("exclusive", {}).get(category)
    if owners is not None:
        mine = [o for o in owners if (o["role"], o["purpose"]) == (role, purpose)]
        if not mine or mine[0].get("context", context) != context:
            return False
    for bound in raw.get("access", {}).get("context_bound_fields", []):
        if (bound["role"], bound["purpose"]) == (role, purpose) and field in bound["fields"]:
            granted = granted and bound["context"] == context
    return granted


def test_the_gate_answers_what_the_policy_file_says_for_every_role_purpose_category_and_field(shipped, raw):
    """GDPR Art. 5(1)(c), 25(2): each field reaches only the roles and purposes the charter names."""
    gate = AccessGate(shipped)
    exceptions = {e["purpose"] for e in raw["access"]["restriction_exceptions"]}
    checked = disclosed = 0
    for role, body in raw["roles"].items():
        archive = bool(body.get("archive_access", False))
        for purpose in raw["purposes"]:
            for category in raw["subject_categories"]:
                live = gate.decide(role, purpose, [Standing(category, "X", archived=False)]).fields
                archived = gate.decide(role, purpose, [Standing(category, "X", archived=True)]).fields
                restricted = gate.decide(
                    role, purpose, [Standing(category, "X", False)], restricted=True
                ).fields
                for field in raw["fields"]:
                    want = expected(raw, role, purpose, category, field)
                    assert (field in live) == want, (role, purpose, category, field)
                    assert (field in archived) == (want and archive), (
                        role,
                        purpose,
                        category,
                        field,
                        "archived",
                    )
                    assert (field in restricted) == (want and purpose in exceptions), (role, purpose, field)
                    checked += 1
                    disclosed += want
    assert checked == len(raw["roles"]) * len(raw["purposes"]) * len(raw["subject_categories"]) * len(
        raw["fields"]
    )
    assert 0 < disclosed < checked  # the matrix is neither empty nor everything


def test_inside_an_alarm_session_the_gate_answers_what_the_policy_file_says(shipped, raw):
    """The same matrix inside an open alarm session about the standing's site."""
    gate = AccessGate(shipped)
    inside = ReadContext("alarm_session", "1", frozenset({"X"}))
    opened = 0
    for role in raw["roles"]:
        for purpose in raw["purposes"]:
            for category in raw["subject_categories"]:
                live = gate.decide(role, purpose, [Standing(category, "X", False)], context=inside).fields
                for field in raw["fields"]:
                    want = expected(raw, role, purpose, category, field, "alarm_session")
                    assert (field in live) == want, (role, purpose, category, field, "in session")
                    opened += want and not expected(raw, role, purpose, category, field)
    assert opened > 0  # the session opens something (trusted persons, access instructions)
