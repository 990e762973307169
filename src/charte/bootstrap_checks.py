"""The composition root's checks of an installation before it serves in production: each problem
one sentence naming the setting that fixes it (docs/settings.md#production)."""

from __future__ import annotations

import stat
from collections.abc import Mapping

from charte.adapters.key_files import KeyFile
from charte.config import Settings


def production_problems(s: Settings, sources: Mapping[str, KeyFile]) -> list[str]:
    """Why this installation must not serve in production (docs/settings.md#production):
    each problem one sentence naming the setting that fixes it. Fails closed: what cannot be
    checked (a folder that cannot be read) is a problem too."""
    found = list(s.exposures())
    database = s.sqlite_file
    if database is not None:
        folder = database.resolve().parent
        for what, path in (("folder", folder), ("file", database)):
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except OSError:
                found.append(
                    f"the SQLite database's {what} ({path}) cannot be checked: run `charte db upgrade`"
                )
                continue
            if mode & 0o077:
                found.append(
                    f"the SQLite database's {what} ({path}) is open to other accounts (mode {mode:o}): "
                    "make it owner-only, or use PostgreSQL (CHARTE_DATABASE_URL)"
                )
        if s.keyring_dir.resolve().is_relative_to(folder):
            found.append(
                f"the recordings' keyring ({s.keyring_dir}) is in the database's folder ({folder}): "
                "set CHARTE_KEYRING to a folder on another volume"
            )
        for key in sources.values():
            if (  # (a key that would be created is told below; the signing key, above)
                key.name != "audit-signing"
                and not key.value
                and key.path.exists()
                and key.path.resolve().is_relative_to(folder)
            ):
                found.append(
                    f"{key.label} is read from a file in the database's folder ({key.path}): "
                    f"give it in {key.variable} from a secret store"
                )
    for key in sources.values():
        if not key.value and not key.path.exists():
            found.append(
                f"{key.label} would be created on first use ({key.path}): generate 32 random bytes once "
                f"(base64) and give them in {key.variable}"
            )
    if not s.smtp_url:
        found.append(
            f"notices to requesters would be written to a folder ({s.home / 'outbox-mail'}), never sent: "
            "set CHARTE_SMTP_URL"
        )
    return found
