"""Replaying the erasure ledger on a database restored from a backup, in SQL batches.

The ledger names persons, contracts, sites and calls only by keyed HMACs of their refs, so the
persons and calls of the restored copy are matched by computing the HMAC of each ref: one streamed
pass over the refs (``yield_per``), in bounded memory, holding only the matches. This is the one
place charte reads every ref of the register in Python; it runs once, after a restore (at one
million persons: BENCHMARKS.md). The matched units are then erased the way the sweep erases them
(``SqlSweep.erase_units``: roles, fields nobody justifies, the person when nothing is left, tombstones,
proofs, audit entries and the orders to the systems, re-emitted), in transactions of a few hundred
persons; tombstones and suppression-list entries are written back as the ledger recorded them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, Table, select

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.sweep_store import CONTEXT_KIND, SqlSweep, SweepTotals
from charte.adapters.ref_hmac import RefHasher

ACTOR = "charte-replay"


@dataclass(slots=True)
class ReplayTotals:
    records: int = 0  # ledger lines read
    units: int = 0  # erased units the ledger lists
    units_erased: int = 0  # of them, found in the restored copy and erased again
    persons_erased: int = 0
    already_gone: int = 0  # units absent from the copy (erased before the backup, or after it made)
    tombstones: int = 0
    suppressions: int = 0
    recordings_erased: int = 0
    orders: int = 0  # re-emitted to the systems

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "units": self.units,
            "units_erased": self.units_erased,
            "persons_erased": self.persons_erased,
            "already_gone": self.already_gone,
            "tombstones": self.tombstones,
            "suppressions": self.suppressions,
            "recordings_erased": self.recordings_erased,
            "orders": self.orders,
        }


class SqlErasureReplay:
    def __init__(
        self, engine: Engine, hasher: RefHasher, sweep: SqlSweep, calls: SqlCalls, *, batch: int = 500
    ) -> None:
        # ``sweep`` and ``calls`` must write no ledger: a replay re-applies lines, it adds none.
        self.engine, self.hasher, self.sweep, self.calls, self.batch = engine, hasher, sweep, calls, batch

    def replay(self, records: Iterable[dict[str, Any]], today: date) -> ReplayTotals:
        totals = ReplayTotals()
        # person HMAC -> {(unit, context HMAC): the request that asked, None for the sweep}
        wanted: dict[str, dict[tuple[str, str | None], int | None]] = defaultdict(dict)
        stones: dict[str, tuple[str, str]] = {}
        listed: dict[str, tuple[str, str]] = {}
        for record in records:
            totals.records += 1
            for u in record.get("units", []):
                wanted[u["person"]][(u["unit"], u["context"])] = record.get("request")
            for ref_hmac, kind, on in record.get("tombstones", []):
                stones[ref_hmac] = (kind, on)
            for contact_hmac, added, due in record.get("suppressed", []):
                listed[contact_hmac] = (added, due)
        totals.units = sum(len(v) for v in wanted.values())
        found = dict(self._match(t.persons, "person", set(wanted)))
        people = sorted(found.items(), key=lambda kv: kv[1][0])
        for start in range(0, len(people), self.batch):
            self._erase_batch(dict(people[start : start + self.batch]), wanted, today, totals)
        totals.already_gone = totals.units - totals.units_erased
        with self.engine.begin() as conn:
            insert_rows(
                conn,
                t.tombstones,
                ("ref_hmac", "kind", "erased_on"),
                [(h, kind, date.fromisoformat(on)) for h, (kind, on) in stones.items()],
                conflict=("ref_hmac",),
            )
            insert_rows(
                conn,
                t.suppression_list,
                ("contact_hmac", "added_on", "purge_due"),
                [(h, date.fromisoformat(a), date.fromisoformat(d)) for h, (a, d) in listed.items()],
                conflict=("contact_hmac",),
                update=("added_on", "purge_due"),
            )
        totals.tombstones, totals.suppressions = len(stones), len(listed)
        calls = {h for h, (kind, _) in stones.items() if kind == "call"}
        ids = [call_id for _, (call_id, _) in self._match(t.calls, "call", calls)] if calls else []
        for start in range(0, len(ids), self.batch):
            totals.recordings_erased += self.calls.erase_replayed(ids[start : start + self.batch], ACTOR)
        return totals

    def _match(self, table: Table, kind: str, hashes: set[str]) -> Iterator[tuple[str, tuple[int, str]]]:
        """(HMAC, (id, ref)) of the rows of ``table`` whose ref's HMAC is wanted: one streamed pass."""
        if not hashes:
            return
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=10_000).execute(select(table.c.id, table.c.ref))
            for row_id, ref in rows:
                h = self.hasher(f"{kind}:{ref}")
                if h in hashes:
                    yield h, (row_id, ref)

    def _erase_batch(
        self,
        people: dict[str, tuple[int, str]],
        wanted: dict[str, dict[tuple[str, str | None], int | None]],
        today: date,
        totals: ReplayTotals,
    ) -> None:
        """The ledger's units of these persons that the copy still holds, erased in one transaction."""
        u = t.retention_units.c
        refs = dict(people.values())
        hmac_of = {pid: h for h, (pid, _) in people.items()}
        with self.engine.begin() as conn:
            locked = set(
                conn.execute(
                    select(t.persons.c.id).where(t.persons.c.id.in_(list(refs))).with_for_update()
                ).scalars()
            )
            units = conn.execute(
                select(u.id, u.person_id, u.kind, u.context).where(u.person_id.in_(list(locked)))
            ).all()
            by_request: dict[int | None, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
            for unit_id, pid, kind, context in units:
                context_hmac = self.hasher(f"{CONTEXT_KIND.get(kind, kind)}:{context}") if context else None
                asked = wanted[hmac_of[pid]]
                if (kind, context_hmac) in asked:
                    by_request[asked[(kind, context_hmac)]][pid].append(unit_id)
            for request, of_person in by_request.items():
                done = SweepTotals()
                concerned = {pid: refs[pid] for pid in of_person}
                unit_ids = [i for ids in of_person.values() for i in ids]
                self.sweep.erase_units(conn, concerned, today, done, unit_ids, request, ACTOR)
                totals.units_erased += sum(done.units.values())
                totals.persons_erased += done.persons_erased
                totals.orders += done.orders
