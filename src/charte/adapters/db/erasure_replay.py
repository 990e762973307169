"""Replaying the erasure ledger on a database restored from a backup, in SQL batches.

The ledger names persons, contracts, sites and calls only by keyed HMACs of their refs, so the
persons and calls of the restored copy are matched by computing the HMAC of each ref: a streamed
pass over the refs (``yield_per``), in bounded memory, holding only the matches — one pass per
slice of 100,000 erased units, so that memory does not grow with the erasures replayed either. This
is the one place charte reads every ref of the register in Python; it runs once, after a restore
(at one million persons: BENCHMARKS.md). The matched units are then erased by the one erasure use
case (``services.erasure.Eraser.replayed``: roles, fields nobody justifies, the person when nothing
is left, tombstones, proofs, audit entries and the orders to the systems, re-emitted), in
transactions of a few hundred persons; tombstones and suppression-list entries are written back as
the ledger recorded them.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, Table, select

from charte.adapters.db import tables as t
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.erasure_marks import bury, suppress
from charte.adapters.ref_hmac import RefHasher
from charte.domain.retention import context_name
from charte.services.erasure import SweepTotals

# Erase again these units of these persons (id -> ref), as the request (None: the sweep) had them
# erased, by this actor, ending their designations again for the reason given (or None):
# ``services.erasure.Eraser.replayed``.
Erase = Callable[[Mapping[int, str], Sequence[int], int | None, str, str | None], SweepTotals]

ACTOR = "charte-replay"
FLUSH = 10_000  # tombstones and suppression entries written back per transaction
PARTITION = 100_000  # erased units held at once (about 40 MB), one pass over the refs per slice


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
        self,
        engine: Engine,
        hasher: RefHasher,
        erase: Erase,
        calls: SqlCalls,
        *,
        batch: int = 500,
        partition: int = PARTITION,
    ) -> None:
        # ``erase`` and ``calls`` must write no ledger: a replay re-applies lines, it adds none.
        self.engine, self.hasher, self.erase, self.calls, self.batch = engine, hasher, erase, calls, batch
        self.partition = partition

    def replay(self, read: Callable[[], Iterable[dict[str, Any]]], today: date) -> ReplayTotals:
        """``read`` gives the ledger's records (from the backup's time on) each time it is called.

        Memory stays bounded whatever the number of erasures replayed: a first reading writes the
        tombstones and suppression entries back as it goes and counts the erased units; then the
        units are replayed in slices of at most PARTITION (by the first byte of the person's
        HMAC), each slice one more reading of the ledger and one more pass over the refs."""
        totals = ReplayTotals()
        stones: list[tuple[str, str, date]] = []
        listed: list[tuple[str, date, date]] = []
        calls: set[bytes] = set()
        for record in read():
            totals.records += 1
            totals.units += len(record.get("units", []))
            for ref_hmac, kind, on in record.get("tombstones", []):
                stones.append((ref_hmac, kind, date.fromisoformat(on)))
                if kind == "call":
                    calls.add(bytes.fromhex(ref_hmac))
            for contact_hmac, added, due in record.get("suppressed", []):
                listed.append((contact_hmac, date.fromisoformat(added), date.fromisoformat(due)))
            if len(stones) + len(listed) >= FLUSH:
                self._write_back(stones, listed, totals)
        self._write_back(stones, listed, totals)
        slices = max(1, -(-totals.units // self.partition))
        for part in range(slices):
            self._replay_slice(read, part, slices, today, totals)
        totals.already_gone = totals.units - totals.units_erased
        ids = [call_id for _, (call_id, _) in self._match(t.calls, "call", calls)] if calls else []
        for start in range(0, len(ids), self.batch):
            totals.recordings_erased += self.calls.erase_replayed(ids[start : start + self.batch], ACTOR)
        return totals

    def _replay_slice(
        self,
        read: Callable[[], Iterable[dict[str, Any]]],
        part: int,
        slices: int,
        today: date,
        totals: ReplayTotals,
    ) -> None:
        """The erased units of the persons whose HMAC's first byte falls in slice ``part``."""
        # person HMAC -> [(unit, context HMAC, the request that asked or None for the sweep)]
        wanted: dict[bytes, list[tuple[str, bytes | None, int | None]]] = defaultdict(list)
        ended: dict[int | None, str] = {}  # request -> the reason its designations ended with
        for record in read():
            request = record.get("request")
            if record.get("designations_ended"):
                ended[request] = record["designations_ended"]
            for u in record.get("units", []):
                person = bytes.fromhex(u["person"])
                if person[0] % slices == part:
                    context = bytes.fromhex(u["context"]) if u["context"] else None
                    wanted[person].append((sys.intern(u["unit"]), context, request))
        found = sorted(self._match(t.persons, "person", wanted.keys()), key=lambda m: m[1][0])
        for start in range(0, len(found), self.batch):
            self._erase_batch(dict(found[start : start + self.batch]), wanted, today, totals, ended)

    def _write_back(
        self, stones: list[tuple[str, str, date]], listed: list[tuple[str, date, date]], totals: ReplayTotals
    ) -> None:
        """The tombstones and suppression entries read so far, upserted; the lists are emptied."""
        with self.engine.begin() as conn:
            bury(conn, stones)
            suppress(conn, listed)
        totals.tombstones += len(stones)
        totals.suppressions += len(listed)
        stones.clear()
        listed.clear()

    def _match(
        self, table: Table, kind: str, hashes: Collection[bytes]
    ) -> Iterator[tuple[bytes, tuple[int, str]]]:
        """(HMAC, (id, ref)) of the rows of ``table`` whose ref's HMAC is wanted: one streamed pass."""
        if not hashes:
            return
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=10_000).execute(select(table.c.id, table.c.ref))
            for row_id, ref in rows:
                h = bytes.fromhex(self.hasher(f"{kind}:{ref}"))
                if h in hashes:
                    yield h, (row_id, ref)

    def _erase_batch(
        self,
        people: dict[bytes, tuple[int, str]],
        wanted: dict[bytes, list[tuple[str, bytes | None, int | None]]],
        today: date,
        totals: ReplayTotals,
        ended: Mapping[int | None, str],
    ) -> None:
        """The ledger's units of these persons that the copy still holds, erased again: one
        transaction per request that had them erased (usually one: the sweep), ending again the
        designations that request had ended."""
        u = t.retention_units.c
        refs = dict(people.values())
        hmac_of = {pid: h for h, (pid, _) in people.items()}
        with self.engine.connect() as conn:
            units = conn.execute(
                select(u.id, u.person_id, u.kind, u.context).where(u.person_id.in_(list(refs)))
            ).all()
        by_request: dict[int | None, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for unit_id, pid, kind, context in units:
            named = context_name(kind, context)
            hexed = self.hasher(named) if named else None
            asked = {(unit, ctx): request for unit, ctx, request in wanted[hmac_of[pid]]}
            key = (kind, bytes.fromhex(hexed) if hexed else None)
            if key in asked:
                by_request[asked[key]][pid].append(unit_id)
        for request, of_person in by_request.items():
            concerned = {pid: refs[pid] for pid in of_person}
            unit_ids = [i for ids in of_person.values() for i in ids]
            done = self.erase(concerned, unit_ids, request, ACTOR, ended.get(request))
            totals.units_erased += sum(done.units.values())
            totals.persons_erased += done.persons_erased
            totals.orders += done.orders
