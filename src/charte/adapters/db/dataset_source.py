"""An analysis dataset's population, selected by the database (``services.datasets``).

One statement counts the population and why some are left out; one streamed statement reads the
selected persons' values — each person field and site field by a join of its own, the contract's
columns from the contract: set-based, whatever the register's size, in the order of the ids.
Which persons are left out is the declaration's and the domain's (objection to the purpose,
restriction, a unit due); this module only says it in SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from charte.adapters.db import tables as t
from charte.adapters.db.dataset_calls import SqlCallPopulation
from charte.adapters.event_feed import SITE_FIELDS
from charte.domain.datasets import POPULATION_SUBJECT, DatasetSpec, Population, Transform
from charte.domain.register import Role
from charte.services.access import CONTRACT_FIELDS
from charte.services.dataset_ports import PopulationCounts

# The policy's field names of the contract's own columns (the register keeps them there).
_CONTRACT_COLUMNS = {name: column for column, name in CONTRACT_FIELDS.items()} | {"contract_ref": "ref"}
_SITE_FIELDS = frozenset(SITE_FIELDS.values())  # the site's fields, as the feed writes them
BATCH = 10_000


class SqlDatasetSource:
    def __init__(
        self, engine: Engine, *, encrypted: frozenset[str], calls: SqlCallPopulation | None = None
    ) -> None:
        self.engine, self.encrypted, self.calls = engine, encrypted, calls

    def _calls(self) -> SqlCallPopulation:
        if self.calls is None:  # pragma: no cover - the composition root always gives them
            raise ValueError("no recorded calls here")
        return self.calls

    def _latest(self, on: date, since: date | None = None) -> Any:
        """Each client's latest contract running on ``on`` (ended contracts are archived)."""
        r, c = t.roles.c, t.contracts.c
        rank = func.row_number().over(partition_by=r.person_id, order_by=(c.signed_on.desc(), c.id.desc()))
        return (
            select(r.person_id, c.id.label("contract_id"), rank.label("n"))
            .join(t.contracts, c.id == r.contract_id)
            .where(
                r.role == Role.CLIENT.value,
                c.signed_on <= on,
                or_(c.ended_on.is_(None), c.ended_on > on),
                or_(r.ended_on.is_(None), r.ended_on > on),
                c.signed_on > since if since is not None else literal(True),
            )
            .subquery("latest")
        )

    def _reasons(self, spec: DatasetSpec, on: date, person: Any) -> ColumnElement[str]:
        """Why a person is left out, the first reason that applies; ``selected`` otherwise."""
        p, o, u = t.persons.c, t.oppositions.c, t.retention_units.c
        objected = select(o.id).where(o.person_ref == p.ref, o.purpose == spec.purpose).exists()
        # The population's own data due for erasure (a former prospect's prospect data due
        # leaves their client data, which the dataset draws on, where they are).
        kind = POPULATION_SUBJECT[spec.population]
        due = select(u.id).where(u.person_id == person, u.kind == kind, u.purge_due <= on).exists()
        restricted = literal(False) if spec.include_restricted else p.restricted_since.is_not(None)
        return case((objected, "objected"), (restricted, "restricted"), (due, "due"), else_="selected")

    def population(self, spec: DatasetSpec, on: date) -> PopulationCounts:
        if spec.population is Population.CALLS:
            return self._calls().population(spec, on)
        latest = self._latest(on, spec.since(on))
        reason = self._reasons(spec, on, latest.c.person_id).label("reason")
        inner = (
            select(reason)
            .select_from(latest)
            .join(t.persons, t.persons.c.id == latest.c.person_id)
            .where(latest.c.n == 1)
            .subquery()
        )
        with self.engine.connect() as conn:
            found = conn.execute(select(inner.c.reason, func.count()).group_by(inner.c.reason)).all()
        by = {str(k): int(v) for k, v in found}
        return PopulationCounts(
            candidates=sum(by.values()),
            objected=by.get("objected", 0),
            restricted=by.get("restricted", 0),
            due=by.get("due", 0),
        )

    def _values(self, spec: DatasetSpec, latest: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
        """The select list (one per output column with a source) and the joins it needs."""
        p, c = t.persons.c, t.contracts.c
        values: list[Any] = []
        joins: list[tuple[Any, Any]] = []
        for col in spec.output:
            if col.transform is Transform.COUNT:
                continue
            name = col.source
            if name in self.encrypted:  # refused by policy check; never decrypted for a dataset
                raise ValueError(f"field '{name}' is encrypted: no dataset reads it")
            if name == "person":
                values.append(p.ref)
            elif name in _CONTRACT_COLUMNS:
                values.append(getattr(c, _CONTRACT_COLUMNS[name]))
            elif name == "contract_status":
                values.append(case((c.ended_on.is_(None), "running"), else_="ending"))
            elif name in _SITE_FIELDS:
                sf = aliased(t.site_fields)
                joins.append((sf, and_(sf.c.site_id == c.site_id, sf.c.field == name)))
                values.append(sf.c.value)
            else:
                pf = aliased(t.person_fields)
                joins.append((pf, and_(pf.c.person_id == p.id, pf.c.field == name)))
                values.append(pf.c.value)
        return values, joins

    def query(self, spec: DatasetSpec, on: date) -> Select[Any]:
        """The one statement that reads the selected persons' values (``bench/dataset_build.py``
        runs it with the raw driver as the floor)."""
        latest = self._latest(on, spec.since(on))
        values, joins = self._values(spec, latest)
        query = (
            select(*values)
            .select_from(latest)
            .join(t.persons, t.persons.c.id == latest.c.person_id)
            .join(t.contracts, t.contracts.c.id == latest.c.contract_id)
        )
        for table, on_clause in joins:
            query = query.outerjoin(table, on_clause)
        return query.where(
            latest.c.n == 1, self._reasons(spec, on, latest.c.person_id) == "selected"
        ).order_by(latest.c.person_id)

    def rows(self, spec: DatasetSpec, on: date) -> Iterator[Sequence[object]]:
        if spec.population is Population.CALLS:
            yield from self._calls().rows(spec, on)
            return
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                self.query(spec, on)
            )
            for row in result:
                yield tuple(row)
