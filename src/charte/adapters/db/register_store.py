"""The register in SQL: bulk loads and bulk writes for event imports (SQLite and PostgreSQL).

Each chunk costs a fixed number of statements whatever its size: one query per table to load
the state of the refs it names, then one executemany per kind of change. No statement is issued
per event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from charte.adapters.db import tables as t
from charte.adapters.db.alarms_store import latest_contracts
from charte.adapters.db.batch_lookups import among
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.calls_schedule import insert_calls, refresh_call_holds
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.consent_store import write_consents
from charte.adapters.db.hold_releases import persons_held_by
from charte.adapters.db.outbox_store import add_orders
from charte.adapters.db.person_search import write_terms
from charte.adapters.db.register_cases import load_cases, write_cases
from charte.adapters.db.retention_units import affected_by, refresh_units
from charte.adapters.field_cipher import FieldCipher
from charte.adapters.ref_hmac import RefHasher
from charte.domain.contacts import contact_key
from charte.domain.orders import Order
from charte.domain.policy import Policy
from charte.domain.register import (
    AlarmRaised,
    CallRecorded,
    CallTranscribed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactRegistered,
    ContractEnded,
    ContractSigned,
    Event,
    LitigationAppealed,
    LitigationClosed,
    LitigationJudgment,
    LitigationOpened,
    LitigationServed,
    ProspectCollected,
    ProspectContacted,
    Role,
    Source,
    TrustedPersonDesignated,
    TrustedPersonRemoved,
)
from charte.domain.register_rules import ContractRow, RegisterChunk, RoleRow, names_of
from charte.domain.vocabulary import SourceKind
from charte.services.consents import FeedWithdrawal
from charte.services.errors import Conflict, DatabaseLost, NotReady
from charte.services.ports import Clock

ROLE_COLUMNS = (
    "person_id",
    "role",
    "contract_id",
    "site_id",
    "source_kind",
    "source_ref",
    "started_on",
    "ended_on",
    "rank",
)


LITIGATION = (LitigationOpened, LitigationJudgment, LitigationServed, LitigationAppealed, LitigationClosed)


def _group_conversions(items: list[tuple[str, Role, Role]]) -> dict[tuple[Role, Role], list[str]]:
    groups: dict[tuple[Role, Role], list[str]] = {}
    for person, source, target in items:
        groups.setdefault((source, target), []).append(person)
    return groups


def refs_of(events: Iterable[Event]) -> tuple[set[str], set[str], set[str], set[str]]:
    """The person, site and contract refs and the event ids a chunk names."""
    persons: set[str] = set()
    sites: set[str] = set()
    contracts: set[str] = set()
    ids: set[str] = set()
    for e in events:
        ids.add(e.env.id)
        if isinstance(e, ProspectCollected):
            persons.add(e.person.ref)
            if e.site:
                sites.add(e.site.ref)
        elif isinstance(e, ProspectContacted | ContactRegistered):
            persons.add(e.person.ref)
            if isinstance(e, ContactRegistered):
                contracts.add(e.contract_ref)
        elif isinstance(e, ContractSigned):
            persons.add(e.client.ref)
            sites.add(e.site.ref)
            contracts.add(e.contract_ref)
        elif isinstance(e, ContractEnded):
            contracts.add(e.contract_ref)
        elif isinstance(e, TrustedPersonDesignated):
            persons.add(e.person.ref)
            sites.add(e.site_ref)
        elif isinstance(e, TrustedPersonRemoved):
            persons.add(e.person_ref)
            sites.add(e.site_ref)
        elif isinstance(e, ConsentWithdrawn | ConsentGiven):
            persons.add(e.person_ref)
        elif isinstance(e, AlarmRaised):
            sites.add(e.site_ref)
    return persons, sites, contracts, ids


class SqlRegisterStore:
    """Implements the import port on a SQLAlchemy engine."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        cipher: FieldCipher,
        clock: Clock,
        hasher: RefHasher,
        calls: SqlCalls | None = None,
        withdrawal_orders: Callable[[Sequence[FeedWithdrawal], datetime], list[Order]] | None = None,
    ) -> None:
        self.calls = calls  # seals transcripts; None: no recordings store
        # The orders a withdrawal in the feed owes the systems (services.consents decides them).
        self.withdrawal_orders = withdrawal_orders
        self.hasher = hasher
        self.engine = engine
        self.policy = policy
        self.encrypted = policy.encrypted_fields
        self.allowed = {
            role: tuple(policy.subject_categories[role.value].fields)
            for role in Role
            if role.value in policy.subject_categories
        }
        self.cipher = cipher
        self.clock = clock

    def importing(self) -> _Transaction:
        return _Transaction(self)


