"""The register's record of its keys' fingerprints (``services.keys.Fingerprints``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t


class SqlFingerprints:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._table = False

    def _ready(self) -> bool:
        # Before `charte db upgrade` has run there is nothing to check against: the first use
        # after it records the key (and `db upgrade` itself reads no personal data).
        self._table = self._table or inspect(self.engine).has_table(t.key_fingerprints.name)
        return self._table

    def get(self, name: str) -> str | None:
        if not self._ready():
            return None
        c = t.key_fingerprints.c
        with self.engine.connect() as conn:
            found: str | None = conn.execute(select(c.fingerprint).where(c.name == name)).scalar_one_or_none()
        return found

    def record(self, name: str, fingerprint: str, at: datetime) -> str:
        if not self._ready():
            return fingerprint
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.key_fingerprints).values(name=name, fingerprint=fingerprint, recorded_at=at)
                )
        except IntegrityError:  # another process recorded it first: theirs stands
            pass
        return self.get(name) or fingerprint
