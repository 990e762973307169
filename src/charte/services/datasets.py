"""Building, reading, revoking and expiring analysis datasets (docs/datasets.md).

A build: the gate (the role is a recipient, the purpose the dataset's, the training current); the
population selected by the database (objections to the purpose, restrictions and units due left
out); each row transformed as its declaration says; the privacy model checked *before* a file is
written — k-anonymity solved over the counts of a first pass, or the differentially private counts
drawn by OpenDP with the budget charged; then the files (Parquet, CSV), the data sheet, the build's
row and its audit entry. Anything that fails leaves nothing behind: no file, no key, no row.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from itertools import product
from pathlib import Path

from charte.domain import dataset_anonymity as anonymity
from charte.domain.access import AccessGate, Decision, Denial
from charte.domain.audit import Action, Entry
from charte.domain.dataset_checks import cells
from charte.domain.datasets import (
    ALL,
    Column,
    DatasetSpec,
    DifferentialPrivacy,
    KAnonymity,
    Population,
    Transform,
    expires_on,
    pseudonym,
)
from charte.domain.policy import Policy
from charte.services.access import Reader, require
from charte.services.analysis import Redacting
from charte.services.dataset_ports import (
    BuildStore,
    BuildView,
    DatasetDesk,
    Draft,
    PopulationCounts,
    Unreachable,
)
from charte.services.errors import NotFound, NotReady, Refused
from charte.services.read_model import JsonRecord

SPOOL_BATCH = 20_000  # rows per batch spooled and written: memory stays flat in the population


# -- who may ------------------------------------------------------------------------------------


def spec_of(policy: Policy, name: str) -> DatasetSpec:
    found = policy.datasets.get(name)
    if found is None:
        raise NotFound("dataset", f"{name} (the policy declares: {', '.join(policy.datasets) or 'none'})")
    return found


def decide(gate: AccessGate, spec: DatasetSpec, reader: Reader) -> Decision:
    """The role may act under the dataset's purpose (grants, training), the purpose is the
    dataset's, and the role is one of its recipients."""
    base = gate.check(reader.role, reader.purpose, trained=reader.trained)
    if not base.allowed:
        return base
    if spec.population is Population.CALLS:  # transcripts are read as recordings are heard
        listen = gate.may_listen(reader.role, reader.purpose, objected=False, trained=reader.trained)
        if not listen.allowed:
            return listen
    if reader.purpose != spec.purpose:
        return Decision(
            False,
            Denial.PURPOSE_DATA,
            f"dataset '{spec.id}' serves purpose '{spec.purpose}' only, not '{reader.purpose}'",
        )
    if reader.role not in spec.recipients:
        return Decision(
            False, Denial.NOT_A_RECIPIENT, f"role '{reader.role}' is not a recipient of dataset '{spec.id}'"
        )
    return base


def _entry(
    desk: DatasetDesk, reader: Reader, spec: DatasetSpec, verdict: Decision, detail: JsonRecord
) -> Entry:
    return Entry(
        at=desk.clock.now(),
        actor=reader.actor,
        action=Action.DATASET,
        role=reader.role,
        purpose=reader.purpose,
        fields=tuple(sorted({c.source for c in spec.output if c.source in desk.policy.fields})),
        decision="allowed" if verdict.allowed else f"denied:{verdict.reason}",
        detail={"dataset": spec.id, **detail},
    )


def _gate(desk: DatasetDesk, reader: Reader, spec: DatasetSpec, detail: JsonRecord) -> None:
    verdict = decide(desk.gate, spec, reader)
    if not verdict.allowed:
        desk.auditor.record([_entry(desk, reader, spec, verdict, detail)])
    require(verdict)


# -- building -----------------------------------------------------------------------------------


