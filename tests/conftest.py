"""Shared fixtures: the shipped policy, fixture policies, and the external services tests may need."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from charte.adapters.policy_file import YamlPolicyLoader
from charte.config import shipped_policy_path
from charte.domain.policy import Policy
from charte.services.ports import LoadedPolicy

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
REPO = Path(__file__).parent.parent


def load(path: Path) -> LoadedPolicy:
    return YamlPolicyLoader(default=path).load()


@pytest.fixture(scope="session")
def shipped() -> Policy:
    """The policy that encodes the seed charter."""
    return load(shipped_policy_path()).policy


@pytest.fixture(scope="session")
def minimal() -> Policy:
    return load(POLICIES / "minimal.yaml").policy


@pytest.fixture
def database_url() -> str:
    """PostgreSQL for tests marked `postgres`; skipped, with the reason, when not configured."""
    url = os.environ.get("CHARTE_TEST_DATABASE_URL")
    if not url:
        pytest.skip("CHARTE_TEST_DATABASE_URL is not set (.ci/run sets it to the local PostgreSQL)")
    return url
