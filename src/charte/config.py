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
    audit_database_url: str | None = None  # where the audit chain lives (default: see audit_url)
    smtp_url: str | None = None  # notices and codes by e-mail (default: a file outbox under home)
    mail_from: str | None = None  # the sender of those e-mails (default: the policy's DPO address)
    recordings_key: str | None = None  # base64 master key wrapping the recordings' keys
    keyring: Path | None = None  # the recordings' wrapped keys (default home/keyring)
    blobs: str | None = None  # a directory, or s3://bucket/prefix (default home/recordings)
    s3_endpoint: str | None = None  # an S3-compatible store's URL (default: AWS)
    audio_inbox: Path | None = None  # where the telephony drops audio files (default home/audio-inbox)
    audio_max_bytes: int = 200 * 1024 * 1024  # an upload's limit (a long call in stereo WAV stays under)
    # Every erasure, outside the database (default home/erasure-ledger): keep it off the volume
    # the database's backups are restored to (adapters/erasure_ledger.py).
    erasure_ledger: Path | None = None

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
    def recordings_key_path(self) -> Path:
        return self.home / "keys" / "recordings-master.key"

    @property
    def keyring_dir(self) -> Path:
        return self.keyring or self.home / "keyring"

    @property
    def inbox_dir(self) -> Path:
        return self.audio_inbox or self.home / "audio-inbox"

    @property
    def ledger_dir(self) -> Path:
        return self.erasure_ledger or self.home / "erasure-ledger"

    @property
    def checkpoint_dir(self) -> Path:
        return self.audit_checkpoints or self.home / "audit-checkpoints"

    @property
    def audit_url(self) -> str:
        """The audit chain's database: on SQLite a file of its own beside the register
        (`charte.db` -> `charte-audit.db`) so that a long import never blocks audited reads;
        on PostgreSQL the register's database. `CHARTE_AUDIT_DATABASE_URL` overrides both."""
        if self.audit_database_url:
            return self.audit_database_url
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and self.database_url != f"{prefix}:memory:":
            path = Path(self.database_url.removeprefix(prefix))
            suffix = path.suffix or ".db"
            return f"{prefix}{path.with_name(path.stem + '-audit' + suffix)}"
        return self.database_url

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
            audit_database_url=env.get("CHARTE_AUDIT_DATABASE_URL") or None,
            smtp_url=env.get("CHARTE_SMTP_URL") or None,
            mail_from=env.get("CHARTE_MAIL_FROM") or None,
            recordings_key=env.get("CHARTE_RECORDINGS_KEY") or None,
            keyring=Path(env["CHARTE_KEYRING"]) if env.get("CHARTE_KEYRING") else None,
            blobs=env.get("CHARTE_BLOBS") or None,
            s3_endpoint=env.get("CHARTE_S3_ENDPOINT_URL") or None,
            audio_inbox=Path(env["CHARTE_AUDIO_INBOX"]) if env.get("CHARTE_AUDIO_INBOX") else None,
            audio_max_bytes=int(env.get("CHARTE_AUDIO_MAX_BYTES") or 200 * 1024 * 1024),
            erasure_ledger=Path(env["CHARTE_ERASURE_LEDGER"]) if env.get("CHARTE_ERASURE_LEDGER") else None,
        )