class _Transaction:
    def __init__(self, store: SqlRegisterStore) -> None:
        self.store = store

    def __enter__(self) -> _Writer:
        self.conn = self.store.engine.connect()
        self.tx = self.conn.begin()
        if self.conn.dialect.name == "postgresql":
            # Every read of the import is by key, on tables the import itself is filling: rows
            # this uncommitted transaction added are not in the statistics (autovacuum cannot
            # analyse them), so the planner may scan where an index finds the chunk's rows.
            # Measured: 100k events 40.5 s -> 34.8 s, 300k 131 s -> 124 s (BENCHMARKS.md).
            self.conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        self.writer = _Writer(self.conn, self.store, self.tx)
        return self.writer

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.tx.is_active:
                self.tx.rollback()  # not committed (refused file, or an exception): keep nothing
                if self.store.calls is not None:
                    for name in self.writer.sealed:
                        self.store.calls.vault.shred(name)
        finally:
            self.conn.close()
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # The server went away (restart, failover, a terminated backend): said as such, not
            # as a conflict. Before COMMIT was sent the transaction died with the connection:
            # nothing was applied. Lost while committing, the server may have committed before
            # the answer was lost: charte cannot tell, and says so; the retry is safe either
            # way, the events applied being recognised by their ids (docs/events.md).
            if self.writer.committing:
                raise DatabaseLost(
                    "the database connection was lost while the import was committing: it was applied "
                    "whole or not at all, and charte cannot tell which; send it again once the database "
                    "is back: events already applied are recognised by their ids and counted as duplicates"
                ) from None
            raise DatabaseLost(
                "the database connection was lost during the import; nothing was applied: retry the import "
                "once the database is back"
            ) from None
        if isinstance(exc, IntegrityError | OperationalError):
            # Another import created the same ref, or held SQLite's lock past the busy timeout.
            # The driver's message may quote values: only the kind of conflict goes on.
            raise Conflict(
                "another writer changed the register at the same time; nothing was applied: retry the import"
            ) from None


