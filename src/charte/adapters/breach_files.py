"""Where a breach's papers are written: the CNIL draft, the public communication, the letters to
post — ``CHARTE_HOME/breaches/breach-N/`` (or the folder the DPO names), owner-only (0700, 0600),
each file whole or not at all."""

from __future__ import annotations

from pathlib import Path

from charte.adapters.private_files import private_folder, write_private


class BreachFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, breach: int, files: dict[str, bytes], out: Path | None = None) -> list[Path]:
        folder = out or self.root / f"breach-{breach}"
        private_folder(folder)
        return [write_private(folder / name, content) for name, content in files.items()]
