"""What an erasure leaves behind in the database, written the same way by every path that erases
(the sweep, a request, an objection, a recording's purge, the ledger's replay): tombstones and
suppression-list entries, both keyed HMACs only, upserted so that writing one twice is harmless."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows


def bury(conn: Connection, stones: Sequence[tuple[str, str, date]], *, redate: bool = False) -> None:
    """Tombstones (HMAC of ``kind:ref``, kind, erased on); ``redate`` moves an existing one's date
    to this erasure (a ref erased, collected again, then erased again)."""
    update = ("erased_on",) if redate else ()
    insert_rows(
        conn, t.tombstones, ("ref_hmac", "kind", "erased_on"), stones, conflict=("ref_hmac",), update=update
    )


def suppress(conn: Connection, entries: Sequence[tuple[str, date, date]]) -> None:
    """Suppression-list entries (HMAC of a canonical contact, added on, purge due); a contact
    listed again takes the later dates."""
    insert_rows(
        conn,
        t.suppression_list,
        ("contact_hmac", "added_on", "purge_due"),
        entries,
        conflict=("contact_hmac",),
        update=("added_on", "purge_due"),
    )
