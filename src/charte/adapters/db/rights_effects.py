"""What answering a right changes in the register, with its orders and recipient notices, atomically.

Each operation is one transaction: the change, the orders to the operator's systems (the outbox:
a promise kept only in charte's copy is not kept), the GDPR Art. 19 notices owed to each
recipient the disclosure ledger says received the data concerned, and the record that the change
was applied (``applied_effects``: answering the request again returns it, orders are not doubled).
Nothing is half-applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.applied_effects import already, remember
from charte.adapters.db.erasure_marks import suppress
from charte.adapters.db.objections import record_objection
from charte.adapters.db.outbox_store import add_orders
from charte.adapters.db.person_search import write_terms
from charte.adapters.db.times import utc
from charte.adapters.field_cipher import FieldCipher
from charte.domain.contacts import contact_key
from charte.domain.orders import Order, OrderKind
from charte.domain.policy import Policy
from charte.domain.register import Role
from charte.domain.register_rules import justifying_roles
from charte.services.errors import NotFound, Refused
from charte.services.ports import ErasureLedger
from charte.services.rights_desk import RecipientNotice


class SqlRightsEffects:
    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        cipher: FieldCipher,
        hasher: Callable[[str], str],
        ledger: ErasureLedger | None = None,
    ) -> None:
        self.engine, self.policy, self.cipher, self.hasher = engine, policy, cipher, hasher
        self.ledger = ledger  # suppression-list entries outlive a restored backup there

    def restrict(
        self,
        request_id: int,
        ref: str,
        since: date | None,
        ground: str | None,
        at: datetime,
        orders: Sequence[Order],
    ) -> dict[str, Any]:
        """Set (``since`` given) or lift (None) the Art. 18 flag; the orders, and notices to all."""
        kind = OrderKind.RESTRICTION_SET if since is not None else OrderKind.RESTRICTION_LIFTED
        with self.engine.begin() as conn:
            if (before := already(conn, request_id, kind.value)) is not None:
                return before
            done = conn.execute(
                update(t.persons)
                .where(t.persons.c.ref == ref)
                .values(restricted_since=since, restriction_ground=ground)
            )
            if done.rowcount != 1:
                raise NotFound("person", ref)
            add_orders(conn, orders)
            told = owe_notices(conn, self.hasher, request_id, ref, kind, None, at)
            detail = {"orders": sorted(o.system for o in orders), "recipients": told}
            return remember(conn, request_id, kind.value, detail, at, "charte")

    def rectify(
        self, request_id: int, ref: str, changes: Mapping[str, str], at: datetime, orders: Sequence[Order]
    ) -> dict[str, Any]:
        """Apply the new values: a field on file is replaced; a missing one is added for the
        person's roles whose subject category collects it (and refused if none does); the orders."""
        p, pf, r = t.persons.c, t.person_fields.c, t.roles.c
        encrypted = self.policy.encrypted_fields
        with self.engine.begin() as conn:
            pid = conn.execute(select(p.id).where(p.ref == ref).with_for_update()).scalar()
            if (before := already(conn, request_id, OrderKind.RECTIFICATION_REQUIRED.value)) is not None:
                return before
            if pid is None:
                raise NotFound("person", ref)
            on_file = set(conn.execute(select(pf.field).where(pf.person_id == pid)).scalars())
            roles = set(conn.execute(select(r.role).where(r.person_id == pid)).scalars())
            for field, value in changes.items():
                stored = self.cipher.encrypt(field, value) if field in encrypted else value
                if field in on_file:
                    conn.execute(
                        update(t.person_fields)
                        .where(pf.person_id == pid, pf.field == field)
                        .values(value=stored)
                    )
                    continue
                justified = justifying_roles(self.policy, field, roles)
                if not justified:
                    raise Refused(
                        f"field '{field}' is not collected for this person's roles: it cannot be added"
                    )
                conn.execute(insert(t.person_fields).values(person_id=pid, field=field, value=stored))
                conn.execute(
                    insert(t.field_sources),
                    [{"person_id": pid, "field": field, "role": x} for x in justified],
                )
            write_terms(conn, self.policy.search, [(pid, f, v) for f, v in changes.items()])
            kind = OrderKind.RECTIFICATION_REQUIRED
            add_orders(conn, orders)
            told = owe_notices(conn, self.hasher, request_id, ref, kind, set(changes), at)
            detail = {
                "fields": sorted(changes),
                "orders": sorted(o.system for o in orders),
                "recipients": told,
            }
            return remember(conn, request_id, kind.value, detail, at, "charte")

    def oppose(
        self,
        request_id: int,
        ref: str | None,
        purpose: str,
        contacts: list[str],
        suppress_until: date | None,
        at: datetime,
        orders: Sequence[Order],
    ) -> dict[str, Any]:
        """Record an objection to ``purpose`` (the person, and their contacts as keyed hashes of
        their canonical form); with ``suppress_until``, put the contacts on the suppression list
        until then; the orders to the systems to record it."""
        keys = {k for v in contacts if (k := contact_key(v)) is not None}
        hashes = sorted(self.hasher(f"contact:{k}") for k in keys)
        on = at.date()
        with self.engine.begin() as conn:
            if (before := already(conn, request_id, OrderKind.OPPOSITION_RECORDED.value)) is not None:
                return before
            record_objection(conn, request_id, purpose, ref, hashes, on)
            if suppress_until is not None:
                listed = [(h, on, suppress_until) for h in hashes]
                suppress(conn, listed)
                if self.ledger is not None and listed:  # before the commit (adapters/erasure_ledger.py)
                    entries = [[h, added.isoformat(), due.isoformat()] for h, added, due in listed]
                    self.ledger.write({"at": at, "request": request_id, "suppressed": entries})
            add_orders(conn, orders)
            detail = {"purpose": purpose, "contacts": len(hashes), "orders": sorted(o.system for o in orders)}
            return remember(conn, request_id, OrderKind.OPPOSITION_RECORDED.value, detail, at, "charte")

    def notices(self, *, pending_only: bool) -> list[RecipientNotice]:
        n = t.recipient_notices.c
        query = select(t.recipient_notices).order_by(n.id)
        if pending_only:
            query = query.where(n.sent_at.is_(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            RecipientNotice(
                id=x["id"],
                request=x["request_id"],
                recipient=x["recipient"],
                kind=x["kind"],
                person=x["person_ref"],
                fields=tuple(json.loads(x["fields"])),
                created_at=utc(x["created_at"]),
                sent_at=utc(x["sent_at"]),
                sent_by=x["sent_by"],
                site=x["site_ref"],
            )
            for x in rows
        ]

    def notice_sent(self, notice_id: int, at: datetime, by: str) -> bool:
        n = t.recipient_notices.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.recipient_notices)
                .where(n.id == notice_id, n.sent_at.is_(None))
                .values(sent_at=at.astimezone(UTC), sent_by=by)
            )
        return done.rowcount == 1


