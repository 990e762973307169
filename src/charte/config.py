"""Settings, read from the environment when asked (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from charte.services.errors import NotReady

N = TypeVar("N", int, float)

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
    audit_checkpoint_every: int = 1000  # entries between two checkpoints, whatever the time
    audit_sign_within: float = 10.0  # seconds: charte serve signs every moved head within this
    audit_unsigned_for: float = 60.0  # seconds: `audit verify` fails on a tail unsigned for longer
    audit_signing_key: str | None = None  # base64 Ed25519 seed; when unset, a key file under home/keys
    audit_database_url: str | None = None  # where the audit chain lives (default: see audit_url)
    read_database_url: str | None = None  # a standby the console's heavy read-only pages read from
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
    codes_key: str | None = None  # base64 HMAC key of the rights codes and portal links (default home/keys)
    draw_key: str | None = None  # base64 HMAC key of the calls' recording draw (default home/keys)
    public_url: str | None = None  # where charte's public pages are served (the SMS notice links there)
    environment: str = "development"  # CHARTE_ENV; "production" fails closed (production_problems)

    @property
    def production(self) -> bool:
        return self.environment == "production"

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
    def sqlite_file(self) -> Path | None:
        """The register's SQLite file, if it is one."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and self.database_url != f"{prefix}:memory:":
            return Path(self.database_url.removeprefix(prefix).split("?", 1)[0])
        return None

    def exposures(self) -> list[str]:
        """What sits where a thief of the database's folder would find it too: the audit's
        checkpoints and signing key beside the database (a tamperer with the database could cut
        its tail and the checkpoints with it, or sign a forged head with the key), the key in the
        checkpoint folder (whoever holds the folder could sign). Each is one sentence naming the
        setting that moves it (docs/settings.md)."""
        found = []
        database = self.sqlite_file
        key = None if self.audit_signing_key else self.audit_key_path
        if database is not None:
            folder = database.resolve().parent
            if self.checkpoint_dir.resolve().is_relative_to(folder):
                found.append(
                    f"the audit checkpoints ({self.checkpoint_dir}) are in the database's folder ({folder}): "
                    "set CHARTE_AUDIT_CHECKPOINTS to a folder on another volume or host"
                )
            if key is not None and key.resolve().is_relative_to(folder):
                found.append(
                    f"the audit signing key ({key}) is in the database's folder ({folder}): "
                    "give it in CHARTE_AUDIT_SIGNING_KEY from a secret store"
                )
        if key is not None and key.resolve().is_relative_to(self.checkpoint_dir.resolve()):
            found.append(f"the audit signing key ({key}) is inside the checkpoint folder: move it out")
        return found

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
        """Every ``CHARTE_*`` setting (docs/settings.md); a bad value raises ``SettingInvalid``
        naming the variable — never a bare ``ValueError``."""
        env = os.environ if env is None else env
        read = _Reader(env)
        home = read.path("CHARTE_HOME") or Path(".charte")
        return cls(
            policy_path=read.path("CHARTE_POLICY") or shipped_policy_path(),
            home=home,
            # The embedded default: a SQLite file in the charte home of the working directory.
            database_url=read.text("CHARTE_DATABASE_URL") or f"sqlite:///{home / 'charte.db'}",
            field_key=read.text("CHARTE_FIELD_KEY"),
            ref_key=read.text("CHARTE_REF_KEY"),
            audit_checkpoints=read.path("CHARTE_AUDIT_CHECKPOINTS"),
            audit_checkpoint_every=read.number("CHARTE_AUDIT_CHECKPOINT_EVERY", 1000, int, low=1),
            audit_sign_within=read.number("CHARTE_AUDIT_SIGN_WITHIN", 10.0, float, low=0.1),
            audit_unsigned_for=read.number("CHARTE_AUDIT_UNSIGNED_FOR", 60.0, float, low=1.0),
            audit_signing_key=read.text("CHARTE_AUDIT_SIGNING_KEY"),
            audit_database_url=read.text("CHARTE_AUDIT_DATABASE_URL"),
            read_database_url=read.text("CHARTE_READ_DATABASE_URL"),
            smtp_url=read.text("CHARTE_SMTP_URL"),
            mail_from=read.text("CHARTE_MAIL_FROM"),
            recordings_key=read.text("CHARTE_RECORDINGS_KEY"),
            keyring=read.path("CHARTE_KEYRING"),
            blobs=read.text("CHARTE_BLOBS"),
            s3_endpoint=read.text("CHARTE_S3_ENDPOINT_URL"),
            audio_inbox=read.path("CHARTE_AUDIO_INBOX"),
            audio_max_bytes=read.number("CHARTE_AUDIO_MAX_BYTES", 200 * 1024 * 1024, int, low=1),
            erasure_ledger=read.path("CHARTE_ERASURE_LEDGER"),
            codes_key=read.text("CHARTE_CODES_KEY"),
            draw_key=read.text("CHARTE_DRAW_KEY"),
            public_url=read.text("CHARTE_PUBLIC_URL"),
            environment=read.choice("CHARTE_ENV", ("development", "production"), "development"),
        )


class SettingInvalid(NotReady):
    """A ``CHARTE_*`` variable holds a value charte cannot use; the message names it."""

    def __init__(self, name: str, why: str) -> None:
        self.name = name
        super().__init__(f"{name}: {why} (docs/settings.md)")


class _Reader:
    """Reads one environment: empty means unset; numbers are checked, naming the variable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str) -> str | None:
        return self.env.get(name) or None

    def path(self, name: str) -> Path | None:
        value = self.text(name)
        return Path(value) if value else None

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        value = (self.text(name) or default).strip().lower()
        if value not in allowed:
            raise SettingInvalid(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def number(self, name: str, default: N, kind: type[N], *, low: N) -> N:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = kind(value.strip())
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise SettingInvalid(name, f"{value!r} is not {what}") from None
        if number < low or number != number:  # NaN is no limit
            raise SettingInvalid(name, f"{value!r} is below the least value, {low}")
        return number
