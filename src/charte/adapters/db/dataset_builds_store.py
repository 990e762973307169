"""Analysis datasets' builds in SQL (``services.datasets.BuildStore``): each recorded with its
audit entry in one transaction; a differentially private dataset's budget re-checked there."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.times import utc
from charte.domain.audit import Entry
from charte.services.dataset_ports import BuildView
from charte.services.errors import Conflict, Refused


def _view(row: Any) -> BuildView:
    return BuildView(
        dataset=row.dataset,
        build=row.build,
        model=row.model,
        actor=row.actor,
        role=row.role,
        purpose=row.purpose,
        built_at=utc(row.built_at),
        rows=row.rows,
        epsilon=row.epsilon,
        purge_due=row.purge_due,
        sheet=json.loads(row.sheet),
        destroyed_at=utc(row.destroyed_at) if row.destroyed_at is not None else None,
        destroyed_by=row.destroyed_by,
        destroyed_why=row.destroyed_why,
    )


class SqlDatasetBuilds:
    def __init__(self, engine: Engine, *, audit: SqlAuditStore) -> None:
        self.engine, self.audit = engine, audit

    def next_build(self, dataset: str) -> int:
        b = t.dataset_builds.c
        with self.engine.connect() as c:
            last = c.execute(select(func.max(b.build)).where(b.dataset == dataset)).scalar_one()
        return int(last or 0) + 1

    def spent(self, dataset: str) -> float:
        b = t.dataset_builds.c
        with self.engine.connect() as c:
            return float(
                c.execute(
                    select(func.coalesce(func.sum(b.epsilon), 0.0)).where(b.dataset == dataset)
                ).scalar_one()
            )

    def record(self, view: BuildView, entry: Entry, budget: float | None) -> None:
        b = t.dataset_builds.c
        try:
            with self.engine.begin() as c:
                c.execute(
                    insert(t.dataset_builds).values(
                        dataset=view.dataset,
                        build=view.build,
                        model=view.model,
                        actor=view.actor,
                        role=view.role,
                        purpose=view.purpose,
                        built_at=view.built_at.astimezone(UTC),
                        rows=view.rows,
                        epsilon=view.epsilon,
                        sheet=json.dumps(view.sheet, ensure_ascii=False, sort_keys=True),
                        purge_due=view.purge_due,
                    )
                )
                if budget is not None:
                    # Counted after the insert, in its transaction: a build that ran meanwhile and
                    # committed first is seen (a concurrent one with the same number conflicts).
                    spent = c.execute(
                        select(func.sum(b.epsilon)).where(b.dataset == view.dataset)
                    ).scalar_one()
                    if float(spent or 0) > budget + 1e-9:
                        raise Refused(
                            f"dataset '{view.dataset}' would spend {float(spent):g} of its privacy budget "
                            f"of {budget:g}: the build is not kept"
                        )
                self.audit.append([entry], c)
        except IntegrityError as e:
            raise Conflict(
                f"another build of dataset '{view.dataset}' took number {view.build} meanwhile; retry"
            ) from e

    def builds(self, dataset: str | None = None) -> list[BuildView]:
        b = t.dataset_builds.c
        query = select(t.dataset_builds).order_by(b.dataset, b.build)
        if dataset is not None:
            query = query.where(b.dataset == dataset)
        with self.engine.connect() as c:
            return [_view(row) for row in c.execute(query)]

    def destroyed(self, view: BuildView, at: datetime, by: str, why: str, entry: Entry) -> None:
        b = t.dataset_builds.c
        with self.engine.begin() as c:
            c.execute(
                update(t.dataset_builds)
                .where(b.dataset == view.dataset, b.build == view.build, b.destroyed_at.is_(None))
                .values(destroyed_at=at.astimezone(UTC), destroyed_by=by, destroyed_why=why)
            )
            self.audit.append([entry], c)

    def expired(self, as_of: date) -> list[BuildView]:
        b = t.dataset_builds.c
        query = select(t.dataset_builds).where(b.purge_due <= as_of, b.destroyed_at.is_(None)).order_by(b.id)
        with self.engine.connect() as c:
            return [_view(row) for row in c.execute(query)]