def owe_notices(
    conn: Connection,
    hasher: Callable[[str], str],
    request_id: int,
    ref: str,
    kind: OrderKind,
    fields: set[str] | None,
    at: datetime,
) -> list[str]:
    """One Art. 19 notice per recipient that received any of ``fields`` (all it received when
    None), in the caller's transaction. The disclosure ledger outlives the person: it names them
    by their keyed HMAC, so an erasure's notices are found after the person is gone."""
    d = t.disclosures.c
    received: dict[str, set[str]] = {}
    for recipient, sent in conn.execute(
        select(d.recipient, d.fields).where(d.person_hmac == hasher(f"person:{ref}"))
    ):
        received.setdefault(recipient, set()).update(json.loads(sent))
    rows: list[dict[str, Any]] = []
    for recipient, got in sorted(received.items()):
        concerned = sorted(got if fields is None else got & fields)
        if concerned:
            rows.append(
                {
                    "request_id": request_id,
                    "recipient": recipient,
                    "kind": kind.value,
                    "person_ref": ref,
                    "fields": json.dumps(concerned),
                    "created_at": at.astimezone(UTC),
                }
            )
    if rows:
        conn.execute(insert(t.recipient_notices), rows)
    return [str(row["recipient"]) for row in rows]


def owe_client_notices(conn: Connection, request_id: int, sites: Sequence[str], at: datetime) -> list[str]:
    """One notice per client under a running contract at each of ``sites``, in the caller's
    transaction: the trusted person designated there is designated no more (they objected,
    GDPR Art. 21(1)), so the client is asked to designate another. Set-based: one select, one
    insert, whatever the number of sites."""
    r, p, c, s = t.roles.c, t.persons.c, t.contracts.c, t.sites.c
    clients = conn.execute(
        select(p.ref, s.ref.label("site"))
        .select_from(t.roles)
        .join(t.persons, p.id == r.person_id)
        .join(t.contracts, c.id == r.contract_id)
        .join(t.sites, s.id == c.site_id)
        .where(
            r.role == Role.CLIENT.value,
            r.ended_on.is_(None),
            c.ended_on.is_(None),
            s.ref.in_(sorted(set(sites))),
        )
        .distinct()
        .order_by(s.ref, p.ref)
    ).all()
    rows = [
        {
            "request_id": request_id,
            "recipient": Role.CLIENT.value,
            "kind": OrderKind.DESIGNATION_ENDED.value,
            "person_ref": ref,
            "fields": "[]",
            "site_ref": site,
            "created_at": at.astimezone(UTC),
        }
        for ref, site in clients
    ]
    if rows:
        conn.execute(insert(t.recipient_notices), rows)
    return [str(row["person_ref"]) for row in rows]
