"""The contracts in docs/ stay true: every command documented, every lint code explained."""

from __future__ import annotations

import re

import typer

from charte.domain.policy_lint import LintCode
from charte.entrypoints.cli.app import build_app
from tests.conftest import REPO

CLI_DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
POLICY_DOC = (REPO / "docs" / "policy.md").read_text(encoding="utf-8")


def commands(group, prefix: str = "charte") -> list[str]:
    out = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        out += commands(command, full) if hasattr(command, "commands") else [full]
    return out


def test_every_cli_command_has_a_section_in_docs_cli():
    """docs/cli.md documents every command: a command added without docs fails here."""
    # A heading names the command as its lowercase words, then its arguments: "## `charte events import FILE|-`".
    documented = {
        "charte" + m for m in re.findall(r"^## `charte((?: [a-z][a-z-]*)+)", CLI_DOC, flags=re.MULTILINE)
    }
    assert sorted(commands(typer.main.get_command(build_app()))) == sorted(documented)


def test_every_json_key_of_policy_check_is_documented():
    """The JSON keys printed are part of the contract."""
    for key in (
        "valid",
        "source",
        "policy_id",
        "counts",
        "problems",
        "as_of",
        "warnings",
        "notes",
        "findings",
    ):
        assert f'"{key}"' in CLI_DOC, key


def test_every_lint_code_is_explained_in_docs_policy():
    """Each compliance note has a documented meaning and source."""
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", POLICY_DOC, flags=re.MULTILINE))
    assert sorted(c.value for c in LintCode if c.value not in documented) == []
