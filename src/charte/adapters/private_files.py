"""Files and folders that hold personal data or keys: owner-only, whatever the umask.

A register, its audit, the erasure ledger, the spool, the answers and every export name persons;
a file any local account can read bypasses the gate and the audit (GDPR Art. 32(1)(b)). Files are
created ``0600`` and folders ``0700`` by the creating call itself (``os.open`` and ``mkdir`` with
those modes, which a umask can only narrow), then set exactly, so that a permissive umask (``0``)
or a restrictive one (``0277``, which would leave a folder unusable) changes nothing. A file that
exists with wider modes (an export overwritten, a database created by an earlier version) is
narrowed when charte opens it. Folders charte did not create (an ``--out`` folder's parents, the
working directory) are left as they are: they belong to the user.

SQLite creates a database's ``-wal``, ``-shm`` and ``-journal`` files with the database file's
own mode (its Unix VFS copies it: sqlite.org/src/doc/trunk/src/os_unix.c, ``findCreateFileMode``),
so creating the database file ``0600`` before SQLite opens it covers them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import IO, Literal, overload

FILE_MODE, FOLDER_MODE = 0o600, 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(path: Path) -> Path:
    """``path`` as a folder, it and each missing parent created ``0700``; a folder that exists is
    left as it is (``narrow`` tightens one charte owns)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first: set below all the same
            folder.mkdir(mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)
    return path


def narrow(path: Path) -> None:
    """Take group and other rights away from charte's own file or folder (one of an earlier
    version, or one restored from a backup with the archive's modes)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(status.st_mode) & 0o700)


@overload
def open_private(path: Path, mode: Literal["w", "a"] = "w", *, exclusive: bool = False) -> IO[str]: ...


@overload
def open_private(path: Path, mode: Literal["wb", "ab"], *, exclusive: bool = False) -> IO[bytes]: ...


def open_private(path: Path, mode: str = "w", *, exclusive: bool = False) -> IO[str] | IO[bytes]:
    """Open ``path`` for writing (truncated, or appended to with ``a``), created ``0600``, its
    missing parents ``0700``; ``exclusive`` refuses a file that exists."""
    private_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode.startswith("a") else os.O_TRUNC)
    if exclusive:
        flags |= os.O_EXCL
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding="utf-8")


def write_private(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` whole, owner-only (through a temporary name, then a rename:
    a reader never sees half a file)."""
    temporary = path.with_name(f".{path.name}.part")
    data = content.encode() if isinstance(content, str) else content
    with open_private(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return path


def sqlite_database(path: Path) -> None:
    """Create the SQLite file ``0600`` (its folder ``0700``) before SQLite does, so that SQLite's
    own files follow its mode; narrow an existing one and its companions."""
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        os.chmod(path, FILE_MODE)
    except FileExistsError:
        for candidate in (path, *(path.with_name(path.name + s) for s in SQLITE_COMPANIONS)):
            narrow(candidate)
