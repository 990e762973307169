"""Analysis datasets' files (``services.datasets.DatasetFiles``): a private folder per build
(``<home>/datasets/<dataset>/<build>/``: ``data.parquet``, ``data.csv``, ``sheet.json``).

A build is drafted in a hidden folder beside its final place (``adapters.arrow_draft``) and only a
finished build is renamed into place — a failed one is removed whole. Destroying a build removes
its folder; Arrow is loaded only to write one.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from charte.adapters.private_files import private_folder
from charte.services.errors import NotReady

FILES = ("data.parquet", "data.csv", "sheet.json")

if TYPE_CHECKING:
    from charte.adapters.arrow_draft import ArrowDraft


class DatasetFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _final(self, dataset: str, build: int) -> Path:
        return self.root / dataset / str(build)

    @contextmanager
    def draft(
        self, dataset: str, build: int, columns: Sequence[str], integers: Collection[str] = ()
    ) -> Iterator[ArrowDraft]:
        try:
            from charte.adapters.arrow_draft import ArrowDraft  # Arrow only to write a build
        except ImportError as e:
            raise NotReady(
                "analysis datasets are written with Apache Arrow: pip install 'charte[datasets]'"
            ) from e

        final = self._final(dataset, build)
        folder = private_folder(final.parent) / f".draft-{build}"
        shutil.rmtree(folder, ignore_errors=True)  # an earlier crash's leftovers: never published
        private_folder(folder)
        draft = ArrowDraft(folder, columns, integers)
        try:
            yield draft
        except BaseException:
            draft.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        draft.close()
        if (folder / "sheet.json").exists():
            folder.rename(final)
        else:  # left without finishing: nothing is published
            shutil.rmtree(folder, ignore_errors=True)

    def destroy(self, dataset: str, build: int) -> bool:
        final = self._final(dataset, build)
        if not final.exists():
            return False
        shutil.rmtree(final)
        return True

    def path(self, dataset: str, build: int, name: str) -> Path | None:
        found = self._final(dataset, build) / name
        return found if name in FILES and found.is_file() else None
