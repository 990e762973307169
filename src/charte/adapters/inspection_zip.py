"""The inspection pack as a zip file: written owner-only and whole (a temporary name, then a
rename), read back with limits — no name that climbs out of the pack, no more than a bounded size
once uncompressed (a zip bomb is refused, not inflated)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import IO

from charte.adapters.private_files import open_private
from charte.services.errors import Refused

ROOT = "inspection"
MAX_FILES = 100_000
MAX_BYTES = 2 * 1024**3  # uncompressed, the whole pack


def _zip(target: IO[bytes], files: Mapping[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, content in sorted(files.items()):
            pack.writestr(f"{ROOT}/{name}", content)


def write_pack(out: Path, files: Mapping[str, bytes]) -> Path:
    partial = out.with_name(out.name + ".part")
    with open_private(partial, "wb") as handle:
        _zip(handle, files)
    partial.replace(out)
    return out


def pack_bytes(files: Mapping[str, bytes]) -> bytes:
    """The pack as one download (the API and the console send it; nothing stays on the server)."""
    buffer = io.BytesIO()
    _zip(buffer, files)
    return buffer.getvalue()


def read_pack(path: Path) -> dict[str, bytes]:
    try:
        pack = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise Refused(f"{path.name}: not a zip file ({type(exc).__name__})") from exc
    with pack:
        infos = pack.infolist()
        if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_BYTES:
            raise Refused(f"{path.name}: larger than an inspection pack may be once uncompressed")
        found: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or name.parts[:1] != (ROOT,):
                raise Refused(f"{path.name}: a file outside the pack's folder ({info.filename!r})")
            found[str(PurePosixPath(*name.parts[1:]))] = pack.read(info)
        return found
