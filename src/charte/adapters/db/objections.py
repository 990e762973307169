"""One objection recorded, with its contacts indexed (rights requests and the opt-out key share it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, insert

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows


def record_objection(
    conn: Connection,
    request_id: int | None,
    purpose: str,
    person: str | None,
    hashes: Sequence[str],
    on: date,
) -> int:
    """The objection to ``purpose`` of the person and of these contacts (keyed hashes), in the
    caller's transaction; each contact indexed so that a call's number is found at call start."""
    opposition = conn.execute(
        insert(t.oppositions)
        .values(
            request_id=request_id,
            purpose=purpose,
            person_ref=person,
            contact_hmacs=json.dumps(list(hashes)),
            on=on,
        )
        .returning(t.oppositions.c.id)
    ).scalar_one()
    insert_rows(
        conn, t.objection_contacts, ("opposition_id", "contact_hmac"), [(opposition, h) for h in hashes]
    )
    return int(opposition)
