"""Consents written and ended as the feed reports them, in the import's transaction.

A consent is stored against keyed HMACs of its person and contact (the suppression list's form),
so that its proof outlives the prospect's data; ending one sets the day its proof is purged
(the policy's ``prospecting.consent.proof_retention``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Connection, Engine, String, bindparam, func, or_, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.outbox_store import add_orders
from charte.adapters.db.person_search import STALE, settle
from charte.adapters.ref_hmac import RefHasher
from charte.domain.orders import Order
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel, Reason, instant_of, proof_purge_due
from charte.domain.register_rules import RegisterChunk
from charte.services.consents import (
    CollectedBy,
    ConsentCounts,
    ConsentProof,
    ConsentView,
    Ended,
    GateAnswer,
    InForce,
    Solicitation,
    TextShown,
)
from charte.services.errors import NotReady


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


class SqlConsents:
    """Implements ``services.consents.ConsentStore``."""

    def __init__(self, engine: Engine, policy: Policy, hasher: RefHasher) -> None:
        self.engine, self.policy, self.hasher = engine, policy, hasher

    def withdraw(
        self,
        contact: str,
        channel: Channel,
        purposes: Sequence[str],
        *,
        at: datetime,
        by: str,
        purge_due: date,
        plan: Callable[[Sequence[str]], list[Order]],
    ) -> Ended:
        c, s, p = t.consents.c, t.person_search.c, t.persons.c
        key = contact_hmac(self.hasher, contact)
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.consents)
                .where(
                    c.contact_hmac == key,
                    c.channel == channel.value,
                    c.purpose.in_(purposes),
                    c.withdrawn_at.is_(None),
                    c.given_at <= at.astimezone(UTC),
                )
                .values(withdrawn_at=at.astimezone(UTC), withdrawn_by=by, purge_due=purge_due)
            )
            refs: list[str] = []
            search = self.policy.search
            if search.contacts and not contact.startswith("post:"):
                if not settle(conn, search):
                    raise NotReady(STALE)
                refs = list(
                    conn.execute(
                        select(p.ref)
                        .join(t.person_search, s.person_id == p.id)
                        .where(s.term == contact, s.field.in_(search.contacts))
                        .distinct()
                        .order_by(p.ref)
                    ).scalars()
                )
            orders = plan(refs)
            add_orders(conn, orders)
        return Ended(int(done.rowcount), tuple(refs), len(orders))

    def proof(self, contact: str) -> ConsentProof:
        c, d, x, s, p = (
            t.consents.c,
            t.prospecting_decisions.c,
            t.contact_log.c,
            t.person_search.c,
            t.persons.c,
        )
        key = contact_hmac(self.hasher, contact)
        with self.engine.connect() as conn:
            consents = tuple(
                _consent(r)
                for r in conn.execute(
                    select(t.consents).where(c.contact_hmac == key).order_by(c.given_at, c.id)
                )
            )
            decisions = tuple(
                GateAnswer(
                    decision=r.id,
                    moment=_utc(r.moment),
                    channel=r.channel,
                    purpose=r.purpose,
                    campaign=r.campaign,
                    answer="allowed" if r.allowed else "refused",
                    reasons=tuple(
                        Reason(x["code"], x["source"], x["detail"]) for x in orjson.loads(r.reasons)
                    ),
                    asked_by=r.actor,
                    asked_at=_utc(r.asked_at),
                )
                for r in conn.execute(
                    select(t.prospecting_decisions).where(d.contact_hmac == key).order_by(d.moment, d.id)
                )
            )
            holders = select(s.person_id).where(s.term == contact, s.field.in_(self.policy.search.contacts))
            rows = conn.execute(
                select(p.ref, x.on, x.channel, x.direction, x.answered, x.outcome, x.event_id)
                .join(t.persons, p.id == x.person_id)
                .where(x.person_id.in_(holders), x.direction == "outbound")
                .order_by(x.on, x.id)
            ).all()
        # Each solicitation with the gate's answers about the contact on that day and channel (the
        # proof that it was allowed when it was made: Code de la consommation L223-1).
        solicitations = tuple(
            Solicitation(
                person=r.ref, on=r.on, channel=r.channel, direction=r.direction, answered=r.answered,
                outcome=r.outcome, event=r.event_id,
                decisions=tuple(a.decision for a in decisions if _same_day(a, r.on, r.channel)),
            )
            for r in rows
        )  # fmt: skip
        return ConsentProof(consents, decisions, solicitations)

    def of_person(self, ref: str) -> list[ConsentView]:
        """A person's consents, as the proof keeps them, newest first."""
        c = t.consents.c
        mine = c.person_hmac == person_hmac(self.hasher, ref)
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.consents).where(mine).order_by(c.given_at.desc(), c.id)).all()
        return [_consent(r) for r in rows]

    def summary(self, since: datetime) -> ConsentCounts:
        """Counts only: consents in force by purpose and channel, withdrawals since ``since``, the
        gate's answers since then, and its refusals by reason."""
        c, d = t.consents.c, t.prospecting_decisions.c
        with self.engine.connect() as conn:
            standing = conn.execute(
                select(c.purpose, c.channel, func.count())
                .where(c.withdrawn_at.is_(None))
                .group_by(c.purpose, c.channel)
            ).all()
            withdrawn = conn.execute(
                select(c.channel, func.count())
                .where(c.withdrawn_at >= since.astimezone(UTC))
                .group_by(c.channel)
            ).all()
            answers = conn.execute(
                select(d.allowed, d.reasons).where(d.asked_at >= since.astimezone(UTC))
            ).all()
        refused: dict[str, int] = {}
        for allowed, reasons in answers:
            if not allowed:
                for reason in orjson.loads(reasons):
                    refused[reason["code"]] = refused.get(reason["code"], 0) + 1
        return ConsentCounts(
            in_force=tuple(InForce(purpose, channel, n) for purpose, channel, n in standing),
            withdrawn=tuple(sorted((channel, n) for channel, n in withdrawn)),
            allowed=sum(1 for a, _ in answers if a),
            refused=sum(1 for a, _ in answers if not a),
            refused_by_reason=tuple(sorted(refused.items(), key=lambda kv: -kv[1])),
        )


PARIS = ZoneInfo("Europe/Paris")


def _same_day(answer: GateAnswer, on: date, channel: str | None) -> bool:
    return answer.channel == channel and answer.moment.astimezone(PARIS).date() == on


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _consent(r: Any) -> ConsentView:
    return ConsentView(
        purpose=r.purpose,
        channel=r.channel,
        given_at=_utc(r.given_at),
        method=r.method,
        text=TextShown(r.text_name, r.text_sha256),
        source=CollectedBy(r.source_kind, r.source_ref),
        withdrawn_at=_utc(r.withdrawn_at) if r.withdrawn_at else None,
        withdrawn_by=r.withdrawn_by,
        kept_until=r.purge_due,
        event=r.event_id,
    )
