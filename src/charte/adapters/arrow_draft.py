"""An analysis dataset's build being written (``services.datasets.Draft``) with Apache Arrow:
the first pass's rows spooled as an Arrow IPC file (owner-only, never published), the second pass
mapping and filtering them batch by batch — with Arrow's compute kernels, not a Python loop — into
the Parquet (zstd) and CSV writers. Memory stays that of one batch whatever the population."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.adapters.private_files import narrow, write_private
from charte.services.dataset_ports import FileInfo

SEPARATOR = "\x1f"  # joins a row's quasi-identifiers into one key (no generalised value holds it)
FILES = ("data.parquet", "data.csv", "sheet.json")


class ArrowDraft:
    def __init__(self, folder: Path, columns: Sequence[str], integers: Collection[str]) -> None:
        self.folder = folder
        self.schema = pa.schema(
            [pa.field(name, pa.int64() if name in integers else pa.string()) for name in columns]
        )
        self._spool: pa.RecordBatchFileWriter | None = None
        self._parquet = pq.ParquetWriter(str(self._private("data.parquet")), self.schema, compression="zstd")
        self._csv = pacsv.CSVWriter(str(self._private("data.csv")), self.schema)

    # -- the first pass -------------------------------------------------------------------------

    def spool(self, rows: Sequence[tuple[str, ...]]) -> None:
        if self._spool is None:
            self._spool = pa.ipc.new_file(str(self._private("spool.arrow")), self.schema)
        self._spool.write_batch(self._batch(rows))

    def _replay(self) -> Iterator[pa.RecordBatch]:
        if self._spool is None:
            return
        self._spool.close()
        # Read, not memory-mapped: a mapped spool's pages stay resident and the process would
        # grow with the population; read batch by batch, it holds one batch.
        with pa.OSFile(str(self.folder / "spool.arrow")) as source:
            reader = pa.ipc.open_file(source)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)

    def publish(
        self, maps: Sequence[Mapping[str, str] | None], suppressed: Collection[tuple[str, ...]]
    ) -> int:
        """Map each spooled column through its table (Arrow's ``index_in`` and ``take``), then drop
        the rows whose joined quasi-identifiers are suppressed (``is_in``): vectorised per batch."""
        tables = [(i, m) for i, m in enumerate(maps) if m is not None]
        gone = pa.array([SEPARATOR.join(key) for key in suppressed], pa.string())
        written = 0
        for batch in self._replay():
            arrays = list(batch.columns)
            for i, table in tables:
                before = pa.array(list(table), pa.string())
                after = pa.array(list(table.values()), pa.string())
                arrays[i] = pc.take(after, pc.index_in(arrays[i], value_set=before))
            mapped = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
            if len(gone) and tables:
                joined = pc.binary_join_element_wise(*(arrays[i] for i, _ in tables), SEPARATOR)
                mapped = mapped.filter(pc.invert(pc.is_in(joined, value_set=gone)))
            self.write_batch(mapped)
            written += mapped.num_rows
        return written

    # -- the files ------------------------------------------------------------------------------

    def write(self, rows: Sequence[tuple[object, ...]]) -> None:
        self.write_batch(self._batch(rows))

    def _batch(self, rows: Sequence[tuple[Any, ...]]) -> pa.RecordBatch:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.schema]
        return pa.RecordBatch.from_arrays(
            [pa.array(list(values), f.type) for values, f in zip(columns, self.schema, strict=True)],
            schema=self.schema,
        )

    def write_batch(self, batch: pa.RecordBatch) -> None:
        self._parquet.write_batch(batch)
        self._csv.write_batch(batch)

    def _private(self, name: str) -> Path:
        path = self.folder / name
        path.touch(mode=0o600)
        narrow(path)
        return path

    def finish(self, sheet: Mapping[str, Any]) -> tuple[FileInfo, ...]:
        self.close()
        (self.folder / "spool.arrow").unlink(missing_ok=True)
        write_private(self.folder / "sheet.json", json.dumps(sheet, ensure_ascii=False, indent=2) + "\n")
        return tuple(file_info(self.folder / name) for name in FILES)

    def close(self) -> None:
        for writer in (self._spool, self._parquet, self._csv):
            if writer is not None:
                with contextlib.suppress(OSError, pa.ArrowException):
                    writer.close()


def file_info(path: Path) -> FileInfo:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return FileInfo(path.name, path.stat().st_size, digest.hexdigest())