class _Writer:
    def __init__(self, conn: Connection, store: SqlRegisterStore, tx: Any) -> None:
        self.conn = conn
        self.store = store
        self.tx = tx
        self.person_ids: dict[str, int] = {}
        self.site_ids: dict[str, int] = {}
        self.contract_ids: dict[str, int] = {}
        self.case_ids: list[int] = []  # cases the current chunk changed (their units are refreshed)
        self.sealed: list[str] = []  # transcripts sealed by this import: shredded if it rolls back
        self.committing = False
        self.replaced: list[str] = []  # transcripts they replace: shredded once it commits

    def _among(self, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
        """``column IN values`` as one parameter: the chunk's statements keep one text, so they
        are rendered, cached and prepared once (batch_lookups)."""
        return among(column, values, self.conn.dialect.name)

    def commit(self) -> None:
        self.committing = True  # from here a lost connection leaves the outcome unknown
        self.tx.commit()
        if self.store.calls is not None:
            for name in self.replaced:
                self.store.calls.vault.shred(name)

    # -- load ---------------------------------------------------------------------------------

    def load(self, events: list[Event]) -> RegisterChunk:
        person_refs, site_refs, contract_refs, ids = refs_of(events)
        c = self.conn
        self.person_ids = dict(
            c.execute(
                select(t.persons.c.ref, t.persons.c.id).where(self._among(t.persons.c.ref, person_refs))
            ).all()
        )
        self.site_ids = dict(
            c.execute(select(t.sites.c.ref, t.sites.c.id).where(self._among(t.sites.c.ref, site_refs))).all()
        )
        chunk = RegisterChunk(persons=set(self.person_ids), sites=set(self.site_ids))
        rows = c.execute(
            select(t.contracts, t.sites.c.ref.label("site_ref"))
            .join(t.sites, t.sites.c.id == t.contracts.c.site_id)
            .where(self._among(t.contracts.c.ref, contract_refs))
        ).mappings()
        for row in rows:
            chunk.contracts[row["ref"]] = ContractRow(
                row["ref"],
                row["signed_on"],
                row["ended_on"],
                row["offer"],
                row["site_ref"],
                row["partner"],
                row["prescriber"],
                id=row["id"],
            )
        self.contract_ids = {ref: row.id for ref, row in chunk.contracts.items() if row.id is not None}
        roles = c.execute(
            select(
                t.roles,
                t.persons.c.ref.label("person_ref"),
                t.contracts.c.ref.label("contract_ref"),
                t.sites.c.ref.label("site_ref"),
            )
            .join(t.persons, t.persons.c.id == t.roles.c.person_id)
            .outerjoin(t.contracts, t.contracts.c.id == t.roles.c.contract_id)
            .outerjoin(t.sites, t.sites.c.id == t.roles.c.site_id)
            .where(self._among(t.persons.c.ref, person_refs), t.roles.c.ended_on.is_(None))
        ).mappings()
        for row in roles:
            role = RoleRow(
                row["person_ref"],
                Role(row["role"]),
                Source(SourceKind(row["source_kind"]), row["source_ref"]),
                row["started_on"],
                row["contract_ref"],
                row["site_ref"],
                None,
                row["rank"],
                id=row["id"],
            )
            chunk.open_roles[role.key] = role
        keys = {self.store.hasher(k): k for e in events for k in names_of(e)}
        tomb = t.tombstones.c
        chunk.erased = {
            keys[h]: on
            for h, on in c.execute(
                select(tomb.ref_hmac, tomb.erased_on).where(self._among(tomb.ref_hmac, keys))
            )
        }
        chunk.suppressed = self._suppressed(events)
        load_cases(self.conn, chunk, {e.case_ref for e in events if isinstance(e, LITIGATION)})
        call_refs = {e.call_ref for e in events if isinstance(e, CallRecorded | CallTranscribed)}
        k = t.calls.c
        chunk.calls = dict(c.execute(select(k.ref, k.recorded).where(self._among(k.ref, call_refs))).all())
        chunk.sites_with_contract = set(
            c.execute(
                select(t.sites.c.ref)
                .where(self._among(t.sites.c.id, self.site_ids.values()))
                .where(select(t.contracts.c.id).where(t.contracts.c.site_id == t.sites.c.id).exists())
            ).scalars()
        )
        chunk.event_digests = dict(
            c.execute(select(t.events.c.id, t.events.c.digest).where(self._among(t.events.c.id, ids))).all()
        )
        return chunk

    def _suppressed(self, events: list[Event]) -> set[str]:
        """The ids of the chunk's ``prospect.collected`` events whose person has a contact on the
        suppression list (they objected to prospecting, GDPR Art. 21(3)): one query per chunk."""
        fields = self.store.policy.rights.identity_verification.contact_fields
        wanted: dict[str, set[str]] = {}
        for e in events:
            if isinstance(e, ProspectCollected) and e.person.fields:
                for f in fields:
                    value = e.person.fields.get(f)
                    key = contact_key(value) if isinstance(value, str) else None
                    if key is not None:
                        wanted.setdefault(self.store.hasher(f"contact:{key}"), set()).add(e.env.id)
        if not wanted:
            return set()
        s = t.suppression_list.c
        found = self.conn.execute(select(s.contact_hmac).where(self._among(s.contact_hmac, wanted))).scalars()
        return {event_id for h in found for event_id in wanted[h]}

    # -- write --------------------------------------------------------------------------------

    def write(self, chunk: RegisterChunk) -> None:
        now = self.store.clock.now().astimezone(UTC)  # stored in UTC: SQLite keeps no offset
        self._insert_refs(t.persons, chunk.new_persons, self.person_ids, now)
        self._insert_refs(t.sites, chunk.new_sites, self.site_ids, now)
        self._fields(t.person_fields, "person_id", self.person_ids, chunk.person_fields)
        self._fields(t.site_fields, "site_id", self.site_ids, chunk.site_fields)
        # The person search's terms of the fields just written, in this transaction (a person new
        # in this chunk has none to replace).
        new = set(chunk.new_persons)
        for fresh in (True, False):
            write_terms(
                self.conn,
                self.store.policy.search,
                [
                    (self.person_ids[ref], f, v)
                    for (ref, f), v in chunk.person_fields.items()
                    if (ref in new) is fresh
                ],
                fresh=fresh,
            )
        insert_rows(
            self.conn,
            t.field_sources,
            ("person_id", "field", "role"),
            [(self.person_ids[p], f, r.value) for p, f, r in chunk.attributions],
            conflict=("person_id", "field", "role"),
        )
        self._conversions(chunk)
        self._contracts(chunk)
        self._roles(chunk)
        insert_rows(
            self.conn,
            t.contact_log,
            ("person_id", "on", "direction", "answered", "channel", "outcome", "event_id"),
            [
                (
                    self.person_ids[x.person_ref],
                    x.on,
                    x.direction,
                    x.answered,
                    x.channel,
                    x.outcome,
                    x.event_id,
                )
                for x in chunk.contact_log
            ],
        )
        insert_rows(
            self.conn,
            t.events,
            ("id", "type", "digest", "on", "imported_at"),
            [(e.id, e.type, e.digest, e.on, now) for e in chunk.events],
        )
        # A consent withdrawn through the feed stops the purpose as a withdrawal request does:
        # recorded with the objections (the calls' recording decision reads them, GDPR Art. 7(3)).
        insert_rows(
            self.conn,
            t.oppositions,
            ("request_id", "purpose", "person_ref", "contact_hmacs", "on"),
            [(None, purpose, person, "[]", on) for person, purpose, on in chunk.withdrawals],
        )
        write_consents(self.conn, chunk, self.store.policy, self.store.hasher)
        if chunk.consent_ends and self.store.withdrawal_orders is not None:
            ended = [(e.person_ref, e.purpose, e.channel) for e in chunk.consent_ends]
            add_orders(self.conn, self.store.withdrawal_orders(ended, now))
        self.case_ids = write_cases(self.conn, chunk, now)
        self._calls(chunk)
        self._alarms(chunk)
        self._units(chunk)  # last: units read every fact the chunk wrote (contacts, cases included)

    def _alarms(self, chunk: RegisterChunk) -> None:
        """The chunk's alarms, each with the contract its site has now (after the chunk's own)."""
        if not chunk.alarms:
            return
        contracts = latest_contracts(self.conn, {self.site_ids[a.site_ref] for a in chunk.alarms})
        insert_rows(
            self.conn,
            t.alarm_sessions,
            ("site_id", "contract_id", "kind", "raised_at", "raised_by", "event_id"),
            [
                (
                    self.site_ids[a.site_ref],
                    contracts[self.site_ids[a.site_ref]],
                    a.kind,
                    cast(datetime, a.env.at).astimezone(UTC),  # at: checked by the rules
                    f"event:{a.env.id}",
                    a.env.id,
                )
                for a in chunk.alarms
            ],
        )

    def _insert_refs(self, table: Table, refs: Sequence[str], ids: dict[str, int], now: Any) -> None:
        if not refs:
            return
        if table is t.persons:  # the audit's subject beside the ref (a breach's scope resolves by it)
            hasher = self.store.hasher
            insert_rows(
                self.conn,
                table,
                ("ref", "created_at", "subject"),
                [(r, now, hasher(f"person:{r}")) for r in refs],
            )
        else:
            insert_rows(self.conn, table, ("ref", "created_at"), [(r, now) for r in refs])
        ids.update(
            self.conn.execute(select(table.c.ref, table.c.id).where(self._among(table.c.ref, refs))).all()
        )

    def _fields(
        self, table: Table, owner: str, ids: dict[str, int], values: dict[tuple[str, str], str | None]
    ) -> None:
        encrypted, cipher = self.store.encrypted, self.store.cipher
        keep = [
            (ids[ref], f, cipher.encrypt(f, v) if f in encrypted else v)
            for (ref, f), v in values.items()
            if v is not None
        ]
        drop = [{"o": ids[ref], "f": f} for (ref, f), v in values.items() if v is None]
        insert_rows(
            self.conn, table, (owner, "field", "value"), keep, conflict=(owner, "field"), update=("value",)
        )
        if drop:
            col = table.c[owner]
            self.conn.execute(
                delete(table).where(col == bindparam("o"), table.c.field == bindparam("f")), drop
            )
            if table is t.person_fields:  # an erased field is justified by nobody any more
                fs = t.field_sources
                self.conn.execute(
                    delete(fs).where(fs.c.person_id == bindparam("o"), fs.c.field == bindparam("f")), drop
                )

    def _conversions(self, chunk: RegisterChunk) -> None:
        fs = t.field_sources
        have = fs.alias("have")
        for (source, target), people in _group_conversions(chunk.conversions).items():
            already = select(have.c.person_id).where(
                have.c.person_id == fs.c.person_id, have.c.field == fs.c.field, have.c.role == target.value
            )
            copied = select(fs.c.person_id, fs.c.field, literal(target.value)).where(
                self._among(fs.c.person_id, [self.person_ids[p] for p in people]),
                fs.c.role == source.value,
                fs.c.field.in_(self.store.allowed.get(target, ())),
                ~already.exists(),
            )
            # One statement per kind of conversion in the chunk; fields already justified stay.
            self.conn.execute(insert(fs).from_select(["person_id", "field", "role"], copied))

    def _calls(self, chunk: RegisterChunk) -> None:
        """The chunk's calls, scheduled with their holds; the calls the chunk's cases name,
        re-scheduled; the transcripts sealed (shredded again if the import rolls back)."""
        today = self.store.clock.today()
        insert_calls(self.conn, self.store.policy, chunk.new_calls, today)
        refresh_call_holds(self.conn, self.store.policy, self.case_ids, today)
        if chunk.transcripts:
            if self.store.calls is None:
                raise NotReady("no recordings store is configured: transcripts cannot be kept")
            written, replaced = self.store.calls.seal_transcripts(self.conn, chunk.transcripts)
            self.sealed += written
            self.replaced += replaced

    def _units(self, chunk: RegisterChunk) -> None:
        """Retention units follow the facts in the same transaction."""
        if not chunk.events:
            return
        moved = [self.contract_ids[x.ref] for x in chunk.new_contracts]
        moved += [x.id for x in chunk.contracts.values() if x.id is not None and x.ended_changed]
        affected = affected_by(self.conn, self.person_ids.values(), moved)
        affected |= persons_held_by(self.conn, self.case_ids)
        refresh_units(self.conn, self.store.policy, affected, self.store.clock.today())

    def _contracts(self, chunk: RegisterChunk) -> None:
        if chunk.new_contracts:
            insert_rows(
                self.conn,
                t.contracts,
                ("ref", "offer", "site_id", "partner", "prescriber", "signed_on", "ended_on"),
                [
                    (
                        x.ref,
                        x.offer,
                        self.site_ids[x.site_ref],
                        x.partner,
                        x.prescriber,
                        x.signed_on,
                        x.ended_on,
                    )
                    for x in chunk.new_contracts
                ],
            )
            refs = [x.ref for x in chunk.new_contracts]
            self.contract_ids.update(
                self.conn.execute(
                    select(t.contracts.c.ref, t.contracts.c.id).where(self._among(t.contracts.c.ref, refs))
                ).all()
            )
        ended = [
            {"i": x.id, "e": x.ended_on}
            for x in chunk.contracts.values()
            if x.id is not None and x.ended_changed
        ]
        if ended:
            c = t.contracts.c
            self.conn.execute(
                update(t.contracts).where(c.id == bindparam("i")).values(ended_on=bindparam("e")), ended
            )

    def _roles(self, chunk: RegisterChunk) -> None:
        if chunk.new_roles:
            insert_rows(self.conn, t.roles, ROLE_COLUMNS, [self._role_row(r) for r in chunk.new_roles])
        if chunk.changed_roles:
            c = t.roles.c
            stmt = (
                update(t.roles)
                .where(c.id == bindparam("i"))
                .values(
                    ended_on=bindparam("e"),
                    rank=bindparam("r"),
                    started_on=bindparam("s"),
                    source_kind=bindparam("sk"),
                    source_ref=bindparam("sr"),
                )
            )
            self.conn.execute(
                stmt,
                [
                    {
                        "i": r.id,
                        "e": r.ended_on,
                        "r": r.rank,
                        "s": r.started_on,
                        "sk": r.source.kind.value,
                        "sr": r.source.ref,
                    }
                    for r in chunk.changed_roles
                ],
            )

    def _role_row(self, r: RoleRow) -> tuple[Any, ...]:
        return (
            self.person_ids[r.person_ref],
            r.role.value,
            self.contract_ids[r.contract_ref] if r.contract_ref else None,
            self.site_ids[r.site_ref] if r.site_ref else None,
            r.source.kind.value,
            r.source.ref,
            r.started_on,
            r.ended_on,
            r.rank,
        )
