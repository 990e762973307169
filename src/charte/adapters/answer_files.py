"""Where the answers to rights requests are written: a ZIP, its letters, readable by the owner only.

An answer holds the person's data: it goes to ``CHARTE_HOME/answers/request-N/`` (or the folder the
handler names), with mode 0700 on the folder and 0600 on the files, written whole or not at all (a
temporary name, then a rename).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from charte.adapters.private_files import private_folder, write_private


class AnswerFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self, request_id: int, archive: str, files: dict[str, bytes], loose: tuple[str, ...], out: Path | None
    ) -> list[Path]:
        """The ZIP ``archive`` of every file, and the ``loose`` ones beside it (the letter, for
        the handler to read and print); return the paths written."""
        folder = out or self.root / f"request-{request_id}"
        private_folder(folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for name, content in files.items():
                zipped.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), content)
        written = [write_private(folder / archive, buffer.getvalue())]
        written += [write_private(folder / name, files[name]) for name in loose]
        return written

    def letter(self, request_id: int, stem: str, html: str, pdf: bytes, out: Path | None) -> list[Path]:
        """A letter sent at one step of the request, as ``NN-stem.html`` and ``NN-stem.pdf``
        (NN: its order among the request's letters); return the paths, the PDF last."""
        folder = out or self.root / f"request-{request_id}"
        private_folder(folder)
        number = len(list(folder.glob("[0-9][0-9]-*.pdf"))) + 1
        name = f"{number:02d}-{stem}"
        return [
            write_private(folder / f"{name}.html", html.encode()),
            write_private(folder / f"{name}.pdf", pdf),
        ]

    def archive(self, request_id: int) -> Path | None:
        """The ZIP written in the default folder for the request, if any (an answer written with
        ``--out`` elsewhere is the handler's to find)."""
        found = sorted((self.root / f"request-{request_id}").glob("*.zip"))
        return found[0] if found else None

    def find(self, request_id: int, name: str) -> Path | None:
        """A file of the request's default folder by its bare name (never a path), if there."""
        if Path(name).name != name or name.startswith("."):
            return None
        path = self.root / f"request-{request_id}" / name
        return path if path.is_file() else None

    def keep_unsent(self, request_id: int, record: dict[str, Any]) -> None:
        """A notice that could not be sent (to, subject, text, its letter), to send again; numbered
        after the highest kept so far (one sent and forgotten never frees its number)."""
        folder = self.root / f"request-{request_id}"
        private_folder(folder)
        number = max(map(_number, folder.glob("unsent-[0-9]*.json")), default=0) + 1
        write_private(folder / f"unsent-{number:02d}.json", json.dumps(record, ensure_ascii=False).encode())

    def unsent(self, request_id: int) -> list[tuple[str, dict[str, Any]]]:
        """The request's notices not sent yet, oldest first, by name."""
        folder = self.root / f"request-{request_id}"
        return [
            (p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("unsent-*.json"))
        ]

    def sent(self, request_id: int, name: str) -> None:
        (self.root / f"request-{request_id}" / name).unlink(missing_ok=True)


def _number(kept: Path) -> int:
    return int(kept.stem.removeprefix("unsent-"))
