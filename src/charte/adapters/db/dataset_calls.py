"""A dataset of recorded calls (``population: calls``): the redacted transcripts' one way out.

The calls with a transcript recorded for the dataset's purpose are read in one streamed statement
with their caller's restriction and whether the recording is due; the objections that can stop a
call's use (to the purpose, or to a use an objection stops) are read once — by person and by the
keyed hash of a number, as the calls' own check reads them — and ``domain.datasets.call_left_out``
says which calls stay. Each selected call's transcript is then opened from the recordings' store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, literal, select

from charte.adapters.db import tables as t
from charte.adapters.db.times import utc
from charte.domain.contacts import contact_key
from charte.domain.datasets import DatasetSpec, LeftOut, Transform, call_left_out
from charte.services.dataset_ports import PopulationCounts

BATCH = 2_000
PARIS = ZoneInfo("Europe/Paris")


def _start(since: date | None) -> datetime:
    """The first instant after ``since`` (a Paris day), in UTC: the period's calls."""
    day = (since or date.min) + timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


class SqlCallPopulation:
    def __init__(
        self,
        engine: Engine,
        *,
        hasher: Callable[[str], str],
        transcript: Callable[[int], str],
        stops: frozenset[str],
    ) -> None:
        self.engine, self.hasher, self.transcript, self.stops = engine, hasher, transcript, stops

    def _objections(self, purposes: frozenset[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The purposes objected to, by person ref and by contact hash (as many as objections)."""
        o, oc = t.oppositions.c, t.objection_contacts.c
        people: dict[str, set[str]] = defaultdict(set)
        contacts: dict[str, set[str]] = defaultdict(set)
        with self.engine.connect() as conn:
            for ref, purpose in conn.execute(
                select(o.person_ref, o.purpose).where(
                    o.person_ref.is_not(None), o.purpose.in_(sorted(purposes))
                )
            ):
                people[ref].add(purpose)
            for key, purpose in conn.execute(
                select(oc.contact_hmac, o.purpose)
                .join(t.oppositions, o.id == oc.opposition_id)
                .where(o.purpose.in_(sorted(purposes)))
            ):
                contacts[key].add(purpose)
        return people, contacts

    def _facts(self, spec: DatasetSpec, on: date) -> Iterator[tuple[Any, LeftOut | None]]:
        k, p = t.calls.c, t.persons.c
        people, contacts = self._objections(self.stops | {spec.purpose})
        query = (
            select(k.id, k.ref, k.direction, k.at, k.number, k.person_ref, p.restricted_since, k.purge_due)
            .outerjoin(t.persons, and_(p.ref == k.person_ref))
            # Recorded for this purpose (the recording decision's list, JSON text of ids).
            .where(k.transcript.is_not(None), k.purposes.contains(f'"{spec.purpose}"'))
            .where(k.at >= _start(spec.since(on)) if spec.since(on) is not None else literal(True))
            .order_by(k.id)
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=BATCH).execute(query):
                objected = set(people.get(row.person_ref, ())) if row.person_ref else set()
                if row.number:
                    objected |= contacts.get(self.hasher(f"contact:{contact_key(row.number)}"), set())
                reason = call_left_out(
                    frozenset(objected),
                    spec.purpose,
                    self.stops,
                    restricted=row.restricted_since is not None,
                    include_restricted=spec.include_restricted,
                    due=row.purge_due is not None and row.purge_due <= on,
                )
                yield row, reason

    def population(self, spec: DatasetSpec, on: date) -> PopulationCounts:
        counts: dict[LeftOut | None, int] = defaultdict(int)
        for _, reason in self._facts(spec, on):
            counts[reason] += 1
        return PopulationCounts(
            candidates=sum(counts.values()),
            objected=counts[LeftOut.OBJECTED],
            restricted=counts[LeftOut.RESTRICTED],
            due=counts[LeftOut.DUE],
        )

    def rows(self, spec: DatasetSpec, on: date) -> Iterator[Sequence[object]]:
        sources = [c.source for c in spec.output if c.transform is not Transform.COUNT]
        readers: dict[str, Callable[[Any], object]] = {
            "call": lambda r: r.ref,
            "direction": lambda r: r.direction,
            "call_time": lambda r: utc(r.at).astimezone(PARIS).date(),  # the Paris day of the call
            "call_number": lambda r: r.number,
            "call_transcript": lambda r: self.transcript(r.id),
        }
        unknown = [s for s in sources if s not in readers]
        if unknown:
            raise ValueError(f"a call dataset cannot read {', '.join(unknown)}")
        for row, reason in self._facts(spec, on):
            if reason is None:
                yield tuple(readers[s](row) for s in sources)
