"""What the register knows about a contact for the prospecting gate, and the gate's answers kept.

The facts are read in indexed lookups, each bounded by the contact, its persons or the rules'
periods: the consents covering the contact for the purpose and channel; whether the contact or
its persons objected; whether a person holding it is a client under contract; the calls made to
those persons in the periods the rules count; the latest Bloctel list and whether it lists the
number. The persons holding a contact are found in the person search's index (the contact's
canonical form is its term there).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import orjson
from sqlalchemy import Connection, Engine, func, insert, select, update

from charte.adapters.db import tables as t
from charte.adapters.db.batch_lookups import among
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.consent_store import contact_hmac, person_hmac
from charte.adapters.db.person_search import STALE, settle
from charte.adapters.ref_hmac import RefHasher
from charte.domain.policy import Policy
from charte.domain.prospecting import (
    Attempt,
    BloctelCheck,
    Channel,
    ConsentSpan,
    Decision,
    Facts,
    Prospecting,
)
from charte.domain.register import Direction, Outcome, Role
from charte.services.errors import NotReady
from charte.services.prospecting import Asked

# The longest period a call rule looks back over, in days, beyond its own count (a margin for
# the consumer's time zone, which may put a call on another calendar day than Paris does).
_MARGIN = 2


_NO_RULES = Prospecting(purposes=(), consent_rules=(), consent_sources=frozenset(), consent_retention="")


class SqlProspecting:
    """Implements ``services.prospecting.ProspectingStore`` on a SQLAlchemy engine."""

    def __init__(self, engine: Engine, policy: Policy, hasher: RefHasher) -> None:
        self.engine, self.policy, self.hasher = engine, policy, hasher
        self.dialect = engine.dialect.name

    @property
    def rules(self) -> Prospecting:
        """The policy's section (the service asks only when there is one)."""
        return self.policy.prospecting or _NO_RULES

    def facts(self, asked: Asked, contact: str, day: date) -> tuple[Facts, tuple[str, ...]]:
        (found,) = self.facts_many([(asked, contact, day)])
        return found

    def facts_many(self, batch: Sequence[tuple[Asked, str, date]]) -> list[tuple[Facts, tuple[str, ...]]]:
        """The facts of a batch of solicitations in one statement per kind of fact, whatever the
        batch's size (each an indexed lookup of the batch's contacts, persons or lists)."""
        if not batch:
            return []
        keys = {contact: contact_hmac(self.hasher, contact) for _, contact, _ in batch}
        purposes = {asked.purpose for asked, _, _ in batch}
        calls = [b for b in batch if b[0].channel in self.rules.calls]
        with self.engine.connect() as conn:
            holders = self._holders(conn, list(keys), {a.person_ref for a, _, _ in batch} - {None})
            ids = sorted({pid for found in holders.values() for pid, _ in found})
            refs = sorted({ref for found in holders.values() for _, ref in found})
            consents = self._consents(
                conn, list(keys.values()), purposes, {a.channel.value for a, _, _ in batch}
            )
            objected = self._objected(conn, list(keys.values()), refs, purposes)
            contracts = self._contracts(conn, ids)
            days = [day for _, _, day in calls]
            attempts = self._attempts(conn, ids, min(days)) if calls else {}
            bloctel = self._bloctel(conn, [keys[c] for _, c, _ in calls], set(days)) if calls else {}
            conn.commit()  # a claim of a fresh index (settle), if there was one
        out = []
        clients: dict[date, set[int]] = {}  # the persons under a running contract, by day: once a batch
        no_person: tuple[str, ...] = ()
        for asked, contact, day in batch:
            key = keys[contact]
            found = holders.get(contact, [])
            if asked.person_ref is not None:
                found = [*found, *holders.get(f"ref:{asked.person_ref}", ())]
            named = tuple(sorted({ref for _, ref in found})) if found else no_person
            is_call = asked.channel in self.rules.calls
            client = False
            if found and contracts:
                if day not in clients:
                    clients[day] = {
                        pid
                        for pid, spans in contracts.items()
                        if any(signed <= day and (ended is None or ended > day) for signed, ended in spans)
                    }
                client = any(pid in clients[day] for pid, _ in found)
            facts = Facts(
                consents=tuple(consents.get((key, asked.purpose, asked.channel.value), ())),
                objected=(key, asked.purpose) in objected
                or any((r, asked.purpose) in objected for r in named),
                client=client,
                attempts=tuple(a for pid, _ in found for a in attempts.get(pid, ()))
                if is_call and found
                else (),
                bloctel=_check(bloctel, key, day) if is_call else None,
            )
            out.append((facts, named))
        return out

    def _holders(
        self, conn: Connection, contacts: list[str], named: set[str | None]
    ) -> dict[str, list[tuple[int, str]]]:
        """The persons holding each contact (the person search's index: a canonical contact is its
        term there), and each person named, under ``ref:<ref>``."""
        p, s = t.persons.c, t.person_search.c
        search = self.policy.search
        out: dict[str, list[tuple[int, str]]] = {}
        terms = [c for c in contacts if not c.startswith("post:")]
        if search.contacts and terms:
            if not settle(conn, search):
                raise NotReady(STALE)
            rows = conn.execute(
                select(s.term, p.id, p.ref)
                .join(t.persons, p.id == s.person_id)
                .where(among(s.term, terms, self.dialect), s.field.in_(search.contacts))
            ).all()
            for term, pid, ref in rows:
                if (pid, ref) not in out.setdefault(term, []):
                    out[term].append((pid, ref))
        refs = [r for r in named if r is not None]
        if refs:
            for pid, ref in conn.execute(select(p.id, p.ref).where(p.ref.in_(refs))).all():
                out.setdefault(f"ref:{ref}", []).append((pid, ref))
        return out

    def _consents(
        self, conn: Connection, keys: list[str], purposes: set[str], channels: set[str]
    ) -> dict[tuple[str, str, str], list[ConsentSpan]]:
        c = t.consents.c
        rows = conn.execute(
            select(c.contact_hmac, c.purpose, c.channel, c.given_at, c.withdrawn_at).where(
                among(c.contact_hmac, keys, self.dialect), c.purpose.in_(purposes), c.channel.in_(channels)
            )
        ).all()
        out: dict[tuple[str, str, str], list[ConsentSpan]] = {}
        for r in rows:
            span = ConsentSpan(_utc(r.given_at), _utc(r.withdrawn_at) if r.withdrawn_at else None)
            out.setdefault((r.contact_hmac, r.purpose, r.channel), []).append(span)
        return out

    def _objected(
        self, conn: Connection, keys: list[str], refs: list[str], purposes: set[str]
    ) -> set[tuple[str, str]]:
        """(contact or ref, purpose) pairs objected to: the suppression list (an objection to
        prospecting, GDPR Art. 21(3), for every purpose the gate decides), an objection to the
        purpose by the contact or by a person holding it."""
        o, oc, sl = t.oppositions.c, t.objection_contacts.c, t.suppression_list.c
        found = {
            (k, p)
            for (k,) in conn.execute(
                select(sl.contact_hmac).where(among(sl.contact_hmac, keys, self.dialect))
            )
            for p in purposes
        }
        found |= {
            (k, p)
            for k, p in conn.execute(
                select(oc.contact_hmac, o.purpose)
                .join(t.oppositions, o.id == oc.opposition_id)
                .where(among(oc.contact_hmac, keys, self.dialect), o.purpose.in_(purposes))
            )
        }
        if refs:
            found |= {
                (r, p)
                for r, p in conn.execute(
                    select(o.person_ref, o.purpose).where(
                        among(o.person_ref, refs, self.dialect), o.purpose.in_(purposes)
                    )
                )
            }
        return found

    def _contracts(self, conn: Connection, ids: list[int]) -> dict[int, list[tuple[date, date | None]]]:
        """Each person's contracts as a client: (signed, ended)."""
        if not ids:
            return {}
        r, k = t.roles.c, t.contracts.c
        rows = conn.execute(
            select(r.person_id, k.signed_on, k.ended_on)
            .join(t.contracts, k.id == r.contract_id)
            .where(among(r.person_id, ids, self.dialect), r.role == Role.CLIENT.value)
        ).all()
        out: dict[int, list[tuple[date, date | None]]] = {}
        for pid, signed, ended in rows:
            out.setdefault(pid, []).append((signed, ended))
        return out

    def _attempts(self, conn: Connection, ids: list[int], first_day: date) -> dict[int, list[Attempt]]:
        """The calls made to the persons over the periods the rules count (the contact log)."""
        rules = self.rules
        back = max(
            rules.attempts.days if rules.attempts else 0,
            rules.after_refusal.days + 1 if rules.after_refusal else 0,
        )
        if not ids or back == 0:
            return {}
        x = t.contact_log.c
        rows = conn.execute(
            select(x.person_id, x.on, x.outcome).where(
                among(x.person_id, ids, self.dialect),
                x.on >= first_day - timedelta(days=back + _MARGIN),
                x.direction == Direction.OUTBOUND.value,
                x.channel == Channel.PHONE.value,
            )
        ).all()
        out: dict[int, list[Attempt]] = {}
        for pid, on, outcome in rows:
            out.setdefault(pid, []).append(Attempt(on, refused=outcome == Outcome.REFUSED.value))
        return out

    def _bloctel(
        self, conn: Connection, keys: list[str], days: set[date]
    ) -> dict[date, tuple[date, set[str]]]:
        """For each day, the latest list dated on or before it and the batch's numbers on it."""
        b, n = t.bloctel_lists.c, t.bloctel_numbers.c
        lists: dict[date, tuple[int, date]] = {}
        for day in days:
            latest = conn.execute(
                select(b.id, b.dated).where(b.dated <= day).order_by(b.dated.desc(), b.id.desc()).limit(1)
            ).first()
            if latest is not None:
                lists[day] = (latest.id, latest.dated)
        ids = {list_id for list_id, _ in lists.values()}
        listed: dict[int, set[str]] = {}
        if ids:
            rows = conn.execute(
                select(n.list_id, n.contact_hmac).where(
                    n.list_id.in_(ids), among(n.contact_hmac, keys, self.dialect)
                )
            )
            for list_id, key in rows:
                listed.setdefault(list_id, set()).add(key)
        return {day: (dated, listed.get(list_id, set())) for day, (list_id, dated) in lists.items()}

    def record(
        self,
        asked: Asked,
        contact: str,
        person: str | None,
        decision: Decision,
        *,
        actor: str,
        at: datetime,
        purge_due: date,
    ) -> int:
        reasons = [{"code": r.code, "source": r.source, "detail": r.detail} for r in decision.reasons]
        with self.engine.begin() as conn:
            row = conn.execute(
                insert(t.prospecting_decisions)
                .values(
                    asked_at=at.astimezone(UTC),
                    moment=asked.moment.astimezone(UTC),
                    contact_hmac=contact_hmac(self.hasher, contact),
                    person_hmac=person_hmac(self.hasher, person) if person is not None else None,
                    channel=asked.channel.value,
                    purpose=asked.purpose,
                    campaign=asked.campaign,
                    allowed=decision.allowed,
                    reasons=orjson.dumps(reasons).decode(),
                    actor=actor,
                    purge_due=purge_due,
                )
                .returning(t.prospecting_decisions.c.id)
            ).scalar_one()
        return int(row)


