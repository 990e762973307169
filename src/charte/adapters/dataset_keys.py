"""Each build's pseudonym key (``services.datasets.DatasetKeys``): 32 random bytes in a file of
its own under ``<home>/keys/datasets/`` (0600), deleted with the build.

The key is kept while the build lives so that the DPO can find a person's row in it when that
person exercises a right (GDPR Art. 11(2), 15); once deleted, nobody can compute a pseudonym
again. Deleting a file does not overwrite the disk's blocks: keep the charte home on an encrypted
volume (docs/deploy.md) so that a deleted key cannot be read back from the device.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from charte.adapters.key_files import KEY_BYTES
from charte.adapters.private_files import open_private, private_folder


class DatasetKeyFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, dataset: str, build: int) -> Path:
        return self.root / f"{dataset}-{build}.key"

    def create(self, dataset: str, build: int) -> bytes:
        key = secrets.token_bytes(KEY_BYTES)
        private_folder(self.root)
        with open_private(self._path(dataset, build), "w", exclusive=True) as handle:
            handle.write(base64.b64encode(key).decode("ascii") + "\n")
        return key

    def read(self, dataset: str, build: int) -> bytes | None:
        path = self._path(dataset, build)
        return base64.b64decode(path.read_text(encoding="ascii")) if path.exists() else None

    def destroy(self, dataset: str, build: int) -> None:
        self._path(dataset, build).unlink(missing_ok=True)
