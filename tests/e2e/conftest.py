"""Fixtures of the end-to-end tests: a charte home in a working directory of its own."""

from __future__ import annotations

import base64
import json

import pytest

from tests.e2e.cli import charte


@pytest.fixture
def home(tmp_path):
    """A fresh charte home in a working directory of its own: SQLite under .charte/ by default."""
    env = {"CHARTE_FIELD_KEY": base64.b64encode(b"z" * 32).decode()}
    assert charte("db", "upgrade", cwd=tmp_path, env=env).code == 0
    return tmp_path, env


def write(path, events) -> str:
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events))
    return str(path)
