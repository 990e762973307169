"""Re-sealing every encrypted field of the register under a new field key, in one transaction.

AES-GCM cannot run in SQL, so each sealed value is read, opened with the old key and sealed with
the new one in the process — in keyset batches (bounded memory, one ``executemany`` per batch),
only the rows holding ``enc:v1:`` values. The key's fingerprint changes in the same transaction: a
process still holding the old key is refused from the commit on. Identity documents (files) are
re-sealed beside themselves before the commit and swapped in after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, select, tuple_, update

from charte.adapters.db import tables as t
from charte.adapters.field_cipher import PREFIX, FieldCipher

BATCH = 2_000
SEALED = ((t.person_fields, "person_id"), (t.site_fields, "site_id"))


class SqlFieldRotation:
    def __init__(self, engine: Engine, old: FieldCipher) -> None:
        self.engine, self.old = engine, old

    def rotate(
        self, new_key: bytes, fingerprint: str, at: datetime, *, before_commit: Callable[[], None]
    ) -> dict[str, int]:
        new = FieldCipher(new_key)
        counts: dict[str, int] = {}
        with self.engine.begin() as conn:
            for table, owner in SEALED:
                counts[table.name] = self._reseal(conn, table, owner, new)
            f, row = t.key_fingerprints.c, {"fingerprint": fingerprint, "recorded_at": at}
            moved = conn.execute(update(t.key_fingerprints).where(f.name == "field").values(row)).rowcount
            if not moved:
                conn.execute(insert(t.key_fingerprints).values(row | {"name": "field"}))
            before_commit()
        return counts

    def _reseal(self, conn: Connection, table: Table, owner: str, new: FieldCipher) -> int:
        c, done, last = table.c, 0, None
        change = (
            update(table)
            .where(and_(c[owner] == bindparam("o"), c.field == bindparam("f")))
            .values(value=bindparam("v"))
        )
        while True:
            page = select(c[owner], c.field, c.value).where(c.value.like(f"{PREFIX}%"))
            if last is not None:
                page = page.where(tuple_(c[owner], c.field) > tuple_(*last))
            rows = conn.execute(page.order_by(c[owner], c.field).limit(BATCH)).all()
            if not rows:
                return done
            conn.execute(
                change, [{"o": o, "f": f, "v": new.encrypt(f, self.old.decrypt(f, v))} for o, f, v in rows]
            )
            done, last = done + len(rows), (rows[-1][0], rows[-1][1])
