"""Calls and their recordings in SQL: the rows, their retention and holds, the sealed
audio and transcripts, the objections read at call start, and the purge.

A call's row holds metadata and the *names* of its sealed audio and transcript
(``adapters.recording_vault``): never audio, never text. Its retention is the policy's recordings
rule from the call's day (six months in the shipped policy), extended by any litigation hold
naming the call or its person exactly as a person's units are (``domain.retention.apply_holds``).
Erasure destroys the keys first (the data become unreadable everywhere, backups included), then
the blobs, then the rows, with a proof and an audit entry per call; a purge interrupted at any
point is finished by the next.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, or_, select, union, update

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.erasure_marks import bury
from charte.adapters.db.objections import record_objection
from charte.adapters.db.times import utc
from charte.adapters.recording_vault import SEGMENT, Vault
from charte.adapters.ref_hmac import RefHasher
from charte.domain.audit import Action, Entry
from charte.domain.contacts import contact_key
from charte.domain.erasure import Recording, recordings_objected
from charte.domain.policy import Policy
from charte.domain.retention import analysis_document_schedule
from charte.services.calls import AnalysisView, CallView
from charte.services.ports import Clock, ErasureLedger

PARIS = ZoneInfo("Europe/Paris")


def audio_name(call_id: int) -> str:
    return f"audio-{call_id}"


def transcript_name(call_id: int) -> str:
    """A new name each time: a second transcript of a call (a better speech-to-text run) is sealed
    beside the first until its import commits, so a rollback never touches the one in force."""
    return f"transcript-{call_id}-{secrets.token_hex(6)}"


class SqlCalls:
    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        hasher: RefHasher,
        vault: Vault,
        clock: Clock,
        *,
        audit: SqlAuditStore | None = None,
        ledger: ErasureLedger | None = None,
    ) -> None:
        self.engine, self.policy, self.hasher, self.vault, self.clock = engine, policy, hasher, vault, clock
        self.audit = audit
        self.ledger = ledger  # erased calls' tombstones, outside the database too

    # -- call start -------------------------------------------------------------------------

    def objected(self, number: str | None, person: str | None) -> frozenset[str]:
        """The purposes this number or person objected to: one statement, two indexed lookups."""
        o, oc = t.oppositions.c, t.objection_contacts.c
        lookups = []
        if number is not None:
            key = self.hasher(f"contact:{contact_key(number)}")
            lookups.append(
                select(o.purpose)
                .join(t.objection_contacts, oc.opposition_id == o.id)
                .where(oc.contact_hmac == key)
            )
        if person is not None:
            lookups.append(select(o.purpose).where(o.person_ref == person))
        if not lookups:
            return frozenset()
        with self.engine.connect() as conn:
            return frozenset(conn.execute(union(*lookups)).scalars())

    def opt_out(self, number: str | None, person: str | None, purposes: Sequence[str], on: date) -> None:
        """The caller pressed the opt-out key: an objection to each purpose, kept like one made by
        a rights request (keyed hash of the number, the person's ref when known)."""
        hashes = [self.hasher(f"contact:{contact_key(number)}")] if number else []
        with self.engine.begin() as conn:
            for purpose in purposes:
                record_objection(conn, None, purpose, person, hashes, on)

    # -- reading ----------------------------------------------------------------------------

    def call(self, ref: str) -> CallView | None:
        """The call, with ``restricted``: whether its person restricted their data (GDPR Art. 18)."""
        k, p = t.calls.c, t.persons.c
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(t.calls, p.restriction_ground)
                    .outerjoin(t.persons, p.ref == k.person_ref)
                    .where(k.ref == ref)
                )
                .mappings()
                .first()
            )
        return None if row is None else _call(row, restricted=row["restriction_ground"] is not None)

    def calls_of(self, person: str) -> list[CallView]:
        k = t.calls.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.calls).where(k.person_ref == person).order_by(k.at)).mappings()
            return [_call(r) for r in rows]

    def transcribed(self) -> Iterator[CallView]:
        """Every call with a transcript, oldest first, streamed (metadata only, with
        ``restricted``: whether its person restricted their data)."""
        k, p = t.calls.c, t.persons.c
        query = (
            select(t.calls, p.restriction_ground)
            .outerjoin(t.persons, p.ref == k.person_ref)
            .where(k.transcript.is_not(None))
            .order_by(k.id)
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query).mappings():
                yield _call(row, restricted=row["restriction_ground"] is not None)

    def audio(self, call_id: int) -> Iterator[bytes]:
        return self.vault.open(audio_name(call_id))

    def transcript(self, call_id: int) -> str:
        k = t.calls.c
        with self.engine.connect() as conn:
            name = conn.execute(select(k.transcript).where(k.id == call_id)).scalar()
        if name is None:
            raise KeyError(call_id)
        return b"".join(self.vault.open(name)).decode()

    # -- sealing ----------------------------------------------------------------------------

    def attach_audio(self, ref: str, chunks: Iterable[bytes]) -> int:
        """Seal uploaded audio for a recorded call; its size."""
        k = t.calls.c
        with self.engine.connect() as conn:
            call_id = conn.execute(select(k.id).where(k.ref == ref, k.recorded.is_(True))).scalar()
        if call_id is None:
            raise KeyError(ref)
        size = self.vault.seal(audio_name(call_id), chunks)
        with self.engine.begin() as conn:
            conn.execute(
                update(t.calls)
                .where(k.id == call_id)
                .values(audio=audio_name(call_id), audio_bytes=size, pending_audio=None)
            )
        return size

    def ingest_pending(self, inbox: Path) -> int:
        """Seal the inbox files the calls are waiting for, then delete them (plaintext audio must
        not linger); rerunnable: a file sealed but not yet deleted is sealed again, same name."""
        k = t.calls.c
        done = 0
        with self.engine.connect() as conn:
            pending = conn.execute(select(k.id, k.pending_audio).where(k.pending_audio.is_not(None))).all()
        for call_id, name in pending:
            path = inbox / name
            if path.is_symlink() or not path.is_file():
                continue  # not arrived yet (a link is never followed out of the inbox)
            size = self.vault.seal(audio_name(call_id), _read(path))
            with self.engine.begin() as conn:
                conn.execute(
                    update(t.calls)
                    .where(k.id == call_id)
                    .values(audio=audio_name(call_id), audio_bytes=size, pending_audio=None)
                )
            path.unlink()
            done += 1
        return done

    def seal_transcripts(
        self, conn: Connection, items: Sequence[tuple[str, str]]
    ) -> tuple[list[str], list[str]]:
        """Seal the chunk's transcripts (inside the import's transaction). Returns the names
        written, for the import to shred if it rolls back, and the names they replace, to shred
        once it commits (a crash between leaves a key no row names: ``purge`` collects it)."""
        if not items:
            return [], []
        k = t.calls.c
        rows = conn.execute(select(k.ref, k.id, k.transcript).where(k.ref.in_([r for r, _ in items]))).all()
        ids = {r.ref: r.id for r in rows}
        current = {r.ref: r.transcript for r in rows}
        written: list[str] = []
        replaced: list[str] = []
        for ref, text in items:
            name = transcript_name(ids[ref])
            self.vault.seal(name, [text.encode()])
            written.append(name)
            if current[ref]:
                replaced.append(current[ref])
            current[ref] = name
        conn.execute(  # the name in force per call, in one statement
            update(t.calls).where(k.id == bindparam("call_id")).values(transcript=bindparam("name")),
            [{"call_id": ids[ref], "name": name} for ref, name in current.items()],
        )
        return written, replaced

    # -- what the DPO's team sets -----------------------------------------------------------

    def keep_for(self, ref: str, purposes: Sequence[str]) -> bool:
        k = t.calls.c
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(t.calls).where(k.ref == ref).values(kept_for=json.dumps(sorted(purposes)))
                ).rowcount
            )

    # -- analysis ---------------------------------------------------------------------------

    def add_analysis(
        self, ref: str, kind: str, chunks: Iterable[bytes], *, anonymised: bool, by: str
    ) -> AnalysisView:
        """Seal what analysing a recorded call produced; a document gets its own purge date."""
        k, a = t.calls.c, t.call_analyses.c
        with self.engine.connect() as conn:
            call_id = conn.execute(select(k.id).where(k.ref == ref, k.recorded.is_(True))).scalar()
        if call_id is None:
            raise KeyError(ref)
        today = self.clock.today()
        rule_id, due = None, None
        if kind == "document":
            planned = analysis_document_schedule(self.policy, today)
            if planned is None:
                raise ValueError("the policy keeps no analysis documents (recordings.analysis_retention)")
            rule_id, due = planned.rule, planned.purge_due
        name = f"analysis-{call_id}-{secrets.token_hex(6)}"
        size = self.vault.seal(name, chunks)
        with self.engine.begin() as conn:
            analysis_id = conn.execute(
                insert(t.call_analyses)
                .values(
                    call_id=None if (kind == "result" and anonymised) else call_id,
                    kind=kind,
                    blob=name,
                    bytes=size,
                    anonymised=anonymised,
                    written_on=today,
                    rule=rule_id,
                    purge_due=due,
                    written_by=by,
                )
                .returning(a.id)
            ).scalar_one()
        return AnalysisView(analysis_id, kind, size, anonymised, today, due)

    def analyses(self, ref: str) -> list[AnalysisView]:
        k, a = t.calls.c, t.call_analyses.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.id, a.kind, a.bytes, a.anonymised, a.written_on, a.purge_due)
                .join(t.calls, k.id == a.call_id)
                .where(k.ref == ref)
                .order_by(a.id)
            ).all()
        return [AnalysisView(r.id, r.kind, r.bytes, r.anonymised, r.written_on, r.purge_due) for r in rows]

    def analysis(self, ref: str, analysis_id: int) -> Iterator[bytes]:
        k, a = t.calls.c, t.call_analyses.c
        with self.engine.connect() as conn:
            name = conn.execute(
                select(a.blob).join(t.calls, k.id == a.call_id).where(k.ref == ref, a.id == analysis_id)
            ).scalar()
        if name is None:
            raise KeyError(analysis_id)
        return self.vault.open(name)

    # -- erasure ----------------------------------------------------------------------------

    def due(self, as_of: date) -> tuple[int, int]:
        """(calls, analysis documents) whose purge date has come on ``as_of``: what a purge erases."""
        with self.engine.connect() as conn:
            calls = conn.execute(
                select(func.count()).select_from(t.calls).where(t.calls.c.purge_due <= as_of)
            ).scalar_one()
            documents = conn.execute(
                select(func.count()).select_from(t.call_analyses).where(t.call_analyses.c.purge_due <= as_of)
            ).scalar_one()
        return int(calls), int(documents)

    def purge(self, as_of: date, actor: str, batch: int = 500) -> tuple[int, int]:
        """Erase every call whose purge date has come (not held), keys first, and the analysis
        documents past their rule; the counts of each."""
        k = t.calls.c
        done = 0
        while True:
            with self.engine.connect() as conn:
                due = (
                    conn.execute(select(k.id).where(k.purge_due <= as_of).order_by(k.id).limit(batch))
                    .scalars()
                    .all()
                )
            if not due:
                break
            done += self._erase(list(due), actor, "retention")
        documents = self._purge_documents(as_of, actor)
        self._collect_orphans()
        return done, documents

    def _purge_documents(self, as_of: date, actor: str) -> int:
        """Analysis documents past their own rule (12 months), keys first."""
        a = t.call_analyses.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(a.id, a.blob, a.rule, a.purge_due).where(a.purge_due <= as_of)).all()
        if not rows:
            return 0
        for r in rows:
            self.vault.shred(r.blob)
        erased = [(f"analysis:{r.id}", r.rule, r.purge_due) for r in rows]
        with self.engine.begin() as conn:
            conn.execute(delete(t.call_analyses).where(a.id.in_([r.id for r in rows])))
            self._proofs(conn, "analysis_document", erased, [], {"count": len(rows)}, actor)
        return len(rows)

    def _proofs(
        self,
        conn: Connection,
        unit: str,
        erased: list[tuple[str, str | None, date]],
        fields: list[str],
        counts: dict[str, Any],
        actor: str,
    ) -> None:
        """A proof per erased thing (its keyed hash, rule and due date: no personal data) and one
        audit entry with the counts, in the erasure's transaction."""
        now = self.clock.now()
        conn.execute(
            insert(t.erasure_proofs),
            [
                {
                    "person_hmac": self.hasher(key),
                    "unit": unit,
                    "context_hmac": None,
                    "rule": rule or unit,
                    "purge_due": due,
                    "erased_at": now.astimezone(UTC),
                    "person_erased": False,
                    "fields_erased": json.dumps(fields),
                }
                for key, rule, due in erased
            ],
        )
        if self.audit is not None:
            entry = Entry(at=now, actor=actor, action=Action.ERASE, detail={"unit": unit, **counts})
            self.audit.append([entry], conn)

    def _collect_orphans(self, grace: float = 3600.0, batch: int = 1000) -> int:
        """Shred keys no call names any more (an import or erasure cut short by a crash), once
        they are older than ``grace`` seconds (an import in flight is not collected)."""
        k = t.calls.c
        collected = 0
        for names in _batches(self.vault.keyring.names(older_than=grace), batch):
            with self.engine.connect() as conn:
                used = set(conn.execute(select(k.audio).where(k.audio.in_(names))).scalars())
                used |= set(conn.execute(select(k.transcript).where(k.transcript.in_(names))).scalars())
                a = t.call_analyses.c
                used |= set(conn.execute(select(a.blob).where(a.blob.in_(names))).scalars())
                # audio-N is named before its row records it (ingestion): a live row keeps it.
                live = {
                    audio_name(i)
                    for i in conn.execute(
                        select(k.id).where(k.id.in_([_id(n) for n in names if n.startswith("audio-")]))
                    ).scalars()
                }
            for name in names:
                if name not in used and name not in live:
                    self.vault.shred(name)
                    collected += 1
        return collected

    def erase_objected(self, number: str | None, person: str | None, actor: str) -> dict[str, int]:
        """After an objection to recording: erase the caller's recordings not held and not in use
        for a purpose an objection leaves standing (``kept_for``); the others stay, usable only for
        those purposes. Counts: erased, kept."""
        k = t.calls.c
        who = []
        if number is not None:
            who.append(k.number == number)
        if person is not None:
            who.append(k.person_ref == person)
        if not who:
            return {"erased": 0, "kept": 0}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(k.id, k.held_by, k.kept_for).where(or_(*who), k.recorded.is_(True))
            ).all()
        erase, kept = recordings_objected(
            Recording(r.id, tuple(filter(None, (r.held_by or "").split(","))), tuple(json.loads(r.kept_for)))
            for r in rows
        )
        self._erase(erase, actor, "objection")
        return {"erased": len(erase), "kept": len(kept)}

    def erase_replayed(self, ids: list[int], actor: str) -> int:
        """Calls the erasure ledger says were erased after the backup this database was restored from."""
        return self._erase(ids, actor, "replay")

    def _erase(self, ids: list[int], actor: str, why: str) -> int:
        """Keys and blobs first (after this nothing can read the data, whatever copies exist),
        then the rows, a tombstone per call, proofs and one audit entry, in one transaction."""
        if not ids:
            return 0
        k = t.calls.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(k.id, k.ref, k.rule, k.purge_due, k.transcript).where(k.id.in_(ids))
            ).all()
        a = t.call_analyses.c
        with self.engine.connect() as conn:
            results = conn.execute(
                select(a.id, a.blob).where(a.call_id.in_([r.id for r in rows]), a.kind == "result")
            ).all()
        for r in rows:
            self.vault.shred(audio_name(r.id))
            if r.transcript:
                self.vault.shred(r.transcript)
        for result in results:  # analysis results go with their call
            self.vault.shred(result.blob)
        today = self.clock.today()
        stones = [(self.hasher(f"call:{r.ref}"), "call", today) for r in rows]
        with self.engine.begin() as conn:
            conn.execute(delete(t.call_analyses).where(a.id.in_([x.id for x in results])))
            # Documents outlive the call on their own rule; they no longer point at it.
            conn.execute(
                update(t.call_analyses).where(a.call_id.in_([r.id for r in rows])).values(call_id=None)
            )
            conn.execute(delete(t.calls).where(k.id.in_([r.id for r in rows])))
            bury(conn, stones)
            erased = [(f"call:{r.ref}", r.rule, r.purge_due or today) for r in rows]
            fields = list(self.policy.recordings.fields)
            self._proofs(conn, "recording", erased, fields, {"calls": len(rows), "why": why}, actor)
            if self.ledger is not None:  # before the commit (adapters/erasure_ledger.py)
                tombstones = [[h, kind, on.isoformat()] for h, kind, on in stones]
                self.ledger.write({"at": self.clock.now(), "tombstones": tombstones})
        return len(rows)


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _id(name: str) -> int:
    try:
        return int(name.split("-")[1])
    except (IndexError, ValueError):
        return -1


def _read(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(SEGMENT):
            yield block


def _call(row: Any, *, restricted: bool = False) -> CallView:
    return CallView(
        id=row["id"],
        ref=row["ref"],
        number=row["number"],
        person=row["person_ref"],
        direction=row["direction"],
        at=utc(row["at"]),
        recorded=row["recorded"],
        listened_live=row["listened_live"],
        purposes=tuple(json.loads(row["purposes"])),
        kept_for=tuple(json.loads(row["kept_for"])),
        audio=row["audio"] is not None,
        audio_bytes=row["audio_bytes"],
        audio_pending=row["pending_audio"] is not None,
        transcript=row["transcript"] is not None,
        status=row["status"],
        retention_end=row["retention_end"],
        purge_due=row["purge_due"],
        held_by=tuple(row["held_by"].split(",")) if row["held_by"] else (),
        restricted=restricted,
    )
