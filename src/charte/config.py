"""Settings, read from the environment when asked (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SHIPPED_POLICY = "ima-protect.yaml"


def shipped_policy_path() -> Path:
    """The policy that encodes the seed charter, installed with the package."""
    return Path(str(resources.files("charte.policies").joinpath(SHIPPED_POLICY)))


@dataclass(frozen=True, slots=True)
class Settings:
    policy_path: Path
    home: Path
    database_url: str
    field_key: str | None  # base64; when unset, a key file under home/keys is used (created once)
    ref_key: str | None = None  # base64 HMAC key for refs of erased persons; same fallback
    audit_checkpoints: Path | None = None  # where signed checkpoints go (default home/audit-checkpoints)
    audit_checkpoint_every: int = 1000  # entries between two checkpoints (and at most a minute)

    @property
    def field_key_path(self) -> Path:
        return self.home / "keys" / "fields.key"

    @property
    def ref_key_path(self) -> Path:
        return self.home / "keys" / "refs.key"

    @property
    def audit_key_path(self) -> Path:
        return self.home / "keys" / "audit-signing.key"

    @property
    def checkpoint_dir(self) -> Path:
        return self.audit_checkpoints or self.home / "audit-checkpoints"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        policy = env.get("CHARTE_POLICY")
        home = Path(env.get("CHARTE_HOME", ".charte"))
        return cls(
            policy_path=Path(policy) if policy else shipped_policy_path(),
            home=home,
            # The embedded default: a SQLite file in the charte home of the working directory.
            database_url=env.get("CHARTE_DATABASE_URL") or f"sqlite:///{home / 'charte.db'}",
            field_key=env.get("CHARTE_FIELD_KEY") or None,
            ref_key=env.get("CHARTE_REF_KEY") or None,
            audit_checkpoints=Path(env["CHARTE_AUDIT_CHECKPOINTS"])
            if env.get("CHARTE_AUDIT_CHECKPOINTS")
            else None,
        )
