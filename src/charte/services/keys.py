"""Opening a key: the one the register was written with, or none at all.

Rules (docs/settings.md#keys): the first process to use a key on a database records its
fingerprint there; every later process must hold the same key, else it stops with one line naming
the setting to fix; a key is never created for a database that already has one — recorded, or
shown by what the database holds (sealed fields, keyed hashes, a signed chain written before
fingerprints were kept): the key exists elsewhere, and another would mix two keys in one
register; in production no key is created at all (keys come from the secret store, not from the
first process that happens to start).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from charte.domain.audit import Action, Entry
from charte.domain.keys import fingerprint
from charte.services.audit import Auditor
from charte.services.errors import NotReady


class KeyRefused(NotReady):
    """The key at hand is not the register's, or would be created where it must not be."""


class KeySource(Protocol):
    """Where one key comes from: a setting (a variable) or a file."""

    @property
    def name(self) -> str:
        """The key's name in the register (`field`, `refs`...)."""
        ...

    @property
    def label(self) -> str:
        """In words, for messages ("the field key")."""
        ...

    @property
    def variable(self) -> str:
        """The setting that gives it (CHARTE_FIELD_KEY)."""
        ...

    def read(self) -> bytes | None:
        """The key, if it is given or its file exists; ``KeyRefused`` when it is malformed."""
        ...

    def create(self) -> bytes:
        """A new random key, written owner-only where ``read`` will find it."""
        ...

    def where(self) -> str:
        """Where this process looked for it, in words (the variable, or the file)."""
        ...


class Fingerprints(Protocol):
    """The register's record of its keys."""

    def get(self, name: str) -> str | None: ...

    def in_use(self, name: str) -> bool:
        """Whether the database already holds data made with that key (recorded or not: a
        register written before fingerprints were kept)."""
        ...

    def record(self, name: str, fingerprint: str, at: datetime) -> str:
        """Record it unless one is already there; return the one that is (another process may
        have recorded first)."""
        ...


def open_key(
    source: KeySource, fingerprints: Fingerprints, at: datetime, *, production: bool = False
) -> bytes:
    """The key of ``source``, checked against the register (see the module's rules)."""
    stored = fingerprints.get(source.name)
    key = source.read()
    fix = f"set {source.variable} to it, or CHARTE_HOME to the folder that holds its file"
    if key is None:
        if stored is not None:
            raise KeyRefused(
                f"this database was written with {source.label} (fingerprint {stored[:12]}), which is not "
                f"here ({source.where()}): {fix}; charte never makes a second key for one database"
            )
        if fingerprints.in_use(source.name):
            raise KeyRefused(
                f"this database holds data made with {source.label} before its fingerprint was kept, and "
                f"that key is not here ({source.where()}): {fix}; charte never makes a second key for one "
                "database"
            )
        if production:
            raise KeyRefused(
                f"production: {source.label} would be created on first use ({source.where()}): "
                f"give it in {source.variable} from the secret store"
            )
        key = source.create()
    offered = fingerprint(source.name, key)
    if stored is None:
        stored = fingerprints.record(source.name, offered, at)
    if stored != offered:
        raise KeyRefused(
            f"{source.label} here ({source.where()}) is not the one this database was written with "
            f"(fingerprint {offered[:12]}, the database's {stored[:12]}): {fix}"
        )
    return key


class FieldRotation(Protocol):
    """The register's sealed fields, re-sealed under a new key in one transaction."""

    def rotate(
        self, new_key: bytes, fingerprint: str, at: datetime, *, before_commit: Callable[[], None]
    ) -> dict[str, int]: ...


class SealedFiles(Protocol):
    """Files sealed under the field key (identity documents): re-sealed beside themselves, then
    swapped in once the register's rotation has committed."""

    def reseal(self, new_key: bytes) -> list[tuple[Path, Path]]: ...

    def swap(self, pairs: list[tuple[Path, Path]]) -> None: ...


def rotate_field_key(
    rotation: FieldRotation,
    files: SealedFiles,
    auditor: Auditor,
    *,
    old: bytes,
    new: bytes,
    actor: str,
    at: datetime,
) -> dict[str, object]:
    """Seal every encrypted field and identity document under ``new``, record its fingerprint,
    audit it (the key's name and the counts, never a key). The old key opens nothing written
    after; keep it for the backups made under it."""
    if new == old:
        raise KeyRefused("the new field key is the one in use: generate another")
    printed = fingerprint("field", new)
    pairs: list[tuple[Path, Path]] = []
    counts = rotation.rotate(new, printed, at, before_commit=lambda: pairs.extend(files.reseal(new)))
    files.swap(pairs)
    summary: dict[str, object] = {
        "key": "field",
        "fingerprint": printed[:12],
        **counts,
        "documents": len(pairs),
    }
    auditor.record([Entry(at=at, actor=actor, action=Action.KEY, detail=summary)])
    return summary