def build(desk: DatasetDesk, reader: Reader, name: str) -> BuildView:
    """Build dataset ``name`` now; its data sheet says what it holds and what it achieves."""
    spec = spec_of(desk.policy, name)
    _gate(desk, reader, spec, {"step": "build"})
    started = time.monotonic()
    now = desk.clock.now()
    on = desk.clock.today()
    model = spec.privacy
    spent = desk.store.spent(name) if isinstance(model, DifferentialPrivacy) else 0.0
    if isinstance(model, DifferentialPrivacy) and spent + model.epsilon > model.budget:
        raise Refused(
            f"dataset '{name}' has spent {spent:g} of its privacy budget of {model.budget:g}: a build "
            f"spends {model.epsilon:g} (policy: datasets.{name}.privacy.budget)"
        )
    counts = desk.source.population(spec, on)
    number = desk.store.next_build(name)
    pseudonymised = any(c.transform is Transform.PSEUDONYM for c in spec.columns)
    key = desk.keys.create(name, number) if pseudonymised else b""
    placed = False
    try:
        names = [c.name for c in spec.output]
        integers = [c.name for c in spec.output if c.transform is Transform.COUNT]
        with desk.files.draft(name, number, names, integers) as draft:
            if isinstance(model, KAnonymity):
                try:
                    rows, achieved = _k_anonymous(desk, spec, model, on, key, draft)
                except anonymity.AnonymityUnreachable as e:
                    raise Unreachable(str(e)) from e
                epsilon = None
            else:
                rows, achieved, epsilon = _private_counts(desk, spec, model, on, draft)
            view = BuildView(
                dataset=name,
                build=number,
                model=spec_model(spec),
                actor=reader.actor,
                role=reader.role,
                purpose=reader.purpose,
                built_at=now,
                rows=rows,
                epsilon=epsilon,
                purge_due=expires_on(on, desk.policy.retention[spec.retention].period),
                sheet={},
            )
            sheet = data_sheet(desk.policy, spec, view, counts, achieved, time.monotonic() - started)
            sheet["policy"]["sha256"] = desk.policy_sha256
            since = spec.since(on)  # the population's period, when it has one
            sheet["population_since"] = since.isoformat() if since is not None else None
            files = draft.finish(sheet)
            placed = True
        sheet["files"] = [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256} for f in files]
        view = replace(view, sheet=sheet)
        detail = {"step": "build", "build": number, "rows": rows, "model": view.model}
        if epsilon is not None:
            detail["epsilon"] = epsilon
        budget = model.budget if isinstance(model, DifferentialPrivacy) else None
        desk.store.record(view, _entry(desk, reader, spec, Decision(True, None, ""), detail), budget)
    except BaseException:
        desk.keys.destroy(name, number)
        if placed:
            desk.files.destroy(name, number)
        raise
    return view


def spec_model(spec: DatasetSpec) -> str:
    return "k_anonymity" if isinstance(spec.privacy, KAnonymity) else "differential_privacy"


def _transformed(
    spec: DatasetSpec,
    raw: Iterator[Sequence[object]],
    on: date,
    key: bytes,
    redactor: Redacting | None = None,
    placeholders: Counter[str] | None = None,
) -> Iterator[tuple[str, ...]]:
    """Each selected row at the finest level of every column, pseudonyms keyed, free text
    redacted (``placeholders`` counts what the redaction replaced, by kind)."""
    columns = [c for c in spec.output if c.transform is not Transform.COUNT]
    memo: list[dict[object, str]] = [{} for _ in columns]
    for values in raw:
        out = []
        for c, seen, value in zip(columns, memo, values, strict=True):
            if c.transform is Transform.PSEUDONYM:
                out.append(pseudonym(key, str(value)))
                continue
            if c.transform is Transform.REDACT:
                if redactor is None:
                    raise NotReady("this dataset redacts transcripts: the redaction extra is needed")
                done = redactor.redact(str(value or ""))
                if placeholders is not None:
                    placeholders.update(span[0] for span in done.spans)
                out.append(done.text)
                continue
            found = seen.get(value)
            if found is None:
                found = seen[value] = c.value(value, on)  # type: ignore[arg-type]
                if len(seen) > 20_000:  # an address per person: do not keep them all
                    seen.clear()
            out.append(found)
        yield tuple(out)


def _k_anonymous(
    desk: DatasetDesk, spec: DatasetSpec, model: KAnonymity, on: date, key: bytes, draft: Draft
) -> tuple[int, JsonRecord]:
    output = list(spec.output)
    qi = [output.index(c) for c in spec.quasi_identifiers]
    sens = [output.index(c) for c in spec.sensitive]
    groups = anonymity.Groups(width=len(sens))
    batch: list[tuple[str, ...]] = []
    redacts = any(c.transform is Transform.REDACT for c in spec.columns)
    redactor = desk.redactor() if redacts and desk.redactor is not None else None
    placeholders: Counter[str] = Counter()
    for row in _transformed(spec, desk.source.rows(spec, on), on, key, redactor, placeholders):
        groups.add(tuple(row[i] for i in qi), [row[i] for i in sens])
        batch.append(row)
        if len(batch) >= SPOOL_BATCH:
            draft.spool(batch)
            batch = []
    if batch:
        draft.spool(batch)
    solution = anonymity.solve(spec, model, groups)  # AnonymityUnreachable: nothing is written
    columns = spec.quasi_identifiers
    distinct: list[set[str]] = [set() for _ in columns]
    for combination in groups.counts:
        for values, value in zip(distinct, combination, strict=True):
            values.add(value)
    maps: list[Mapping[str, str] | None] = [None] * len(output)
    for i, (c, level, values) in enumerate(zip(columns, solution.levels, distinct, strict=True)):
        maps[qi[i]] = {v: c.coarsen(v, level) for v in values}
    written = draft.publish(maps, solution.suppressed)
    achieved: JsonRecord = {
        "k": model.k,
        "k_achieved": solution.k,
        "l": model.l,
        "l_achieved": solution.l if model.l > 1 else None,
        "sensitive": list(model.sensitive),
        "quasi_identifiers": [c.name for c in columns],
        "levels": {c.name: _level_name(c, lv) for c, lv in zip(columns, solution.levels, strict=True)},
        "max_suppression": model.max_suppression,
        "rows_suppressed": solution.suppressed_rows,
        "suppression_rate": round(solution.suppression_rate, 6),
    }
    if redacts:
        # What the redaction replaced, by kind (no value): the analysts know what is gone.
        achieved["redacted"] = dict(sorted(placeholders.items()))
    return written, achieved


