"""The ports and read models of analysis datasets (``services.datasets``): what a build reads
(the population), writes (a draft of files, a key), draws (noise) and records (the builds), and
the desk that holds them — the adapters implement these; the use cases are ``datasets``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Entry
from charte.domain.datasets import DatasetSpec
from charte.domain.policy import Policy
from charte.services.analysis import Redacting
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.ports import Clock
from charte.services.read_model import JsonRecord


class Unreachable(Refused):
    """The privacy model cannot be reached on today's population: nothing was written."""


@dataclass(frozen=True, slots=True)
class PopulationCounts:
    """Who the population held on the build's day, and why some were left out."""

    candidates: int
    objected: int  # objected to the dataset's purpose (GDPR Art. 21(1))
    restricted: int  # restricted their data (Art. 18(2))
    due: int  # a unit of theirs was due for erasure (Art. 5(1)(e)): the sweep had not run yet

    @property
    def selected(self) -> int:
        return self.candidates - self.objected - self.restricted - self.due


@dataclass(frozen=True, slots=True)
class FileInfo:
    name: str
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Noisy:
    values: tuple[int, ...]
    epsilon: float  # the loss the library's own accounting gives for one person's change
    scale: float
    mechanism: str


@dataclass(frozen=True, slots=True)
class BuildView:
    """A build as the DPO and the recipients see it (no personal value anywhere)."""

    dataset: str
    build: int
    model: str
    actor: str
    role: str
    purpose: str
    built_at: datetime
    rows: int
    epsilon: float | None
    purge_due: date
    sheet: JsonRecord
    destroyed_at: datetime | None = None
    destroyed_by: str | None = None
    destroyed_why: str | None = None  # expired or revoked

    @property
    def live(self) -> bool:
        return self.destroyed_at is None


class DatasetSource(Protocol):
    def population(self, spec: DatasetSpec, on: date) -> PopulationCounts: ...

    def rows(self, spec: DatasetSpec, on: date) -> Iterator[Sequence[object]]:
        """The selected persons' raw values, one per output column that has a source, in the
        declaration's order; streamed, in the order of the register's ids."""
        ...


class Draft(Protocol):
    def spool(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Keep transformed rows for the second pass (owner-only, removed with the draft)."""
        ...

    def publish(
        self, maps: Sequence[Mapping[str, str] | None], suppressed: Collection[tuple[str, ...]]
    ) -> int:
        """Write the spooled rows with each column mapped (``None``: as it is), leaving out rows
        whose mapped quasi-identifiers (the mapped columns, in order) are ``suppressed``."""
        ...

    def write(self, rows: Sequence[tuple[object, ...]]) -> None: ...

    def finish(self, sheet: JsonRecord) -> tuple[FileInfo, ...]:
        """Close the files, add the data sheet, and move the whole build into place."""
        ...


class DatasetFiles(Protocol):
    def draft(
        self, dataset: str, build: int, columns: Sequence[str], integers: Collection[str] = ()
    ) -> AbstractContextManager[Draft]: ...

    def destroy(self, dataset: str, build: int) -> bool: ...

    def path(self, dataset: str, build: int, name: str) -> Path | None:
        """Where a live build's file is (``None`` if it is not there)."""
        ...


class DatasetKeys(Protocol):
    def create(self, dataset: str, build: int) -> bytes: ...

    def destroy(self, dataset: str, build: int) -> None: ...


class NoiseSource(Protocol):
    def counts(self, true: Sequence[int], epsilon: float) -> Noisy: ...


class BuildStore(Protocol):
    def next_build(self, dataset: str) -> int: ...

    def spent(self, dataset: str) -> float:
        """The privacy loss every build of the dataset spent, destroyed or not: a release is not
        taken back by deleting a file."""
        ...

    def record(self, view: BuildView, entry: Entry, budget: float | None) -> None:
        """The build's row and its audit entry, in one transaction; ``Refused`` if ``budget``
        would be exceeded by then (another build spent it meanwhile)."""
        ...

    def builds(self, dataset: str | None = None) -> list[BuildView]: ...

    def destroyed(self, view: BuildView, at: datetime, by: str, why: str, entry: Entry) -> None: ...

    def expired(self, as_of: date) -> list[BuildView]:
        """Live builds whose ``purge_due`` is on or before ``as_of``."""
        ...


@dataclass(slots=True)
class DatasetDesk:
    policy: Policy
    gate: AccessGate
    auditor: Auditor
    clock: Clock
    source: DatasetSource
    files: DatasetFiles
    keys: DatasetKeys
    store: BuildStore
    noise: NoiseSource
    # Transcripts' redaction (the French model loads in seconds: only when a dataset redacts).
    redactor: Callable[[], Redacting] | None = None
    policy_sha256: str | None = None  # the policy file in force: the data sheet names it
