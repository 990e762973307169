"""Reading policy files: syntax errors, duplicate keys, encodings, assumptions, line numbers."""

from __future__ import annotations

import pytest

from charte.adapters.policy_file import YamlPolicyLoader
from charte.adapters.policy_yaml import parse_yaml
from charte.domain.errors import PolicyInvalid
from charte.services.errors import PolicyNotFound
from tests.conftest import POLICIES


def test_a_missing_file_is_not_found_not_invalid(tmp_path):
    """A wrong path is "not found" (CLI exit 3), distinct from an invalid policy (exit 1)."""
    with pytest.raises(PolicyNotFound, match=r"nope\.yaml"):
        YamlPolicyLoader(default=tmp_path / "nope.yaml").load()


def test_a_file_that_is_not_utf8_is_refused_with_the_byte(tmp_path):
    """Bad input gets a clear message naming where it is wrong (brief: errors)."""
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(PolicyInvalid, match="not UTF-8 text \\(byte 7\\)"):
        YamlPolicyLoader(default=bad).load()


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- list\n", "just text\n"])
def test_a_file_that_is_not_a_mapping_is_refused_at_the_root(tmp_path, text):
    """An empty or non-mapping file is refused with a message, not a crash."""
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(PolicyInvalid) as caught:
        YamlPolicyLoader(default=path).load()
    assert caught.value.problems[0].describe().split(": ")[1] == "(root)"


def test_syntax_errors_carry_their_line():
    """YAML syntax errors are reported with their line."""
    _, problems = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "x.yaml")
    assert [(p.file, p.line, p.code) for p in problems] == [("x.yaml", 3, "yaml")]


def test_duplicate_keys_are_reported_instead_of_silently_overwritten():
    """A key given twice would silently drop a value with a plain YAML load."""
    _, problems = parse_yaml("a:\n  b: 1\n  b: 2\n", "x.yaml")
    assert [(p.line, p.message) for p in problems] == [(3, "duplicate key 'b'")]


def test_value_wrappers_become_values_and_are_recorded_as_assumptions():
    """`{value, assumption: true, why}` reads as its value and lands in the assumptions."""
    doc, problems = parse_yaml(
        "a:\n  b:\n    value: P3Y\n    assumption: true\n    why: 'CNIL  says\n  so'\n", "x"
    )
    assert problems == []
    assert doc.data == {"a": {"b": "P3Y"}}
    (assumption,) = doc.assumptions
    assert (assumption.path, assumption.value, assumption.why) == (("a", "b"), "P3Y", "CNIL says so")


def test_a_mapping_marked_as_assumption_keeps_its_other_keys():
    """`assumption: true` inside a declaration marks the whole entry as chosen, not stated."""
    doc, problems = parse_yaml("r:\n  period: P1Y\n  assumption: true\n  why: silent charter\n", "x")
    assert problems == []
    assert doc.data == {"r": {"period": "P1Y"}}
    assert doc.assumptions[0].value == "(this entry)"


def test_an_assumption_flag_that_is_not_true_is_refused():
    """`assumption: yes-ish` values are refused rather than guessed."""
    _, problems = parse_yaml("a:\n  value: 1\n  assumption: maybe\n  why: w\n", "x")
    assert [p.message for p in problems] == ["'assumption' marks a value the charter does not state"]


def test_a_missing_key_points_at_its_parent_line():
    """A missing key has no line of its own: the error points at the mapping that lacks it."""
    doc, _ = parse_yaml("top:\n  inner:\n    x: 1\n", "x")
    assert doc.line_of(("top", "inner", "missing")) == 2
    assert doc.line_of(("top", "inner", "x")) == 3


def test_the_minimal_fixture_loads_and_says_where_it_came_from():
    """The loader keeps the source name used in every message."""
    loaded = YamlPolicyLoader(default=POLICIES / "minimal.yaml").load()
    assert loaded.source.endswith("minimal.yaml")
    assert loaded.policy.id == "minimal"


SHIPPED = (POLICIES / "../../../src/charte/policies/ima-protect.yaml").resolve()


def _problems_after(tmp_path, old: str, new: str) -> list[tuple[int | None, str, str]]:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyInvalid) as caught:
        YamlPolicyLoader(default=path).load()
    return [(p.line, p.describe().split(": ")[1], p.message) for p in caught.value.problems]


def test_a_statement_of_transfers_of_its_own_is_refused_and_pointed_to_the_processors(tmp_path):
    """GDPR Art. 30(1)(e): transfers are computed from the processors' records, never stated apart."""
    (problem,) = _problems_after(
        tmp_path, "data_categories:\n", "transfers_outside_eu: none\ndata_categories:\n"
    )
    line, where, message = problem
    assert where == "transfers_outside_eu"
    assert "processors" in message
    assert line is not None


def test_a_transfer_is_refused_without_what_its_mechanism_needs(tmp_path):
    """Decision (EU) 2021/914 (a module), Decision (EU) 2023/1795 (the United States only), Art. 49(1)
    (the point relied on), ISO 3166 codes: each problem located on its key."""
    found = _problems_after(
        tmp_path,
        "    locations:\n      value: [FR]\n      assumption: true\n      why: >-\n        The charter does not mention",
        "    transfers:\n"
        "      - {country: US, mechanism: scc_2021}\n"
        "      - {country: IN, mechanism: dpf}\n"
        "      - {country: BR, mechanism: derogation}\n"
        "      - {country: usa, mechanism: bcr, tia: T-1}\n"
        "    locations:\n      value: [FR]\n      assumption: true\n      why: >-\n        The charter does not mention",
    )
    where = [w for _, w, _ in found]
    assert where == [
        "processors.it_subcontractors.transfers[0].module",
        "processors.it_subcontractors.transfers[1].country",
        "processors.it_subcontractors.transfers[2].derogation",
        "processors.it_subcontractors.transfers[3].country",
    ]
    assert all(line is not None for line, _, _ in found)