def _level_name(c: Column, level: int) -> str:
    if level >= c.climbs and c.transform is Transform.GENERALISE:
        return ALL
    return c.levels[level] if c.levels else "as_is"


def _private_counts(
    desk: DatasetDesk, spec: DatasetSpec, model: DifferentialPrivacy, on: date, draft: Draft
) -> tuple[int, JsonRecord, float]:
    keyed = [c for c in spec.output if c.transform is not Transform.COUNT]
    domains = [cells(c) or () for c in keyed]
    counts: Counter[tuple[str, ...]] = Counter(_transformed(spec, desk.source.rows(spec, on), on, b""))
    grid = list(product(*domains))
    noisy = desk.noise.counts([counts.get(cell, 0) for cell in grid], model.epsilon)
    # Post-processing costs no privacy (Dwork & Roth, 2014, Prop. 2.1): a negative count reads 0.
    where = [c.name for c in spec.output].index(
        next(c.name for c in spec.output if c.transform is Transform.COUNT)
    )
    rows = []
    for cell, value in zip(grid, noisy.values, strict=True):
        row: list[object] = list(cell)
        row.insert(where, max(0, value))
        rows.append(tuple(row))
    for start in range(0, len(rows), SPOOL_BATCH):
        draft.write(rows[start : start + SPOOL_BATCH])
    achieved: JsonRecord = {
        "epsilon": noisy.epsilon,
        "budget": model.budget,
        "spent_before": desk.store.spent(spec.id),
        "mechanism": noisy.mechanism,
        "scale": noisy.scale,
        "cells": len(grid),
        "neighbouring": "one person added or removed (each person counts in one cell)",
    }
    return len(rows), achieved, noisy.epsilon


def data_sheet(
    policy: Policy,
    spec: DatasetSpec,
    view: BuildView,
    counts: PopulationCounts,
    achieved: JsonRecord,
    seconds: float,
) -> JsonRecord:
    """What the recipients and the DPO read with the files: the declaration, the population, what
    the privacy model achieved, which build of which policy. A differentially private dataset's
    sheet gives no exact count of persons (two builds' sheets would tell who left)."""
    exact = isinstance(spec.privacy, KAnonymity)
    return {
        "dataset": spec.id,
        "label": spec.label,
        "build": view.build,
        "built_at": view.built_at.isoformat(),
        "built_by": view.actor,
        "role": view.role,
        "purpose": spec.purpose,
        "population": str(spec.population),
        "counts": {
            "candidates": counts.candidates,
            "left_out_objected": counts.objected,
            "left_out_restricted": counts.restricted,
            "left_out_due": counts.due,
            "selected": counts.selected,
            "published_rows": view.rows,
        }
        if exact
        else {"published_cells": view.rows, "exact_counts": "withheld (differential privacy)"},
        "columns": [
            {
                "name": c.name,
                "source": c.source or None,
                "transform": str(c.transform),
                "generalise": str(c.generaliser) if c.generaliser else None,
            }
            for c in spec.columns
        ],
        "privacy": {"model": spec_model(spec), **achieved},
        "pseudonyms": "HMAC-SHA256 under this build's own key, destroyed with the build: no other "
        "dataset or build shares them",
        "expires_on": view.purge_due.isoformat(),
        "retention": spec.retention,
        "build_seconds": round(seconds, 3),
        "policy": {"id": policy.id, "updated_on": policy.updated_on.isoformat()},
        "applies": "objections, restrictions and erasures made before this build; later ones at the "
        "next build",
    }


# -- reading, revoking, expiring ----------------------------------------------------------------


