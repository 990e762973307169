"""The register's record of its keys' fingerprints (``services.keys.Fingerprints``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Engine, Table, insert, inspect, literal, select
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.adapters.field_cipher import PREFIX


def _sealed(table: Table) -> ColumnElement[bool]:
    return table.c.value.like(f"{PREFIX}%")


# What in the database shows a key was used before its fingerprint was recorded (a register
# written by a charte older than the fingerprints): creating a new key then would mix two. Not
# the audit signing key: entries are chained without it (imports, sweeps append them) and what it
# signs lies outside the database — a checkpoint signed by another key fails `audit verify`.
USED_BY: dict[str, tuple[tuple[Table, ColumnElement[bool] | None], ...]] = {
    "field": ((t.person_fields, _sealed(t.person_fields)), (t.site_fields, _sealed(t.site_fields))),
    "refs": ((t.tombstones, None), (t.suppression_list, None), (t.disclosures, None)),
    "recordings-master": (
        (t.calls, t.calls.c.audio.is_not(None)),
        (t.calls, t.calls.c.transcript.is_not(None)),
    ),
}


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

    def in_use(self, name: str) -> bool:
        """Whether this database already holds data made with the key ``name`` (sealed values,
        keyed hashes, a signed chain) — then a key exists somewhere, recorded or not."""
        if not self._ready():
            return False
        names = set(inspect(self.engine).get_table_names())
        with self.engine.connect() as conn:
            for table, where in USED_BY.get(name, ()):
                if table.name in names:
                    probe = select(literal(1)).select_from(table)
                    if conn.execute((probe if where is None else probe.where(where)).limit(1)).first():
                        return True
        return False

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
