"""The annual report's facts in SQL (``charte.services.annual_report``): a year's requests and
sweeps as rows (a few thousand at most), consents counted by month in one statement — each
month's bounds given as instants, so that a month is Paris's on either engine; and the inspection
pack's timelines and sweep runs (``charte.services.inspection``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Engine, Label, and_, case, func, or_, select

from charte.adapters.db import tables as t
from charte.adapters.db.times import utc
from charte.domain.metrics import Month
from charte.services.annual_report import ConsentMonth, HoldFacts, RequestFacts, SweepFacts
from charte.services.inspection import SweepRun, Timeline


class SqlReportSource:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def requests(self, first: date, after: date) -> list[RequestFacts]:
        r = t.rights_requests.c
        query = select(
            r.type,
            r.channel,
            r.received_on,
            r.due_on,
            r.extended_on,
            r.finished_on,
            r.status,
            r.finish_reason,
        ).where(
            r.received_on < after,
            or_(r.received_on >= first, r.finished_on.is_(None), r.finished_on >= first),
        )
        with self.engine.connect() as c:
            return [RequestFacts(*row) for row in c.execute(query)]

    def sweeps(self, first: date, after: date) -> list[SweepFacts]:
        s = t.sweep_runs.c
        query = select(s.as_of, s.totals).where(s.as_of >= first, s.as_of < after).order_by(s.id)
        with self.engine.connect() as c:
            found = []
            for as_of, totals in c.execute(query):
                counts = json.loads(totals)
                units = {str(k): int(v) for k, v in (counts.get("units_by_rule") or {}).items()}
                found.append(SweepFacts(as_of, units, int(counts.get("persons_erased") or 0)))
            return found

    def holds(self, after: date) -> list[HoldFacts]:
        k = t.cases.c
        with self.engine.connect() as c:
            return [
                HoldFacts(*row)
                for row in c.execute(select(k.kind, k.opened_on, k.closed_on).where(k.opened_on < after))
            ]

    def consents(self, year: tuple[Month, ...]) -> list[ConsentMonth]:
        """One scan of the consents given or withdrawn in the year, counted per month."""
        n = t.consents.c
        start, end = year[0].start.astimezone(UTC), year[-1].end.astimezone(UTC)

        def within(column: ColumnElement[datetime], m: Month) -> ColumnElement[int]:
            return func.sum(case((and_(column >= m.start, column < m.end), 1), else_=0))

        columns: list[Label[int]] = []
        for m in year:
            columns.append(within(n.given_at, m).label(f"g{m.label}"))
            columns.append(within(n.withdrawn_at, m).label(f"w{m.label}"))
        query = (
            select(n.purpose, n.channel, *columns)
            .where(
                or_(
                    and_(n.given_at >= start, n.given_at < end),
                    and_(n.withdrawn_at >= start, n.withdrawn_at < end),
                )
            )
            .group_by(n.purpose, n.channel)
        )
        found = []
        with self.engine.connect() as c:
            for row in c.execute(query):
                values = row._mapping
                for m in year:
                    given, withdrawn = int(values[f"g{m.label}"] or 0), int(values[f"w{m.label}"] or 0)
                    if given or withdrawn:
                        found.append(ConsentMonth(m.label, row.purpose, row.channel, given, withdrawn))
        return found


class SqlPackFacts:
    """The inspection pack's rights timelines and sweep runs (``services.inspection``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def timelines(self, first: date, after: date) -> list[Timeline]:
        """The requests received in the year, or still open during it: refs, kinds, days — never
        the requester's name, contact or changes, nor who stepped them."""
        r, s = t.rights_requests.c, t.rights_steps.c
        query = (
            select(r.id, r.type, r.channel, r.received_on, r.first_due_on, r.due_on, r.extended_on,
                   r.verified_on, r.finished_on, r.status, r.person_ref.is_not(None).label("matched"))
            .where(r.received_on < after,
                   or_(r.received_on >= first, r.finished_on.is_(None), r.finished_on >= first))
            .order_by(r.id)
        )  # fmt: skip
        with self.engine.connect() as c:
            rows = c.execute(query).all()
            steps: dict[int, list[tuple[date, str]]] = {}
            ids = [row.id for row in rows]
            for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
                for request_id, on, step in c.execute(
                    select(s.request_id, s.on, s.step)
                    .where(s.request_id.in_(chunk))
                    .order_by(s.request_id, s.at, s.id)
                ):
                    steps.setdefault(request_id, []).append((on, step))
        return [Timeline(*row[:10], bool(row.matched), tuple(steps.get(row.id, ()))) for row in rows]

    def sweep_runs(self, first: date, after: date) -> list[SweepRun]:
        w = t.sweep_runs.c
        query = (
            select(w.as_of, w.finished_at, w.totals).where(w.as_of >= first, w.as_of < after).order_by(w.id)
        )
        with self.engine.connect() as c:
            return [SweepRun(as_of, utc(at), json.loads(totals)) for as_of, at, totals in c.execute(query)]