def builds(desk: DatasetDesk, role: str, dataset: str | None = None) -> list[BuildView]:
    """The builds ``role`` may see — every one for the DPO's roles (policy rights.submit_to), a
    recipient's own datasets' otherwise — live or destroyed; data sheets hold no personal value."""
    if dataset is not None:
        spec_of(desk.policy, dataset)
    dpo = role in desk.policy.rights.submit_to
    if not dpo and role not in desk.policy.roles:
        raise Refused(f"unknown role '{role}'")
    return [
        view
        for view in desk.store.builds(dataset)
        if dpo
        or (view.dataset in desk.policy.datasets and role in desk.policy.datasets[view.dataset].recipients)
    ]


def shown(desk: DatasetDesk, role: str, dataset: str, number: int) -> BuildView:
    """One build with its data sheet, for a role that may see it (``builds``)."""
    for view in builds(desk, role, dataset):
        if view.build == number:
            return view
    one(desk, dataset, number)  # NotFound when there is no such build
    raise Refused(f"role '{role}' is not a recipient of dataset '{dataset}'")


def one(desk: DatasetDesk, dataset: str, number: int) -> BuildView:
    for view in desk.store.builds(dataset):
        if view.build == number:
            return view
    raise NotFound("dataset build", f"{dataset} {number}")


def open_file(desk: DatasetDesk, reader: Reader, dataset: str, number: int, fmt: str) -> Path:
    """A live build's file for a recipient (gated, audited): ``data.parquet`` or ``data.csv``."""
    spec = spec_of(desk.policy, dataset)
    name = {"parquet": "data.parquet", "csv": "data.csv", "sheet": "sheet.json"}.get(fmt)
    if name is None:
        raise Refused(f"format '{fmt}': give parquet, csv or sheet")
    _gate(desk, reader, spec, {"step": "read", "build": number})
    view = one(desk, dataset, number)
    if not view.live:
        raise NotFound("dataset build", f"{dataset} {number} (destroyed: {view.destroyed_why})")
    path = desk.files.path(dataset, number, name)
    if path is None:
        raise NotFound("dataset file", f"{dataset} {number} {name}")
    desk.auditor.record(
        [
            _entry(
                desk, reader, spec, Decision(True, None, ""), {"step": "read", "build": number, "file": name}
            )
        ]
    )
    return path


def read_rows(desk: DatasetDesk, reader: Reader, dataset: str, number: int) -> Iterator[dict[str, str]]:
    """A live build's rows as the CSV holds them (gated and audited like a download)."""
    path = open_file(desk, reader, dataset, number, "csv")
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def transcripts_dataset(policy: Policy, purpose: str) -> DatasetSpec:
    """The policy's dataset of recorded calls for ``purpose``: the one way transcripts leave."""
    for spec in policy.datasets.values():
        if spec.population is Population.CALLS and spec.purpose == purpose:
            return spec
    raise NotFound("dataset of recorded calls", f"purpose {purpose} (policy: datasets, population: calls)")


def revoke(desk: DatasetDesk, actor: str, role: str, dataset: str, number: int) -> BuildView:
    """Destroy a build now — its files and its key — on the DPO's word (the roles rights
    requests go to: policy rights.submit_to)."""
    if role not in desk.policy.rights.submit_to:
        raise Refused(
            f"role '{role}' may not revoke a dataset: the DPO's roles do "
            f"({', '.join(desk.policy.rights.submit_to)})"
        )
    view = one(desk, dataset, number)
    if not view.live:
        raise Refused(f"build {number} of dataset '{dataset}' was already destroyed ({view.destroyed_why})")
    return _destroy(desk, view, actor, role, "revoked")


def _destroy(desk: DatasetDesk, view: BuildView, actor: str, role: str | None, why: str) -> BuildView:
    desk.files.destroy(view.dataset, view.build)
    desk.keys.destroy(view.dataset, view.build)
    at = desk.clock.now()
    entry = Entry(
        at=at,
        actor=actor,
        action=Action.DATASET,
        role=role,
        detail={"dataset": view.dataset, "step": why, "build": view.build},
    )
    desk.store.destroyed(view, at, actor, why, entry)
    return replace(view, destroyed_at=at, destroyed_by=actor, destroyed_why=why)


class Expiry:
    """The sweep's part: builds past their retention lose their files and key (``Eraser``). The
    desk is built only when a build is due: a sweep with none opens nothing more."""

    def __init__(self, store: BuildStore, desk: Callable[[], DatasetDesk], actor: str) -> None:
        self.store, self.desk, self.actor = store, desk, actor

    def due(self, as_of: date) -> int:
        return len(self.store.expired(as_of))

    def purge(self, as_of: date) -> int:
        expired = self.store.expired(as_of)
        if expired:
            desk = self.desk()
            for view in expired:  # a handful of builds, each a folder and a key file
                _destroy(desk, view, self.actor, None, "expired")
        return len(expired)
