"""docs/traceability.yaml maps every promise of the seed to the policy and the tests."""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

import pytest
import yaml

from charte.adapters.policy_yaml import parse_yaml
from charte.adapters.rendering import render_document
from charte.config import shipped_policy_path
from charte.domain.vocabulary import Language
from charte.services.documents.charter import build_charter
from tests.conftest import REPO

TRACE = yaml.safe_load((REPO / "docs" / "traceability.yaml").read_text(encoding="utf-8"))


def _script():
    spec = importlib.util.spec_from_file_location("traceability", REPO / "scripts" / "traceability.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = _script()


@cache
def policy_data():
    doc, problems = parse_yaml(shipped_policy_path().read_text(encoding="utf-8"), "shipped")
    assert problems == []
    return doc.data


@cache
def defined_tests(path: str) -> set[str]:
    """Every `test_x` and `Class::test_x` defined in a test module."""
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


def test_every_sentence_of_the_seed_is_either_traced_or_set_aside_with_a_reason():
    """No sentence of the charter is forgotten: the clauses are exactly the seed's sentences, in order."""
    seed = script.sentences((REPO / TRACE["seed"]).read_text(encoding="utf-8"))
    listed = {script.normalise(x["clause"]) for x in TRACE["promises"] + TRACE["not_promises"]}
    assert [s for s in seed if s not in listed] == []
    assert sorted(listed - set(seed)) == []
    assert all(x["why"].strip() for x in TRACE["not_promises"])


@pytest.mark.parametrize("key", sorted({k for p in TRACE["promises"] for k in p["policy"]}))
def test_every_policy_key_named_exists_in_the_shipped_policy(key):
    """Each promise points at keys that really are in ima-protect.yaml."""
    node = policy_data()
    for part in key.split("."):
        assert isinstance(node, dict), f"{key}: '{part}' is under a value, not a mapping"
        assert part in node, f"{key}: no key '{part}'"
        node = node[part]


@pytest.mark.parametrize("test_id", sorted({t for p in TRACE["promises"] for t in p["tests"]}))
def test_every_test_named_exists(test_id):
    """Each promise's tests really exist, so the map cannot point at a deleted or renamed test."""
    path, _, name = test_id.partition("::")
    assert (REPO / path).is_file(), f"no file {path}"
    assert name in defined_tests(path), f"{path} has no test {name}"


def test_every_promise_names_at_least_one_policy_key():
    """A promise the policy does not encode would be a promise charte cannot keep."""
    assert [p["clause"][:60] for p in TRACE["promises"] if not p["policy"]] == []


def test_every_promise_says_what_the_rendered_charter_says_for_it_word_for_word(shipped):
    """The published charter keeps the seed's meaning: each promise names the sentences of the
    rendered French charter that carry it, and each is there as written — a sentence changed by a
    policy or wording edit fails here until its meaning is read against the seed again."""
    text = script.normalise(render_document(build_charter(shipped, Language.FR), "md").replace("\\", ""))
    assert [p["clause"][:60] for p in TRACE["promises"] if not p.get("charter")] == []
    missing = [said for p in TRACE["promises"] for said in p["charter"] if script.normalise(said) not in text]
    assert missing == []


def test_the_rendered_markdown_is_up_to_date():
    """docs/traceability.md is generated from the YAML; a stale copy would mislead its readers."""
    assert (REPO / "docs" / "traceability.md").read_text(encoding="utf-8") == script.render(TRACE)


def test_the_seed_kept_in_the_repository_is_the_published_charter():
    """The copy in docs/seed is the charter the operator published (as handed to the project)."""
    shared = REPO.parent / "shared" / "seed" / Path(TRACE["seed"]).name
    if not shared.is_file():
        pytest.skip("the shared seed folder is not beside this clone")
    assert (REPO / TRACE["seed"]).read_bytes() == shared.read_bytes()