def _check(lists: dict[date, tuple[date, set[str]]], key: str, day: date) -> BloctelCheck | None:
    found = lists.get(day)
    if found is None:
        return None
    dated, listed = found
    return BloctelCheck(dated=dated, listed=key in listed)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _Listing:
    def __init__(self, conn: Connection, hasher: RefHasher, list_id: int) -> None:
        self.conn, self.hasher, self.id = conn, hasher, list_id

    def add(self, contacts: list[str]) -> None:
        rows = [(self.id, contact_hmac(self.hasher, c)) for c in dict.fromkeys(contacts)]
        insert_rows(
            self.conn,
            t.bloctel_numbers,
            ("list_id", "contact_hmac"),
            rows,
            conflict=("list_id", "contact_hmac"),
        )

    def count(self) -> int:
        n = t.bloctel_numbers.c
        return int(self.conn.execute(select(func.count()).where(n.list_id == self.id)).scalar_one())


class SqlBloctel:
    """Implements ``services.bloctel.BloctelStore``."""

    def __init__(self, engine: Engine, hasher: RefHasher) -> None:
        self.engine, self.hasher = engine, hasher

    @contextmanager
    def bloctel_list(self, dated: date, *, actor: str, at: datetime, purge_due: date) -> Iterator[_Listing]:
        with self.engine.begin() as conn:
            list_id = conn.execute(
                insert(t.bloctel_lists)
                .values(
                    dated=dated, numbers=0, loaded_at=at.astimezone(UTC), loaded_by=actor, purge_due=purge_due
                )
                .returning(t.bloctel_lists.c.id)
            ).scalar_one()
            listing = _Listing(conn, self.hasher, int(list_id))
            yield listing
            count = listing.count()
            conn.execute(update(t.bloctel_lists).where(t.bloctel_lists.c.id == list_id).values(numbers=count))
