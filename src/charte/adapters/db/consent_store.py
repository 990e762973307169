"""Consents written and ended as the feed reports them, in the import's transaction.

A consent is stored against keyed HMACs of its person and contact (the suppression list's form),
so that its proof outlives the prospect's data; ending one sets the day its proof is purged
(the policy's ``prospecting.consent.proof_retention``).
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import Connection, String, bindparam, or_, update

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.ref_hmac import RefHasher
from charte.domain.policy import Policy
from charte.domain.prospecting import instant_of, proof_purge_due
from charte.domain.register_rules import RegisterChunk


def contact_hmac(hasher: RefHasher, contact: str) -> str:
    """A canonical contact (``phone:...``, ``email:...``, ``post:...``) as the suppression list keys it."""
    return hasher(f"contact:{contact}")


def person_hmac(hasher: RefHasher, ref: str) -> str:
    """A person as the audit, the erasure ledger and the disclosures key them."""
    return hasher(f"person:{ref}")


def write_consents(conn: Connection, chunk: RegisterChunk, policy: Policy, hasher: RefHasher) -> None:
    """The chunk's consents, then its withdrawals (a withdrawal ends only the consents given
    before it: a consent given again later in the same file stands)."""
    insert_rows(
        conn,
        t.consents,
        (
            "person_hmac", "purpose", "channel", "contact_hmac", "given_at", "method", "text_name",
            "text_sha256", "source_kind", "source_ref", "event_id",
        ),
        [
            (
                person_hmac(hasher, e.person_ref), e.purpose, e.channel.value,
                contact_hmac(hasher, e.contact), instant_of(e.env.on, e.env.at).astimezone(UTC),
                e.method.value, e.text.name, e.text.sha256, e.source.kind.value, e.source.ref, e.env.id,
            )
            for e in chunk.consents
        ],
    )  # fmt: skip
    if not chunk.consent_ends or policy.prospecting is None:
        return
    kept = policy.retention[policy.prospecting.consent_retention].period
    c = t.consents.c
    ending = (
        update(t.consents)
        .where(
            c.person_hmac == bindparam("b_person"),
            c.purpose == bindparam("b_purpose"),
            c.withdrawn_at.is_(None),
            c.given_at <= bindparam("b_at"),
            # "" names every channel, every contact: one statement for all the chunk's withdrawals.
            or_(bindparam("b_channel", type_=String) == "", c.channel == bindparam("b_channel")),
            or_(bindparam("b_contact", type_=String) == "", c.contact_hmac == bindparam("b_contact")),
        )
        .values(withdrawn_at=bindparam("b_at"), withdrawn_by=bindparam("b_by"), purge_due=bindparam("b_due"))
    )
    conn.execute(
        ending,
        [
            {
                "b_person": person_hmac(hasher, e.person_ref),
                "b_purpose": e.purpose,
                "b_at": instant_of(e.env.on, e.env.at).astimezone(UTC),
                "b_channel": e.channel.value if e.channel is not None else "",
                "b_contact": contact_hmac(hasher, e.contact) if e.contact is not None else "",
                "b_by": e.env.id,
                "b_due": proof_purge_due(e.env.on, kept),
            }
            for e in chunk.consent_ends
        ],
    )
