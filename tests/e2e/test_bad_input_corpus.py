"""The bad-input corpus (tests/corpus/bad_events): each file is refused with a message naming its
line and field, and the register is left exactly as it was (docs/events.md).

Each file starts with a valid line, so "nothing applied" is checked, not assumed. Policies have
their corpus in tests/fixtures/policies/bad (tests/integration/test_bad_policies.py); oversized API
bodies and uploads are refused with 413 (test_api_register.py, test_calls.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli import charte as run_charte
from tests.e2e.test_sweep_crash import ENV, charte, counts

CORPUS = Path(__file__).parents[1] / "corpus" / "bad_events"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def run(cwd, *args):
    return run_charte(*args, cwd=cwd, env=ENV | {"CHARTE_HOME": str(cwd / ".charte")})


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("register")
    charte(cwd, "db", "upgrade")
    charte(cwd, "demo", "seed", "--persons", "50", "--seed", "2", "--as-of", "2026-11-26")
    return cwd, counts(cwd)


def test_every_file_of_the_corpus_has_its_expected_message():
    """The corpus and its expectations stay in step."""
    assert sorted(p.name for p in CORPUS.glob("*.jsonl")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_event_file_is_refused_with_its_line_and_field_named_and_nothing_applied(register, name):
    """docs/events.md: a file is applied whole or not at all; each error names line and field."""
    cwd, before = register
    done = run(cwd, "events", "import", str(CORPUS / name))
    assert done.code == 1, done.err
    assert f"error: {EXPECTED[name]}" in done.err
    assert "nothing applied" in done.out
    assert "Traceback" not in done.err
    assert counts(cwd) == before
