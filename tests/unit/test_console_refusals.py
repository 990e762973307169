"""Every refusal a console action can meet is said in French on the console's French pages."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from charte.domain.dates import out_of_range
from charte.domain.vocabulary import Language
from charte.entrypoints.web.auth import CsrfMismatch
from charte.entrypoints.web.console_refusals import refusal
from charte.services.identity import _CODE_REFUSALS
from charte.services.sessions import LoginRefused

SRC = Path(__file__).resolve().parents[2] / "src" / "charte"
# The use cases behind the console's forms (requests, holds, alarms, login) and the console's
# own checks: every message they refuse with, read from their source.
MODULES = [
    "services/rights.py", "services/identity.py", "services/answers.py", "services/rights_desk.py",
    "services/holds.py", "services/alarms.py", "domain/rights.py", "services/sessions.py",
    "entrypoints/web/dpo_pages.py", "entrypoints/web/alarm_screen.py", "adapters/db/person_search.py",
    "services/training.py",
]  # fmt: skip
RAISED = {"Refused", "Conflict", "Refusal", "NotReady"}


def _sample(node: ast.expr) -> str | None:
    """The message as the engine would say it, each value it inserts replaced by a sample."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        fixed = "".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
        if sum(c.isalpha() for c in fixed) < 3:  # "{name}: {problem}": the words come from elsewhere
            return None
        return "".join(part.value if isinstance(part, ast.Constant) else "received" for part in node.values)
    return None  # a message passed on (str(refusal), a dict's value): checked where it is written


def messages() -> list[tuple[str, int, str]]:
    found = []
    for name in MODULES:
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        constants = {
            target.id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called in RAISED or called == "super" or (called == "__init__"):
                arg = node.args[0]
                if isinstance(arg, ast.Name) and isinstance(constants.get(arg.id), ast.Constant):
                    arg = constants[arg.id]
                text = _sample(arg)
                if text is not None:
                    found.append((name, node.lineno, text))
    return found


MESSAGES = [
    *messages(),
    *[("services/identity.py", 0, m) for m in _CODE_REFUSALS.values()],
    ("entrypoints/web/auth.py", 0, str(CsrfMismatch())),  # a console form sent twice, or stale
    ("services/sessions.py", 0, str(LoginRefused())),
    ("domain/dates.py", 0, f"pronounced: {out_of_range(date(1600, 1, 1))}"),  # a judgment's date
]


def test_the_refusals_are_found_in_the_use_cases_source():
    """The check below reads real messages: dozens of them, from each module listed."""
    assert len(MESSAGES) > 80
    assert {m[0] for m in MESSAGES} >= set(MODULES) - {"services/sessions.py"}


@pytest.mark.parametrize(("module", "line", "message"), MESSAGES, ids=[f"{m}:{n}" for m, n, _ in MESSAGES])
def test_every_refusal_a_console_action_can_meet_is_said_in_french(module, line, message):
    """The console is in French (its English a switch away): a refusal in the engine's English is a dead end."""
    said = refusal(message, Language.FR)
    assert said != message, f"{module}:{line}: no French for {message!r}"
    assert "--" not in said  # the console has fields, not the CLI's options
    assert refusal(message, Language.EN) == message


def test_a_status_and_a_day_inside_a_refusal_are_said_in_words():
    """Statuses and dates as the console shows them everywhere else."""
    assert refusal("a verified request cannot be refused", Language.FR) == (
        "Une demande « identité vérifiée » ne peut plus être refusée."
    )
    assert refusal("the requester may still answer until 2026-12-24", Language.FR) == (
        "Le demandeur peut encore répondre jusqu'au 24/12/2026."
    )
