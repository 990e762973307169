"""Load a policy from a YAML file: parse, read, check, and keep the way back to line numbers."""

from __future__ import annotations

from pathlib import Path

from charte.adapters.policy_document import read_policy
from charte.adapters.policy_yaml import parse_yaml
from charte.domain.errors import PolicyInvalid
from charte.domain.policy_checks import check_policy
from charte.domain.problems import Problem
from charte.services.errors import PolicyNotFound
from charte.services.ports import LoadedPolicy


def _display(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class YamlPolicyLoader:
    """Implements ``PolicyLoader`` for policy files on disk."""

    def __init__(self, default: Path) -> None:
        self.default = default

    def load(self, location: str | None = None) -> LoadedPolicy:
        path = Path(location) if location else self.default
        name = _display(path)
        if not path.is_file():
            raise PolicyNotFound(name)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyInvalid(
                [Problem(path=(), message=f"not UTF-8 text (byte {exc.start})", code="encoding", file=name)]
            ) from None
        doc, problems = parse_yaml(text, name)
        if problems:
            raise PolicyInvalid(problems)
        policy, structural = read_policy(doc.data, doc.assumptions)
        if policy is None:
            raise PolicyInvalid([doc.locate(p) for p in structural.items])
        semantic = check_policy(policy)
        if semantic:
            raise PolicyInvalid([doc.locate(p) for p in semantic])
        return LoadedPolicy(policy=policy, source=name, locate=doc.locate)
